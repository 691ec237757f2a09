"""Demo events of every type and status, with their schools and role models at every step."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from app import local_time
from app.demo import data
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    Event,
    EventSchool,
    EventStatus,
    EventType,
    RequestStatus,
    RoleModel,
    RoleModelStatus,
)


def seed_events(rng, schools, role_models, requests, organizer, today) -> list[Event]:
    events: list[Event] = []
    active = [rm for rm in role_models if rm.status == RoleModelStatus.ACTIVE]
    held: dict[int, list[tuple[datetime, datetime]]] = {}  # nobody is booked twice at once
    plan = (
        [(EventStatus.DRAFT, 6), (EventStatus.SCHEDULED, 16), (EventStatus.CONFIRMED, 20),
         (EventStatus.COMPLETED, 8), (EventStatus.CANCELLED, 5)]
    )
    scheduled_requests = [r for r in requests if r.status in (RequestStatus.SCHEDULED, RequestStatus.COMPLETED)]
    for status, count in plan:
        for _ in range(count):
            event_type = rng.choices(list(EventType), weights=[2, 3, 6, 2])[0]
            request = None
            if event_type == EventType.SCHOOL_VISIT and scheduled_requests and status != EventStatus.DRAFT:
                request = scheduled_requests.pop()
                if request.status == RequestStatus.COMPLETED:
                    status_for = EventStatus.COMPLETED
                else:
                    status_for = status if status != EventStatus.COMPLETED else EventStatus.CONFIRMED
            else:
                status_for = status
            school = request.school if request else rng.choice(schools)
            if status_for == EventStatus.COMPLETED:
                day = data.school_day(rng, today - timedelta(days=40), 35)
            else:
                day = data.school_day(rng, today + timedelta(days=3), 88)
            morning = rng.random() < 0.5
            start = data.paris(day, time(9, 0) if morning else time(14, 0))
            hours = {EventType.SCHOOL_VISIT: 2, EventType.ROUNDTABLE: 2, EventType.CONFERENCE: 2,
                     EventType.DISCOVERY_HALF_DAY: 3}[event_type]
            seats = {EventType.SCHOOL_VISIT: (1, 2), EventType.ROUNDTABLE: (3, 4), EventType.CONFERENCE: (1, 3),
                     EventType.DISCOVERY_HALF_DAY: (2, 4)}[event_type]
            is_public = event_type in (EventType.CONFERENCE, EventType.DISCOVERY_HALF_DAY) and rng.random() < 0.7
            titles = {
                EventType.SCHOOL_VISIT: f"Intervention au {school.name}",
                EventType.ROUNDTABLE: f"Table ronde « Les filles et l'industrie » — {school.commune}",
                EventType.CONFERENCE: f"Conférence « L'industrie a besoin de vous » — {school.commune}",
                EventType.DISCOVERY_HALF_DAY: f"Demi-journée découverte des métiers — {school.commune}",
            }
            event = Event(
                type=event_type,
                title=titles[event_type],
                description="Rencontre avec des femmes et des hommes de l'industrie : parcours, métiers, questions.",
                status=status_for,
                start_at=start,
                end_at=start + timedelta(hours=hours),
                timezone="Indian/Reunion" if school.departement == "974" else local_time.DISPLAY_TIMEZONE,
                venue=school.name if event_type != EventType.CONFERENCE else f"Salle des fêtes de {school.commune}",
                address=f"{rng.randint(1, 120)} rue de l'Industrie",
                commune=school.commune,
                departement=school.departement,
                academie=school.academie,
                latitude=school.latitude,
                longitude=school.longitude,
                capacity=rng.choice([60, 120, 200]) if is_public else None,
                role_models_min=seats[0],
                role_models_max=seats[1],
                topics=request.topics if request else rng.sample(data.TOPICS, k=2),
                is_public=is_public,
                sequence=rng.randint(0, 2) if status_for != EventStatus.CANCELLED else rng.randint(1, 3),
                visit_request=request,
                organizer=organizer,
            )
            if status_for == EventStatus.CANCELLED:
                event.cancel_reason = "Grève des transports, reportée à une date ultérieure."
                event.cancelled_at = datetime.now(UTC) - timedelta(days=rng.randint(1, 10))
            event.schools.append(EventSchool(school=school, class_level=rng.choice(data.CLASS_LEVELS),
                                             headcount=request.headcount if request else rng.randint(20, 30),
                                             girls_count=request.girls_count if request else rng.randint(6, 15)))
            _assign(rng, event, active, held)
            events.append(event)
    db.session.add_all(events)
    return events


_ASSIGNMENT_MIX = {
    EventStatus.DRAFT: [AssignmentStatus.PROPOSED],
    EventStatus.SCHEDULED: [AssignmentStatus.PROPOSED, AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED,
                            AssignmentStatus.DECLINED],
    EventStatus.CONFIRMED: [AssignmentStatus.CONFIRMED],
    EventStatus.COMPLETED: [AssignmentStatus.CONFIRMED],
    EventStatus.CANCELLED: [AssignmentStatus.CANCELLED],
}


def _assign(rng: random.Random, event: Event, active: list[RoleModel],
            held: dict[int, list[tuple[datetime, datetime]]]) -> None:
    local = [rm for rm in active if event.departement in {d.departement for d in rm.departements}]
    pool = local if len(local) >= event.role_models_max else active
    chosen = rng.sample(pool, k=min(len(pool), rng.randint(event.role_models_min, event.role_models_max)))
    now = datetime.now(UTC)
    for rm in chosen:
        status = rng.choice(_ASSIGNMENT_MIX[event.status])
        if status in (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED):
            times = held.setdefault(id(rm), [])
            if any(start < event.end_at and event.start_at < end for start, end in times):
                continue  # the database refuses overlapping engagements (app/models/assignment.py)
            times.append((event.start_at, event.end_at))
        a = Assignment(role_model=rm, status=status, score=round(rng.uniform(0.5, 0.98), 2),
                       explanation={"reasons": ["covers_departement", "sector_match"]})
        if status != AssignmentStatus.PROPOSED:
            a.invited_at = now - timedelta(days=rng.randint(2, 12))
        if status in (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED, AssignmentStatus.DECLINED):
            a.responded_at = now - timedelta(days=1)
        if status == AssignmentStatus.CONFIRMED:
            a.confirmed_at = now - timedelta(hours=12)
        event.assignments.append(a)



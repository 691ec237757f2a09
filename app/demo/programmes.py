"""Demo programmes: a school half-day (6 tables, 6 groups, 5 rounds) and a forum des métiers
(10 tables, 9 groups, 6 rounds, a role model arriving late and a class leaving early), both
planned, so the programme page, the printed sheets and the timetables in feeds have data.

Built through the programme services while the events are drafts (nobody is emailed), then
confirmed.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from app.demo import data
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    Event,
    EventSchool,
    EventStatus,
    EventType,
    PartKind,
    RoleModel,
    RoleModelStatus,
    School,
    User,
)
from app.models.assignment import HOLDING_STATUSES
from app.services.programmes import editing, grid
from app.services.programmes.editing import GroupData, PartData, TableData


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _free(role_models: list[RoleModel], start, end) -> list[RoleModel]:
    busy = set(db.session.scalars(select(Assignment.role_model_id).where(
        Assignment.status.in_(HOLDING_STATUSES), Assignment.start_at < end, Assignment.end_at > start)))
    return [rm for rm in role_models if rm.status == RoleModelStatus.ACTIVE and rm.id not in busy]


def _event(title: str, event_type: EventType, school: School, start, hours: int, organizer: User) -> Event:
    event = Event(type=event_type, title=title, status=EventStatus.DRAFT, start_at=start,
                  end_at=start + timedelta(hours=hours), venue=school.name, address="12 avenue des Métiers",
                  commune=school.commune, departement=school.departement, academie=school.academie,
                  role_models_min=4, role_models_max=12, organizer=organizer, is_public=False,
                  description="Un programme : ouverture, tables métiers en rotation, clôture.")
    db.session.add(event)
    return event


def _engage(rng: random.Random, event: Event, free: list[RoleModel], count: int) -> list[Assignment]:
    chosen = rng.sample(free, k=min(count, len(free)))
    engaged = []
    for rm in chosen:
        assignment = Assignment(role_model=rm, status=AssignmentStatus.CONFIRMED, score=0.9,
                                start_at=event.start_at, end_at=event.end_at, explanation={"reasons": ["programme"]})
        event.assignments.append(assignment)
        engaged.append(assignment)
    db.session.flush()
    return engaged


def _tables(engaged: list[Assignment]) -> list[TableData]:
    """One table per role model, each bringing a sector of hers no other table brings yet
    (else her job title): a rotation is worth as many distinct jobs as it has tables."""
    tables, taken = [], set()
    for n, a in enumerate(engaged, start=1):
        family = next((s for s in a.role_model.sectors if s not in taken), a.role_model.job_title or f"Métier {n}")
        taken.add(family)
        tables.append(TableData(label=f"Table {n}", job_family=family[:100], assignment_ids=[a.id]))
    return tables


def seed_programmes(rng: random.Random, schools: list[School], role_models: list[RoleModel],
                    organizer: User, today: date) -> list[Event]:
    local = [s for s in schools if s.academie in ("paris", "creteil", "versailles")] or schools
    made = []

    # A school half-day: two classes, six tables, five rounds of 20 minutes.
    day = _weekday(today + timedelta(days=21))
    start = data.paris(day, time(9, 0))
    hosts = rng.sample(local, k=2)
    event = _event(f"Demi-journée découverte des métiers — {hosts[0].commune}", EventType.DISCOVERY_HALF_DAY,
                   hosts[0], start, 3, organizer)
    for school in hosts:
        event.schools.append(EventSchool(school=school, class_level=rng.choice(data.CLASS_LEVELS), headcount=27,
                                         girls_count=rng.randint(10, 15)))
    engaged = _engage(rng, event, _free(role_models, event.start_at, event.end_at), 6)
    parts = [
        PartData(PartKind.PLENARY, "Accueil et ouverture", start, start + timedelta(minutes=20)),
        PartData(PartKind.ROTATION, "Tables métiers", start + timedelta(minutes=20), start + timedelta(minutes=140),
                 round_count=5, round_minutes=20, changeover_minutes=5, tables=_tables(engaged)),
        PartData(PartKind.CLOSING, "Questions et clôture", start + timedelta(minutes=150), start + timedelta(hours=3)),
    ]
    made.append(_plan(organizer, event, parts, group_size=9))

    # A forum: three schools, ten tables, six rounds; one role model arrives for round 3, the
    # last class leaves after round 4.
    day = _weekday(today + timedelta(days=35))
    start = data.paris(day, time(9, 0))
    hosts = rng.sample(local, k=3)
    event = _event(f"Forum des métiers de l'industrie — {hosts[0].commune}", EventType.CONFERENCE, hosts[0],
                   start, 4, organizer)
    for school in hosts:
        event.schools.append(EventSchool(school=school, class_level=rng.choice(data.CLASS_LEVELS), headcount=24,
                                         girls_count=rng.randint(8, 14)))
    engaged = _engage(rng, event, _free(role_models, event.start_at, event.end_at), 10)
    tables = _tables(engaged)
    if tables:
        tables[-1].rounds = [3, 4, 5, 6]
    parts = [
        PartData(PartKind.PLENARY, "Ouverture en amphithéâtre", start, start + timedelta(minutes=40)),
        PartData(PartKind.ROTATION, "Forum : tables métiers", start + timedelta(minutes=45),
                 start + timedelta(minutes=190), round_count=6, round_minutes=20, changeover_minutes=5,
                 tables=tables),
        PartData(PartKind.BREAK, "Pause", start + timedelta(minutes=190), start + timedelta(minutes=205)),
        PartData(PartKind.VISIT, "Visite de l'atelier", start + timedelta(minutes=205), start + timedelta(minutes=235)),
        PartData(PartKind.CLOSING, "Clôture", start + timedelta(minutes=235), start + timedelta(hours=4)),
    ]
    forum = _plan(organizer, event, parts, group_size=8, leaving=hosts[-1].id)
    made.append(forum)
    return made


def _plan(organizer: User, event: Event, parts: list[PartData], *, group_size: int,
          leaving: int | None = None) -> Event:
    db.session.flush()
    editing.save_programme(organizer, event, parts)
    groups = editing.groups_from_classes(event, group_size)
    for group in groups:
        if group.school_id == leaving:
            group.rounds = [1, 2, 3, 4]
    parts = editing.programme_data(event)
    next(p for p in parts if p.kind == PartKind.ROTATION).groups = [GroupData(**g.__dict__) for g in groups]
    editing.save_programme(organizer, event, parts)
    grid.plan(organizer, event)
    event.status = EventStatus.SCHEDULED
    event.status = EventStatus.CONFIRMED
    return event

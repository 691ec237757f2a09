"""Demo schools with their contacts, and the visit requests they sent."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from app.demo import data
from app.extensions import db
from app.models import (
    ContactRole,
    Delivery,
    EducationPriority,
    EventType,
    HolidayZone,
    RequestStatus,
    RequestWindow,
    School,
    SchoolContact,
    TimeOfDay,
    VisitRequest,
)
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT
from app.reference.uai import uai_check_letter


def seed_schools(rng: random.Random) -> list[School]:
    schools: list[School] = []
    used: set[str] = set()
    departements = list(data.COMMUNES)
    for i in range(42):
        dep = departements[i % len(departements)]
        academie = ACADEMIE_BY_DEPARTEMENT[dep]
        kind, prefix = rng.choice(data.SCHOOL_KINDS)
        commune, postal = rng.choice(data.COMMUNES[dep])
        while True:
            digits = (dep.zfill(3) if len(dep) == 2 else dep) + f"{rng.randrange(10000):04d}"
            if digits not in used:
                used.add(digits)
                break
        lat, lon = data.COORDS[dep]
        schools.append(
            School(
                uai=digits + uai_check_letter(digits),
                name=f"{prefix} {rng.choice(data.PATRONS)}",
                kind=kind,
                commune=commune,
                postal_code=postal,
                departement=dep,
                academie=academie.code,
                zone=HolidayZone(academie.zone),
                priority=rng.choices(list(EducationPriority), weights=[6, 3, 1])[0],
                latitude=lat + rng.uniform(-0.05, 0.05),
                longitude=lon + rng.uniform(-0.05, 0.05),
            )
        )
    db.session.add_all(schools)
    return schools




def seed_requests(rng: random.Random, schools: list[School], today: date) -> list[VisitRequest]:
    requests: list[VisitRequest] = []
    statuses = [RequestStatus.SUBMITTED] * 10 + [RequestStatus.IN_REVIEW] * 8 + [RequestStatus.SCHEDULED] * 12 + [
        RequestStatus.COMPLETED] * 5 + [RequestStatus.DECLINED] * 3 + [RequestStatus.WITHDRAWN] * 2
    for i, status in enumerate(statuses):
        school = schools[i % len(schools)]
        contact = SchoolContact(
            school=school,
            full_name=f"{rng.choice(data.FIRST_NAMES_F + data.FIRST_NAMES_M)} {rng.choice(data.LAST_NAMES)}",
            role=rng.choice(list(ContactRole)),
            email=f"contact{i}@ac-demo.example",
        )
        headcount = rng.randint(18, 32)
        submitted = datetime.now(UTC) - timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 23))
        start = today + timedelta(days=rng.randint(7, 70))
        request = VisitRequest(
            school=school,
            contact=contact,
            format=rng.choices(list(EventType), weights=[1, 3, 6, 2])[0],
            delivery=rng.choice([Delivery.IN_PERSON, Delivery.IN_PERSON, Delivery.EITHER]),
            class_levels=rng.sample(data.CLASS_LEVELS, k=rng.randint(1, 2)),
            headcount=headcount,
            girls_count=rng.randint(headcount // 4, headcount // 2 + 2),
            topics=rng.sample(data.TOPICS, k=rng.randint(1, 3)),
            remarks=rng.choice(
                ["", "Classe très motivée par les métiers techniques.", "Salle équipée d'un vidéoprojecteur."]
            ),
            status=status,
            followup_token_hash=data.token_hash(rng),
            submitted_at=submitted,
        )
        for w in range(rng.randint(1, 3)):
            s = start + timedelta(days=14 * w)
            request.windows.append(RequestWindow(start_date=s, end_date=s + timedelta(days=rng.randint(2, 10)),
                                                 time_of_day=rng.choice(list(TimeOfDay))))
        if status == RequestStatus.DECLINED:
            request.status_reason = "Aucune marraine disponible sur ces dates."
        if status in (RequestStatus.SCHEDULED, RequestStatus.COMPLETED):
            contact.confirmed_at = submitted + timedelta(days=1)  # scheduling confirms the contact
        requests.append(request)
    db.session.add_all(requests)
    return requests



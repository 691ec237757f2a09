"""Test factories: `create_x(**overrides)` fills sensible defaults with setdefault, adds, flushes."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import UTC, datetime, time, timedelta

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    AvailabilityWindow,
    ContactRole,
    Event,
    EventStatus,
    EventType,
    HolidayZone,
    JobFamily,
    OrganizerScope,
    RequestStatus,
    RequestWindow,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    School,
    SchoolContact,
    User,
    UserRole,
    VisitRequest,
)
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT
from app.reference.uai import uai_check_letter

_counter = itertools.count(1)

PASSWORD = "correct horse battery staple"


def create_user(**kw) -> User:
    n = next(_counter)
    academies = kw.pop("academies", ["paris"])
    password = kw.pop("password", PASSWORD)
    kw.setdefault("email", f"user{n}@example.org")
    kw.setdefault("full_name", f"Utilisatrice {n}")
    kw.setdefault("role", UserRole.ORGANIZER)
    user = User(**kw)
    if password:
        user.set_password(password)
    if user.role == UserRole.ORGANIZER:
        user.scopes = [OrganizerScope(academie=a) for a in academies]
    db.session.add(user)
    db.session.flush()
    return user


def create_school(**kw) -> School:
    n = next(_counter)
    departement = kw.setdefault("departement", "75")
    academie = ACADEMIE_BY_DEPARTEMENT[departement]
    digits = (departement.zfill(3) if len(departement) == 2 else departement) + f"{n % 10000:04d}"
    kw.setdefault("uai", digits + uai_check_letter(digits))
    kw.setdefault("name", f"Collège Test {n}")
    kw.setdefault("commune", "Paris")
    kw.setdefault("academie", academie.code)
    kw.setdefault("zone", HolidayZone(academie.zone))
    school = School(**kw)
    db.session.add(school)
    db.session.flush()
    return school


def create_contact(**kw) -> SchoolContact:
    n = next(_counter)
    kw.setdefault("school", kw.get("school") or create_school())
    kw.setdefault("full_name", f"Professeure {n}")
    kw.setdefault("role", ContactRole.TEACHER)
    kw.setdefault("email", f"prof{n}@ac-paris.example")
    contact = SchoolContact(**kw)
    db.session.add(contact)
    db.session.flush()
    return contact


def create_role_model(**kw) -> RoleModel:
    n = next(_counter)
    departements = kw.pop("departements", ["75"])
    windows = kw.pop("windows", [(d, time(8), time(18)) for d in range(5)])
    if "user" not in kw:
        kw["user"] = create_user(role=UserRole.ROLE_MODEL, email=f"marraine{n}@example.org", password=None)
    kw.setdefault("first_name", f"Marraine{n}")
    kw.setdefault("last_name", "Test")
    kw.setdefault("job_title", "Technicienne de maintenance")
    kw.setdefault("job_family", JobFamily.TECHNICIAN)
    kw.setdefault("company", "Usine Test")
    kw.setdefault("sectors", ["aéronautique"])
    kw.setdefault("event_types", [t.value for t in EventType])
    kw.setdefault("status", RoleModelStatus.ACTIVE)
    rm = RoleModel(**kw)
    rm.departements = [RoleModelDepartement(departement=d) for d in departements]
    rm.windows = [AvailabilityWindow(weekday=d, start_time=s, end_time=e) for d, s, e in windows]
    db.session.add(rm)
    db.session.flush()
    return rm


def create_event(**kw) -> Event:
    n = next(_counter)
    start = kw.setdefault("start_at", datetime(2027, 3, 16, 9, 0, tzinfo=UTC))
    kw.setdefault("end_at", start + timedelta(hours=2))
    kw.setdefault("type", EventType.SCHOOL_VISIT)
    kw.setdefault("title", f"Intervention test {n}")
    kw.setdefault("status", EventStatus.SCHEDULED)
    departement = kw.setdefault("departement", "75")
    kw.setdefault("academie", ACADEMIE_BY_DEPARTEMENT[departement].code)
    event = Event(**kw)
    db.session.add(event)
    db.session.flush()
    return event


def create_request(**kw) -> tuple[VisitRequest, str]:
    """A visit request and its follow-up token (only the hash is stored)."""
    windows = kw.pop("windows", None)
    school = kw.setdefault("school", create_school())
    kw.setdefault("contact", create_contact(school=school))
    kw.setdefault("format", EventType.SCHOOL_VISIT)
    kw.setdefault("class_levels", ["4e"])
    kw.setdefault("headcount", 28)
    kw.setdefault("girls_count", 13)
    kw.setdefault("status", RequestStatus.SUBMITTED)
    token = secrets.token_urlsafe(24)
    kw.setdefault("followup_token_hash", hashlib.sha256(token.encode()).hexdigest())
    request = VisitRequest(**kw)
    for start, end in windows or []:
        request.windows.append(RequestWindow(start_date=start, end_date=end))
    db.session.add(request)
    db.session.flush()
    return request, token


def create_assignment(**kw) -> Assignment:
    kw.setdefault("event", kw.get("event") or create_event())
    kw.setdefault("role_model", kw.get("role_model") or create_role_model())
    kw.setdefault("status", AssignmentStatus.PROPOSED)
    assignment = Assignment(**kw)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def create_role_model_feed(title: str = "Intervention du jour") -> tuple[str, Event]:
    """A role model confirmed on one event, and the path of her feed (not committed)."""
    from app.feeds import tokens
    from app.models import FeedKind

    marraine = create_role_model()
    event = create_event(title=title)
    create_assignment(event=event, role_model=marraine, status=AssignmentStatus.CONFIRMED,
                      invited_at=datetime.now(UTC))
    token = tokens.issue(FeedKind.ROLE_MODEL, user=marraine.user)
    return f"/feeds/role-models/{token}.ics", event

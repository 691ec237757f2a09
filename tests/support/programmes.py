"""A discovery half-day with four role models and two classes, and its programme as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import AssignmentStatus, EventSchool, EventType, PartKind
from app.services.programmes.editing import PartData, TableData
from tests.support import factories

START = datetime(2027, 3, 16, 8, 0, tzinfo=UTC)  # 9:00 in Paris


def half_day(organizer=None, *, jobs=("Soudure", "Maintenance", "Qualité", "Logistique")):
    """The event (scheduled, 8:00–11:00 UTC), its engaged assignments and two schools."""
    event = factories.create_event(type=EventType.DISCOVERY_HALF_DAY, title="Demi-journée découverte",
                                   start_at=START, end_at=START + timedelta(hours=3), organizer=organizer,
                                   role_models_max=len(jobs))
    assignments = []
    for n, job in enumerate(jobs):
        rm = factories.create_role_model(first_name=f"Marraine{n}", job_title=f"Technicienne {job}", sectors=[job])
        assignments.append(factories.create_assignment(event=event, role_model=rm, status=AssignmentStatus.CONFIRMED,
                                                       invited_at=START - timedelta(days=20)))
    schools = [factories.create_school(name="Collège Jean Moulin"), factories.create_school(name="Collège Curie")]
    event.schools.append(EventSchool(school=schools[0], class_level="4e", headcount=28))
    event.schools.append(EventSchool(school=schools[1], class_level="3e", headcount=24))
    db.session.flush()
    return event, assignments, schools


def parts(assignments, *, rounds=4) -> list[PartData]:
    """Plenary 9:00–9:30, four rounds of 25 minutes (5 to change) from 9:30, closing 11:30."""
    return [
        PartData(PartKind.PLENARY, "Ouverture", START, START + timedelta(minutes=30)),
        PartData(PartKind.ROTATION, "Tables métiers", START + timedelta(minutes=30), START + timedelta(minutes=150),
                 round_count=rounds, round_minutes=25, changeover_minutes=5, group_size=14,
                 tables=[TableData(f"Table {n + 1}", a.role_model.sectors[0], assignment_ids=[a.id])
                         for n, a in enumerate(assignments)]),
        PartData(PartKind.CLOSING, "Clôture", START + timedelta(minutes=150), START + timedelta(minutes=180)),
    ]

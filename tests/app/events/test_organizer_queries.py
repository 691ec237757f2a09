"""The dashboard and list pages run the same number of SQL statements whatever the data size:
no query per row (N+1) hides in a service or a template."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from app.extensions import db as _db
from app.models import (
    AssignmentStatus,
    BusyInterval,
    EmailStatus,
    ExternalCalendar,
    OutboxEmail,
    RequestStatus,
    RoleModelStatus,
)
from app.models.types import utcnow
from tests.support import factories

PAGES = [
    "/organisation/",
    "/organisation/demandes?statut=all",
    "/organisation/evenements?du={first}&au={last}",
    "/organisation/evenements/semaine?date={first}",
    "/organisation/evenements/mois?date={first}",
    "/organisation/intervenants",
    "/organisation/intervenants/candidatures",
    "/organisation/courriels",
    "/organisation/planification?start={first}&end={last}",
]


def _seed(size: int, start: datetime) -> None:
    """`size` of everything the pages show, spread over the week after `start`."""
    role_models = [factories.create_role_model(departements=["75", "92"], sectors=["chimie"]) for _ in range(size)]
    for i in range(size):
        school = factories.create_school()
        factories.create_request(school=school, windows=[(start.date(), start.date() + timedelta(days=6))],
                                 status=RequestStatus.SUBMITTED if i % 2 else RequestStatus.IN_REVIEW)
        event = factories.create_event(start_at=start + timedelta(days=i % 6, hours=i % 5), role_models_min=2,
                                       role_models_max=3)
        _db.session.add(OutboxEmail(to_address=f"p{i}@example.org", subject="Sujet", body_text="…", event_id=event.id,
                                    status=EmailStatus.FAILED if i % 3 == 0 else EmailStatus.SENT))
        for j, status in enumerate((AssignmentStatus.CONFIRMED, AssignmentStatus.INVITED, AssignmentStatus.PROPOSED)):
            rm = role_models[(i + j) % size]
            factories.create_assignment(event=event, role_model=rm, status=status, score=0.5,
                                        invited_at=(utcnow() - timedelta(days=9)
                                                    if status != AssignmentStatus.PROPOSED else None))
        factories.create_assignment(event=event, role_model=factories.create_role_model(departements=["75"]),
                                    status=AssignmentStatus.ACCEPTED, invited_at=utcnow() - timedelta(days=2),
                                    responded_at=utcnow() - timedelta(days=1))
        factories.create_role_model(departements=["75"], status=RoleModelStatus.PENDING)  # an application
        calendar = ExternalCalendar(role_model=role_models[i], url=f"https://example.org/{i}.ics")
        _db.session.add(calendar)
        _db.session.add(BusyInterval(calendar=calendar, role_model_id=role_models[i].id,
                                     start_at=event.start_at - timedelta(minutes=30),
                                     end_at=event.start_at + timedelta(hours=1)))
    _db.session.flush()


def _count_statements(client, url: str) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = _db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(statements)


@pytest.fixture
def counts_for(app, db, client, auth):
    factories.create_user(email="claire@example.org", academies=["paris", "versailles"])
    auth.login("claire@example.org")
    start = datetime.combine(date.today() + timedelta(days=1), datetime.min.time()).astimezone()
    first, last = start.date().isoformat(), (start.date() + timedelta(days=7)).isoformat()
    seeded = 0

    def counts(size: int) -> dict[str, int]:
        nonlocal seeded
        _seed(size - seeded, start)
        seeded = size
        return {url: _count_statements(client, url.format(first=first, last=last)) for url in PAGES}

    return counts


def test_pages_run_a_bounded_number_of_queries(counts_for):
    small = counts_for(3)
    large = counts_for(25)
    assert small == large
    assert max(small.values()) <= 15, small


def test_the_seeded_data_is_really_on_the_pages(client, counts_for):
    counts_for(4)
    week = client.get("/organisation/evenements/semaine").get_data(as_text=True)
    dashboard = client.get("/organisation/").get_data(as_text=True)
    next_week = client.get(
        "/organisation/evenements/semaine?date=" + (date.today() + timedelta(days=7)).isoformat()
    ).get_data(as_text=True)
    assert week.count('class="chip') + next_week.count('class="chip') >= 4
    assert "Conflits d'agenda détectés" in dashboard and "occupé·e dans son agenda" in dashboard
    assert "depuis plus de 3 jours" in dashboard and "invitation envoyée le" in dashboard
    assert "a accepté — à confirmer" in dashboard and "candidatures à examiner" in dashboard
    assert "courriels n'ont pas pu être envoyés" in dashboard

"""No double booking, under real concurrency, on every backend: 50 threads answer invitations
through the web at the same moment (real commits, each request its own connection).

- One role model invited to 50 overlapping events accepts them all at once: exactly one
  acceptance holds, the other 49 get a clean 409 page saying why.
- 50 role models accept the last seats of one event at once: exactly as many as there are
  seats get in, the others get a clean 409 page.

On PostgreSQL the exclusion constraint and the event row lock decide; on SQLite the writes are
serialized. Either way nobody sees a 500, and the database holds no double booking.
"""

from __future__ import annotations

import html
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Assignment, AssignmentStatus, Event, EventStatus
from app.services.pairing import answer_links
from tests.app.conftest import csrf_token_from
from tests.support import factories

THREADS = 50
START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


def _answer_all(app, tokens: list[str]) -> list[tuple[int, str]]:
    """Every token's accept page is opened, then all are posted at the same moment."""
    barrier = threading.Barrier(len(tokens), timeout=60)

    def answer(token: str) -> tuple[int, str]:
        client = app.test_client()
        # 50 people, 50 addresses: the answer links' rate limit counts per address.
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{tokens.index(token) + 1}"
        path = f"/espace/reponse/{token}/accept"
        page = client.get(path)
        assert page.status_code == 200, page.text
        csrf = csrf_token_from(page.text)
        barrier.wait()
        response = client.post(path, data={"csrf_token": csrf, "despite_clashes": "1"})
        return response.status_code, html.unescape(response.text)

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(answer, tokens))


def _holding_overlaps() -> int:
    """Pairs of accepted/confirmed participations of one person whose events overlap."""
    a, b = db.aliased(Assignment), db.aliased(Assignment)
    ea, eb = db.aliased(Event), db.aliased(Event)
    holding = (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)
    query = (
        select(func.count())
        .select_from(a)
        .join(b, (a.role_model_id == b.role_model_id) & (a.id < b.id))
        .join(ea, ea.id == a.event_id)
        .join(eb, eb.id == b.event_id)
        .where(a.status.in_(holding), b.status.in_(holding), ea.start_at < eb.end_at, eb.start_at < ea.end_at)
    )
    return db.session.scalar(query)


def test_one_person_accepting_fifty_overlapping_events_at_once_gets_exactly_one(app, committed_db):
    role_model = factories.create_role_model()
    invited = []
    for i in range(THREADS):
        start = START + timedelta(minutes=i)  # all within 50 minutes: every pair overlaps
        event = factories.create_event(start_at=start, end_at=start + timedelta(hours=2), role_models_max=2)
        invited.append(factories.create_assignment(event=event, role_model=role_model,
                                                   status=AssignmentStatus.INVITED, invited_at=START))
    tokens = [answer_links.answer_token(a) for a in invited]
    db.session.commit()

    results = _answer_all(app, tokens)

    statuses = sorted(code for code, _ in results)
    assert statuses == [200] + [409] * (THREADS - 1)
    refusals = [body for code, body in results if code == 409]
    assert all("déjà engagé·e" in body or "vient d'être engagée" in body for body in refusals)
    db.session.expire_all()
    accepted = db.session.scalars(select(Assignment).where(Assignment.status == AssignmentStatus.ACCEPTED)).all()
    assert len(accepted) == 1
    assert _holding_overlaps() == 0


def test_fifty_people_racing_for_the_last_seats_fill_them_exactly(app, committed_db):
    seats = 3
    event = factories.create_event(role_models_max=seats + 1, status=EventStatus.SCHEDULED)
    factories.create_assignment(event=event, status=AssignmentStatus.CONFIRMED)  # one seat already taken
    invited = [factories.create_assignment(event=event, status=AssignmentStatus.INVITED, invited_at=START)
               for _ in range(THREADS)]
    tokens = [answer_links.answer_token(a) for a in invited]
    db.session.commit()

    results = _answer_all(app, tokens)

    statuses = sorted(code for code, _ in results)
    assert statuses == [200] * seats + [409] * (THREADS - seats)
    assert all("complet" in body for code, body in results if code == 409)
    db.session.expire_all()
    holding = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.event_id == event.id,
        Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED))))
    assert holding == seats + 1


def test_the_database_itself_refuses_an_overlap_on_postgresql(backend, db, create_event, create_role_model):
    """Even a write that skips the services cannot double-book someone on PostgreSQL."""
    if backend != "postgresql":
        pytest.skip("SQLite has no exclusion constraints: its writes are serialized instead")
    role_model = create_role_model()
    first, second = create_event(), create_event(start_at=START + timedelta(hours=1))
    table = Assignment.__table__
    row = {"role_model_id": role_model.id, "status": "confirmed", "explanation": {}, "link_version": 1,
           "proposed_at": START, "updated_at": START}
    db.session.execute(table.insert(), [{**row, "event_id": first.id, "start_at": first.start_at,
                                         "end_at": first.end_at}])
    with pytest.raises(IntegrityError, match="ex_assignments_role_model_overlap"), db.session.begin_nested():
        db.session.execute(table.insert(), [{**row, "event_id": second.id, "start_at": second.start_at,
                                             "end_at": second.end_at}])


def test_a_holding_row_without_its_times_is_refused_everywhere(db, create_event, create_role_model):
    role_model, event = create_role_model(), create_event()
    row = {"role_model_id": role_model.id, "event_id": event.id, "status": "accepted", "explanation": {},
           "link_version": 1, "proposed_at": START, "updated_at": START}
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(Assignment.__table__.insert(), [row])


# --- an event that moves takes its participations along ----------------------------------------


@pytest.fixture
def two_engagements(db, create_user, create_event, create_role_model, create_assignment):
    """One role model confirmed on two events of the same day, 09:00–11:00 and 14:00–16:00."""
    organizer = create_user(email="orga.resched@example.org")
    role_model = create_role_model()
    morning = create_event(organizer=organizer, start_at=START, end_at=START + timedelta(hours=2))
    afternoon = create_event(organizer=organizer, start_at=START + timedelta(hours=5),
                             end_at=START + timedelta(hours=7), title="Table ronde de l'après-midi")
    for event in (morning, afternoon):
        create_assignment(event=event, role_model=role_model, status=AssignmentStatus.CONFIRMED)
    return organizer, morning, afternoon


def test_a_reschedule_onto_another_engagement_is_a_clean_409_in_the_api(client, db, two_engagements):
    from tests.support.api import assert_problem, bearer

    organizer, morning, afternoon = two_engagements
    headers = bearer(organizer)
    db.session.flush()
    response = client.post(f"/api/v1/events/{morning.id}/reschedule", headers=headers,
                           json={"start_at": "2027-03-16T14:30:00+00:00", "end_at": "2027-03-16T15:30:00+00:00"})
    body = assert_problem(response, 409, "double_booking")
    assert "Table ronde de l'après-midi" in body["detail"]
    db.session.refresh(morning)
    assert morning.start_at == START  # nothing moved
    assert {a.start_at for a in morning.assignments} == {START}


def test_a_reschedule_onto_another_engagement_is_refused_on_the_page(client, db, auth, two_engagements):
    organizer, morning, _afternoon = two_engagements
    auth.login(organizer.email)
    page = client.get(f"/organisation/evenements/{morning.id}")
    token = csrf_token_from(page.text)
    response = client.post(f"/organisation/evenements/{morning.id}/deplacer", data={
        "csrf_token": token, "move-day": "2027-03-16", "move-start_time": "15:00", "move-end_time": "16:30"})
    assert response.status_code == 409
    assert "chevauche un autre engagement" in html.unescape(response.text)


def test_a_free_reschedule_moves_the_participations_times(client, db, two_engagements):
    from tests.support.api import bearer

    organizer, morning, _afternoon = two_engagements
    headers = bearer(organizer)
    response = client.post(f"/api/v1/events/{morning.id}/reschedule", headers=headers,
                           json={"start_at": "2027-03-17T09:00:00+00:00", "end_at": "2027-03-17T11:00:00+00:00"})
    assert response.status_code == 200, response.text
    db.session.refresh(morning)
    [assignment] = morning.assignments
    db.session.refresh(assignment)
    assert (assignment.start_at, assignment.end_at) == (morning.start_at, morning.end_at)


def test_a_reschedule_racing_an_acceptance_lets_only_one_through(app, committed_db):
    """The organizer moves event A onto event B's time while the same person accepts B."""
    organizer = factories.create_user(email="orga.race@example.org")
    role_model = factories.create_role_model()
    a = factories.create_event(organizer=organizer, start_at=START, end_at=START + timedelta(hours=2))
    b = factories.create_event(organizer=organizer, start_at=START + timedelta(hours=4),
                               end_at=START + timedelta(hours=6))
    factories.create_assignment(event=a, role_model=role_model, status=AssignmentStatus.CONFIRMED)
    invited = factories.create_assignment(event=b, role_model=role_model, status=AssignmentStatus.INVITED,
                                          invited_at=START)
    from app.services.accounts import api_tokens

    _token, secret = api_tokens.create(organizer, name="race")
    answer = answer_links.answer_token(invited)
    move_path = f"/api/v1/events/{a.id}/reschedule"
    db.session.commit()
    barrier = threading.Barrier(2, timeout=30)

    def reschedule():
        client = app.test_client()
        barrier.wait()
        return client.post(move_path, headers={"Authorization": f"Bearer {secret}"},
                           json={"start_at": "2027-03-16T13:00:00+00:00", "end_at": "2027-03-16T15:00:00+00:00"})

    def accept():
        client = app.test_client()
        path = f"/espace/reponse/{answer}/accept"
        csrf = csrf_token_from(client.get(path).text)
        barrier.wait()
        return client.post(path, data={"csrf_token": csrf})

    with ThreadPoolExecutor(max_workers=2) as pool:
        moved, accepted = pool.submit(reschedule), pool.submit(accept)
        codes = sorted([moved.result().status_code, accepted.result().status_code])
    # Accepting first: the move is refused (the person already gave that time). Moving first:
    # the person is asked again for A's new time (no longer holds it), so B's yes goes through.
    assert codes in ([200, 409], [200, 200])
    db.session.expire_all()
    assert _holding_overlaps() == 0


def test_the_migration_creates_the_constraint_as_create_all_does(backend, tmp_path):
    """`flask db upgrade` (production) and `db.create_all()` (these tests) build the same guard."""
    if backend != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.models.assignment import NO_OVERLAP_CONSTRAINT
    from config import TestConfig
    from tests.support.databases import fresh_database

    with fresh_database(backend, tmp_path) as url:
        migrated = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        with migrated.app_context():
            upgrade()
            with db.engine.connect() as conn:
                names = conn.scalars(text("SELECT conname FROM pg_constraint WHERE conrelid = "
                                          "'assignments'::regclass AND contype = 'x'")).all()
            db.engine.dispose()
    assert names == [NO_OVERLAP_CONSTRAINT]

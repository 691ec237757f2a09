"""The database itself refuses bad rows, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.models import Assignment, Event, FeedKind, FeedToken, School


def _fails(db, statement, **params):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(text(statement), params)


def test_duplicate_uai_is_refused(db, create_school):
    school = create_school()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            create_school(uai=school.uai)


def test_event_ending_before_it_starts_is_refused(db, create_event):
    start = datetime(2027, 1, 12, 9, tzinfo=UTC)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            create_event(start_at=start, end_at=start - timedelta(hours=1))


def test_event_ending_when_it_starts_is_refused(db, create_event):
    start = datetime(2027, 1, 12, 9, tzinfo=UTC)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            create_event(start_at=start, end_at=start)


def test_unknown_status_is_refused_by_the_database(db, create_event):
    event = create_event()
    _fails(db, "UPDATE events SET status = 'postponed' WHERE id = :id", id=event.id)


def test_unknown_event_type_is_refused_by_the_database(db, create_event):
    event = create_event()
    _fails(db, "UPDATE events SET type = 'party' WHERE id = :id", id=event.id)


def test_role_model_range_is_checked(db, create_event):
    event = create_event()
    _fails(db, "UPDATE events SET role_models_min = 3, role_models_max = 2 WHERE id = :id", id=event.id)


def test_girls_cannot_outnumber_the_class(db, create_request):
    request, _ = create_request()
    _fails(db, "UPDATE visit_requests SET girls_count = headcount + 1 WHERE id = :id", id=request.id)


def test_one_assignment_per_role_model_and_event(db, create_assignment):
    first = create_assignment()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Assignment(event=first.event, role_model=first.role_model))
            db.session.flush()


def test_feed_token_needs_exactly_one_owner(db, create_school, create_user):
    school = create_school()
    user = create_user()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(FeedToken(token_hash="a" * 64, kind=FeedKind.SCHOOL, school_id=school.id, user_id=user.id))
            db.session.flush()


def test_deleting_an_event_deletes_its_assignments(db, create_assignment):
    assignment = create_assignment()
    event_id = assignment.event_id
    db.session.execute(text("DELETE FROM events WHERE id = :id"), {"id": event_id})
    db.session.expire_all()
    assert db.session.execute(text("SELECT count(*) FROM assignments WHERE event_id = :id"),
                              {"id": event_id}).scalar() == 0


def test_a_school_with_requests_cannot_be_deleted(db, create_request):
    request, _ = create_request()
    _fails(db, "DELETE FROM schools WHERE id = :id", id=request.school_id)


def test_deleting_a_user_keeps_the_events_they_organized(db, create_user, create_event):
    user = create_user()
    event = create_event(organizer=user)
    db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    db.session.expire_all()
    assert db.session.get(Event, event.id).organizer_id is None


def test_instants_come_back_aware_and_in_utc(db, create_event):
    from zoneinfo import ZoneInfo

    start = datetime(2027, 3, 28, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # the day clocks go forward
    event = create_event(start_at=start, end_at=start + timedelta(hours=2))
    db.session.expire_all()
    loaded = db.session.get(Event, event.id)
    assert loaded.start_at.tzinfo is not None
    assert loaded.start_at == start
    assert loaded.start_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(db, create_event):
    with pytest.raises(Exception, match="naive"):
        with db.session.begin_nested():
            create_event(start_at=datetime(2027, 1, 1, 9), end_at=datetime(2027, 1, 1, 11))


def test_uai_length_is_checked(db):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(School(uai="123", name="x", commune="x", departement="75", academie="paris", zone="C"))
            db.session.flush()

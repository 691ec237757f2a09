"""Faults of a role model's own calendar server, against a real local HTTP server
(pytest-httpserver): it hangs, it answers garbage, it answers 50 MB. The sync gives up in
bounded time and memory, keeps the last good busy times, records why and backs off; the job
goes on with the other calendars.

The other external part, SMTP, is covered where it lives: tests/app/mail/test_outbox_smtp.py (server
down, then back: nothing lost, retries with backoff) and tests/app/mail/test_outbox_race.py.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug import Response

from app.extensions import db
from app.models import ExternalCalendar, UserRole
from app.services.role_models import calendar_sync

DATA = Path(__file__).parents[1] / "data" / "calendars"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture
def app_config():
    return {"CALENDAR_FETCH_ALLOW_LOOPBACK": True, "CALENDAR_FETCH_READ_TIMEOUT": 0.5,
            "CALENDAR_FETCH_TOTAL_TIMEOUT": 2.0}


@pytest.fixture
def owner(create_user, create_role_model):
    user = create_user(role=UserRole.ROLE_MODEL, email="claire.faults@example.org", password=None)
    return create_role_model(user=user)


@pytest.fixture
def calendar(db, httpserver, owner):
    """A calendar that synced once, with busy times to keep."""
    httpserver.expect_ordered_request("/me.ics").respond_with_data(
        (DATA / "outlook.ics").read_bytes(), content_type="text/calendar")
    calendar = calendar_sync.connect(owner.user, owner, httpserver.url_for("/me.ics"), now=NOW)
    return calendar


def _busy(calendar: ExternalCalendar):
    from sqlalchemy import select

    from app.models import BusyInterval

    return db.session.scalars(select(BusyInterval.start_at).where(BusyInterval.calendar_id == calendar.id)).all()


def _assert_kept_and_backed_off(calendar, before, code: str, at: datetime) -> None:
    assert _busy(calendar) == before and before
    assert calendar.last_error_code == code and calendar.failure_count == 1
    assert calendar.next_sync_at > at + timedelta(minutes=5)


def test_a_server_that_hangs_is_given_up_on_in_bounded_time(calendar, httpserver):
    before = _busy(calendar)
    released = threading.Event()

    def hang(request):
        released.wait(5)  # longer than the 0.5 s read timeout; released at the end of the test
        return Response("BEGIN:VCALENDAR", content_type="text/calendar")

    httpserver.expect_ordered_request("/me.ics").respond_with_handler(hang)
    later = NOW + timedelta(hours=3)
    try:
        outcome = calendar_sync.sync(calendar, now=later)
    finally:
        released.set()
    assert outcome.error_code == "fetch_timeout"
    _assert_kept_and_backed_off(calendar, before, "fetch_timeout", later)
    assert "répondu à temps" in calendar_sync.message_for(outcome.error_code)


def test_garbage_keeps_the_last_good_busy_times(calendar, httpserver):
    before = _busy(calendar)
    httpserver.expect_ordered_request("/me.ics").respond_with_data(os.urandom(64 * 1024),
                                                                   content_type="text/calendar")
    later = NOW + timedelta(hours=3)
    outcome = calendar_sync.sync(calendar, now=later)
    assert outcome.error_code in ("invalid_calendar", "not_a_calendar")
    _assert_kept_and_backed_off(calendar, before, outcome.error_code, later)


def test_fifty_megabytes_are_cut_off_at_the_limit(calendar, httpserver):
    before = _busy(calendar)
    sent = []

    def huge(request):
        chunk = b"BEGIN:VEVENT\r\nSUMMARY:" + b"x" * 65000 + b"\r\nEND:VEVENT\r\n"

        def body():
            total = 0
            while total < FIFTY_MB:
                total += len(chunk)
                sent.append(len(chunk))
                yield chunk

        return Response(body(), content_type="text/calendar", headers={"Content-Length": str(FIFTY_MB)})

    httpserver.expect_ordered_request("/me.ics").respond_with_handler(huge)
    later = NOW + timedelta(hours=3)
    outcome = calendar_sync.sync(calendar, now=later)
    assert outcome.error_code == "response_too_large"
    _assert_kept_and_backed_off(calendar, before, "response_too_large", later)
    assert sum(sent) < FIFTY_MB  # the download stopped early (at the Content-Length or at 10 MB read)


def test_one_bad_server_does_not_stop_the_job_for_the_others(db, httpserver, owner, create_role_model, create_user):
    good = ExternalCalendar(role_model=owner, url=httpserver.url_for("/good.ics"), next_sync_at=NOW)
    other = create_role_model(user=create_user(role=UserRole.ROLE_MODEL, email="x.faults@example.org",
                                               password=None))
    bad = ExternalCalendar(role_model=other, url=httpserver.url_for("/bad.ics"), next_sync_at=NOW)
    db.session.add_all([good, bad])
    db.session.flush()
    httpserver.expect_request("/bad.ics").respond_with_data(os.urandom(2048), content_type="text/calendar")
    httpserver.expect_request("/good.ics").respond_with_data((DATA / "outlook.ics").read_bytes(),
                                                             content_type="text/calendar")
    counts = calendar_sync.sync_due_calendars(now=NOW)
    assert counts["failed"] == 1 and counts["synced"] == 1
    db.session.refresh(bad), db.session.refresh(good)
    assert bad.last_error_code is not None and good.last_error_code is None and _busy(good)

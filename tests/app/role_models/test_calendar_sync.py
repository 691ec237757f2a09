"""A role model's own calendar, fetched from a real local HTTP server (pytest-httpserver):
Google-, Outlook- and Apple-shaped feeds, conditional GET, failures that keep the last good
data, and unsafe URLs refused with a clear French message."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug import Response

from app.models import BusyInterval, ExternalCalendar
from app.services.common.errors import Invalid
from app.services.role_models import calendar_sync
from calendars import ALL_ERRORS

DATA = Path(__file__).parents[1] / "data" / "calendars"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"CALENDAR_FETCH_ALLOW_LOOPBACK": True}


@pytest.fixture
def owner(create_user, create_role_model):
    from app.models import UserRole

    user = create_user(role=UserRole.ROLE_MODEL, email="claire.martin@example.org", password=None)
    return create_role_model(user=user)


def serve(httpserver, name: str, path: str | None = None, **headers) -> str:
    path = path or f"/{name}.ics"
    httpserver.expect_request(path).respond_with_data(
        (DATA / f"{name}.ics").read_bytes(), content_type="text/calendar; charset=utf-8", headers=headers)
    return httpserver.url_for(path)


def busy(calendar) -> list[tuple[datetime, datetime]]:
    from app.extensions import db

    return [(b.start_at, b.end_at) for b in db.session.scalars(
        select(BusyInterval).where(BusyInterval.calendar_id == calendar.id).order_by(BusyInterval.start_at))]


def test_google_secret_address_feed(db, httpserver, owner):
    calendar = calendar_sync.connect(owner.user, owner, serve(httpserver, "google"), now=NOW)
    assert busy(calendar) == [
        (utc(2026, 3, 16, 9), utc(2026, 3, 16, 10)),
        # the meeting the owner declined (their address is in X-WR-CALNAME) is not busy
        (utc(2026, 3, 19, 23), utc(2026, 3, 20, 23)),  # all-day, in Paris time
        (utc(2026, 3, 23, 9), utc(2026, 3, 23, 10)),
        # X-WR-TIMEZONE: the series is 10:00 in Paris, so 08:00 UTC once summer time starts
        (utc(2026, 3, 30, 8), utc(2026, 3, 30, 9)),
    ]
    assert calendar.last_success_at == NOW and calendar.last_error_code is None
    assert calendar.next_sync_at > NOW


def test_outlook_published_calendar_with_windows_zone_names(db, httpserver, owner):
    calendar = calendar_sync.connect(owner.user, owner, serve(httpserver, "outlook"), now=NOW)
    assert busy(calendar) == [
        (utc(2026, 3, 23, 9), utc(2026, 3, 23, 10)),  # 10:00 Romance Standard Time, winter
        (utc(2026, 3, 25, 13), utc(2026, 3, 25, 14)),  # out of office counts as busy
        # the FREE slot on 26 March is not busy
        (utc(2026, 3, 30, 8), utc(2026, 3, 30, 9)),  # summer time from 29 March
        (utc(2026, 4, 6, 8), utc(2026, 4, 6, 9)),
        (utc(2026, 4, 13, 8), utc(2026, 4, 13, 9)),
    ]


def test_apple_icloud_public_calendar(db, httpserver, owner):
    url = serve(httpserver, "apple").replace("http://", "webcal://")  # as iCloud gives it
    with pytest.raises(Invalid):
        # webcal is read as https, which this plain local server does not speak
        calendar_sync.connect(owner.user, owner, url, now=NOW)
    calendar = calendar_sync.connect(owner.user, owner, serve(httpserver, "apple"), now=NOW)
    assert busy(calendar) == [
        (utc(2026, 4, 2, 12), utc(2026, 4, 2, 14)),
        (utc(2026, 4, 9, 22), utc(2026, 4, 10, 22)),  # all-day "Congé"
        # transparent and cancelled events are not busy
    ]


def test_not_modified_keeps_rows_and_sends_validators(db, httpserver, owner):
    path = "/conditional.ics"
    httpserver.expect_ordered_request(path).respond_with_data(
        (DATA / "google.ics").read_bytes(), content_type="text/calendar",
        headers={"ETag": '"v1"', "Last-Modified": "Sun, 01 Mar 2026 00:00:00 GMT"})
    calendar = calendar_sync.connect(owner.user, owner, httpserver.url_for(path), now=NOW)
    before = busy(calendar)
    assert calendar.etag == '"v1"'

    seen = {}

    def not_modified(request):
        seen.update(request.headers)
        return Response(status=304, headers={"ETag": '"v1"'})

    httpserver.expect_ordered_request(path).respond_with_handler(not_modified)
    outcome = calendar_sync.sync(calendar, now=NOW + timedelta(hours=2))
    assert outcome.not_modified
    assert seen["If-None-Match"] == '"v1"' and seen["If-Modified-Since"] == "Sun, 01 Mar 2026 00:00:00 GMT"
    assert busy(calendar) == before
    assert calendar.last_success_at == NOW + timedelta(hours=2)
    assert calendar.last_changed_at == NOW  # the window was built then


def test_validators_dropped_once_a_day_so_the_window_moves_on(db, httpserver, owner):
    path = "/daily.ics"
    httpserver.expect_request(path).respond_with_data((DATA / "google.ics").read_bytes(), headers={"ETag": '"v1"'})
    calendar = calendar_sync.connect(owner.user, owner, httpserver.url_for(path), now=NOW)
    request = calendar_sync._request_for(calendar, NOW + calendar_sync.REBUILD_EVERY + timedelta(minutes=1))
    assert request.etag is None and request.last_modified is None


def test_failure_keeps_the_previous_busy_data_and_backs_off(db, httpserver, owner):
    path = "/flaky.ics"
    httpserver.expect_ordered_request(path).respond_with_data((DATA / "outlook.ics").read_bytes())
    calendar = calendar_sync.connect(owner.user, owner, httpserver.url_for(path), now=NOW)
    before = busy(calendar)
    assert before

    httpserver.expect_ordered_request(path).respond_with_data("Service Unavailable", status=503)
    later = NOW + timedelta(hours=3)
    outcome = calendar_sync.sync(calendar, now=later)
    assert outcome.error_code == "http_error"
    assert busy(calendar) == before
    assert calendar.failure_count == 1 and calendar.last_error_code == "http_error"
    assert calendar.last_success_at == NOW
    first_delay = calendar.next_sync_at - later
    assert timedelta(minutes=7) < first_delay < timedelta(minutes=13)

    # A truncated body (the server died mid-answer): unreadable, still nothing lost.
    body = (DATA / "outlook.ics").read_bytes()
    httpserver.expect_ordered_request(path).respond_with_data(body[: len(body) // 2])
    outcome = calendar_sync.sync(calendar, now=later + timedelta(hours=1))
    assert outcome.error_code == "invalid_calendar"
    assert busy(calendar) == before and calendar.failure_count == 2
    assert calendar.next_sync_at - (later + timedelta(hours=1)) > first_delay * 1.3

    # An HTML login page instead of a calendar.
    httpserver.expect_ordered_request(path).respond_with_data("<html>Sign in</html>", content_type="text/html")
    assert calendar_sync.sync(calendar, now=later + timedelta(hours=2)).error_code == "not_a_calendar"
    assert busy(calendar) == before

    # Back to normal: the error is cleared and the counter reset.
    httpserver.expect_ordered_request(path).respond_with_data(body)
    assert calendar_sync.sync(calendar, now=later + timedelta(hours=3)).error_code is None
    assert calendar.failure_count == 0 and calendar.last_error_code is None


def test_backoff_grows_and_is_capped():
    delays = [calendar_sync.backoff(n) for n in range(1, 15)]
    assert timedelta(minutes=8) <= delays[0] <= timedelta(minutes=12)
    assert all(d <= calendar_sync.BACKOFF_MAX * 1.2 for d in delays)
    assert delays[-1] >= calendar_sync.BACKOFF_MAX * 0.8


@pytest.mark.parametrize(("url", "code", "words"), [
    ("http://169.254.169.254/latest/meta-data/", "forbidden_address", "réseau privé"),
    ("http://10.0.0.7/cal.ics", "forbidden_address", "réseau privé"),
    ("http://[fd00::1]/cal.ics", "forbidden_address", "réseau privé"),
    ("ftp://example.org/cal.ics", "unsupported_scheme", "https://"),
    ("https://alice:secret@calendar.example.org/cal.ics", "credentials_in_url", "mot de passe"),
    ("https:///nohost", "invalid_url", "pas une adresse web valide"),
    ("file:///etc/passwd", "unsupported_scheme", "https://"),
])
def test_unsafe_urls_are_refused_with_the_right_message(db, owner, url, code, words):
    with pytest.raises(Invalid) as refused:
        calendar_sync.connect(owner.user, owner, url, now=NOW)
    message = str(refused.value.fields["url"])
    assert words in message
    assert message == calendar_sync.message_for(code)
    assert "Error" not in message and "169.254" not in message  # never the raw exception
    assert db.session.scalars(select(ExternalCalendar)).all() == []


def test_loopback_is_refused_unless_tests_allow_it(db, app, httpserver, owner):
    app.config["CALENDAR_FETCH_ALLOW_LOOPBACK"] = False
    with pytest.raises(Invalid) as refused:
        calendar_sync.connect(owner.user, owner, serve(httpserver, "google"), now=NOW)
    assert refused.value.fields["url"] == calendar_sync.message_for("forbidden_address")


def test_every_calendars_error_code_has_a_french_message():
    for error in ALL_ERRORS:
        assert error.code in calendar_sync.ERROR_MESSAGES, error.code


def test_job_syncs_due_calendars_once_and_skips_the_rest(db, httpserver, owner, create_role_model):
    url = serve(httpserver, "google", "/job.ics")
    calendar = calendar_sync.connect(owner.user, owner, url, now=NOW)
    calendar.next_sync_at = NOW - timedelta(minutes=1)
    other = calendar_sync.connect(owner.user, owner, serve(httpserver, "apple", "/later.ics"), now=NOW)
    other.next_sync_at = NOW + timedelta(hours=1)
    db.session.flush()
    httpserver.clear_log()

    assert calendar_sync.sync_due_calendars(now=NOW) == {"synced": 1, "not_modified": 0, "failed": 0, "skipped": 0}
    assert len(httpserver.log) == 1
    # Idempotent: run again at once, nothing is due.
    assert calendar_sync.sync_due_calendars(now=NOW)["synced"] == 0
    assert len(httpserver.log) == 1


def test_a_claimed_calendar_is_not_fetched_twice(db, httpserver, owner):
    calendar = calendar_sync.connect(owner.user, owner, serve(httpserver, "google", "/claim.ics"), now=NOW)
    calendar.next_sync_at = NOW
    db.session.flush()
    httpserver.clear_log()
    # Another runner claimed it a moment ago (the compare-and-set moved next_sync_at on).
    calendar.next_sync_at = NOW + calendar_sync.CLAIM_FOR
    db.session.flush()
    assert calendar_sync.sync_committed(calendar.id, now=NOW) == "skipped"
    assert httpserver.log == []


def test_cli_syncs_with_a_progress_bar(app, db, httpserver, owner):
    calendar = calendar_sync.connect(owner.user, owner, serve(httpserver, "outlook", "/cli.ics"), now=NOW)
    calendar.next_sync_at = None
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["sync-calendars"])
    assert result.exit_code == 0, result.output
    assert "synced: 1" in result.output


# --- Forgiving import: one unreadable event is skipped and said, the others kept ----------------

GOLDEN = Path(__file__).parents[2] / "calendars" / "data"  # the library's golden import files
JANUARY = utc(2026, 1, 1)


def serve_golden(httpserver, name: str) -> str:
    httpserver.expect_request(f"/{name}.ics").respond_with_data(
        (GOLDEN / f"{name}.ics").read_bytes(), content_type="text/calendar; charset=utf-8")
    return httpserver.url_for(f"/{name}.ics")


def test_one_malformed_dtstart_keeps_the_other_events_and_the_page_says_why(db, client, httpserver, owner):
    from tests.support.portal import sign_in

    calendar = calendar_sync.connect(owner.user, owner, serve_golden(httpserver, "one_malformed_dtstart"),
                                     now=JANUARY)
    assert busy(calendar) == [(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10)), (utc(2026, 1, 7, 9), utc(2026, 1, 7, 10))]
    assert (calendar.skipped_events, calendar.skipped_problem_code) == (1, "unreadable_time")
    assert calendar.last_error_code is None

    sign_in(client, owner.user)
    page = html.unescape(client.get("/espace/agendas").get_data(as_text=True))
    assert "1 événement de cet agenda n'a pas pu être lu" in page
    assert "une date ou une heure d'un événement est écrite dans un format que nous ne savons pas lire" in page


def test_the_organizer_sees_the_skipped_events_on_the_role_models_page(db, client, auth, httpserver, owner,
                                                                         create_user):
    calendar_sync.connect(owner.user, owner, serve_golden(httpserver, "one_malformed_dtstart"), now=JANUARY)
    create_user(email="orga@example.org", academies=["paris"])
    db.session.commit()
    auth.login("orga@example.org")
    page = html.unescape(client.get(f"/organisation/intervenants/{owner.id}").get_data(as_text=True))
    assert "1 événement de cet agenda n'a pas pu être lu. Raison\u00a0:" in page
    assert "une date ou une heure d'un événement est écrite dans un format que nous ne savons pas lire" in page


def test_the_job_keeps_the_good_events_around_an_unknown_frequency(db, client, httpserver, owner):
    from tests.support.portal import sign_in

    calendar = calendar_sync.connect(owner.user, owner, serve_golden(httpserver, "utf8_bom"), now=JANUARY)
    assert calendar.skipped_events == 0 and busy(calendar) == [(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10))]
    # The person's calendar now holds an event with FREQ=FORTNIGHTLY among good ones.
    calendar.url = serve_golden(httpserver, "one_fortnightly_rrule")
    db.session.flush()
    assert calendar_sync.sync_committed(calendar.id, now=JANUARY, force=True) == "synced"
    calendar = db.session.get(ExternalCalendar, calendar.id, populate_existing=True)
    assert busy(calendar) == [(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10)), (utc(2026, 1, 7, 9), utc(2026, 1, 7, 10))]
    assert (calendar.skipped_events, calendar.skipped_problem_code) == (1, "unreadable_rule")

    sign_in(client, owner.user)
    page = html.unescape(client.get("/espace/agendas").get_data(as_text=True))
    assert "1 événement de cet agenda n'a pas pu être lu" in page and "la règle de répétition d'un événement" in page


def test_an_event_ending_before_it_starts_is_stored_as_busy(db, httpserver, owner):
    calendar = calendar_sync.connect(owner.user, owner, serve_golden(httpserver, "dtend_before_dtstart"), now=JANUARY)
    assert busy(calendar) == [(utc(2026, 1, 5, 10), utc(2026, 1, 5, 11)), (utc(2026, 1, 9, 23), utc(2026, 1, 10, 23))]
    assert calendar.skipped_events == 0


def test_every_skip_code_has_a_french_message():
    from calendars.skipping import PROBLEM_CODES

    assert set(calendar_sync.SKIP_MESSAGES) == set(PROBLEM_CODES)

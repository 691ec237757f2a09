"""Plain values check themselves when created."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from calendars import Attendee, CalendarEvent, EventStatus, Interval, InvalidEvent, PartStat, Person

UTC = timezone.utc


def test_event_values_are_frozen_and_lists_become_tuples(make_event):
    event = make_event(alarms=[timedelta(hours=1)], categories=["conference"])
    assert event.alarms == (timedelta(hours=1),)
    assert event.categories == ("conference",)
    with pytest.raises(AttributeError):
        event.summary = "changed"  # type: ignore[misc]
    assert hash(event) == hash(make_event(alarms=[timedelta(hours=1)], categories=["conference"]))


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"start": datetime(2026, 3, 12, 8), "end": datetime(2026, 3, 12, 9)}, "timezone-aware"),
        ({"end": datetime(2026, 3, 12, 7, tzinfo=UTC)}, "must be after start"),
        ({"start": date(2026, 3, 12), "end": datetime(2026, 3, 13, tzinfo=UTC)}, "both be"),
        ({"uid": "a\r\nb"}, "single line"),
        ({"uid": " "}, "must not be empty"),
        ({"status": "MAYBE"}, "status must be one of"),
        ({"sequence": -1}, "non-negative"),
        ({"timezone": "Europe/Atlantis"}, "unknown timezone"),
        ({"geo": (91.0, 2.0)}, "out of range"),
        ({"alarms": [timedelta(hours=-1)]}, "positive"),
        ({"last_modified": datetime(2026, 1, 1)}, "timezone-aware"),
    ],
)
def test_invalid_events_are_refused_where_they_are_made(make_event, overrides, message):
    with pytest.raises(InvalidEvent, match=message):
        make_event(**overrides)


def test_statuses_and_windows_zone_names_are_normalised(make_event):
    event = make_event(status="cancelled", timezone="Romance Standard Time")
    assert event.status is EventStatus.CANCELLED
    assert event.timezone == "Europe/Paris"


def test_people_need_an_email_address():
    assert Attendee("a@example.org", partstat="declined").partstat is PartStat.DECLINED
    with pytest.raises(InvalidEvent):
        Person("nobody")
    with pytest.raises(InvalidEvent):
        Attendee("a@example.org", role="BOSS")


def test_interval_is_stored_in_utc():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    interval = Interval(datetime(2026, 7, 1, 10, tzinfo=paris), datetime(2026, 7, 1, 11, tzinfo=paris))
    assert interval.start == datetime(2026, 7, 1, 8, tzinfo=UTC)
    assert interval.start.tzinfo is UTC
    with pytest.raises(ValueError):
        Interval(datetime(2026, 1, 1), datetime(2026, 1, 2))


def test_calendar_event_needs_no_optional_field():
    event = CalendarEvent(
        uid="u@x",
        summary="s",
        start=date(2026, 1, 5),
        end=date(2026, 1, 6),
        last_modified=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert event.is_all_day and event.organizer is None and event.attendees == ()

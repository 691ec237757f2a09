"""Busy times from what real calendars send; each case is a golden file in data/."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from calendars import Interval, busy_intervals

UTC = timezone.utc


def spans(intervals: list[Interval]) -> list[tuple[str, str]]:
    return [(i.start.strftime("%m-%d %H:%M"), i.end.strftime("%m-%d %H:%M")) for i in intervals]


def test_rfc5545_3_8_5_3_rrule_with_count_and_until(ics, year_2026):
    assert spans(busy_intervals(ics("rfc5545_3_8_5_3_rrule_count_until"), **year_2026)) == [
        ("01-05 09:00", "01-05 10:30"),
        ("01-12 09:00", "01-12 10:30"),
        ("01-19 09:00", "01-19 10:30"),
        ("02-02 14:00", "02-02 15:00"),
        ("02-03 14:00", "02-03 15:00"),
        ("02-04 14:00", "02-04 15:00"),  # UNTIL is inclusive
    ]


def test_google_date_valued_until_includes_its_last_day(ics, year_2026):
    assert spans(busy_intervals(ics("google_rrule_date_until"), **year_2026)) == [
        ("03-02 08:00", "03-02 09:00"),
        ("03-09 08:00", "03-09 09:00"),
        ("03-16 08:00", "03-16 09:00"),
    ]


def test_rfc5545_3_8_5_1_exdate_and_3_8_5_2_rdate(ics, year_2026):
    assert spans(busy_intervals(ics("rfc5545_3_8_5_exdate_rdate"), **year_2026)) == [
        ("01-05 07:00", "01-05 08:00"),
        ("01-07 07:00", "01-07 08:00"),
        ("01-09 07:00", "01-09 08:00"),
        ("01-10 11:00", "01-10 12:00"),
    ]


def test_rfc5545_3_8_4_4_recurrence_id_moved_and_cancelled_occurrences(ics, year_2026):
    assert spans(busy_intervals(ics("rfc5545_3_8_4_4_recurrence_id_moved_and_cancelled"),
                                **year_2026)) == [
        ("01-05 09:00", "01-05 10:00"),
        ("01-13 14:00", "01-13 15:00"),  # moved from Monday morning
        ("01-26 09:00", "01-26 10:00"),  # 01-19 was cancelled
    ]


def test_rfc5545_3_2_13_range_thisandfuture(ics, year_2026):
    assert spans(busy_intervals(ics("rfc5545_3_2_13_thisandfuture"), **year_2026)) == [
        ("01-05 09:00", "01-05 10:00"),
        ("01-12 09:00", "01-12 10:00"),
        ("01-19 11:00", "01-19 12:00"),
        ("01-26 11:00", "01-26 12:00"),
    ]


def test_rfc5545_3_3_10_recurrence_keeps_wall_clock_time_across_dst(ics, year_2026):
    assert spans(busy_intervals(ics("rfc5545_3_3_10_recurrence_across_dst"), **year_2026)) == [
        ("03-23 09:00", "03-23 10:00"),
        ("03-30 08:00", "03-30 09:00"),
    ]


def test_transparent_cancelled_declined_and_outlook_free_are_not_busy(ics, year_2026):
    data = ics("not_busy_transparent_cancelled_declined")
    owner = busy_intervals(data, owner_emails=["claire.martin@example.org"], **year_2026)
    assert spans(owner) == [("01-05 17:00", "01-05 18:00")]
    # Without knowing the owner, a declined invitation still counts as busy.
    assert ("01-05 13:00", "01-05 14:00") in spans(busy_intervals(data, **year_2026))


def test_google_x_wr_timezone_and_owner_from_calendar_name(ics, year_2026):
    assert spans(busy_intervals(ics("google_x_wr_timezone_utc_times"), **year_2026)) == [
        ("03-16 09:00", "03-16 10:00"),
        ("03-23 09:00", "03-23 10:00"),
        ("03-30 08:00", "03-30 09:00"),  # still 10:00 in Paris after the DST change
    ]


def test_outlook_windows_zone_names_with_and_without_vtimezone(ics, year_2026):
    assert spans(busy_intervals(ics("outlook_windows_timezone_names"), **year_2026)) == [
        ("03-23 09:00", "03-23 10:00"),
        ("03-25 13:00", "03-25 14:00"),  # W. Europe Standard Time, no VTIMEZONE
        ("03-30 08:00", "03-30 09:00"),
        ("04-06 08:00", "04-06 09:00"),
        ("04-13 08:00", "04-13 09:00"),
    ]


@pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed")
def test_tzids_without_vtimezone_are_iana_names_or_the_person_zone(ics, year_2026):
    assert spans(busy_intervals(ics("tzid_without_vtimezone"), **year_2026)) == [
        ("01-05 13:00", "01-05 14:00"),  # America/Cayenne, UTC-3
        ("01-06 09:00", "01-06 10:00"),  # unknown name: Europe/Paris, the default
        ("01-07 09:00", "01-07 10:00"),  # /mozilla.org/.../Europe/Paris
    ]


def test_floating_times_and_all_day_events_use_the_person_zone(ics, year_2026):
    assert spans(busy_intervals(ics("floating_and_all_day"), **year_2026)) == [
        ("01-05 09:00", "01-05 10:30"),
        ("01-06 23:00", "01-07 23:00"),
        ("01-11 23:00", "01-14 23:00"),
        ("01-19 23:00", "01-20 23:00"),
    ]
    cayenne = busy_intervals(ics("floating_and_all_day"), **{**year_2026,
                             "default_tz": ZoneInfo("America/Cayenne")})
    assert spans(cayenne)[0] == ("01-05 13:00", "01-05 14:30")


def test_result_is_clipped_to_the_window_merged_and_sorted(ics):
    data = ics("rfc5545_3_8_5_3_rrule_count_until")
    window = busy_intervals(data, start=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
                            end=datetime(2026, 1, 12, 10, tzinfo=UTC), default_tz="Europe/Paris")
    assert spans(window) == [("01-05 09:30", "01-05 10:30"), ("01-12 09:00", "01-12 10:00")]
    assert all(interval.start.tzinfo is UTC for interval in window)
    overlapping = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\n"
        b"DTEND:20260105T110000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\n"
        b"DTEND:20260105T120000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T120000Z\r\n"
        b"DURATION:PT30M\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    merged = busy_intervals(overlapping, start=datetime(2026, 1, 1, tzinfo=UTC),
                            end=datetime(2026, 2, 1, tzinfo=UTC), default_tz="UTC")
    assert spans(merged) == [("01-05 09:00", "01-05 12:30")]


def test_window_arguments_are_checked(ics):
    data = ics("floating_and_all_day")
    with pytest.raises(ValueError):
        busy_intervals(data, start=datetime(2026, 1, 1), end=datetime(2026, 2, 1),
                       default_tz="Europe/Paris")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        busy_intervals(data, start=start, end=start - timedelta(days=1), default_tz="UTC")

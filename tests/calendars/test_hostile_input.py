"""Hostile or broken input: a clear error or a bounded result, never a hang or a crash."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars import CalendarError, CalendarTooLarge, InvalidCalendar, busy_intervals, read_busy

UTC = timezone.utc
DATA = Path(__file__).parent / "data"
WINDOW = {
    "start": datetime(2026, 1, 1, tzinfo=UTC),
    "end": datetime(2027, 1, 1, tzinfo=UTC),
    "default_tz": "Europe/Paris",
}


def calendar(*events: str) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:e{index}\r\nDTSTAMP:20260101T000000Z\r\n{event}END:VEVENT\r\n"
        for index, event in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n{body}END:VCALENDAR\r\n".encode()


def rule(rrule: str, start: str = "20260105T100000Z") -> str:
    return f"DTSTART:{start}\r\nDURATION:PT1H\r\nRRULE:{rrule}\r\n"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\xff\xfe garbage \x89PNG\r\n",
        b"<!DOCTYPE html><html><body>Please sign in</body></html>",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026-01-05\r\n",
        b"BEGIN:VCALENDAR\r\nEND:VEVENT\r\n",
    ],
    ids=["empty", "binary", "html-login-page", "truncated-bad-date", "mismatched-end"],
)
def test_garbage_bytes_raise_invalid_calendar(data):
    with pytest.raises(InvalidCalendar):
        busy_intervals(data, **WINDOW)


def test_truncated_download_raises_invalid_calendar(ics):
    with pytest.raises(InvalidCalendar):
        busy_intervals(ics("truncated"), **WINDOW)


def test_latin1_bytes_from_old_servers_are_read():
    data = calendar("SUMMARY:R\xe9union\r\nDTSTART:20260105T100000Z\r\nDURATION:PT1H\r\n")
    latin1 = data.decode("utf-8").encode("latin-1")
    assert len(busy_intervals(latin1, **WINDOW)) == 1


@pytest.mark.parametrize(
    "rrule, start",
    [
        ("FREQ=SECONDLY", "20260105T100000Z"),
        ("FREQ=MINUTELY", "19700101T000000Z"),
        ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "20260105T100000Z"),
        ("FREQ=YEARLY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;"
         "BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55;BYDAY=MO,TU,WE,TH,FR,SA,SU", "19000101T000000Z"),
    ],
    ids=["secondly", "minutely-since-1970", "secondly-never-matching", "yearly-exploding-by-rules"],
)
def test_huge_rrules_raise_calendar_too_large_quickly(rrule, start):
    with pytest.raises(CalendarTooLarge):
        busy_intervals(calendar(rule(rrule, start)), **WINDOW)


@pytest.mark.parametrize(
    "rrule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=HOURLY;INTERVAL=5;BYMONTH=2;BYMONTHDAY=31",
        "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=7",
    ],
)
def test_rrules_that_never_match_end_with_only_dtstart(rrule):
    assert len(busy_intervals(calendar(rule(rrule)), **WINDOW)) == 1


def test_many_never_matching_rules_hit_the_time_budget():
    events = [rule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30") for _ in range(40)]
    with pytest.raises(CalendarTooLarge, match="seconds"):
        busy_intervals(calendar(*events), time_budget=0.05, **WINDOW)


def test_occurrence_cap_raises_rather_than_truncating():
    data = calendar(rule("FREQ=DAILY;COUNT=100"))
    assert len(busy_intervals(data, **WINDOW)) == 100
    with pytest.raises(CalendarTooLarge, match="occurrences"):
        busy_intervals(data, max_occurrences=50, **WINDOW)


def test_old_daily_series_without_end_is_fine():
    assert len(busy_intervals(calendar(rule("FREQ=DAILY", "19900101T100000Z")), **WINDOW)) == 365


def test_fifty_megabyte_body_is_refused_before_parsing():
    data = b"BEGIN:VCALENDAR\r\n" + b"X-FILLER:" + b"x" * (50 * 1024 * 1024) + b"\r\n"
    with pytest.raises(CalendarTooLarge, match="bytes"):
        busy_intervals(data, **WINDOW)


def test_a_million_events_are_refused_before_parsing():
    event = b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260105T100000Z\r\nEND:VEVENT\r\n"
    data = b"BEGIN:VCALENDAR\r\n" + event * 1_000_000 + b"END:VCALENDAR\r\n"
    with pytest.raises(CalendarTooLarge, match="components"):
        busy_intervals(data, max_bytes=len(data), **WINDOW)


def test_events_without_dtstart_or_with_end_before_start_do_not_crash():
    data = calendar("SUMMARY:no start\r\n",
                    "DTSTART:20260105T100000Z\r\nDTEND:20260105T090000Z\r\n",
                    "DTSTART:20260106T100000Z\r\nDTEND:20260106T110000Z\r\n")
    result = read_busy(data, **WINDOW)
    # The event without a start is skipped and counted; the one ending before it starts is busy.
    assert [(i.start.day, i.start.hour) for i in result.intervals] == [(5, 10), (6, 10)]
    assert result.skipped == 1 and result.first_problem.code == "missing_start"


# --- Property-based: random and mutated calendars --------------------------------------

FREQS = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "FORTNIGHTLY"]


@st.composite
def rrules(draw: st.DrawFn) -> str:
    parts = [f"FREQ={draw(st.sampled_from(FREQS))}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(-1, 500))}")
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(-5, 100_000))}")
    elif draw(st.booleans()):
        parts.append(f"UNTIL={draw(st.sampled_from(['20260301', '20260301T000000Z', '2026', '19991231T235959']))}")
    for name, values in (("BYMONTH", st.integers(-1, 13)), ("BYMONTHDAY", st.integers(-32, 32)),
                         ("BYDAY", st.sampled_from(["MO", "-1SU", "2TU", "53FR", "XX"])),
                         ("BYHOUR", st.integers(0, 25)), ("BYSETPOS", st.integers(-3, 3)),
                         ("BYWEEKNO", st.integers(-53, 54)), ("BYYEARDAY", st.integers(-367, 367))):
        if draw(st.integers(0, 3)) == 0:
            listed = draw(st.lists(values, min_size=1, max_size=3))
            parts.append(f"{name}={','.join(str(value) for value in listed)}")
    return ";".join(draw(st.permutations(parts)))


@st.composite
def events(draw: st.DrawFn) -> str:
    start = draw(st.sampled_from([
        "DTSTART:20260105T100000Z", "DTSTART:20260105T100000", "DTSTART;VALUE=DATE:20260105",
        "DTSTART;TZID=Europe/Paris:20260329T023000", "DTSTART;TZID=Nowhere/Zone:20260105T100000",
        "DTSTART:19700101T000000Z", "DTSTART:20261231T235959Z", "DTSTART:99991231T235959Z",
    ]))
    lines = [start]
    lines.append(draw(st.sampled_from(["DURATION:PT1H", "DTEND:20260105T110000Z", "DURATION:-P1D",
                                       "DTEND;VALUE=DATE:20260106", "", "DURATION:P10000W"])))
    if draw(st.booleans()):
        lines.append(f"RRULE:{draw(rrules())}")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["EXDATE:20260112T100000Z", "RDATE:20260201T100000Z",
                                           "RECURRENCE-ID:20260112T100000Z", "STATUS:CANCELLED",
                                           "TRANSP:TRANSPARENT", "RDATE;VALUE=PERIOD:20260201T100000Z/PT1H"])))
    return "".join(f"{line}\r\n" for line in lines if line)


def check_result(data: bytes) -> None:
    try:
        result = busy_intervals(data, time_budget=2.0, **WINDOW)
    except CalendarError:
        return
    previous_end = WINDOW["start"]
    for interval in result:
        assert interval.start.tzinfo is UTC
        assert previous_end <= interval.start < interval.end <= WINDOW["end"]
        previous_end = interval.end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=0, max_size=4))
def test_property_random_calendars_give_sorted_bounded_intervals_or_a_calendar_error(items):
    check_result(calendar(*items))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["rfc5545_3_8_4_4_recurrence_id_moved_and_cancelled",
                          "google_rrule_date_until", "outlook_windows_timezone_names",
                          "rfc5545_3_2_13_thisandfuture", "floating_and_all_day"]),
    cuts=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 40), st.binary(max_size=12)),
                  max_size=4),
)
def test_property_mutated_real_calendars_give_sorted_bounded_intervals_or_a_calendar_error(
    name, cuts
):
    data = bytearray((DATA / f"{name}.ics").read_bytes())
    for position, length, insert in cuts:
        position %= len(data) + 1
        data[position:position + length] = insert
    check_result(bytes(data))

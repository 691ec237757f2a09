"""A forgiving import: one unreadable event is skipped and counted, the others are kept."""

from __future__ import annotations

import codecs

from calendars import BusyImport, Problem, busy_intervals, read_busy

GOOD = [("01-05 09:00", "01-05 10:00"), ("01-07 09:00", "01-07 10:00")]


def spans(result: BusyImport) -> list[tuple[str, str]]:
    return [(i.start.strftime("%m-%d %H:%M"), i.end.strftime("%m-%d %H:%M")) for i in result.intervals]


def test_a_utf8_byte_order_mark_is_accepted(ics, year_2026):
    data = ics("utf8_bom")
    assert data.startswith(codecs.BOM_UTF8)
    result = read_busy(data, **year_2026)
    assert spans(result) == [("01-05 09:00", "01-05 10:00")] and result.skipped == 0


def test_utf16_byte_order_marks_are_accepted(ics, year_2026):
    text = ics("utf8_bom")[len(codecs.BOM_UTF8):].decode("utf-8")
    for encoded in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF16_BE + text.encode("utf-16-be")):
        assert spans(read_busy(encoded, **year_2026)) == [("01-05 09:00", "01-05 10:00")]


def test_a_malformed_dtstart_skips_that_event_only(ics, year_2026):
    result = read_busy(ics("one_malformed_dtstart"), **year_2026)
    assert spans(result) == GOOD
    assert result.skipped == 1
    assert result.first_problem is not None
    assert (result.first_problem.code, result.first_problem.uid) == ("unreadable_time", "bad-dtstart@tests")


def test_an_unknown_frequency_skips_that_event_only(ics, year_2026):
    result = read_busy(ics("one_fortnightly_rrule"), **year_2026)
    assert spans(result) == GOOD
    assert result.skipped == 1
    assert result.first_problem == Problem("unreadable_rule", "fortnightly@tests", result.first_problem.detail)


def test_busy_intervals_keeps_its_answer_and_forgives_too(ics, year_2026):
    assert busy_intervals(ics("one_fortnightly_rrule"), **year_2026) == read_busy(
        ics("one_fortnightly_rrule"), **year_2026).intervals


def test_the_first_problem_is_the_first_in_the_file(ics, year_2026):
    bad_time = ics("one_malformed_dtstart").replace(b"END:VCALENDAR", b"")
    bad_rule = ics("one_fortnightly_rrule").split(b"BEGIN:VEVENT", 1)[1]
    result = read_busy(bad_time + b"BEGIN:VEVENT" + bad_rule, **year_2026)
    assert result.skipped == 2 and result.first_problem.code == "unreadable_time"


def test_an_end_before_its_start_is_busy_never_free(ics, year_2026):
    result = read_busy(ics("dtend_before_dtstart"), **year_2026)
    assert spans(result) == [
        ("01-05 10:00", "01-05 11:00"),  # from DTSTART, for the gap between the times (an hour)
        ("01-09 23:00", "01-10 23:00"),  # the all-day one covers its DTSTART's day in Paris
    ]
    assert result.skipped == 0


def test_a_clean_calendar_skips_nothing(ics, year_2026):
    result = read_busy(ics("floating_and_all_day"), **year_2026)
    assert result.skipped == 0 and result.first_problem is None and result.intervals

"""Time zones as Outlook, icalendar and ical.js read them, ambiguous wall times, empty feeds."""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calendars import render_feed
from calendars.contentlines import serialize
from calendars.vtimezone import vtimezone_lines
from tests.support.ical_parsers import JS_DIR, assert_parses_everywhere, icaljs_unavailable_reason

UTC = timezone.utc
# Every zone the project uses: app/reference/academies.py and the organizers' form.
ZONES = ["Europe/Paris", "America/Cayenne", "America/Martinique", "America/Guadeloupe", "Indian/Reunion",
         "Indian/Mayotte", "Pacific/Noumea", "Pacific/Tahiti", "America/Miquelon", "UTC"]
FIRST = datetime(2026, 1, 1, tzinfo=UTC)
LAST = datetime(2030, 12, 31, 23, tzinfo=UTC)
HOUR = timedelta(hours=1)


def zone_calendar(tzid: str) -> bytes:
    return serialize(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//x//EN",
                      *vtimezone_lines(tzid, 2026, 2030), "END:VCALENDAR"])


def hours() -> list[datetime]:
    count = int((LAST - FIRST) / HOUR) + 1
    return [FIRST + index * HOUR for index in range(count)]


def expected_offsets(tzid: str) -> list[timedelta]:
    zone = ZoneInfo(tzid)
    return [instant.astimezone(zone).utcoffset() for instant in hours()]


def wall_hours() -> list[datetime]:
    return [instant.replace(tzinfo=None) for instant in hours()]


def unique_wall_offsets(tzid: str) -> dict[int, timedelta]:
    """zoneinfo's offset of each hourly wall time that names one instant, by position.

    Times in a skipped or repeated hour are left out: feeds write those in UTC.
    """
    zone = ZoneInfo(tzid)
    offsets = {}
    for index, wall in enumerate(wall_hours()):
        first, second = wall.replace(tzinfo=zone), wall.replace(tzinfo=zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            offsets[index] = first.utcoffset()
    return offsets


def lines(feed: bytes) -> list[str]:
    return feed.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")


@pytest.mark.parametrize("tzid", ZONES)
def test_icalendar_offsets_from_our_vtimezone_match_zoneinfo_every_hour(tzid):
    (component,) = icalendar.Calendar.from_ical(zone_calendar(tzid)).walk("VTIMEZONE")
    # lookup_tzid=False: read our observances, not icalendar's own copy of the IANA zone.
    ours = component.to_tz(lookup_tzid=False)
    assert [instant.astimezone(ours).utcoffset() for instant in hours()] == expected_offsets(tzid)


@pytest.mark.parametrize("tzid", ZONES)
def test_icaljs_offsets_from_our_vtimezone_match_zoneinfo_every_wall_hour(tzid):
    reason = icaljs_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="icaljs-") as folder:
        path = Path(folder) / "zone.ics"
        path.write_bytes(zone_calendar(tzid))
        completed = subprocess.run(
            ["node", str(JS_DIR / "zone_offsets.mjs"), str(path), "2026-01-01T00", str(len(hours()))],
            capture_output=True, text=True, timeout=120, check=True,
        )
    offsets = [timedelta(seconds=seconds) for seconds in json.loads(completed.stdout)]
    expected = unique_wall_offsets(tzid)
    assert {index: offsets[index] for index in expected} == expected


def test_paris_is_one_standard_and_one_daylight_each_with_a_yearly_rule():
    (component,) = icalendar.Calendar.from_ical(zone_calendar("Europe/Paris")).walk("VTIMEZONE")
    standard, daylight = component.subcomponents
    assert (standard.name, daylight.name) == ("STANDARD", "DAYLIGHT")
    assert standard["RRULE"]["FREQ"] == daylight["RRULE"]["FREQ"] == ["YEARLY"]
    assert (standard["RRULE"]["BYMONTH"], standard["RRULE"]["BYDAY"]) == ([10], ["-1SU"])
    assert (daylight["RRULE"]["BYMONTH"], daylight["RRULE"]["BYDAY"]) == ([3], ["-1SU"])
    assert (str(standard["TZNAME"]), str(daylight["TZNAME"])) == ("CET", "CEST")


@pytest.mark.parametrize("tzid", [zone for zone in ZONES if zone not in ("Europe/Paris", "America/Miquelon")])
def test_zones_without_daylight_saving_are_one_standard(tzid):
    text = vtimezone_lines(tzid, 2026, 2030)
    assert [line for line in text if line.startswith("BEGIN:")] == ["BEGIN:VTIMEZONE", "BEGIN:STANDARD"]


def test_miquelon_follows_its_own_yearly_rules():
    text = vtimezone_lines("America/Miquelon", 2026, 2030)
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU" in text
    assert "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU" in text


def test_dublin_negative_dst_keeps_its_real_names_and_offsets():
    # tzdata calls Irish winter time (GMT) a negative daylight saving: names come from the
    # abbreviations and summer is the larger offset, whatever the sign of dst().
    text = vtimezone_lines("Europe/Dublin", 2026, 2030)
    winter = text[text.index("BEGIN:STANDARD"):text.index("END:STANDARD")]
    summer = text[text.index("BEGIN:DAYLIGHT"):text.index("END:DAYLIGHT")]
    assert "TZNAME:GMT" in winter and "TZOFFSETTO:+0000" in winter
    assert "TZNAME:IST" in summer and "TZOFFSETTO:+0100" in summer
    (component,) = icalendar.Calendar.from_ical(zone_calendar("Europe/Dublin")).walk("VTIMEZONE")
    ours = component.to_tz(lookup_tzid=False)
    assert [instant.astimezone(ours).utcoffset() for instant in hours()] == expected_offsets("Europe/Dublin")


def test_irregular_zone_falls_back_to_every_change_written_out():
    # Casablanca pauses its offset for Ramadan, on dates no yearly rule gives.
    text = vtimezone_lines("Africa/Casablanca", 2026, 2030)
    assert not any(line.startswith("RRULE") for line in text)
    (component,) = icalendar.Calendar.from_ical(
        serialize(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//x//EN", *text, "END:VCALENDAR"])
    ).walk("VTIMEZONE")
    ours = component.to_tz(lookup_tzid=False)
    # Wall times, as events are read: dateutil's UTC conversion is approximate next to a
    # change between two STANDARD observances.
    expected = unique_wall_offsets("Africa/Casablanca")
    walls = wall_hours()
    assert {index: walls[index].replace(tzinfo=ours).utcoffset() for index in expected} == expected


@pytest.mark.parametrize("instant", [datetime(2027, 10, 31, 0, 30, tzinfo=UTC),  # 02:30 CEST, fold=0
                                     datetime(2027, 10, 31, 1, 30, tzinfo=UTC)])  # 02:30 CET, fold=1
def test_a_start_in_the_repeated_autumn_hour_is_written_in_utc(make_event, instant):
    event = make_event(timezone="Europe/Paris", start=instant, end=instant + 2 * HOUR)
    feed = render_feed([event], name="Feed")
    assert f"DTSTART:{instant:%Y%m%dT%H%M%S}Z" in lines(feed)
    assert f"DTEND;TZID=Europe/Paris:{(instant + 2 * HOUR).astimezone(ZoneInfo('Europe/Paris')):%Y%m%dT%H%M%S}" \
        in lines(feed)
    (parsed,) = icalendar.Calendar.from_ical(feed).walk("VEVENT")
    assert parsed.start == instant
    assert parsed.end == instant + 2 * HOUR
    assert_parses_everywhere(feed)


def test_an_empty_feed_still_holds_a_component_every_parser_accepts():
    feed = render_feed([], name="Rien pour l'instant")
    calendar = icalendar.Calendar.from_ical(feed)
    assert len(calendar.subcomponents) >= 1
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert feed == render_feed([], name="Rien pour l'instant")
    assert_parses_everywhere(feed)

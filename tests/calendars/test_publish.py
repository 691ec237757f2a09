"""Subscription feeds as real clients need them (RFC 5545, RFC 7986)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calendars import Attendee, InvalidEvent, Person, render_feed
from tests.support.ical_parsers import assert_parses_everywhere

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")


def unfold(feed: bytes) -> str:
    return feed.replace(b"\r\n ", b"").decode("utf-8")


def lines(feed: bytes) -> list[str]:
    return unfold(feed).split("\r\n")


def vevent(feed: bytes, uid: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(feed)
    (event,) = [item for item in calendar.walk("VEVENT") if str(item["UID"]) == uid]
    return event


def test_rfc5545_3_8_4_7_uid_is_stable_and_not_from_a_timestamp(make_event):
    first = render_feed([make_event(uid="event-42@rencontres.example")], name="Feed")
    moved = render_feed(
        [make_event(uid="event-42@rencontres.example", start=datetime(2026, 5, 1, 8, tzinfo=UTC))],
        name="Feed",
    )
    assert "UID:event-42@rencontres.example" in lines(first)
    assert "UID:event-42@rencontres.example" in lines(moved)


def test_rfc5545_3_8_7_2_dtstamp_is_utc_and_identical_data_gives_identical_bytes(make_event):
    events = [make_event(uid=f"e{index}@x", summary=f"Event {index}") for index in range(3)]
    feed = render_feed(events, name="Feed")
    assert feed == render_feed(list(reversed(events)), name="Feed")
    assert "DTSTAMP:20260201T093000Z" in lines(feed)
    stamps = [line for line in lines(feed) if line.startswith("DTSTAMP")]
    assert all(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in stamps)


def test_rfc5545_3_8_7_4_and_3_8_7_3_sequence_and_last_modified_are_carried(make_event):
    event = make_event(sequence=3, last_modified=datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC),
                       created=datetime(2026, 1, 2, tzinfo=UTC))
    text = lines(render_feed([event], name="Feed"))
    assert "SEQUENCE:3" in text
    assert "LAST-MODIFIED:20260203T040506Z" in text
    assert "CREATED:20260102T000000Z" in text


@pytest.mark.parametrize("status", ["CONFIRMED", "TENTATIVE"])
def test_rfc5545_3_8_1_11_status_is_published(make_event, status):
    assert f"STATUS:{status}" in lines(render_feed([make_event(status=status)], name="Feed"))


def test_cancelled_event_keeps_uid_bumps_sequence_and_says_annule(make_event):
    live = make_event(sequence=2)
    cancelled = make_event(sequence=2, status="CANCELLED")
    live_event = vevent(render_feed([live], name="Feed"), live.uid)
    cancelled_event = vevent(render_feed([cancelled], name="Feed"), cancelled.uid)
    assert str(cancelled_event["UID"]) == str(live_event["UID"])
    assert cancelled_event["SEQUENCE"] == live_event["SEQUENCE"] + 1
    assert str(cancelled_event["STATUS"]) == "CANCELLED"
    assert str(cancelled_event["SUMMARY"]) == "Annulé : Intervention en établissement"
    assert str(cancelled_event["TRANSP"]) == "TRANSPARENT"


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Guadeloupe", "America/Cayenne",
                                  "Indian/Reunion", "Indian/Mayotte", "America/Miquelon"])
def test_rfc5545_3_6_5_every_tzid_has_a_full_vtimezone(make_event, zone):
    event = make_event(timezone=zone, start=datetime(2026, 3, 28, 9, tzinfo=UTC))
    feed = render_feed([event], name="Feed")
    calendar = icalendar.Calendar.from_ical(feed)
    assert calendar.get_missing_tzids() == set()
    parsed = vevent(feed, event.uid)
    assert parsed.start == event.start  # same instant once the VTIMEZONE is applied
    assert parsed.start.tzinfo is not None
    assert_parses_everywhere(feed)


def test_rfc5545_3_6_5_vtimezone_follows_paris_dst_changes(make_event):
    summer = make_event(start=datetime(2026, 7, 1, 8, tzinfo=UTC))
    winter = make_event(uid="winter@x", start=datetime(2026, 12, 1, 9, tzinfo=UTC))
    text = lines(render_feed([summer, winter], name="Feed"))
    assert "DTSTART;TZID=Europe/Paris:20260701T100000" in text
    assert "DTSTART;TZID=Europe/Paris:20261201T100000" in text
    # Yearly rules from the year before the first event; onsets in local time before them.
    assert text[text.index("BEGIN:DAYLIGHT") + 1:][:2] == [
        "DTSTART:20250330T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"]
    assert text[text.index("BEGIN:STANDARD") + 1:][:2] == [
        "DTSTART:20251026T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"]


def test_rfc5545_3_3_5_never_a_floating_timed_event(make_event):
    events = [make_event(uid=f"{zone}@x", timezone=zone) for zone in ("UTC", "Europe/Paris")]
    text = unfold(render_feed(events, name="Feed"))
    event_lines = text[text.index("BEGIN:VEVENT"):].split("\r\n")
    for line in event_lines:
        if line.startswith(("DTSTART", "DTEND")) and "VALUE=DATE" not in line:
            assert line.endswith("Z") or ";TZID=" in line, line
    assert "DTSTART:20260312T080000Z" in lines(render_feed([events[0]], name="Feed"))


def test_rfc5545_3_6_1_all_day_events_are_dates_with_exclusive_end(make_event):
    event = make_event(start=date(2026, 3, 12), end=date(2026, 3, 13))
    feed = render_feed([event], name="Feed")
    assert "DTSTART;VALUE=DATE:20260312" in lines(feed)
    assert "DTEND;VALUE=DATE:20260313" in lines(feed)
    assert "BEGIN:VTIMEZONE" not in unfold(feed)
    assert_parses_everywhere(feed)


def test_rfc5545_3_1_lines_folded_at_75_octets_without_splitting_utf8(make_event):
    event = make_event(
        summary="Découverte des métiers de l’industrie : ingénieure, opératrice, technicienne " * 4,
        description="Élèves de 3e — « Les filles et l’industrie », 😀 émoji inclus. " * 6,
    )
    feed = render_feed([event], name="Calendrier très long " * 8)
    assert feed.endswith(b"\r\n")
    assert b"\n" not in feed.replace(b"\r\n", b"")
    for raw in feed.split(b"\r\n"):
        assert len(raw) <= 75
        raw.decode("utf-8")  # each physical line is valid UTF-8: no character was cut
    assert vevent(feed, event.uid)["SUMMARY"] == event.summary
    assert_parses_everywhere(feed)


def test_rfc5545_3_3_11_text_escaping(make_event):
    event = make_event(
        summary="Forum; atelier, visite\\salle",
        description="Ligne 1\nLigne 2\r\nLigne 3, avec ; et \\",
        location="Lycée Jean-Moulin, 12 rue de la Paix; bâtiment B",
        categories=["conférence", "table ronde, jeunes"],
    )
    feed = render_feed([event], name="Écoles, collèges; lycées")
    text = lines(feed)
    assert "SUMMARY:Forum\\; atelier\\, visite\\\\salle" in text
    assert "DESCRIPTION:Ligne 1\\nLigne 2\\nLigne 3\\, avec \\; et \\\\" in text
    assert "X-WR-CALNAME:Écoles\\, collèges\\; lycées" in text
    parsed = vevent(feed, event.uid)
    assert str(parsed["SUMMARY"]) == event.summary
    assert str(parsed["DESCRIPTION"]) == "Ligne 1\nLigne 2\nLigne 3, avec ; et \\"
    assert str(parsed["LOCATION"]) == event.location
    assert_parses_everywhere(feed)


def test_rfc7986_calendar_name_refresh_interval_and_published_ttl(make_event):
    feed = render_feed([make_event()], name="Interventions de Claire", description="Toutes",
                       refresh_interval=timedelta(minutes=30), url="https://r.example/f.ics")
    text = lines(feed)
    assert "X-WR-CALNAME:Interventions de Claire" in text
    assert "NAME:Interventions de Claire" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT30M" in text
    assert "X-PUBLISHED-TTL:PT30M" in text
    assert "X-WR-CALDESC:Toutes" in text
    calendar = icalendar.Calendar.from_ical(feed)
    assert calendar.refresh_interval == timedelta(minutes=30)
    assert_parses_everywhere(feed)


def test_rfc5545_3_6_6_alarms_url_location_geo_and_organizer(make_event):
    event = make_event(
        alarms=[timedelta(days=1), timedelta(minutes=30)],
        url="https://rencontres.example/events/42",
        location="Collège Pasteur, Lille",
        geo=(50.6292, 3.0573),
        organizer=Person("ambassadrice@example.org", "Claire Martin"),
        attendees=[Attendee("marraine@example.org")],
    )
    feed = render_feed([event], name="Feed")
    parsed = vevent(feed, event.uid)
    triggers = [alarm["TRIGGER"].dt for alarm in parsed.walk("VALARM")]
    assert triggers == [-timedelta(days=1), -timedelta(minutes=30)]
    assert str(parsed["URL"]) == event.url
    assert (parsed["GEO"].latitude, parsed["GEO"].longitude) == pytest.approx(event.geo)
    assert "ORGANIZER;CN=Claire Martin:mailto:ambassadrice@example.org" in lines(feed)
    assert "ATTENDEE" not in unfold(feed)  # who is invited is not published in feeds
    assert_parses_everywhere(feed)


def test_cancelled_events_carry_no_alarm(make_event):
    feed = render_feed([make_event(status="CANCELLED", alarms=[timedelta(hours=1)])], name="F")
    assert "BEGIN:VALARM" not in unfold(feed)


def test_duplicate_uids_are_refused(make_event):
    with pytest.raises(InvalidEvent, match="share the UID"):
        render_feed([make_event(), make_event(summary="other")], name="Feed")


def test_empty_feed_parses_everywhere():
    assert_parses_everywhere(render_feed([], name="Rien pour l’instant"))


def test_feed_of_every_kind_parses_in_icalendar_vobject_and_icaljs(make_event):
    paris_start = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)
    events = [
        make_event(uid="paris@x", start=paris_start, end=paris_start + timedelta(hours=3),
                   alarms=[timedelta(hours=2)], geo=(48.85, 2.35), location="Paris, 5e"),
        make_event(uid="cayenne@x", timezone="America/Cayenne", status="TENTATIVE"),
        make_event(uid="reunion@x", timezone="Indian/Reunion", status="CANCELLED", sequence=4),
        make_event(uid="allday@x", start=date(2026, 6, 1), end=date(2026, 6, 3)),
        make_event(uid="utc@x", timezone="UTC", description="a\nb; c, d"),
    ]
    feeds = [render_feed(events, name="Tout"), render_feed(events[:1], name="Un")]
    assert_parses_everywhere(*feeds)

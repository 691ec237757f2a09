"""iTIP messages for email (RFC 5546): REQUEST to invite or update, CANCEL to withdraw."""

from __future__ import annotations

from datetime import datetime, timezone

import icalendar
import pytest

from calendars import Attendee, InvalidEvent, Person, render_invitation
from tests.support.ical_parsers import assert_parses_everywhere

UTC = timezone.utc
ORGANIZER = Person("ambassadrice@industrielles.example", "Claire Martin")
ATTENDEES = [
    Attendee("ines.diallo@example.org", "Inès Diallo"),
    Attendee("paul@example.org", partstat="ACCEPTED", rsvp=False),
]


def parse(message: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(message)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_rfc5546_3_2_2_request_has_method_organizer_and_attendees_with_partstat(make_event):
    message = render_invitation(make_event(), method="REQUEST", organizer=ORGANIZER,
                                attendees=ATTENDEES)
    calendar, event = parse(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:ambassadrice@industrielles.example"
    assert event["ORGANIZER"].params["CN"] == "Claire Martin"
    attendees = {str(item): item.params for item in event["ATTENDEE"]}
    assert attendees["mailto:ines.diallo@example.org"]["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees["mailto:ines.diallo@example.org"]["RSVP"] == "TRUE"
    assert attendees["mailto:ines.diallo@example.org"]["CN"] == "Inès Diallo"
    assert attendees["mailto:paul@example.org"]["PARTSTAT"] == "ACCEPTED"
    assert attendees["mailto:paul@example.org"]["ROLE"] == "REQ-PARTICIPANT"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert_parses_everywhere(message)


def test_rfc5546_2_1_4_update_keeps_uid_and_raises_sequence(make_event):
    first = render_invitation(make_event(sequence=0), method="REQUEST", organizer=ORGANIZER,
                              attendees=ATTENDEES)
    moved = make_event(sequence=1, start=datetime(2026, 3, 13, 8, tzinfo=UTC))
    update = render_invitation(moved, method="REQUEST", organizer=ORGANIZER, attendees=ATTENDEES)
    assert parse(first)[1]["UID"] == parse(update)[1]["UID"]
    assert parse(update)[1]["SEQUENCE"] == 1


def test_rfc5546_3_2_5_cancel_keeps_uid_bumps_sequence_and_prefixes_summary(make_event):
    event = make_event(sequence=1)
    message = render_invitation(event, method="CANCEL", organizer=ORGANIZER, attendees=ATTENDEES)
    calendar, parsed = parse(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(parsed["UID"]) == event.uid
    assert parsed["SEQUENCE"] == 2
    assert str(parsed["STATUS"]) == "CANCELLED"
    assert str(parsed["SUMMARY"]).startswith("Annulé : ")
    assert_parses_everywhere(message)


def test_same_data_gives_same_invitation_bytes(make_event):
    def message() -> bytes:
        return render_invitation(make_event(), method="REQUEST", organizer=ORGANIZER,
                                 attendees=ATTENDEES)

    assert message() == message()
    stamped = render_invitation(make_event(), method="REQUEST", organizer=ORGANIZER,
                                attendees=ATTENDEES, stamp=datetime(2026, 3, 1, 12, tzinfo=UTC))
    assert b"DTSTAMP:20260301T120000Z" in stamped


def test_invitation_in_overseas_zone_carries_its_vtimezone(make_event):
    message = render_invitation(make_event(timezone="Indian/Reunion"), method="REQUEST",
                                organizer=ORGANIZER, attendees=ATTENDEES[:1])
    assert b"DTSTART;TZID=Indian/Reunion:20260312T120000" in message
    assert icalendar.Calendar.from_ical(message).get_missing_tzids() == set()
    assert_parses_everywhere(message)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "PUBLISH"}, "method must be one of"),
        ({"attendees": []}, "at least one attendee"),
        ({"stamp": datetime(2026, 1, 1)}, "timezone-aware"),
    ],
)
def test_bad_invitation_arguments_are_refused(make_event, kwargs, message):
    arguments = {"method": "REQUEST", "organizer": ORGANIZER, "attendees": ATTENDEES, **kwargs}
    with pytest.raises(InvalidEvent, match=message):
        render_invitation(make_event(), **arguments)


def test_request_for_a_cancelled_event_is_refused(make_event):
    with pytest.raises(InvalidEvent, match="CANCEL"):
        render_invitation(make_event(status="CANCELLED"), method="REQUEST", organizer=ORGANIZER,
                          attendees=ATTENDEES)

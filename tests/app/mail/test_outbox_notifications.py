"""Event lifecycle → emails in the outbox, each with the right iTIP attachment and recipients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.models import AssignmentStatus, EventSchool, EventStatus, OutboxEmail
from app.services.events import emails, lifecycle
from tests.support.ical_parsers import assert_parses_everywhere

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def staffed(db, create_user, create_request, create_role_model, create_event, create_assignment):
    organizer = create_user(full_name="Claire Organisatrice", academies=["paris"])
    request, _ = create_request()
    event = create_event(title="Intervention au collège", start_at=START, organizer=organizer,
                         visit_request=request, status=EventStatus.CONFIRMED, sequence=1, role_models_max=5)
    event.schools.append(EventSchool(school=request.school, class_level="4e", headcount=28))
    people = {}
    for status in ("confirmed", "accepted", "invited", "declined", "proposed"):
        rm = create_role_model(first_name=status.capitalize())
        create_assignment(event=event, role_model=rm, status=AssignmentStatus(status),
                          invited_at=None if status == "proposed" else START - timedelta(days=30),
                          confirmed_at=START - timedelta(days=20) if status == "confirmed" else None)
        people[status] = rm.user.email
    db.session.commit()
    return event, people


def _outbox(db, event) -> dict[str, OutboxEmail]:
    rows = db.session.scalars(select(OutboxEmail).where(OutboxEmail.event_id == event.id))
    return {row.to_address: row for row in rows}


def _attendees(ics: str) -> list:
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    found = vevent.get("ATTENDEE")
    return found if isinstance(found, list) else [found]


def _answer_asked(ics: str) -> tuple[str, str]:
    [attendee] = _attendees(ics)
    return attendee.params["PARTSTAT"], attendee.params.get("RSVP", "FALSE")


def test_a_new_time_asks_every_role_model_again(db, staffed):
    event, people = staffed
    lifecycle.reschedule_event(event.organizer, event, start_at=START + timedelta(days=1),
                               end_at=START + timedelta(days=1, hours=2))
    db.session.commit()
    sent = _outbox(db, event)
    contact, organizer = event.visit_request.contact.email, event.organizer.email
    asked = {people["confirmed"], people["accepted"], people["invited"]}
    assert set(sent) == {contact, organizer, *asked}  # not the one who declined, nor the one merely proposed
    assert sent[organizer].ics is None  # the organizer is never an attendee: their feed shows it
    for address in (contact, *asked):
        ics = sent[address].ics.replace("\r\n ", "")
        assert sent[address].ics_method == "REQUEST"
        assert "METHOD:REQUEST" in ics and f"SEQUENCE:{event.sequence}" in ics
        assert "DTSTART;TZID=Europe/Paris:20270317T100000" in ics
        assert ics.count("ATTENDEE") == 1 and f"mailto:{address}" in ics
        assert "mardi 16 mars 2027" in sent[address].body_text  # the old date, so people see what moved
        assert [str(a).lower() for a in _attendees(ics)] == [f"mailto:{address}"]  # never the organizer
    assert sent[contact].subject.startswith("Rencontre modifiée") and "STATUS:TENTATIVE" in sent[contact].ics
    for address in asked:
        email = sent[address]
        assert email.subject.startswith("Nouvel horaire, merci de confirmer")
        assert "Merci de confirmer à nouveau votre présence" in email.body_text
        assert "/espace/reponse/" in email.body_text
        assert _answer_asked(email.ics) == ("NEEDS-ACTION", "TRUE")
    assert "si vous acceptez, elle le reste" in sent[people["confirmed"]].body_text
    assert "si vous acceptez, elle le reste" not in sent[people["accepted"]].body_text
    statuses = {a.role_model.user.email: a for a in event.assignments}
    assert {statuses[a].status for a in asked} == {AssignmentStatus.INVITED}
    assert statuses[people["confirmed"]].confirmed_at is not None
    assert event.status == EventStatus.SCHEDULED
    assert_parses_everywhere(*(e.ics.encode() for e in sent.values() if e.ics))


def test_a_new_place_keeps_every_answer(db, staffed):
    event, people = staffed
    data = lifecycle.EventData(**{k: getattr(event, k) for k in lifecycle.EventData.__dataclass_fields__})
    data.venue = "Gymnase"
    lifecycle.update_event(event.organizer, event, data)
    db.session.commit()
    sent = _outbox(db, event)
    assert {a.role_model.user.email: a.status.value for a in event.assignments if a.role_model.user} == {
        people[s]: s for s in ("confirmed", "accepted", "invited", "declined", "proposed")}
    assert event.status == EventStatus.CONFIRMED
    for status in ("confirmed", "accepted"):
        assert _answer_asked(sent[people[status]].ics) == ("ACCEPTED", "FALSE")
        assert sent[people[status]].subject.startswith("Rencontre modifiée")
    assert _answer_asked(sent[people["invited"]].ics) == ("NEEDS-ACTION", "TRUE")
    assert "STATUS:CONFIRMED" in sent[event.visit_request.contact.email].ics


def test_cancellation_sends_cancel_to_the_released_role_models_school_and_organizer(db, staffed):
    event, people = staffed
    lifecycle.cancel_event(event.organizer, event, reason="Grève des transports")
    db.session.commit()
    sent = _outbox(db, event)
    contact = event.visit_request.contact.email
    assert set(sent) == {contact, event.organizer.email, people["confirmed"], people["accepted"], people["invited"]}
    for email in sent.values():
        if email.to_address == event.organizer.email:
            assert email.ics is None  # told, without an invitation of their own
        else:
            assert email.ics_method == "CANCEL"
            assert "METHOD:CANCEL" in email.ics and "STATUS:CANCELLED" in email.ics
        assert "Grève des transports" in email.body_text and "Grève des transports" in email.body_html
    assert_parses_everywhere(*(e.ics.encode() for e in sent.values() if e.ics))

    emails.event_cancelled(event, event.organizer, reason="Grève des transports")  # a retry
    db.session.commit()
    assert len(_outbox(db, event)) == len(sent)


def test_scheduling_a_request_tells_the_school_in_its_language(db, create_user, create_request):
    organizer = create_user(academies=["paris"])
    request, _ = create_request()
    request.contact.locale = "en"
    data = lifecycle.EventData(type=request.format, title="School visit", start_at=START,
                            end_at=START + timedelta(hours=2), departement="75", is_online=True,
                            online_url="https://visio.example.org/abc")
    event = lifecycle.schedule_request(organizer, request, data)
    db.session.commit()
    email = _outbox(db, event)[request.contact.email]
    assert email.subject == "Meeting scheduled: School visit"
    assert "Tuesday 16 March 2027" in email.body_text
    assert "https://visio.example.org/abc" in email.ics.replace("\r\n ", "")
    assert_parses_everywhere(email.ics.encode())

"""Event lifecycle → emails in the outbox, each with the right iTIP attachment and recipients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
                          invited_at=None if status == "proposed" else START - timedelta(days=30))
        people[status] = rm.user.email
    db.session.commit()
    return event, people


def _outbox(db, event) -> dict[str, OutboxEmail]:
    rows = db.session.scalars(select(OutboxEmail).where(OutboxEmail.event_id == event.id))
    return {row.to_address: row for row in rows}


def test_reschedule_sends_an_updated_request_to_everyone_engaged(db, staffed):
    event, people = staffed
    lifecycle.reschedule_event(event.organizer, event, start_at=START + timedelta(days=1),
                            end_at=START + timedelta(days=1, hours=2))
    db.session.commit()
    sent = _outbox(db, event)
    contact = event.visit_request.contact.email
    expected = {contact, event.organizer.email, people["confirmed"], people["accepted"], people["invited"]}
    assert set(sent) == expected  # not the one who declined, nor the one merely proposed
    for email in sent.values():
        assert email.ics_method == "REQUEST" and email.subject.startswith("Rencontre modifiée")
        ics = email.ics.replace("\r\n ", "")
        assert "METHOD:REQUEST" in ics and f"SEQUENCE:{event.sequence}" in ics
        assert "DTSTART;TZID=Europe/Paris:20270317T100000" in ics
        assert ics.count("ATTENDEE") == 1 and f"mailto:{email.to_address}" in ics
        assert "mardi 16 mars 2027" in email.body_text  # the old date, so people see what moved
    assert "PARTSTAT=NEEDS-ACTION" in sent[people["invited"]].ics
    assert "PARTSTAT=ACCEPTED" in sent[people["confirmed"]].ics
    assert_parses_everywhere(*(e.ics.encode() for e in sent.values()))


def test_cancellation_sends_cancel_to_the_released_role_models_school_and_organizer(db, staffed):
    event, people = staffed
    lifecycle.cancel_event(event.organizer, event, reason="Grève des transports")
    db.session.commit()
    sent = _outbox(db, event)
    contact = event.visit_request.contact.email
    assert set(sent) == {contact, event.organizer.email, people["confirmed"], people["accepted"], people["invited"]}
    for email in sent.values():
        assert email.ics_method == "CANCEL"
        assert "METHOD:CANCEL" in email.ics and "STATUS:CANCELLED" in email.ics
        assert "Grève des transports" in email.body_text and "Grève des transports" in email.body_html
    assert_parses_everywhere(*(e.ics.encode() for e in sent.values()))

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

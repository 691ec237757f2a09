"""Text stored before the text rules (app/services/common/text.py) never blocks an organizer.

A contact's quoted address (`"x;y"@example.org`, which the API once accepted) or a line break in
a role model's first name (which the portal's forms once accepted) made calendars refuse the
iTIP attachment, and every later reschedule or cancel of the event answered 500. The rows are
written here with plain SQL, as such data sits in a database today.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.models import (
    AssignmentStatus,
    EmailStatus,
    EventStatus,
    OutboxEmail,
    RequestStatus,
    RoleModel,
    SchoolContact,
    User,
)
from app.services.mail import delivery
from app.services.pairing import assignments
from tests.app.conftest import csrf_token_from

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)
QUOTED = '"x;y"@example.org'


@pytest.fixture
def event(db, create_user, create_request, create_event, create_assignment):
    organizer = create_user(email="orga@example.org", full_name="Claire\nOrga", academies=["paris"])
    request, _ = create_request(status=RequestStatus.SCHEDULED)
    event = create_event(visit_request=request, organizer=organizer, status=EventStatus.SCHEDULED,
                         start_at=START, end_at=START + timedelta(hours=2))
    assignment = create_assignment(event=event, status=AssignmentStatus.CONFIRMED,
                                   invited_at=START - timedelta(days=9))
    db.session.execute(update(SchoolContact).where(SchoolContact.id == request.contact.id)
                       .values(email=QUOTED, full_name="Prof\r\nBcc: someone@example.org"))
    db.session.execute(update(RoleModel).where(RoleModel.id == assignment.role_model_id)
                       .values(first_name="Inès\nDiallo"))
    db.session.commit()
    return event


def _signed_in(client, auth, event):
    auth.login("orga@example.org")
    page = client.get(f"/organisation/evenements/{event.id}")
    assert page.status_code == 200
    return csrf_token_from(page.get_data(as_text=True))


def _outbox(db, event) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.event_id == event.id)
                                   .order_by(OutboxEmail.id)))


def test_reschedule_with_a_quoted_contact_address_and_a_name_on_two_lines(db, client, auth, event, smtp):
    token = _signed_in(client, auth, event)
    response = client.post(f"/organisation/evenements/{event.id}/deplacer",
                           data={"csrf_token": token, "move-day": "2027-03-18", "move-start_time": "14:00",
                                 "move-end_time": "16:00"})

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(event)
    assert event.start_at.date().isoformat() == "2027-03-18" and event.sequence == 1
    mails = {m.to_address: m for m in _outbox(db, event)}
    role_model_email = db.session.scalar(select(User.email).join(RoleModel, RoleModel.user_id == User.id)
                                         .where(RoleModel.id == event.assignments[0].role_model_id))
    # The school still hears of the move, without the attachment calendars refuse.
    assert mails[QUOTED].ics is None and mails[QUOTED].ics_method is None
    # The others get their updated invitation; names are put on one line for calendars.
    assert "SEQUENCE:1" in mails[role_model_email].ics and "CN=Inès Diallo" in mails[role_model_email].ics
    assert mails["orga@example.org"].ics is None  # an organizer is never an attendee

    report = delivery.send_due(smtp_url=smtp.url)

    statuses = {m.to_address: m.status for m in _outbox(db, event)}
    assert EmailStatus.SENDING not in statuses.values() and EmailStatus.PENDING not in statuses.values()
    assert statuses[role_model_email] == statuses["orga@example.org"] == EmailStatus.SENT
    assert report.sent + report.failed == len(statuses)
    for message in smtp.messages:
        assert "\n" not in message["To"] and "Bcc" not in message.keys()


def test_cancel_with_a_quoted_contact_address_and_a_name_on_two_lines(db, client, auth, event):
    token = _signed_in(client, auth, event)
    response = client.post(f"/organisation/evenements/{event.id}/annuler",
                           data={"csrf_token": token, "cancel-reason": "Grève des transports"})

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED
    mails = {m.to_address: m for m in _outbox(db, event)}
    assert mails[QUOTED].ics is None
    assert mails["orga@example.org"].ics is None
    assert all(m.ics_method == "CANCEL" and "STATUS:CANCELLED" in m.ics for a, m in mails.items()
               if a not in (QUOTED, "orga@example.org"))
    assert len(mails) == 3


def test_inviting_a_role_model_whose_stored_address_calendars_refuse(db, create_user, create_event,
                                                                    create_assignment):
    organizer = create_user(academies=["paris"])
    event = create_event(organizer=organizer, status=EventStatus.SCHEDULED, start_at=START,
                         end_at=START + timedelta(hours=2))
    assignment = create_assignment(event=event, status=AssignmentStatus.PROPOSED)
    db.session.execute(update(User).where(User.id == assignment.role_model.user_id).values(email=QUOTED))
    db.session.execute(update(RoleModel).where(RoleModel.id == assignment.role_model_id)
                       .values(first_name="Inès\nDiallo"))
    db.session.expire_all()

    assignments.invite(organizer, assignment)

    invitation = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == QUOTED))
    assert assignment.status == AssignmentStatus.INVITED
    assert invitation is not None and invitation.ics is None and "Inès" in invitation.to_name

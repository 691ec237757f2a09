"""Every end of an engagement reaches the person's calendar: exactly one METHOD:CANCEL, same UID,
SEQUENCE above every REQUEST they were sent, through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.models import EventStatus, OutboxEmail
from app.services.events import lifecycle
from app.services.mail import delivery
from app.services.pairing import assignments, invitations

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def engaged(db, create_user, create_request, create_event, create_role_model, create_assignment):
    """An event with a school, and a role model invited through the service (a REQUEST was sent)."""
    organizer = create_user(full_name="Claire Organisatrice", academies=["paris"])
    request, _ = create_request()
    event = create_event(title="Intervention au collège", start_at=START, organizer=organizer,
                         visit_request=request, status=EventStatus.SCHEDULED, role_models_max=3)
    assignment = create_assignment(event=event, role_model=create_role_model(first_name="Inès"))
    assignments.invite(organizer, assignment)
    return organizer, event, assignment


def _itip(smtp, address: str) -> list[tuple[str, icalendar.cal.Component]]:
    """(METHOD, VEVENT) of every calendar part that reached `address`, in order."""
    found = []
    for message in smtp.messages:
        if address not in message["To"]:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                [vevent] = calendar.walk("VEVENT")
                found.append((str(calendar["METHOD"]), vevent))
    return found


def _deliver(db, smtp) -> None:
    db.session.commit()
    delivery.send_due(smtp_url=smtp.url)
    db.session.commit()


def _assert_one_cancel_after_the_requests(db, smtp, assignment, event) -> None:
    _deliver(db, smtp)
    received = _itip(smtp, assignment.role_model.user.email)
    requests = [vevent for method, vevent in received if method == "REQUEST"]
    cancels = [vevent for method, vevent in received if method == "CANCEL"]
    assert requests and len(cancels) == 1, [m for m, _v in received]
    [cancel] = cancels
    assert str(cancel["UID"]) == event.uid == str(requests[0]["UID"])
    assert int(cancel["SEQUENCE"]) > max(int(r["SEQUENCE"]) for r in requests)
    assert str(cancel["STATUS"]) == "CANCELLED"
    assert received[-1][0] == "CANCEL"  # nothing after it puts the event back


def _subjects(smtp, address: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp.messages if address in m["To"]]


def test_declining_by_link_or_calendar_sends_one_cancel(db, smtp, engaged):
    _organizer, event, assignment = engaged
    assignments.decline(assignment, reason="Pas disponible")
    _assert_one_cancel_after_the_requests(db, smtp, assignment, event)
    message = next(m for m in smtp.messages if m["Subject"].startswith("Invitation déclinée"))
    assert "Vous avez décliné cette invitation : l'événement est retiré de votre agenda" in \
        message.get_body(("plain",)).get_content()


def test_an_expired_invitation_sends_one_cancel_even_when_the_job_runs_twice(db, smtp, engaged):
    _organizer, event, assignment = engaged
    later = assignment.invited_at + timedelta(days=8)
    assert assignments.expire_unanswered(now=later, after_days=7) == 1
    assert assignments.expire_unanswered(now=later, after_days=7) == 0
    _assert_one_cancel_after_the_requests(db, smtp, assignment, event)
    assert any(s.startswith("Invitation expirée") for s in _subjects(smtp, assignment.role_model.user.email))


def test_withdrawing_after_confirmation_sends_one_cancel(db, smtp, engaged):
    organizer, event, assignment = engaged
    assignments.accept(assignment)
    assignments.confirm(organizer, assignment)  # a second REQUEST, then the event's SEQUENCE goes up
    assignments.withdraw(assignment, reason="Empêchement", now=START - timedelta(days=10))
    _assert_one_cancel_after_the_requests(db, smtp, assignment, event)
    assert any(s.startswith("Participation retirée") for s in _subjects(smtp, assignment.role_model.user.email))


@pytest.mark.parametrize("before", ["invited", "confirmed"])
def test_removal_by_the_organizer_sends_one_cancel(db, smtp, engaged, before):
    organizer, event, assignment = engaged
    if before == "confirmed":
        assignments.accept(assignment)
        assignments.confirm(organizer, assignment)
    assignments.cancel(organizer, assignment, reason="Changement de programme")
    _assert_one_cancel_after_the_requests(db, smtp, assignment, event)
    message = next(m for m in smtp.messages if m["Subject"].startswith("Participation annulée"))
    assert "Changement de programme" in message.get_body(("plain",)).get_content()


def test_the_event_cancelled_sends_one_cancel(db, smtp, engaged):
    organizer, event, assignment = engaged
    assignments.accept(assignment)
    lifecycle.cancel_event(organizer, event, reason="Grève des transports")
    _assert_one_cancel_after_the_requests(db, smtp, assignment, event)


def test_the_event_cancelled_after_a_decline_sends_no_second_cancel(db, smtp, engaged, create_role_model,
                                                                     create_assignment):
    organizer, event, declining = engaged
    other = create_assignment(event=event, role_model=create_role_model(first_name="Awa"))
    assignments.invite(organizer, other)
    assignments.decline(declining)
    _deliver(db, smtp)
    lifecycle.cancel_event(organizer, event, reason="Grève des transports")
    _assert_one_cancel_after_the_requests(db, smtp, declining, event)
    _assert_one_cancel_after_the_requests(db, smtp, other, event)


def test_a_retried_unit_never_sends_twice(db, smtp, engaged):
    _organizer, event, assignment = engaged
    assignments.decline(assignment)
    invitations.participation_ended(assignment, "declined", None)  # the same unit, run again
    _assert_one_cancel_after_the_requests(db, smtp, assignment, event)


def test_a_mere_proposal_never_hears_of_the_event(db, smtp, engaged, create_role_model, create_assignment):
    organizer, event, _assignment = engaged
    proposed = create_assignment(event=event, role_model=create_role_model(first_name="Zoé"))
    assignments.cancel(organizer, proposed)
    db.session.commit()
    assert db.session.scalars(select(OutboxEmail).where(
        OutboxEmail.to_address == proposed.role_model.user.email)).all() == []


def test_the_feed_shows_the_ended_participation_cancelled(db, engaged):
    from app.feeds import audiences

    _organizer, event, assignment = engaged
    assignments.decline(assignment)
    db.session.flush()
    today = datetime.now(UTC).date()  # declined now: kept CANCELLED for 30 days, then gone
    [value] = audiences.role_model_events(assignment.role_model, day=today)
    assert value.uid == event.uid and value.status.value == "CANCELLED"
    assert audiences.role_model_events(assignment.role_model, day=today + timedelta(days=31)) == []


"""Event lifecycle services: each transition, its audit entry, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models import AssignmentStatus, EventStatus, EventType, IllegalTransition, RequestStatus
from app.services.common import audit
from app.services.common.errors import Conflict, Invalid, NotAllowed
from app.services.events import lifecycle

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


def _data(**kw) -> lifecycle.EventData:
    kw.setdefault("type", EventType.SCHOOL_VISIT)
    kw.setdefault("title", "Intervention en 4e")
    kw.setdefault("start_at", START)
    kw.setdefault("end_at", START + timedelta(hours=2))
    kw.setdefault("departement", "75")
    return lifecycle.EventData(**kw)


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"])


def test_create_event_in_scope(db, organizer):
    event = lifecycle.create_event(organizer, _data())
    assert event.academie == "paris" and event.status == EventStatus.DRAFT
    assert event.uid.endswith("@rencontres.industrielles.fr")
    assert [e.action for e in audit.trail(event)] == ["event.created"]


def test_create_event_outside_scope_is_refused(db, organizer):
    with pytest.raises(NotAllowed):
        lifecycle.create_event(organizer, _data(departement="69"))


def test_create_event_field_errors(db, organizer):
    with pytest.raises(Invalid) as excinfo:
        lifecycle.create_event(organizer, _data(end_at=START, departement="00", title=" ", role_models_min=3,
                                             role_models_max=2))
    assert set(excinfo.value.fields) == {"end_at", "departement", "title", "role_models_max"}


def test_schedule_request_creates_the_event_and_moves_the_request(db, organizer, create_request):
    request, _ = create_request()
    event = lifecycle.schedule_request(organizer, request, _data())
    assert event.status == EventStatus.SCHEDULED
    assert request.status == RequestStatus.SCHEDULED
    assert event.schools[0].school == request.school and event.schools[0].headcount == request.headcount
    assert "request.scheduled" in [e.action for e in audit.trail(request)]


def test_a_declined_request_cannot_be_scheduled(db, organizer, create_request):
    request, _ = create_request(status=RequestStatus.DECLINED)
    with pytest.raises(Conflict):
        lifecycle.schedule_request(organizer, request, _data())


def test_reschedule_bumps_sequence_and_audits(db, organizer, create_event):
    event = create_event(sequence=2)
    lifecycle.reschedule_event(organizer, event, start_at=START + timedelta(days=1),
                               end_at=START + timedelta(days=1, hours=2))
    assert event.sequence == 3
    assert event.start_at == START + timedelta(days=1)
    entry = audit.trail(event)[-1]
    assert entry.action == "event.updated" and "start_at" in entry.details["fields"]


def test_an_unchanged_edit_does_not_bump_sequence(db, organizer, create_event):
    event = create_event(sequence=1)
    lifecycle.reschedule_event(organizer, event, start_at=event.start_at, end_at=event.end_at)
    assert event.sequence == 1


def test_cancel_event_cancels_assignments_and_returns_the_request_to_review(
    db, organizer, create_event, create_request, create_assignment
):
    request, _ = create_request(status=RequestStatus.SCHEDULED)
    event = create_event(visit_request=request, sequence=1)
    invited = create_assignment(event=event, status=AssignmentStatus.INVITED)
    declined = create_assignment(event=event, status=AssignmentStatus.DECLINED)
    lifecycle.cancel_event(organizer, event, reason="Grève")
    assert event.status == EventStatus.CANCELLED and event.cancelled_at
    # Stored unchanged; the published cancellation carries SEQUENCE + 1 (calendars does it once).
    assert event.sequence == 1
    from app.feeds import mapping

    attendee = mapping.role_model_attendee(invited)
    assert "SEQUENCE:2" in mapping.invitation_ics(event, "CANCEL", [attendee], assignment=invited).decode()
    assert invited.status == AssignmentStatus.CANCELLED
    assert declined.status == AssignmentStatus.DECLINED
    assert request.status == RequestStatus.IN_REVIEW


def test_cancel_by_the_school_withdraws_the_request(db, create_event, create_request):
    request, _ = create_request(status=RequestStatus.SCHEDULED)
    event = create_event(visit_request=request)
    lifecycle.cancel_event("school", event, reason="Sortie scolaire le même jour", by_school=True)
    assert request.status == RequestStatus.WITHDRAWN


def test_cancel_needs_a_reason_and_an_open_event(db, organizer, create_event):
    with pytest.raises(Invalid):
        lifecycle.cancel_event(organizer, create_event(), reason="  ")
    with pytest.raises(Conflict):
        lifecycle.cancel_event(organizer, create_event(status=EventStatus.COMPLETED), reason="x")


def test_a_cancelled_event_cannot_be_moved(db, organizer, create_event):
    event = create_event(status=EventStatus.CANCELLED)
    with pytest.raises(Conflict):
        lifecycle.reschedule_event(organizer, event, start_at=START, end_at=START + timedelta(hours=3))


def test_publish_a_draft(db, organizer, create_event):
    event = create_event(status=EventStatus.DRAFT)
    lifecycle.publish_event(organizer, event)
    assert event.status == EventStatus.SCHEDULED
    with pytest.raises(Conflict):
        lifecycle.publish_event(organizer, event)


def test_complete_past_events_is_idempotent(db, create_event, create_request):
    request, _ = create_request(status=RequestStatus.SCHEDULED)
    past = create_event(status=EventStatus.CONFIRMED, visit_request=request,
                        start_at=datetime(2026, 1, 5, 9, tzinfo=UTC), end_at=datetime(2026, 1, 5, 11, tzinfo=UTC))
    future = create_event(status=EventStatus.CONFIRMED)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert lifecycle.complete_past_events(now=now) == 1
    assert past.status == EventStatus.COMPLETED and request.status == RequestStatus.COMPLETED
    assert future.status == EventStatus.CONFIRMED
    assert lifecycle.complete_past_events(now=now) == 0


def test_models_refuse_illegal_transitions_even_outside_services(db, create_event):
    event = create_event(status=EventStatus.COMPLETED)
    with pytest.raises(IllegalTransition):
        event.status = EventStatus.SCHEDULED


def test_public_events_listing(db, create_event):
    now = datetime(2027, 1, 1, tzinfo=UTC)
    shown = create_event(is_public=True, status=EventStatus.CONFIRMED)
    create_event(is_public=False, status=EventStatus.CONFIRMED)
    create_event(is_public=True, status=EventStatus.CANCELLED)
    create_event(is_public=True, status=EventStatus.DRAFT)
    assert lifecycle.upcoming_public_events(now=now) == [shown]


# --- what each transition tells people (outbox rows) and records (audit) ---------------------

def _outbox(event):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import OutboxEmail

    return list(db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.event_id == event.id).order_by(OutboxEmail.id)
    ))


def test_confirming_a_slot_emails_the_school_a_request_and_audits_both(db, organizer, create_request):
    request, _ = create_request()
    event = lifecycle.schedule_request(organizer, request, _data())
    mails = _outbox(event)
    assert request.contact.email in [m.to_address for m in mails]
    to_school = next(m for m in mails if m.to_address == request.contact.email)
    assert to_school.ics_method == "REQUEST" and "BEGIN:VEVENT" in to_school.ics
    assert [e.action for e in audit.trail(event)] == ["event.created"]
    assert audit.trail(request)[-1].details["event_id"] == event.id


def test_rescheduling_sends_an_updated_invitation_to_everyone_engaged(
    db, organizer, create_request, create_event, create_assignment
):
    request, _ = create_request(status=RequestStatus.SCHEDULED)
    event = create_event(visit_request=request, organizer=organizer, sequence=0)
    confirmed = create_assignment(event=event, status=AssignmentStatus.CONFIRMED, invited_at=START - timedelta(days=9))
    proposed = create_assignment(event=event, status=AssignmentStatus.PROPOSED)
    lifecycle.reschedule_event(organizer, event, start_at=START + timedelta(days=2),
                               end_at=START + timedelta(days=2, hours=2))
    mails = _outbox(event)
    recipients = {m.to_address for m in mails}
    assert {request.contact.email, confirmed.role_model.user.email} <= recipients
    assert proposed.role_model.user.email not in recipients  # never told about the event
    assert all(m.ics_method == "REQUEST" and "SEQUENCE:1" in m.ics for m in mails if m.to_address != organizer.email)
    assert [m.ics for m in mails if m.to_address == organizer.email] == [None]  # organizers are not attendees
    assert "event.updated" in [e.action for e in audit.trail(event)]


def test_cancelling_sends_cancel_to_the_school_and_released_role_models(
    db, organizer, create_request, create_event, create_assignment
):
    request, _ = create_request(status=RequestStatus.SCHEDULED)
    event = create_event(visit_request=request, organizer=organizer)
    invited = create_assignment(event=event, status=AssignmentStatus.INVITED, invited_at=START - timedelta(days=3))
    lifecycle.cancel_event(organizer, event, reason="Grève des transports")
    mails = _outbox(event)
    assert {request.contact.email, invited.role_model.user.email} <= {m.to_address for m in mails}
    assert all(m.ics_method == "CANCEL" and "STATUS:CANCELLED" in m.ics
               for m in mails if m.to_address != organizer.email)
    assert [m.ics for m in mails if m.to_address == organizer.email] == [None]
    assert [e.action for e in audit.trail(event)] == ["event.cancelled"]
    assert audit.trail(request)[-1].action == "request.back_to_review"


def test_illegal_event_transitions_are_refused_with_a_message(db, organizer, create_event, create_request):
    declined, _ = create_request(status=RequestStatus.DECLINED)
    with pytest.raises(Conflict) as excinfo:
        lifecycle.schedule_request(organizer, declined, _data())
    assert str(excinfo.value.message) == "Cette demande ne peut plus être programmée."
    with pytest.raises(Conflict) as excinfo:
        lifecycle.cancel_event(organizer, create_event(status=EventStatus.CANCELLED), reason="Encore")
    assert str(excinfo.value.message) == "Cet événement ne peut plus être annulé."


@pytest.mark.parametrize("zone", ["America", "Europe/Nowhere", "../etc/passwd", ""])
def test_an_unknown_time_zone_is_a_field_error(db, organizer, zone):
    with pytest.raises(Invalid) as excinfo:
        lifecycle.create_event(organizer, _data(timezone=zone))
    assert "timezone" in excinfo.value.fields

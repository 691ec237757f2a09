"""Reminders before an event and feedback requests after it, queued through the outbox.

Both jobs are idempotent: each email carries a dedupe key, unique in the outbox, and is queued
inside a savepoint, so a second run (or a second scheduler) queues nothing twice. A reminder's
key includes the event's start: when the event moves, the reminders are due again at the new
time, and ones already sent for the old time do not count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.feeds import mapping
from app.feeds.mapping import Audience
from app.links import external_url
from app.models import Assignment, AssignmentStatus, Event, EventSchool, EventStatus, FeedbackRespondent
from app.models.types import utcnow
from app.services.events import feedback
from app.services.events.emails import Recipient, contact_recipient, role_model_recipient, school_contacts
from app.services.mail import outbox
from calendars import Person

# Past this, an ended event gets no feedback request (e.g. the first run on old data).
FEEDBACK_WINDOW = timedelta(days=14)
# Ask once the day is over, not while people are still in the room.
FEEDBACK_DELAY = timedelta(hours=3)


def _queue_once(**kwargs) -> bool:
    try:
        with db.session.begin_nested():
            return outbox.queue_email(**kwargs) is not None
    except IntegrityError:  # the same key queued concurrently: it exists, which is all we want
        return False


def _reminder_recipients(event: Event) -> list[Recipient]:
    recipients = [contact_recipient(c) for c in school_contacts(event)]
    for assignment in event.assignments:
        if assignment.status == AssignmentStatus.CONFIRMED:
            recipient = role_model_recipient(assignment)
            if recipient is not None:
                recipients.append(recipient)
    return recipients


def _write_to(event: Event, recipient: Recipient) -> Person | None:
    """Whom the reminder says to write to: the organizer for role models, the collective's
    address for a school (a school never gets an organizer's own mailbox)."""
    if recipient.audience == Audience.SCHOOL:
        return mapping.collective_person()
    if event.organizer is None:
        return None
    return Person(event.organizer.email, event.organizer.full_name)


def due_reminder_days(event: Event, now: datetime, days: tuple[int, ...]) -> int | None:
    """The reminder due now: the closest to the start among those whose time has come.

    With reminders at 7 and 1 days: from 7 days before, the 7-day one; in the last day, the
    1-day one. An event booked 3 days ahead gets the 7-day one at once, then the 1-day one.
    """
    due = [d for d in sorted(days) if event.start_at - timedelta(days=d) <= now < event.start_at]
    return due[0] if due else None


def send_reminders(*, now: datetime | None = None) -> int:
    """Job: queue reminders to the school contact and confirmed role models. Returns how many."""
    now = now or utcnow()
    days = tuple(current_app.config.get("REMINDER_DAYS") or ())
    if not days:
        return 0
    events = db.session.scalars(
        select(Event)
        .where(Event.status.in_((EventStatus.SCHEDULED, EventStatus.CONFIRMED)),
               Event.start_at > now, Event.start_at <= now + timedelta(days=max(days)))
        .options(selectinload(Event.assignments).selectinload(Assignment.role_model),
                 selectinload(Event.schools).selectinload(EventSchool.school), selectinload(Event.visit_request))
    )
    queued = 0
    for event in events:
        d = due_reminder_days(event, now, days)
        if d is None:
            continue
        start_key = event.start_at.strftime("%Y%m%dT%H%MZ")
        for recipient in _reminder_recipients(event):
            queued += _queue_once(
                to=recipient.email, to_name=recipient.name, locale=recipient.locale, template="reminder",
                context={"event": event, "audience": recipient.audience.value,
                         "write_to": _write_to(event, recipient)},
                dedupe_key=f"reminder:{d}d:event:{event.id}:{start_key}:{recipient.key}", event=event,
            )
    return queued


def send_feedback_requests(*, now: datetime | None = None) -> int:
    """Job: after a completed event, ask the school contacts and the role models how it went."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Event)
        .where(Event.status == EventStatus.COMPLETED, Event.end_at <= now - FEEDBACK_DELAY,
               Event.end_at > now - FEEDBACK_WINDOW)
        .options(selectinload(Event.assignments).selectinload(Assignment.role_model),
                 selectinload(Event.schools).selectinload(EventSchool.school), selectinload(Event.visit_request))
    )
    queued = 0
    for event in events:
        # (recipient, respondent, respondent id, dedupe key). Each contact's link answers for that
        # contact alone. Their key is still spelled as when links were signed for the whole
        # school, so a contact who was sent one of those is not asked a second time.
        askers: list[tuple[Recipient, FeedbackRespondent, int, str]] = []
        for contact in school_contacts(event):
            recipient = contact_recipient(contact)
            askers.append((recipient, FeedbackRespondent.CONTACT, contact.id,
                           f"feedback:event:{event.id}:school:{contact.school_id}:{recipient.key}"))
        for assignment in event.assignments:
            if assignment.status == AssignmentStatus.CONFIRMED:
                recipient = role_model_recipient(assignment)
                if recipient is not None:
                    askers.append((recipient, FeedbackRespondent.ROLE_MODEL, assignment.role_model_id,
                                   f"feedback:event:{event.id}:role_model:{assignment.role_model_id}:{recipient.key}"))
        for recipient, respondent, respondent_id, dedupe_key in askers:
            token = feedback.sign(event.id, respondent, respondent_id)
            queued += _queue_once(
                to=recipient.email, to_name=recipient.name, locale=recipient.locale, template="feedback_request",
                context={"event": event, "audience": recipient.audience.value,
                         "link": external_url("feedback.form", token=token)},
                dedupe_key=dedupe_key, event=event,
            )
    return queued

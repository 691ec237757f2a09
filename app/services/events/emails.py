"""Who is told what, by email, when an event changes (the iTIP attachments come from
app/feeds/mapping.py).

Called by the lifecycle services in app/services/events/lifecycle.py, inside their transaction: every
email goes through the outbox, so it exists exactly when the change is committed. Each
recipient gets their own email whose attachment lists only them: nobody learns another
person's address from an invitation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale

from app.feeds import mapping
from app.feeds.mapping import Audience
from app.models import Assignment, AssignmentStatus, Event, SchoolContact, User
from app.services.mail import outbox
from calendars import Attendee

ENGAGED = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)


@dataclass(frozen=True)
class Recipient:
    key: str  # stable, for dedupe keys: "contact:3", "role_model:12", "organizer:1"
    email: str
    name: str
    locale: str
    audience: Audience
    attendee: Attendee
    assignment: Assignment | None = None


def school_contacts(event: Event) -> list[SchoolContact]:
    """The request's contact (it is their own request); for events without a request, the
    contacts an organizer confirmed for its schools — not whoever once sent a request with a
    school's (public) UAI."""
    request = event.visit_request
    if request is not None:
        return [request.contact] if request.contact is not None else []
    return [contact for link in event.schools for contact in link.school.contacts if contact.is_confirmed]


def contact_recipient(contact: SchoolContact) -> Recipient:
    return Recipient(f"contact:{contact.id}", contact.email, contact.full_name, contact.locale or "fr",
                     Audience.SCHOOL, mapping.contact_attendee(contact))


def role_model_recipient(assignment: Assignment) -> Recipient | None:
    attendee = mapping.role_model_attendee(assignment)
    if attendee is None:
        return None
    user = assignment.role_model.user
    return Recipient(f"role_model:{assignment.role_model_id}", user.email, assignment.role_model.display_name,
                     user.locale or "fr", Audience.ROLE_MODEL, attendee, assignment)


def organizer_recipient(user: User | None) -> Recipient | None:
    if user is None or not user.is_enabled:
        return None
    return Recipient(f"organizer:{user.id}", user.email, user.full_name, user.locale or "fr",
                     Audience.ORGANIZER, mapping.organizer_attendee(user))


def _recipients(event: Event, assignments: Iterable[Assignment]) -> Iterator[Recipient]:
    seen: set[str] = set()
    candidates = [
        *(contact_recipient(c) for c in school_contacts(event)),
        *(role_model_recipient(a) for a in assignments),
        organizer_recipient(event.organizer),
    ]
    for recipient in candidates:
        if recipient is not None and recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            yield recipient


def _send(event: Event, recipients: Iterable[Recipient], *, template: str, method: str, why: str, **context) -> None:
    for recipient in recipients:
        with force_locale(recipient.locale):
            ics = mapping.invitation_ics(event, method, [recipient.attendee], audience=recipient.audience,
                                       assignment=recipient.assignment)
            outbox.queue_email(
                to=recipient.email,
                to_name=recipient.name,
                template=template,
                context={"event": event, "audience": recipient.audience.value, **context},
                locale=recipient.locale,
                ics=ics,
                ics_method=method,
                dedupe_key=f"event:{event.id}:{why}:seq{event.sequence}:{recipient.key}",
                event=event,
            )


def event_scheduled(event: Event, actor: User | None) -> None:
    """A slot was confirmed for a school's request: REQUEST to the school contact(s), the
    organizer, and any role model already engaged."""
    engaged = [a for a in event.assignments if a.status in ENGAGED]
    _send(event, _recipients(event, engaged), template="event_scheduled", method="REQUEST", why="scheduled")


def event_rescheduled(event: Event, actor: User | None, *, old_start: datetime, old_end: datetime) -> None:
    """The time or place changed: updated invitation (REQUEST, SEQUENCE bumped) to everyone concerned."""
    engaged = [a for a in event.assignments if a.status in ENGAGED]
    _send(event, _recipients(event, engaged), template="event_rescheduled", method="REQUEST", why="rescheduled",
          old_start=old_start, old_end=old_end)


def event_cancelled(event: Event, actor: User | str | None, *, reason: str) -> None:
    """The event is cancelled: CANCEL to role models, school contacts and the organizer.

    Role models told are those the cancellation just released (they had been invited); those
    merely proposed never heard of the event.
    """
    released = [
        a for a in event.assignments
        if a.status == AssignmentStatus.CANCELLED and a.reason == "event_cancelled" and a.invited_at is not None
    ]
    _send(event, _recipients(event, released), template="event_cancelled", method="CANCEL", why="cancelled",
          reason=reason)

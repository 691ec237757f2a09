"""Who is told what, by email, when an event changes (the iTIP attachments come from
app/feeds/mapping.py).

Called by the lifecycle services in app/services/events/lifecycle.py, inside their transaction: every
email goes through the outbox, so it exists exactly when the change is committed. Each
recipient gets their own email whose attachment lists only them: nobody learns another
person's address from an invitation.

Data stored before the text rules (`app.services.common.text`) may hold an address calendars
refuse (a quoted local part such as `"x;y"@example.org`): that person still gets the email,
without its calendar attachment, and a warning is logged. Refusing the whole change instead
would stop the organizer on a value they may not be able to correct.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale

from app.feeds import mapping
from app.feeds.mapping import Audience
from app.models import Assignment, AssignmentStatus, Event, SchoolContact, User
from app.services.mail import outbox
from app.services.pairing import reply_addresses
from calendars import Attendee, CalendarError

log = logging.getLogger(__name__)
ENGAGED = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)


@dataclass(frozen=True)
class Recipient:
    key: str  # stable, for dedupe keys: "contact:3", "role_model:12", "organizer:1"
    email: str
    name: str
    locale: str
    audience: Audience
    # None: the email goes without an iTIP attachment (calendars refuse the address, or an organizer)
    attendee: Attendee | None
    assignment: Assignment | None = None
    school_id: int | None = None  # a school contact's school: the groups whose paths they see


def school_contacts(event: Event) -> list[SchoolContact]:
    """The request's contact (it is their own request); for events without a request, the
    contacts an organizer confirmed for its schools — not whoever once sent a request with a
    school's (public) UAI."""
    request = event.visit_request
    if request is not None:
        return [request.contact] if request.contact is not None else []
    return [contact for link in event.schools for contact in link.school.contacts if contact.is_confirmed]


def calendar_attendee(build: Callable[..., Attendee | None], value, key: str) -> Attendee | None:
    """`build(value)`, or None (logged) when calendars refuse the person's address."""
    try:
        return build(value)
    except CalendarError as error:
        log.warning("%s: no calendar attachment, calendars refuse the address: %s", key, error)
        return None


def contact_recipient(contact: SchoolContact) -> Recipient:
    key = f"contact:{contact.id}"
    return Recipient(key, contact.email, contact.full_name, contact.locale or "fr",
                     Audience.SCHOOL, calendar_attendee(mapping.contact_attendee, contact, key),
                     school_id=contact.school_id)


def role_model_recipient(assignment: Assignment) -> Recipient | None:
    rm = assignment.role_model
    if rm.user is None or rm.anonymised_at is not None:
        return None  # anonymised: nobody to write to
    key = f"role_model:{assignment.role_model_id}"
    return Recipient(key, rm.user.email, rm.display_name, rm.user.locale or "fr", Audience.ROLE_MODEL,
                     calendar_attendee(mapping.role_model_attendee, assignment, key), assignment)


def organizer_recipient(user: User | None) -> Recipient | None:
    """The event's organizer gets its emails without an invitation: they are the ORGANIZER of
    the iTIP messages, not an attendee (Outlook answers an organizer's own invitation with "as
    organizer you need not respond" and never adds it); their organizer feed shows the event."""
    if user is None or not user.is_enabled:
        return None
    return Recipient(f"organizer:{user.id}", user.email, user.full_name, user.locale or "fr",
                     Audience.ORGANIZER, None)


def _reply_address(recipient: Recipient) -> str | None:
    """A role model's calendar answers go to their engagement's reply address (when configured)."""
    if recipient.audience != Audience.ROLE_MODEL or recipient.assignment is None:
        return None
    return reply_addresses.address_for(recipient.assignment)


def invitation_ics(event: Event, method: str, recipient: Recipient) -> bytes | None:
    """The iTIP attachment for one recipient, or None (logged) when calendars refuse it."""
    if recipient.attendee is None:
        return None
    try:
        if recipient.attendee.email.lower() == mapping.organizer_person(event, recipient.audience).email.lower():
            return None  # never invite the ORGANIZER's own address (see organizer_recipient)
        return mapping.invitation_ics(event, method, [recipient.attendee], audience=recipient.audience,
                                      assignment=recipient.assignment, organizer_address=_reply_address(recipient),
                                      school_ids=frozenset({recipient.school_id}) if recipient.school_id else None)
    except CalendarError as error:
        log.warning("event %s, %s: no calendar attachment: %s", event.id, recipient.key, error)
        return None


def recipients(event: Event, assignments: Iterable[Assignment]) -> Iterator[Recipient]:
    """The school contacts, the role models of `assignments` and the organizer, each once."""
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


def send(event: Event, recipients: Iterable[Recipient], *, template: str, method: str, why: str,
         context_for: Callable[[Recipient], dict] | None = None, **context) -> None:
    """One email per recipient, each with its own iTIP attachment; `context_for(recipient)` adds
    what differs per person (computed in their locale)."""
    for recipient in recipients:
        with force_locale(recipient.locale):
            ics = invitation_ics(event, method, recipient)
            own = context_for(recipient) if context_for is not None else {}
            outbox.queue_email(
                to=recipient.email,
                to_name=recipient.name,
                template=template,
                context={"event": event, "audience": recipient.audience.value, **context, **own},
                locale=recipient.locale,
                ics=ics,
                ics_method=method if ics else None,
                dedupe_key=f"event:{event.id}:{why}:seq{event.sequence}:{recipient.key}",
                event=event,
            )


def event_scheduled(event: Event, actor: User | None) -> None:
    """A slot was confirmed for a school's request: REQUEST to the school contact(s), the
    organizer, and any role model already engaged."""
    engaged = [a for a in event.assignments if a.status in ENGAGED]
    send(event, recipients(event, engaged), template="event_scheduled", method="REQUEST", why="scheduled")


def event_rescheduled(event: Event, actor: User | None, *, old_start: datetime, old_end: datetime,
                      retimed: bool) -> None:
    """The time or place changed: updated invitation (REQUEST, SEQUENCE bumped) to everyone
    concerned. After a new time, role models are asked again by their own invitation
    (app/services/pairing/invitations.py `invitation_renewed`), not by this email."""
    engaged = [] if retimed else [a for a in event.assignments if a.status in ENGAGED]
    send(event, recipients(event, engaged), template="event_rescheduled", method="REQUEST", why="rescheduled",
          old_start=old_start, old_end=old_end)


def event_confirmed(event: Event, actor: User | str | None) -> None:
    """Enough role models are confirmed: the school contacts learn who is coming (first name and
    job title, as everything a school sees) with an updated invitation, STATUS:CONFIRMED."""
    coming = [a.role_model for a in sorted(event.assignments, key=lambda a: a.id)
              if a.status == AssignmentStatus.CONFIRMED and a.role_model.anonymised_at is None]
    # The follow-up link cannot be written again: only a hash of its secret is stored
    # (app/services/requests/visit_requests.py). The email points to the one the school was sent.
    send(event, (contact_recipient(c) for c in school_contacts(event)), template="event_confirmed",
          method="REQUEST", why="confirmed", coming=coming, has_followup=event.visit_request is not None)


def event_cancelled(event: Event, actor: User | str | None, *, reason: str) -> None:
    """The event is cancelled: CANCEL to role models, school contacts and the organizer.

    Role models told are those the cancellation just released (they had been invited); those
    merely proposed never heard of the event.
    """
    released = [
        a for a in event.assignments
        if a.status == AssignmentStatus.CANCELLED and a.reason == "event_cancelled" and a.invited_at is not None
    ]
    send(event, recipients(event, released), template="event_cancelled", method="CANCEL", why="cancelled",
          reason=reason)

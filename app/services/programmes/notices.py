"""Telling people that the grid changed: like a reschedule, the event's SEQUENCE is bumped (so
feeds and calendars take the new description) and everyone concerned gets an updated
invitation with their own timetable (a role model her table, a school its groups' paths).

Only for published events: a draft is in nobody's calendar yet.
"""

from __future__ import annotations

from flask_babel import force_locale

from app.feeds.mapping import Audience
from app.models import Event, EventStatus, User
from app.services.events import emails
from app.services.mail import outbox
from app.services.programmes import timetables

_PUBLISHED = (EventStatus.SCHEDULED, EventStatus.CONFIRMED)


def grid_changed(actor: User | str | None, event: Event) -> None:
    event.sequence += 1
    if event.status not in _PUBLISHED:
        return
    engaged = [a for a in event.assignments if a.status in emails.ENGAGED]
    seen: set[str] = set()
    people = [(emails.contact_recipient(c), frozenset({c.school_id})) for c in emails.school_contacts(event)]
    people += [(emails.role_model_recipient(a), None) for a in engaged]
    people.append((emails.organizer_recipient(event.organizer), None))
    for recipient, school_ids in people:
        if recipient is None or recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        with force_locale(recipient.locale):
            lines = timetables.feed_lines(event, recipient.audience.value, recipient.assignment,
                                          school_ids if recipient.audience == Audience.SCHOOL else None)
            ics = emails.invitation_ics(event, "REQUEST", recipient)
            outbox.queue_email(
                to=recipient.email, to_name=recipient.name, template="programme_changed",
                context={"event": event, "audience": recipient.audience.value, "lines": lines},
                locale=recipient.locale, ics=ics, ics_method="REQUEST" if ics else None,
                dedupe_key=f"event:{event.id}:programme:seq{event.sequence}:{recipient.key}", event=event,
            )

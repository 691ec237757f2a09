"""Telling people that the grid changed: like a reschedule, the event's SEQUENCE is bumped (so
feeds and calendars take the new description) and everyone concerned gets an updated
invitation with their own timetable (a role model her table, a school its groups' paths).

Only for published events: a draft is in nobody's calendar yet.
"""

from __future__ import annotations

from app.models import Event, EventStatus, User
from app.services.events import emails
from app.services.programmes import timetables

_PUBLISHED = (EventStatus.SCHEDULED, EventStatus.CONFIRMED)


def grid_changed(actor: User | str | None, event: Event) -> None:
    event.sequence += 1
    if event.status not in _PUBLISHED:
        return
    engaged = [a for a in event.assignments if a.status in emails.ENGAGED]
    emails.send(event, emails.recipients(event, engaged), template="programme_changed", method="REQUEST",
                why="programme", context_for=lambda recipient: {"lines": _timetable(event, recipient)})


def _timetable(event: Event, recipient: emails.Recipient) -> list[str]:
    """The recipient's own timetable: her table, the school's own groups' paths, the grid."""
    school_ids = frozenset({recipient.school_id}) if recipient.school_id is not None else None
    return timetables.feed_lines(event, recipient.audience.value, recipient.assignment, school_ids)

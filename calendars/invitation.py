"""iTIP messages sent by email: invitations, updates and cancellations (:rfc:`5546`).

A ``REQUEST`` invites (or, with a higher SEQUENCE, updates) attendees; a ``CANCEL``
withdraws the event. Both keep the event's UID so that clients update the entry they
already have instead of adding a second one.

>>> from datetime import datetime, timezone
>>> event = CalendarEvent(
...     uid="event-9@rencontres.example", summary="Demi-journée découverte",
...     start=datetime(2026, 4, 2, 7, tzinfo=timezone.utc),
...     end=datetime(2026, 4, 2, 11, tzinfo=timezone.utc),
...     last_modified=datetime(2026, 3, 1, tzinfo=timezone.utc), sequence=1)
>>> message = render_invitation(event, method="CANCEL",
...     organizer=Person("orga@example.org", "Équipe IndustriElles"),
...     attendees=[Attendee("marraine@example.org", "Inès Diallo")])
>>> for line in (b"METHOD:CANCEL", b"STATUS:CANCELLED", b"SEQUENCE:2",
...              "SUMMARY:Annulé : Demi-journée".encode()):
...     assert line in message, line
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from calendars.contentlines import serialize
from calendars.errors import InvalidEvent
from calendars.publish import DEFAULT_PRODID
from calendars.values import Attendee, CalendarEvent, EventStatus, Person
from calendars.vevent import CANCELLED_PREFIX, timezone_lines, vevent_lines

__all__ = ["render_invitation", "METHODS"]

METHODS = ("REQUEST", "CANCEL")


def render_invitation(
    event: CalendarEvent,
    *,
    method: str,
    organizer: Person,
    attendees: Iterable[Attendee],
    stamp: datetime | None = None,
    prodid: str = DEFAULT_PRODID,
    cancelled_prefix: str = CANCELLED_PREFIX,
) -> bytes:
    """An iTIP message to attach to an email as ``text/calendar; method=...``.

    Parameters:
        event: The event; its ``organizer`` and ``attendees`` are replaced by the ones
            given here.
        method: ``"REQUEST"`` to invite or update, ``"CANCEL"`` to cancel. A cancel
            message always carries STATUS:CANCELLED and SEQUENCE one above the event's.
        organizer: The organizer (required by iTIP).
        attendees: Everyone the message concerns, with their PARTSTAT; at least one.
        stamp: DTSTAMP, the instant the message is made; defaults to the event's
            ``last_modified`` so the same data gives the same bytes.
        prodid: PRODID of the producer.
        cancelled_prefix: Put before the summary of a cancelled event.

    Returns:
        The message as UTF-8 bytes, CRLF line ends, lines folded at 75 octets.

    Raises:
        calendars.errors.InvalidEvent: For an unknown method, no attendee, a naive
            ``stamp``, or a ``REQUEST`` for a cancelled event.
    """
    method = str(method).upper()
    if method not in METHODS:
        raise InvalidEvent(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    attendee_list = tuple(attendees)
    if not attendee_list:
        raise InvalidEvent("an invitation needs at least one attendee")
    if not isinstance(organizer, Person):
        raise InvalidEvent("organizer must be a Person")
    if method == "REQUEST" and event.status is EventStatus.CANCELLED:
        raise InvalidEvent("a cancelled event is sent with method CANCEL, not REQUEST")
    if stamp is None:
        stamp = event.last_modified
    elif stamp.tzinfo is None or stamp.utcoffset() is None:
        raise InvalidEvent("stamp must be timezone-aware")
    changes: dict[str, object] = {"organizer": organizer, "attendees": attendee_list}
    if method == "CANCEL":
        changes["status"] = EventStatus.CANCELLED
    message_event = dataclasses.replace(event, **changes)  # type: ignore[arg-type]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        *timezone_lines([message_event]),
        *vevent_lines(
            message_event,
            stamp=stamp,
            with_attendees=True,
            cancelled_prefix=cancelled_prefix,
        ),
        "END:VCALENDAR",
    ]
    return serialize(lines)

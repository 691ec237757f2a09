"""The VEVENT component of one :class:`~calendars.values.CalendarEvent`, shared by feeds
and invitations (:rfc:`5545#section-3.6.1`).

>>> from datetime import datetime, timezone
>>> event = CalendarEvent(
...     uid="e-1@example.org", summary="Visite", timezone="UTC",
...     start=datetime(2026, 3, 12, 9, tzinfo=timezone.utc),
...     end=datetime(2026, 3, 12, 11, tzinfo=timezone.utc),
...     last_modified=datetime(2026, 2, 1, tzinfo=timezone.utc))
>>> print("\\n".join(vevent_lines(event, stamp=event.last_modified)))
BEGIN:VEVENT
UID:e-1@example.org
DTSTAMP:20260201T000000Z
DTSTART:20260312T090000Z
DTEND:20260312T110000Z
SUMMARY:Visite
SEQUENCE:0
STATUS:CONFIRMED
LAST-MODIFIED:20260201T000000Z
TRANSP:OPAQUE
END:VEVENT
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from calendars.contentlines import (
    escape_text,
    format_date,
    format_duration,
    format_local,
    format_utc,
    param_value,
)
from calendars.values import Attendee, CalendarEvent, EventStatus, Person
from calendars.vtimezone import vtimezone_lines

__all__ = ["vevent_lines", "timezone_lines", "published_sequence", "published_summary", "is_unique_local_time"]

CANCELLED_PREFIX = "Annulé : "
"""Put before the summary of a cancelled event, for clients that ignore STATUS."""


def published_sequence(event: CalendarEvent) -> int:
    """The SEQUENCE written for ``event``: one more than stored when cancelled, so that
    clients take the cancellation as newer than anything published before.

    >>> from datetime import date, datetime, timezone
    >>> event = CalendarEvent(uid="u", summary="s", start=date(2026, 1, 5),
    ...     end=date(2026, 1, 6), last_modified=datetime(2026, 1, 1, tzinfo=timezone.utc),
    ...     sequence=3, status="CANCELLED")
    >>> published_sequence(event)
    4
    """
    return event.sequence + (1 if event.status is EventStatus.CANCELLED else 0)


def published_summary(event: CalendarEvent, cancelled_prefix: str = CANCELLED_PREFIX) -> str:
    """The SUMMARY written for ``event``, with ``cancelled_prefix`` when cancelled."""
    if event.status is EventStatus.CANCELLED and not event.summary.startswith(cancelled_prefix):
        return cancelled_prefix + event.summary
    return event.summary


def _mailto(email: str) -> str:
    return "mailto:" + email


def _person_params(person: Person | Attendee) -> list[tuple[str, str]]:
    return [("CN", param_value(person.name))] if person.name else []


def _time_property(name: str, value: datetime | date, tzid: str) -> str:
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{format_date(value)}"
    if tzid == "UTC":
        return f"{name}:{format_utc(value)}"
    local = value.astimezone(ZoneInfo(tzid))
    if not is_unique_local_time(local):
        # RFC 5545 reads a repeated wall time as its first occurrence and clients differ on
        # it and on skipped times, so only UTC names such an instant for everyone.
        return f"{name}:{format_utc(value)}"
    return f"{name};TZID={tzid}:{format_local(local)}"


def is_unique_local_time(local: datetime) -> bool:
    """Whether the wall time of ``local`` names one instant in its zone: not in the hour
    repeated when clocks go back, nor in the hour skipped when they go forward.

    >>> paris = ZoneInfo("Europe/Paris")
    >>> is_unique_local_time(datetime(2027, 10, 31, 1, 30, tzinfo=paris))
    True
    >>> is_unique_local_time(datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=paris))
    False
    >>> is_unique_local_time(datetime(2027, 3, 28, 2, 30, tzinfo=paris))
    False
    """
    return local.replace(fold=0).utcoffset() == local.replace(fold=1).utcoffset()


def vevent_lines(
    event: CalendarEvent,
    *,
    stamp: datetime,
    with_attendees: bool = False,
    cancelled_prefix: str = CANCELLED_PREFIX,
) -> list[str]:
    """The unfolded content lines of the VEVENT for ``event``.

    Parameters:
        event: The event to write.
        stamp: Aware instant written as DTSTAMP (in UTC).
        with_attendees: Also write ORGANIZER and ATTENDEE lines. The organizer alone is
            written in feeds when known.
        cancelled_prefix: Put before the summary of a cancelled event.

    Returns:
        Lines from ``BEGIN:VEVENT`` to ``END:VEVENT``; timed values use ``TZID`` with the
        event's zone, or UTC when the zone is ``"UTC"`` or the wall time is ambiguous
        (see :func:`is_unique_local_time`).
    """
    tzid = event.timezone
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{format_utc(stamp)}",
        _time_property("DTSTART", event.start, tzid),
        _time_property("DTEND", event.end, tzid),
        f"SUMMARY:{escape_text(published_summary(event, cancelled_prefix))}",
        f"SEQUENCE:{published_sequence(event)}",
        f"STATUS:{event.status.value}",
    ]
    if event.created is not None:
        lines.append(f"CREATED:{format_utc(event.created)}")
    lines.append(f"LAST-MODIFIED:{format_utc(event.last_modified)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.geo is not None:
        latitude, longitude = event.geo
        lines.append(f"GEO:{latitude:.6f};{longitude:.6f}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(item) for item in event.categories))
    # Cancelled events must not block time in clients that keep showing them.
    transparent = event.status is EventStatus.CANCELLED
    lines.append(f"TRANSP:{'TRANSPARENT' if transparent else 'OPAQUE'}")
    if event.organizer is not None:
        params = "".join(f";{key}={value}" for key, value in _person_params(event.organizer))
        lines.append(f"ORGANIZER{params}:{_mailto(event.organizer.email)}")
    if with_attendees:
        lines.extend(_attendee_lines(event.attendees))
    if event.status is not EventStatus.CANCELLED:
        lines.extend(_alarm_lines(event, published_summary(event, cancelled_prefix)))
    lines.append("END:VEVENT")
    return lines


def _attendee_lines(attendees: Iterable[Attendee]) -> list[str]:
    lines = []
    for attendee in attendees:
        params = [
            ("CUTYPE", "INDIVIDUAL"),
            ("ROLE", attendee.role.value),
            ("PARTSTAT", attendee.partstat.value),
            ("RSVP", "TRUE" if attendee.rsvp else "FALSE"),
            *_person_params(attendee),
        ]
        text = "".join(f";{key}={value}" for key, value in params)
        lines.append(f"ATTENDEE{text}:{_mailto(attendee.email)}")
    return lines


def _alarm_lines(event: CalendarEvent, summary: str) -> list[str]:
    lines = []
    for before in event.alarms:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(summary)}",
            f"TRIGGER;RELATED=START:{format_duration(-before)}",
            "END:VALARM",
        ]
    return lines


def timezone_lines(events: Iterable[CalendarEvent]) -> list[str]:
    """VTIMEZONE components for every zone used by timed events, sorted by TZID.

    All-day events and UTC events need none.
    """
    years: dict[str, tuple[int, int]] = {}
    for event in events:
        if event.is_all_day or event.timezone == "UTC":
            continue
        zone = ZoneInfo(event.timezone)
        first = event.start.astimezone(zone).year  # type: ignore[union-attr]
        last = event.end.astimezone(zone).year  # type: ignore[union-attr]
        known = years.get(event.timezone)
        if known is not None:
            first, last = min(first, known[0]), max(last, known[1])
        years[event.timezone] = (first, last)
    lines: list[str] = []
    for tzid in sorted(years):
        lines.extend(vtimezone_lines(tzid, *years[tzid]))
    return lines

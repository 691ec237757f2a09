"""Subscription feeds: a VCALENDAR that calendar clients poll (:rfc:`5545`, :rfc:`7986`).

Identical data gives identical bytes: DTSTAMP comes from each event's
``last_modified``, events are sorted, and nothing depends on the clock. That lets the
web application answer conditional requests with a hash of the bytes.

>>> from datetime import datetime, timezone
>>> event = CalendarEvent(
...     uid="event-7@rencontres.example", summary="Conférence, lycée Diderot",
...     start=datetime(2026, 3, 12, 8, tzinfo=timezone.utc),
...     end=datetime(2026, 3, 12, 10, tzinfo=timezone.utc),
...     last_modified=datetime(2026, 2, 1, tzinfo=timezone.utc))
>>> feed = render_feed([event], name="Mes interventions")
>>> feed.startswith(b"BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\n")
True
>>> b"DTSTART;TZID=Europe/Paris:20260312T090000" in feed, b"BEGIN:VTIMEZONE" in feed
(True, True)
>>> feed == render_feed([event], name="Mes interventions")
True
>>> b"BEGIN:VTIMEZONE" in render_feed([], name="Rien pour l'instant")
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from calendars.contentlines import escape_text, format_duration, serialize
from calendars.errors import InvalidEvent
from calendars.values import CalendarEvent
from calendars.vevent import CANCELLED_PREFIX, timezone_lines, vevent_lines
from calendars.vtimezone import vtimezone_lines

__all__ = ["render_feed", "DEFAULT_PRODID"]

DEFAULT_PRODID = "-//IndustriElles//Rencontres//FR"

_EMPTY_FEED_YEAR = 2026
"""The year of the zone written in an empty feed: fixed, so the bytes never depend on the clock."""


def _sort_key(event: CalendarEvent) -> tuple[datetime, str]:
    start = event.start
    if not isinstance(start, datetime):
        zone = timezone.utc if event.timezone == "UTC" else ZoneInfo(event.timezone)
        start = datetime.combine(start, time(), tzinfo=zone)
    return start.astimezone(timezone.utc), event.uid


def render_feed(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    description: str | None = None,
    refresh_interval: timedelta = timedelta(hours=1),
    url: str | None = None,
    prodid: str = DEFAULT_PRODID,
    cancelled_prefix: str = CANCELLED_PREFIX,
    display_timezone: str = "Europe/Paris",
) -> bytes:
    """A subscription feed holding ``events``.

    Parameters:
        events: The events; their order does not matter (the feed is sorted by start,
            then UID). Cancelled events stay in the feed, marked as such, so that
            subscribed clients remove or strike them.
        name: The calendar's display name (NAME and X-WR-CALNAME).
        description: Optional description (DESCRIPTION and X-WR-CALDESC).
        refresh_interval: How often clients should poll (REFRESH-INTERVAL and
            X-PUBLISHED-TTL).
        url: Where the feed lives (SOURCE), optional.
        prodid: PRODID of the producer.
        cancelled_prefix: Put before the summary of cancelled events.
        display_timezone: The IANA zone whose VTIMEZONE an empty feed holds.

    Returns:
        The feed as UTF-8 bytes with CRLF line ends and lines folded at 75 octets.

    Raises:
        calendars.errors.InvalidEvent: When two events share a UID, or an argument
            holds a line break.
    """
    ordered = sorted(events, key=_sort_key)
    seen: set[str] = set()
    for event in ordered:
        if event.uid in seen:
            raise InvalidEvent(f"two events share the UID {event.uid!r}")
        seen.add(event.uid)
    if refresh_interval <= timedelta(0):
        raise InvalidEvent("refresh_interval must be positive")
    for what, value in (("prodid", prodid), ("url", url or "")):
        if any(char in value for char in "\r\n"):
            raise InvalidEvent(f"{what} must be a single line")
    ttl = format_duration(refresh_interval)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    if description:
        lines += [
            f"DESCRIPTION:{escape_text(description)}",
            f"X-WR-CALDESC:{escape_text(description)}",
        ]
    if url:
        lines.append(f"SOURCE;VALUE=URI:{url}")
    lines += [f"REFRESH-INTERVAL;VALUE=DURATION:{ttl}", f"X-PUBLISHED-TTL:{ttl}"]
    zones = timezone_lines(ordered)
    if not ordered:
        # RFC 5545 wants at least one component and Outlook offers to "add an empty
        # calendar" without one. A VTIMEZONE is a real component every client parses and
        # ignores while unused; a placeholder VEVENT would show up in people's calendars
        # and an X- component may be dropped or refused.
        zones = vtimezone_lines(display_timezone, _EMPTY_FEED_YEAR, _EMPTY_FEED_YEAR)
    lines += zones
    for event in ordered:
        lines += vevent_lines(
            event, stamp=event.last_modified, cancelled_prefix=cancelled_prefix
        )
    lines.append("END:VCALENDAR")
    return serialize(lines)



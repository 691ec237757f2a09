"""VTIMEZONE components built from the system's IANA database (:rfc:`5545#section-3.6.5`).

A feed that uses ``TZID=Europe/Paris`` must define that zone. We list the real offset
changes found in :mod:`zoneinfo` over the years the feed covers (plus one on each side),
so clients never guess: every observance is written out, which works the same in
Google, Outlook, Apple and Thunderbird.

>>> lines = vtimezone_lines("Europe/Paris", 2026, 2026)
>>> lines[:2], lines[-1]
(['BEGIN:VTIMEZONE', 'TZID:Europe/Paris'], 'END:VTIMEZONE')
>>> [line for line in lines if line.startswith("DTSTART")][:3]
['DTSTART:20250101T000000', 'DTSTART:20250330T020000', 'DTSTART:20251026T030000']
>>> vtimezone_lines("America/Cayenne", 2026, 2026)[2:8]
['BEGIN:STANDARD', 'DTSTART:20250101T000000', 'TZOFFSETFROM:-0300', 'TZOFFSETTO:-0300', 'TZNAME:-03', 'END:STANDARD']
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime, timedelta, timezone

__all__ = ["vtimezone_lines"]

_STEP = timedelta(hours=6)  # shorter than any two offset changes in a row


def _offset_text(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _state(zone: zoneinfo.ZoneInfo, instant: datetime) -> tuple[timedelta, bool, str]:
    local = instant.astimezone(zone)
    dst = local.dst()
    return local.utcoffset() or timedelta(0), bool(dst), local.tzname() or ""


def _transition(zone: zoneinfo.ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first UTC minute in ``(before, after]`` with the state of ``after``."""
    target = _state(zone, after)
    while after - before > timedelta(minutes=1):
        middle = before + (after - before) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle <= before:
            break
        if _state(zone, middle) == target:
            after = middle
        else:
            before = middle
    return after


@functools.lru_cache(maxsize=128)
def vtimezone_lines(tzid: str, first_year: int, last_year: int) -> list[str]:
    """The content lines of a VTIMEZONE for ``tzid`` covering the given years.

    The component starts on 1 January of ``first_year - 1`` and lists every offset
    change until the end of ``last_year + 1``.

    Parameters:
        tzid: An IANA name known to :mod:`zoneinfo`.
        first_year: The first year with events in that zone.
        last_year: The last year with events in that zone.

    Returns:
        Unfolded content lines, from ``BEGIN:VTIMEZONE`` to ``END:VTIMEZONE``.

    Raises:
        zoneinfo.ZoneInfoNotFoundError: For an unknown name.
    """
    zone = zoneinfo.ZoneInfo(tzid)
    first_local = datetime(max(first_year - 1, 1), 1, 1)
    start = first_local.replace(tzinfo=zone).astimezone(timezone.utc)
    stop = datetime(min(last_year + 2, 9999), 1, 1, tzinfo=timezone.utc)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    previous = _state(zone, start)
    lines += _observance(first_local, previous[0], previous)
    cursor = start
    while cursor < stop:
        following = cursor + _STEP
        state = _state(zone, following)
        if state != previous:
            moment = _transition(zone, cursor, following)
            # DTSTART of an observance is the local time *before* the change.
            local_onset = (moment + previous[0]).replace(tzinfo=None)
            lines += _observance(local_onset, previous[0], state)
            previous = state
        cursor = following
    lines.append("END:VTIMEZONE")
    return lines


def _observance(
    onset: datetime, offset_from: timedelta, state: tuple[timedelta, bool, str]
) -> list[str]:
    offset_to, is_dst, name = state
    kind = "DAYLIGHT" if is_dst else "STANDARD"
    lines = [
        f"BEGIN:{kind}",
        f"DTSTART:{onset.strftime('%Y%m%dT%H%M%S')}",
        f"TZOFFSETFROM:{_offset_text(offset_from)}",
        f"TZOFFSETTO:{_offset_text(offset_to)}",
    ]
    if name:
        lines.append(f"TZNAME:{name}")
    lines.append(f"END:{kind}")
    return lines

"""VTIMEZONE components built from the system's IANA database (:rfc:`5545#section-3.6.5`).

A feed that uses ``TZID=Europe/Paris`` must define that zone. Outlook reads a VTIMEZONE
as one yearly STANDARD/DAYLIGHT pair built from RRULE ([MS-STANOICAL] 2.2.47) and shows
events an hour off when given a list of one-off observances. So when :mod:`zoneinfo`'s
offset changes over the years the feed covers (plus one on each side) follow a yearly
rule — same month, same "n-th or last weekday", same local time, same offsets — we write
that rule: one STANDARD and one DAYLIGHT, each with an RRULE. A zone without daylight
saving gets one STANDARD. Anything irregular falls back to every change written out
once, which is always right for the years covered.

>>> lines = vtimezone_lines("Europe/Paris", 2026, 2026)
>>> lines[:2], lines[-1]
(['BEGIN:VTIMEZONE', 'TZID:Europe/Paris'], 'END:VTIMEZONE')
>>> rules = [line for line in lines if line.startswith(("BEGIN:", "DTSTART", "RRULE", "TZNAME"))]
>>> rules[1:5]
['BEGIN:STANDARD', 'DTSTART:20251026T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZNAME:CET']
>>> rules[5:]
['BEGIN:DAYLIGHT', 'DTSTART:20250330T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZNAME:CEST']
>>> vtimezone_lines("America/Cayenne", 2026, 2026)[2:8]
['BEGIN:STANDARD', 'DTSTART:20250101T000000', 'TZOFFSETFROM:-0300', 'TZOFFSETTO:-0300', 'TZNAME:-03', 'END:STANDARD']
"""

from __future__ import annotations

import calendar
import functools
import zoneinfo
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

__all__ = ["vtimezone_lines"]

_STEP = timedelta(hours=6)  # shorter than any two offset changes in a row
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class _State(NamedTuple):
    offset: timedelta
    dst: timedelta
    name: str


class _Change(NamedTuple):
    onset: datetime  # local wall time just before the change, as RFC 5545 wants DTSTART
    offset_from: timedelta
    state: _State


def _offset_text(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _state(zone: zoneinfo.ZoneInfo, instant: datetime) -> _State:
    local = instant.astimezone(zone)
    return _State(local.utcoffset() or timedelta(0), local.dst() or timedelta(0), local.tzname() or "")


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


def _changes(zone: zoneinfo.ZoneInfo, start: datetime, stop: datetime) -> list[_Change]:
    """Every offset, DST or name change of ``zone`` between two UTC instants."""
    changes = []
    previous = _state(zone, start)
    cursor = start
    while cursor < stop:
        following = cursor + _STEP
        state = _state(zone, following)
        if state != previous:
            moment = _transition(zone, cursor, following)
            changes.append(_Change((moment + previous.offset).replace(tzinfo=None), previous.offset, state))
            previous = state
        cursor = following
    return changes


def _positions(day: datetime) -> set[int]:
    """Which BYDAY ordinals (1…5 or -1) name ``day`` within its month."""
    positions = {(day.day - 1) // 7 + 1}
    if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
        positions.add(-1)
    return positions


def _yearly_rule(changes: list[_Change], years: range) -> str | None:
    """The RRULE that gives exactly ``changes``, one a year in ``years``, or None."""
    if [change.onset.year for change in changes] != list(years):
        return None
    first = changes[0]
    shape = (first.onset.month, first.onset.weekday(), first.onset.time(), first.offset_from, first.state)
    positions = _positions(first.onset)
    for change in changes:
        onset = change.onset
        if (onset.month, onset.weekday(), onset.time(), change.offset_from, change.state) != shape:
            return None
        positions &= _positions(onset)
    if not positions:
        return None
    # Either ordinal matched every year checked; "last" is how most zones state their rule.
    position = min(positions)
    return f"FREQ=YEARLY;BYMONTH={first.onset.month};BYDAY={position}{_WEEKDAYS[first.onset.weekday()]}"


def _rule_observances(initial: _State, changes: list[_Change], years: range) -> list[str] | None:
    """One STANDARD and one DAYLIGHT with an RRULE each, or None if the changes are irregular."""
    by_state: dict[_State, list[_Change]] = {}
    for change in changes:
        by_state.setdefault(change.state, []).append(change)
    if len(by_state) != 2 or initial not in by_state:
        return None
    rules = {state: _yearly_rule(group, years) for state, group in by_state.items()}
    if None in rules.values():
        return None
    # The summer state is the one with the larger offset, whatever the sign of dst():
    # Europe/Dublin's tzdata calls winter (GMT) its negative "daylight saving".
    standard, daylight = sorted(by_state, key=lambda state: state.offset)
    lines: list[str] = []
    for kind, state in (("STANDARD", standard), ("DAYLIGHT", daylight)):
        first = by_state[state][0]
        lines += _observance(kind, first.onset, first.offset_from, state, rules[state])
    return lines


@functools.lru_cache(maxsize=128)
def vtimezone_lines(tzid: str, first_year: int, last_year: int) -> list[str]:
    """The content lines of a VTIMEZONE for ``tzid`` covering the given years.

    The zone is checked from 1 January of ``first_year - 1`` to the end of
    ``last_year + 1``: written as a yearly rule when it follows one over those years,
    else as every offset change in them.

    Parameters:
        tzid: An IANA name known to :mod:`zoneinfo`.
        first_year: The first year with events in that zone.
        last_year: The last year with events in that zone.

    Returns:
        Unfolded content lines, from ``BEGIN:VTIMEZONE`` to ``END:VTIMEZONE``.

    Raises:
        zoneinfo.ZoneInfoNotFoundError: For an unknown name.

    >>> [line for line in vtimezone_lines("America/Miquelon", 2027, 2027) if line.startswith("RRULE")]
    ['RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU']
    >>> [line for line in vtimezone_lines("Europe/Dublin", 2027, 2027) if line.startswith(("BEGIN:", "TZNAME"))]
    ['BEGIN:VTIMEZONE', 'BEGIN:STANDARD', 'TZNAME:GMT', 'BEGIN:DAYLIGHT', 'TZNAME:IST']
    """
    zone = zoneinfo.ZoneInfo(tzid)
    years = range(max(first_year - 1, 1), min(last_year + 1, 9998) + 1)
    first_local = datetime(years[0], 1, 1)
    start = first_local.replace(tzinfo=zone).astimezone(timezone.utc)
    stop = datetime(years[-1] + 1, 1, 1, tzinfo=timezone.utc)
    initial = _state(zone, start)
    changes = _changes(zone, start, stop)
    body: list[str] | None
    if not changes:
        body = _observance("STANDARD", first_local, initial.offset, initial)
    else:
        body = _rule_observances(initial, changes, years)
    if body is None:
        # Irregular zone: every change written out once is right for the years covered.
        body = _observance(_kind(initial), first_local, initial.offset, initial)
        for change in changes:
            body += _observance(_kind(change.state), change.onset, change.offset_from, change.state)
    return ["BEGIN:VTIMEZONE", f"TZID:{tzid}", *body, "END:VTIMEZONE"]


def _kind(state: _State) -> str:
    return "DAYLIGHT" if state.dst > timedelta(0) else "STANDARD"


def _observance(
    kind: str, onset: datetime, offset_from: timedelta, state: _State, rule: str | None = None
) -> list[str]:
    lines = [
        f"BEGIN:{kind}",
        f"DTSTART:{onset.strftime('%Y%m%dT%H%M%S')}",
    ]
    if rule:
        lines.append(f"RRULE:{rule}")
    lines += [f"TZOFFSETFROM:{_offset_text(offset_from)}", f"TZOFFSETTO:{_offset_text(state.offset)}"]
    if state.name:
        lines.append(f"TZNAME:{state.name}")
    lines.append(f"END:{kind}")
    return lines

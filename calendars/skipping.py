"""What a forgiving import skipped: one unreadable event must not cost the whole calendar.

Google Calendar and Apple Calendar skip an event they cannot read and keep the others; we do
the same, but say so: :class:`BusyImport` carries the busy intervals together with how many
events were skipped and the first reason, as a :class:`Problem` with a stable ``code`` that
the application turns into words.

>>> import icalendar
>>> event = icalendar.Event.from_ical(
...     "BEGIN:VEVENT\\r\\nUID:x\\r\\nDTSTART:20260105T090000Z\\r\\nRRULE:FREQ=FORTNIGHTLY\\r\\n"
...     "END:VEVENT\\r\\n")
>>> problem_of(event).code
'unreadable_rule'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import icalendar
from dateutil.rrule import rrulestr

from calendars.values import Interval

__all__ = ["BusyImport", "Problem", "PROBLEM_CODES", "problem_of"]

PROBLEM_CODES = ("missing_start", "unreadable_time", "unreadable_rule", "unreadable_event")
"""Every :attr:`Problem.code`: no DTSTART; a date or time (DTSTART, DTEND, DURATION,
RECURRENCE-ID, EXDATE, RDATE) that cannot be read; a recurrence rule that cannot be read
(``FREQ=FORTNIGHTLY``); anything else about the event."""


@dataclass(frozen=True)
class Problem:
    """Why one event was skipped.

    Attributes:
        code: One of :data:`PROBLEM_CODES`, stable, for programs (never translated).
        uid: The event's UID, or ``""`` when it has none.
        detail: What the parser said, in English, for logs (not for people).
    """

    code: str
    uid: str = ""
    detail: str = ""


@dataclass(frozen=True)
class BusyImport:
    """The busy intervals read from a calendar, and what could not be read.

    Attributes:
        intervals: Sorted, merged busy intervals (as :func:`calendars.busy_intervals`).
        skipped: How many events were skipped because they could not be read.
        first_problem: Why the first of them was skipped, ``None`` when none was.

    >>> BusyImport([]).skipped
    0
    """

    intervals: list[Interval] = field(default_factory=list)
    skipped: int = 0
    first_problem: Problem | None = None


def _uid(event: icalendar.cal.Component) -> str:
    try:
        return str(event.get("UID", ""))
    except Exception:  # a broken UID must not hide the real problem
        return ""


def _check_times(event: icalendar.cal.Component) -> None:
    for name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"):
        prop = event.get(name)
        if prop is not None:
            _ = prop.dt  # icalendar parses lazily: reading the value is what raises
    for name in ("EXDATE", "RDATE"):
        values = event.get(name)
        for prop in values if isinstance(values, list) else [values]:
            if prop is not None:
                for item in prop.dts:
                    _ = item.dt


def _check_rules(event: icalendar.cal.Component) -> None:
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules]:
        if rule is not None:
            rule.get("FREQ")  # icalendar raises here for an unknown frequency
            # dateutil expands it later: refuse now the rules it cannot parse. Without DTSTART,
            # because UNTIL and DTSTART are only made to agree later (busy._fix_rrule_until).
            rrulestr(rule.to_ical().decode("utf-8"))


def problem_of(event: icalendar.cal.Component) -> Problem | None:
    """Why ``event`` cannot be read, or ``None`` when its dates and rules are readable.

    Parameters:
        event: A VEVENT as parsed by :mod:`icalendar` (which defers errors to access).

    Returns:
        A :class:`Problem`, or ``None``.

    >>> import icalendar
    >>> problem_of(icalendar.Event.from_ical(
    ...     "BEGIN:VEVENT\\r\\nUID:x\\r\\nDTSTART:2026-01-06 9h\\r\\nEND:VEVENT\\r\\n")).code
    'unreadable_time'
    >>> problem_of(icalendar.Event.from_ical("BEGIN:VEVENT\\r\\nUID:x\\r\\nEND:VEVENT\\r\\n")).code
    'missing_start'
    """
    uid = _uid(event)
    try:
        _check_times(event)
    except Exception as error:  # icalendar raises on access to a broken property
        return Problem("unreadable_time", uid, str(error))
    start = event.get("DTSTART")
    if start is None and event.get("RECURRENCE-ID") is None:
        return Problem("missing_start", uid, "no DTSTART")
    try:
        _check_rules(event)
    except Exception as error:  # icalendar and dateutil raise ValueError, KeyError...
        return Problem("unreadable_rule", uid, str(error))
    return None

"""Bounded expansion of recurring events, on top of :mod:`recurring_ical_events`.

recurring-ical-events computes the occurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID,
RANGE=THISANDFUTURE). Left alone, two kinds of hostile rules make it run for minutes or
use gigabytes:

- a fine rule that started long ago (``FREQ=SECONDLY`` since 1970): every occurrence
  from DTSTART is generated, and :meth:`dateutil.rrule.rrule.between` keeps them all;
- a rule whose filters never (or hardly ever) match, such as
  ``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30``: dateutil walks every day until year 9999.

We bound both. Each rule is first estimated (periods from DTSTART to the end of the
window) and refused above :data:`MAX_RULE_STEPS`. Then the rule runs on a copy moved
forward by a multiple of 400 years — the Gregorian calendar repeats exactly every 400
years, weekdays and leap days included — so that the end of the window lands shortly
before year 9999, where dateutil stops by itself: a rule that never matches now costs at
most 400 years of steps instead of 8000. Occurrences are generated lazily, counted, and
moved back. Finally the whole expansion has an occurrence cap and a time budget checked
between series.

All limits raise :class:`~calendars.errors.CalendarTooLarge`: we never return a partial
answer, because a missing busy time would show someone as free when they are not.

>>> import icalendar, datetime
>>> calendar = icalendar.Calendar.from_ical(
...     "BEGIN:VCALENDAR\\r\\nBEGIN:VEVENT\\r\\nUID:a\\r\\nDTSTART:19700101T000000Z\\r\\n"
...     "RRULE:FREQ=SECONDLY\\r\\nEND:VEVENT\\r\\nEND:VCALENDAR\\r\\n")
>>> start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
>>> occurrences_between(calendar, start, start + datetime.timedelta(days=1))
Traceback (most recent call last):
...
calendars.errors.CalendarTooLarge: recurrence rule of 'a' needs about ... steps to reach the window (limit 250000)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime

from dateutil.rrule import DAILY, HOURLY, MINUTELY, MONTHLY, SECONDLY, WEEKLY, YEARLY, rrule
from icalendar import Calendar
from recurring_ical_events import CalendarQuery, Occurrence, Series
from recurring_ical_events.selection.name import ComponentsWithName
from recurring_ical_events.util import compare_greater, convert_to_datetime

from calendars.errors import CalendarTooLarge

__all__ = [
    "occurrences_between",
    "source_component",
    "MAX_RULE_STEPS",
    "MAX_RULE_YIELDS",
    "MAX_OCCURRENCES",
    "TIME_BUDGET",
]

MAX_RULE_STEPS = 250_000
"""Most periods (days for FREQ=DAILY, seconds for FREQ=SECONDLY...) one rule may walk
from its DTSTART to the end of the window."""

MAX_RULE_YIELDS = 250_000
"""Most occurrences one rule may generate from its DTSTART to the end of the window."""

MAX_OCCURRENCES = 200_000
"""Most occurrences a whole calendar may have inside the window."""

TIME_BUDGET = 30.0
"""Seconds the expansion may take, checked between series. A legitimate 10,000-event
calendar takes a few seconds; this only stops hostile input (thousands of rules that
never match), so it is generous for slow or busy machines."""

_PERIOD_SECONDS = {
    YEARLY: 365.2425 * 86400,
    MONTHLY: 30.436875 * 86400,
    WEEKLY: 7 * 86400,
    DAILY: 86400,
    HOURLY: 3600,
    MINUTELY: 60,
    SECONDLY: 1,
}
_CYCLE_YEARS = 400  # the Gregorian calendar repeats exactly every 400 years
_LAST_YEAR = 9998  # dateutil stops after 9999; keep a year for event durations


class _Limits:
    """The limits of one expansion, shared by its series."""

    def __init__(self, max_rule_steps: int, max_rule_yields: int) -> None:
        self.max_rule_steps = max_rule_steps
        self.max_rule_yields = max_rule_yields


def _bounded_between(
    rule: rrule, low: datetime, high: datetime, uid: str, limits: _Limits
) -> Iterator[datetime]:
    """The starts of ``rule`` in ``[low, high]``, generated lazily and within limits."""
    dtstart: datetime = rule._dtstart  # noqa: SLF001 - dateutil keeps no public copy
    zone = dtstart.tzinfo
    if zone is not None:
        low = low.astimezone(zone)
        high = high.astimezone(zone)
    naive_low, naive_high = low.replace(tzinfo=None), high.replace(tzinfo=None)
    naive_start = dtstart.replace(tzinfo=None)
    until = rule._until  # noqa: SLF001
    naive_until = None
    if until is not None:
        naive_until = (until.astimezone(zone) if zone is not None else until).replace(tzinfo=None)
    if naive_high < naive_start or (naive_until is not None and naive_until < naive_low):
        return
    _check_steps(rule, naive_start, min(naive_high, naive_until or naive_high), uid, limits)
    shift = max(0, (_LAST_YEAR - naive_high.year) // _CYCLE_YEARS) * _CYCLE_YEARS
    moved = rule.replace(
        dtstart=naive_start.replace(year=naive_start.year + shift),
        until=None if naive_until is None else _move(naive_until, shift),
        cache=False,
    )
    moved_low, moved_high = _move(naive_low, shift), _move(naive_high, shift)
    produced = 0
    for moved_start in moved:
        if moved_start > moved_high:
            return
        produced += 1
        if produced > limits.max_rule_yields:
            raise CalendarTooLarge(
                f"recurrence rule of {uid!r} has more than {limits.max_rule_yields} "
                "occurrences before the end of the window"
            )
        if moved_start >= moved_low:
            yield moved_start.replace(year=moved_start.year - shift, tzinfo=zone)


def _move(value: datetime, years: int) -> datetime:
    return value.replace(year=min(value.year + years, 9999))


def _check_steps(rule: rrule, first: datetime, last: datetime, uid: str, limits: _Limits) -> None:
    period = _PERIOD_SECONDS[rule._freq] * rule._interval  # noqa: SLF001
    steps = max(0.0, (last - first).total_seconds()) / period
    original = rule._original_rule  # noqa: SLF001
    if rule._count is not None and not any(original.values()):  # noqa: SLF001
        steps = min(steps, rule._count)  # noqa: SLF001 - unfiltered: one occurrence a step
    if steps > limits.max_rule_steps:
        raise CalendarTooLarge(
            f"recurrence rule of {uid!r} needs about {int(steps)} steps to reach the "
            f"window (limit {limits.max_rule_steps})"
        )


class _BoundedSeries(Series):
    """A :class:`recurring_ical_events.Series` whose rules expand within limits."""

    limits = _Limits(MAX_RULE_STEPS, MAX_RULE_YIELDS)

    class RecurrenceRules(Series.RecurrenceRules):
        limits: _Limits

        def rrule_between(self, span_start: date, span_stop: date) -> Iterator[datetime]:
            low = convert_to_datetime(span_start, self.tzinfo)
            high = convert_to_datetime(span_stop, self.tzinfo)
            for rule in self.rrules:
                if isinstance(rule, rrule):
                    starts = _bounded_between(rule, low, high, str(self.core.uid), self.limits)
                else:  # the rruleset of RDATE and DTSTART: as long as the input
                    starts = iter(rule.between(low, high, inc=True))
                for start in starts:
                    until = getattr(rule, "until", None)
                    if until is None or not compare_greater(start, until):
                        yield start


class _BoundedQuery(CalendarQuery):
    """A query with an occurrence cap and a time budget over all series."""

    max_occurrences = MAX_OCCURRENCES
    time_budget = TIME_BUDGET

    def _occurrences_between(self, start: date, end: date) -> list[Occurrence]:
        deadline = time.monotonic() + self.time_budget
        occurrences: list[Occurrence] = []
        for series in self.series:
            if time.monotonic() > deadline:
                raise CalendarTooLarge(
                    f"expanding the calendar took more than {self.time_budget:g} seconds"
                )
            for occurrence in series.between(start, end):
                occurrences.append(occurrence)
                if len(occurrences) > self.max_occurrences:
                    raise CalendarTooLarge(
                        f"more than {self.max_occurrences} occurrences in the window"
                    )
        return occurrences


def occurrences_between(
    calendar: Calendar,
    start: datetime,
    end: datetime,
    *,
    max_occurrences: int = MAX_OCCURRENCES,
    max_rule_steps: int = MAX_RULE_STEPS,
    max_rule_yields: int = MAX_RULE_YIELDS,
    time_budget: float = TIME_BUDGET,
) -> list[Occurrence]:
    """The VEVENT occurrences of ``calendar`` that overlap ``[start, end]``.

    Parameters:
        calendar: A parsed calendar, already converted from X-WR-TIMEZONE.
        start: Aware start of the window.
        end: Aware end of the window.
        max_occurrences: See :data:`MAX_OCCURRENCES`.
        max_rule_steps: See :data:`MAX_RULE_STEPS`.
        max_rule_yields: See :data:`MAX_RULE_YIELDS`.
        time_budget: See :data:`TIME_BUDGET`.

    Returns:
        :class:`recurring_ical_events.Occurrence` objects, unordered; each one's
        ``start``/``end`` are the occurrence's, and :func:`source_component` gives the
        VEVENT it comes from (a RECURRENCE-ID override for moved occurrences).

    Raises:
        calendars.errors.CalendarTooLarge: When a limit is passed.
        Exception: Whatever recurring-ical-events raises for broken series; the caller
            maps it to :class:`~calendars.errors.InvalidCalendar`.
    """
    limits = _Limits(max_rule_steps, max_rule_yields)

    class Rules(_BoundedSeries.RecurrenceRules):
        pass

    Rules.limits = limits

    class BoundedSeries(_BoundedSeries):
        RecurrenceRules = Rules

    class Query(_BoundedQuery):
        pass

    Query.max_occurrences = max_occurrences
    Query.time_budget = time_budget
    query = Query(calendar, components=[ComponentsWithName("VEVENT", series=BoundedSeries)])
    return query._occurrences_between(start, end)  # noqa: SLF001


def source_component(occurrence: Occurrence):  # type: ignore[no-untyped-def]
    """The icalendar VEVENT an occurrence comes from (for STATUS, TRANSP, ATTENDEE)."""
    return occurrence._adapter._component  # noqa: SLF001 - no public accessor



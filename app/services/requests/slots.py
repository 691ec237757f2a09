"""Slot suggestion for a school's request: its preferred windows, on school days of its zone,
intersected with the days enough role models are free.

The rule: a slot is a standard time range (morning or afternoon, by format) on a day inside one
of the request's windows that is a school day for the school's holiday zone and not a public
holiday; it is suggested when at least `needed` role models could come: active, covering the
school's département (or accepting remote sessions when the school does), accepting the format,
with a weekly window holding the slot, no dated exception that day, no imported busy block near
it, no engagement it would clash with and monthly cap left. Those are matching's own candidate
checks (app/matching/candidates.py), asked about the slot: a suggested slot is one where
matching will find the people. Matching picks them once the event exists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app import local_time
from app.matching import candidates
from app.models import Delivery, Event, EventStatus, EventType, TimeOfDay, VisitRequest
from app.models.types import utcnow
from app.reference.academies import ACADEMIES
from calendars import french_holidays
from calendars.errors import HolidayError

# Standard times by format, in the school's wall time: (morning, afternoon).
SLOT_TIMES: dict[EventType, tuple[tuple[time, time], tuple[time, time]]] = {
    EventType.SCHOOL_VISIT: ((time(9), time(11)), (time(14), time(16))),
    EventType.ROUNDTABLE: ((time(9, 30), time(11, 30)), (time(14), time(16))),
    EventType.DISCOVERY_HALF_DAY: ((time(8, 30), time(12)), (time(13, 30), time(17))),
    EventType.CONFERENCE: ((time(10), time(12)), (time(14), time(16))),
}
# How many role models a format needs by default.
NEEDED: dict[EventType, int] = {
    EventType.SCHOOL_VISIT: 1, EventType.CONFERENCE: 1, EventType.DISCOVERY_HALF_DAY: 2, EventType.ROUNDTABLE: 3,
}
DEFAULT_HORIZON = timedelta(weeks=6)  # when a request names no window


@dataclass(frozen=True)
class Slot:
    start_at: datetime
    end_at: datetime
    available: int
    needed: int

    @property
    def is_enough(self) -> bool:
        return self.available >= self.needed


@dataclass
class Day:
    day: date
    in_window: bool = False
    school_holiday: str | None = None
    public_holiday: str | None = None
    weekend: bool = False
    slots: list[Slot] = field(default_factory=list)

    @property
    def is_school_day(self) -> bool:
        return not (self.weekend or self.school_holiday or self.public_holiday)


@dataclass
class SlotPlan:
    """What the request page shows: a day-by-day calendar of the windows and the best slots."""

    days: list[Day]
    suggestions: list[Slot]
    needed: int
    holidays_known: bool = True


def timezone_of(request: VisitRequest) -> str:
    academie = ACADEMIES.get(request.school.academie)
    return academie.timezone if academie else local_time.DISPLAY_TIMEZONE


def _holiday_area(request: VisitRequest) -> str:
    departement = request.school.departement
    if departement in ("57", "67", "68"):
        return "alsace-moselle"
    return departement if departement in french_holidays.PUBLIC_HOLIDAY_AREAS else "metropole"


def _window_days(request: VisitRequest, today: date) -> dict[date, set[TimeOfDay]]:
    spans = [(w.start_date, w.end_date, w.time_of_day) for w in request.windows]
    if not spans:
        spans = [(today + timedelta(days=1), today + DEFAULT_HORIZON, TimeOfDay.ANY)]
    days: dict[date, set[TimeOfDay]] = defaultdict(set)
    for start, end, when in spans:
        day = max(start, today + timedelta(days=1))
        while day <= end:
            days[day].add(when)
            day += timedelta(days=1)
    return days


def _halves(times_of_day: set[TimeOfDay]) -> list[int]:
    """0 = morning, 1 = afternoon."""
    halves = set()
    for when in times_of_day:
        if when in (TimeOfDay.MORNING, TimeOfDay.FULL_DAY, TimeOfDay.ANY):
            halves.add(0)
        if when in (TimeOfDay.AFTERNOON, TimeOfDay.FULL_DAY, TimeOfDay.ANY):
            halves.add(1)
    return sorted(halves)


def _mark_holidays(request: VisitRequest, days: dict[date, Day], first: date, last: date) -> bool:
    """Mark school and public holidays; False when the zone's school calendar is unknown."""
    known = True
    try:
        for h in french_holidays.school_holidays(request.school.zone.value, first, last + timedelta(days=1)):
            for d in days:
                if h.start <= d < h.end:
                    days[d].school_holiday = h.name
    except HolidayError:
        known = False
    try:
        for h in french_holidays.public_holidays(first, last + timedelta(days=1), area=_holiday_area(request)):
            if h.day in days:
                days[h.day].public_holiday = h.name
    except HolidayError:
        known = False
    return known


def plan_slots(request: VisitRequest, *, format: EventType | None = None, limit: int = 8,
               now: datetime | None = None) -> SlotPlan:
    """Days of the request's windows (whole weeks, for display) and suggested slots, best first:
    the most available role models, then the earliest."""
    now = now or utcnow()
    format = format or request.format
    zone = ZoneInfo(timezone_of(request))
    today = now.astimezone(zone).date()
    wanted = _window_days(request, today)
    needed = NEEDED.get(format, 1)
    if not wanted:
        return SlotPlan(days=[], suggestions=[], needed=needed)
    first, last = min(wanted), max(wanted)
    first -= timedelta(days=first.weekday())
    last += timedelta(days=6 - last.weekday())
    days = {first + timedelta(days=i): Day(first + timedelta(days=i)) for i in range((last - first).days + 1)}
    known = _mark_holidays(request, days, first, last)
    for d, day in days.items():
        day.weekend = d.weekday() >= 5
        day.in_window = d in wanted

    candidates: list[Slot] = []
    slot_times = SLOT_TIMES.get(format, SLOT_TIMES[EventType.SCHOOL_VISIT])
    for d in sorted(wanted):
        day = days[d]
        if not day.is_school_day:
            continue
        for half in _halves(wanted[d]):
            if d.weekday() == 2 and half == 1:
                continue  # no classes on Wednesday afternoons
            start, end = slot_times[half]
            candidates.append(
                Slot(datetime.combine(d, start, zone).astimezone(UTC), datetime.combine(d, end, zone).astimezone(UTC),
                     0, needed)
            )
    counts = available_counts(request, format, [(s.start_at, s.end_at) for s in candidates], now=now)
    for slot, count in zip(candidates, counts):
        slot = Slot(slot.start_at, slot.end_at, count, needed)
        days[slot.start_at.astimezone(zone).date()].slots.append(slot)
    scored = [s for d in days.values() for s in d.slots]
    suggestions = sorted((s for s in scored if s.is_enough), key=lambda s: (-s.available, s.start_at))[:limit]
    return SlotPlan(days=list(days.values()), suggestions=suggestions, needed=needed, holidays_known=known)


def available_counts(request: VisitRequest, format: EventType, spans: list[tuple[datetime, datetime]],
                     *, now: datetime | None = None) -> list[int]:
    """For each [start, end) span, how many role models could come: the candidates matching would
    find for an event of the request there (app/matching/candidates.py, every hard constraint:
    travel buffer around busy blocks, engagements the same day, monthly caps...), asked about
    probe events that are never saved. A fixed handful of queries whatever the number of spans."""
    if not spans:
        return []
    school = request.school
    probes = [
        # Scalar columns only: no relationship, so nothing cascades the probe into the session.
        Event(id=-(i + 1), type=format, title="", status=EventStatus.DRAFT, start_at=start, end_at=end,
              timezone=timezone_of(request), is_online=request.delivery != Delivery.IN_PERSON,
              departement=school.departement, academie=school.academie, role_models_min=1, role_models_max=1,
              topics=[], visit_request_id=request.id)
        for i, (start, end) in enumerate(spans)
    ]
    found = candidates.build(probes, now=now)
    counts = found.arc_counts
    positions = [found.index_of(probe.id) for probe in probes]
    return [0 if k is None else int(counts[k]) for k in positions]

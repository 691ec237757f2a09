"""One week of a role model's time, for the portal: availability windows, busy blocks imported
from their calendar, and engagements, side by side, in Europe/Paris wall time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app import local_time
from app.extensions import db
from app.models import ENGAGED_STATUSES, Assignment, BusyInterval, Event, EventStatus, RoleModel

TZ = local_time.DISPLAY_ZONE
FIRST_HOUR, LAST_HOUR = 7, 20  # widened when something falls outside


@dataclass
class Block:
    kind: str  # "available", "busy" or "engagement"
    start: time
    end: time  # time.max for "until midnight"
    title: str = ""
    status: str = ""
    participation_id: int | None = None  # an engagement's, for the link to its meeting page

    @property
    def minutes(self) -> tuple[int, int]:
        end = 24 * 60 if self.end == time.max else self.end.hour * 60 + self.end.minute
        return self.start.hour * 60 + self.start.minute, end


@dataclass
class Day:
    day: date
    blocks: list[Block] = field(default_factory=list)
    exception: str | None = None  # the reason, when the whole day is off


@dataclass
class Week:
    monday: date
    days: list[Day]
    first_hour: int
    last_hour: int

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    def position(self, block: Block) -> tuple[float, float]:
        """Top and height, in % of the day column."""
        span = (self.last_hour - self.first_hour) * 60
        start, end = block.minutes
        start, end = max(start, self.first_hour * 60), min(end, self.last_hour * 60)
        return round((start - self.first_hour * 60) * 100 / span, 3), round(max(end - start, 15) * 100 / span, 3)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local(instant: datetime) -> datetime:
    return instant.astimezone(TZ)


def _pieces(start_at: datetime, end_at: datetime, days: list[date]):
    """Split an instant range into per-day (day, start, end) wall-time pieces."""
    start, end = _local(start_at), _local(end_at)
    for day in days:
        day_start = datetime.combine(day, time(), tzinfo=TZ)
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=TZ)
        a, b = max(start, day_start), min(end, day_end)
        if a < b:
            yield (day, a.time().replace(second=0, microsecond=0),
                   time.max if b == day_end else b.time().replace(second=0, microsecond=0))


def week(rm: RoleModel, monday: date) -> Week:
    monday = monday_of(monday)
    days = [monday + timedelta(days=i) for i in range(7)]
    by_day = {d: Day(d) for d in days}
    start_at = datetime.combine(monday, time(), tzinfo=TZ)
    end_at = datetime.combine(monday + timedelta(days=7), time(), tzinfo=TZ)
    for exception in rm.exceptions:
        for d in days:
            if exception.start_date <= d <= exception.end_date:
                by_day[d].exception = exception.reason or ""
    for window in rm.windows:
        d = days[window.weekday]
        if by_day[d].exception is None:
            by_day[d].blocks.append(Block("available", window.start_time, window.end_time))
    busy = db.session.scalars(
        select(BusyInterval).where(BusyInterval.role_model_id == rm.id, BusyInterval.start_at < end_at,
                                   BusyInterval.end_at > start_at).order_by(BusyInterval.start_at))
    for interval in busy:
        for d, a, b in _pieces(interval.start_at, interval.end_at, days):
            by_day[d].blocks.append(Block("busy", a, b))
    engaged = db.session.scalars(
        select(Assignment).join(Assignment.event)
        .where(Assignment.role_model_id == rm.id, Assignment.status.in_(ENGAGED_STATUSES),
               Event.status != EventStatus.CANCELLED, Event.start_at < end_at, Event.end_at > start_at))
    for assignment in engaged:
        for d, a, b in _pieces(assignment.event.start_at, assignment.event.end_at, days):
            by_day[d].blocks.append(Block("engagement", a, b, assignment.event.title, assignment.status.value,
                                          assignment.id))
    first, last = FIRST_HOUR, LAST_HOUR
    for day in by_day.values():
        day.blocks.sort(key=lambda b: (b.start, b.kind))
        for block in day.blocks:
            start, end = block.minutes
            first, last = min(first, start // 60), max(last, -(-end // 60))
    return Week(monday, [by_day[d] for d in days], first, last)

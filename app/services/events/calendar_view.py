"""Week and month views of the events in an organizer's scope, and the filtered list view.

Days are Europe/Paris days (outre-mer events are placed on the Paris day they start, and shown
with their own time zone). One query per view, whatever the number of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import local_time
from app.extensions import db
from app.models import Assignment, AssignmentStatus, Event, EventSchool, EventStatus, EventType, User
from app.services.common import scope


@dataclass
class CalendarDay:
    day: date
    events: list[Event] = field(default_factory=list)
    in_month: bool = True
    is_today: bool = False


@dataclass
class Period:
    start: date  # first day shown
    end: date  # day after the last day shown
    previous: date
    next: date
    days: list[CalendarDay]

    @property
    def weeks(self) -> list[list[CalendarDay]]:
        return [self.days[i:i + 7] for i in range(0, len(self.days), 7)]


def _events_between(user: User, start: date, end: date, *, include_cancelled: bool = True) -> list[Event]:
    query = (
        select(Event)
        .where(Event.start_at >= local_time.midnight(start), Event.start_at < local_time.midnight(end))
        .order_by(Event.start_at, Event.id)
    )
    if not include_cancelled:
        query = query.where(Event.status != EventStatus.CANCELLED)
    return list(db.session.scalars(scope.restrict(query, user, Event.academie)))


def _fill(days: list[CalendarDay], events: list[Event]) -> None:
    by_day = {d.day: d for d in days}
    for event in events:
        slot = by_day.get(event.start_at.astimezone(local_time.DISPLAY_ZONE).date())
        if slot is not None:
            slot.events.append(event)


def week(user: User, around: date, *, today: date | None = None) -> Period:
    today = today or local_time.today()
    start = around - timedelta(days=around.weekday())
    end = start + timedelta(days=7)
    days = [CalendarDay(start + timedelta(days=i), is_today=start + timedelta(days=i) == today) for i in range(7)]
    _fill(days, _events_between(user, start, end))
    return Period(start, end, start - timedelta(days=7), end, days)


def month(user: User, around: date, *, today: date | None = None) -> Period:
    today = today or local_time.today()
    first = around.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    start = first - timedelta(days=first.weekday())
    end = following + timedelta(days=(7 - following.weekday()) % 7)
    days = [
        CalendarDay(d, in_month=d.month == first.month, is_today=d == today)
        for d in (start + timedelta(days=i) for i in range((end - start).days))
    ]
    _fill(days, _events_between(user, start, end))
    previous = (first - timedelta(days=1)).replace(day=1)
    return Period(start, end, previous, following, days)


@dataclass
class EventFilters:
    start: date | None = None
    end: date | None = None  # inclusive
    status: str = ""
    type: str = ""
    academie: str = ""
    public_only: bool = False


@dataclass
class EventRow:
    event: Event
    confirmed: int
    engaged: int


def list_events(user: User, filters: EventFilters | None = None, *, limit: int = 200) -> list[EventRow]:
    """Events with their confirmed and engaged role-model counts: two queries in all."""
    f = filters or EventFilters()
    confirmed = (
        select(func.count()).where(Assignment.event_id == Event.id, Assignment.status == AssignmentStatus.CONFIRMED)
        .correlate(Event).scalar_subquery()
    )
    engaged = (
        select(func.count())
        .where(Assignment.event_id == Event.id,
               Assignment.status.in_((AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)))
        .correlate(Event).scalar_subquery()
    )
    query = (
        select(Event, confirmed, engaged)
        .options(selectinload(Event.schools).joinedload(EventSchool.school))
        .order_by(Event.start_at, Event.id)
        .limit(limit)
    )
    if f.start:
        query = query.where(Event.start_at >= local_time.midnight(f.start))
    if f.end:
        query = query.where(Event.start_at < local_time.midnight(f.end + timedelta(days=1)))
    if f.status in EventStatus.__members__.values():
        query = query.where(Event.status == EventStatus(f.status))
    if f.type in EventType.__members__.values():
        query = query.where(Event.type == EventType(f.type))
    if f.academie:
        query = query.where(Event.academie == f.academie)
    if f.public_only:
        query = query.where(Event.is_public.is_(True))
    rows = db.session.execute(scope.restrict(query, user, Event.academie)).unique()
    return [EventRow(event, c, e) for event, c, e in rows]

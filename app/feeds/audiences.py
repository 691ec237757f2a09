"""What each audience's feed holds: the events it may see, from a given day, as calendar values.

Cancelled events (and participations that ended after an invitation) stay in feeds as
CANCELLED, SEQUENCE bumped, for CANCELLED_KEPT_FOR, then disappear; past events stay for
PRIVATE_PAST (PUBLIC_PAST in public feeds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.feeds.mapping import Audience, calendar_event
from app.models import (
    Assignment,
    Event,
    EventSchool,
    EventStatus,
    RoleModel,
    School,
    User,
    VisitRequest,
)
from app.models.types import utcnow
from app.services.programmes import timetables
from calendars import CalendarEvent
from calendars import EventStatus as CalStatus

CANCELLED_KEPT_FOR = timedelta(days=30)
PRIVATE_PAST = timedelta(days=365)
PUBLIC_PAST = timedelta(days=90)

_PUBLISHED = (EventStatus.SCHEDULED, EventStatus.CONFIRMED, EventStatus.COMPLETED, EventStatus.CANCELLED)


def today(now: datetime | None) -> date:
    return (now or utcnow()).astimezone(UTC).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _cancelled_at(event: Event) -> datetime:
    return event.cancelled_at or event.updated_at


def _ended_at(assignment: Assignment) -> datetime:
    return assignment.ended_at or assignment.responded_at or assignment.updated_at


def _event_options(audience: Audience) -> list:
    """Load what `audience`'s view of an event reads, in a few queries, and nothing more."""
    options = [selectinload(Event.schools).selectinload(EventSchool.school), selectinload(Event.organizer)]
    if audience in (Audience.SCHOOL, Audience.ORGANIZER):
        options.append(selectinload(Event.assignments).selectinload(Assignment.role_model))
    if audience == Audience.ORGANIZER:
        options.append(selectinload(Event.visit_request).selectinload(VisitRequest.contact))
    if audience != Audience.PUBLIC:
        options.extend(timetables.load_options())  # the programme and the grid
    return options


def _visible_events(events: Iterable[Event], audience: Audience, day: date,
                    school_ids: Callable[[Event], frozenset[int]] | None = None) -> list[CalendarEvent]:
    keep_since = day_start(day) - CANCELLED_KEPT_FOR
    return [
        calendar_event(e, audience, school_ids=school_ids(e) if school_ids else None)
        for e in events
        if e.status != EventStatus.CANCELLED or _cancelled_at(e) >= keep_since
    ]


def role_model_events(role_model: RoleModel, *, day: date) -> list[CalendarEvent]:
    query = (
        select(Assignment)
        .join(Assignment.event)
        .where(
            Assignment.role_model_id == role_model.id,
            Assignment.invited_at.is_not(None),
            Event.status.in_(_PUBLISHED),
            Event.end_at >= day_start(day) - PRIVATE_PAST,
        )
        .options(selectinload(Assignment.event).options(*_event_options(Audience.ROLE_MODEL)))
    )
    keep_since = day_start(day) - CANCELLED_KEPT_FOR
    values = []
    for assignment in db.session.scalars(query):
        value = calendar_event(assignment.event, Audience.ROLE_MODEL, assignment=assignment)
        if value.status == CalStatus.CANCELLED:
            event = assignment.event
            ended = _cancelled_at(event) if event.status == EventStatus.CANCELLED else _ended_at(assignment)
            if ended < keep_since:
                continue
        values.append(value)
    return values


def school_events(school: School, *, day: date) -> list[CalendarEvent]:
    query = (
        select(Event)
        .join(EventSchool)
        .where(EventSchool.school_id == school.id, Event.status.in_(_PUBLISHED),
               Event.end_at >= day_start(day) - PRIVATE_PAST)
        .options(*_event_options(Audience.SCHOOL))
    )
    return _visible_events(db.session.scalars(query), Audience.SCHOOL, day, lambda _event: frozenset({school.id}))


def request_events(request_id: int, *, day: date) -> list[CalendarEvent]:
    """The events planned for one visit request (a reschedule may have made more than one)."""
    query = (
        select(Event)
        .where(Event.visit_request_id == request_id, Event.status.in_(_PUBLISHED),
               Event.end_at >= day_start(day) - PRIVATE_PAST)
        .options(*_event_options(Audience.SCHOOL))
    )
    return _visible_events(db.session.scalars(query), Audience.SCHOOL, day,
                           lambda event: frozenset({event.visit_request.school_id}))


def organizer_events(user: User, *, day: date) -> list[CalendarEvent]:
    query = (
        select(Event)
        .where(Event.status.in_(_PUBLISHED), Event.end_at >= day_start(day) - PRIVATE_PAST)
        .options(*_event_options(Audience.ORGANIZER))
    )
    if user.academies is not None:
        query = query.where(Event.academie.in_(sorted(user.academies) or [""]))
    return _visible_events(db.session.scalars(query), Audience.ORGANIZER, day)


def public_events(*, academie: str | None = None, day: date) -> list[CalendarEvent]:
    query = (
        select(Event)
        .where(Event.is_public.is_(True), Event.status.in_(_PUBLISHED),
               Event.end_at >= day_start(day) - PUBLIC_PAST)
    )
    if academie is not None:
        query = query.where(Event.academie == academie)
    return _visible_events(db.session.scalars(query), Audience.PUBLIC, day)


"""Reading and changing events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Event, EventStatus, User
from app.models.types import utcnow
from app.services import scope


def upcoming_public_events(*, limit: int = 20, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    query = (
        select(Event)
        .where(Event.is_public.is_(True), Event.end_at >= now)
        .where(Event.status.in_((EventStatus.SCHEDULED, EventStatus.CONFIRMED)))
        .order_by(Event.start_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def upcoming_events_for(user: User, *, limit: int = 20, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    query = select(Event).where(Event.end_at >= now).order_by(Event.start_at).limit(limit)
    return list(db.session.scalars(scope.restrict(query, user, Event.academie)))

"""Paginated listings for the JSON API: public events, the events and role models of an
organizer's scope, an event's participations. Same visibility and scope rules as the pages.

Pages are cut by keyset (the sort key of the last row seen), not by offset: a row added or
removed meanwhile never shifts a page, so a client walking the cursor sees each row once.
The cursor is opaque to clients (base64 of the key), and checked when read back.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, or_, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from app import local_time
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    Event,
    EventSchool,
    EventStatus,
    EventType,
    JobFamily,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    User,
)
from app.services.common import scope
from app.services.common.errors import Invalid

MAX_LIMIT = 100
MAX_INT = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
# What the public may see: the published states, cancellations included (as the public feed).
PUBLIC_STATUSES = (EventStatus.SCHEDULED, EventStatus.CONFIRMED, EventStatus.COMPLETED, EventStatus.CANCELLED)


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


@dataclass
class EventQuery:
    type: EventType | None = None
    status: EventStatus | None = None
    academie: str | None = None
    start: date | None = None  # Paris days, both included
    end: date | None = None
    public_only: bool = False


@dataclass
class RoleModelQuery:
    text: str = ""
    status: RoleModelStatus | None = None
    job_family: JobFamily | None = None
    departement: str | None = None
    words: list[str] = field(init=False, default_factory=list)

    def __post_init__(self):
        self.words = [w for w in (self.text or "").split() if w][:4]


def encode_cursor(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: tuple[type, ...]) -> list | None:
    """The key values in `cursor`, typed as `kinds`; Invalid when it was not made by us."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError(cursor)
        values = []
        for kind, value in zip(kinds, raw, strict=True):
            if kind is datetime:
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    raise ValueError(cursor)
                value = value.astimezone(UTC)
            elif (
                not isinstance(value, kind)
                or isinstance(value, bool)
                or kind is int
                and not -MAX_INT <= value <= MAX_INT
                or kind is str
                and ("\x00" in value or len(value) > 200)
            ):
                raise ValueError(cursor)
            if kind is str:
                value.encode("utf-8")  # a lone surrogate raises (UnicodeError is a ValueError)
            values.append(value)
        return values
    except (ValueError, TypeError, OverflowError):
        message = _l("Ce curseur de pagination n'est pas valide : repartez de la première page.")
        raise Invalid(message, code="invalid_cursor", fields={"cursor": message}) from None


def _page(
    query: Select, keys: tuple, kinds: tuple[type, ...], cursor: str | None, limit: int, key_of
) -> Page:
    limit = max(1, min(limit, MAX_LIMIT))
    after = decode_cursor(cursor, kinds)
    if after is not None:
        query = query.where(tuple_(*keys) > tuple_(*after))
    rows = list(db.session.scalars(query.order_by(*keys).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(key_of(rows[-1])) if more and rows else None)


def _event_filters(query: Select, q: EventQuery) -> Select:
    if q.type is not None:
        query = query.where(Event.type == q.type)
    if q.status is not None:
        query = query.where(Event.status == q.status)
    if q.academie:
        query = query.where(Event.academie == q.academie)
    if q.start is not None:
        query = query.where(Event.start_at >= local_time.midnight(q.start))
    if q.end is not None:
        query = query.where(Event.start_at < local_time.midnight(q.end + timedelta(days=1)))
    if q.public_only:
        query = query.where(Event.is_public.is_(True))
    return query


def public_events(q: EventQuery, *, cursor: str | None = None, limit: int = 50) -> Page:
    """Public events in a published state, by start time."""
    query = select(Event).where(Event.is_public.is_(True), Event.status.in_(PUBLIC_STATUSES))
    if q.status is not None and q.status not in PUBLIC_STATUSES:
        query = query.where(false())
    return _page(
        _event_filters(query, q),
        (Event.start_at, Event.id),
        (datetime, int),
        cursor,
        limit,
        lambda e: [e.start_at, e.id],
    )


def public_event(event_id: int) -> Event | None:
    return db.session.scalar(
        select(Event).where(
            Event.id == event_id, Event.is_public.is_(True), Event.status.in_(PUBLIC_STATUSES)
        )
    )


def events(user: User, q: EventQuery, *, cursor: str | None = None, limit: int = 50) -> Page:
    """Events of the user's académies with their schools, by start time."""
    query = select(Event).options(selectinload(Event.schools).joinedload(EventSchool.school))
    query = scope.restrict(_event_filters(query, q), user, Event.academie)
    return _page(
        query, (Event.start_at, Event.id), (datetime, int), cursor, limit, lambda e: [e.start_at, e.id]
    )


def role_models(user: User, q: RoleModelQuery, *, cursor: str | None = None, limit: int = 50) -> Page:
    """Role models covering a département of the user's scope (not anonymised), by name."""
    query = scope.restrict_role_models(
        select(RoleModel)
        .where(RoleModel.anonymised_at.is_(None))
        .options(selectinload(RoleModel.departements), joinedload(RoleModel.user)),
        user,
    )
    if q.status is not None:
        query = query.where(RoleModel.status == q.status)
    if q.job_family is not None:
        query = query.where(RoleModel.job_family == q.job_family)
    if q.departement:
        query = query.where(
            RoleModel.id.in_(
                select(RoleModelDepartement.role_model_id).where(
                    RoleModelDepartement.departement == q.departement
                )
            )
        )
    for word in q.words:
        like = f"%{word}%"
        query = query.where(
            or_(
                RoleModel.first_name.ilike(like),
                RoleModel.last_name.ilike(like),
                RoleModel.company.ilike(like),
                RoleModel.job_title.ilike(like),
            )
        )
    return _page(
        query,
        (RoleModel.last_name, RoleModel.first_name, RoleModel.id),
        (str, str, int),
        cursor,
        limit,
        lambda r: [r.last_name, r.first_name, r.id],
    )


def assignments(event: Event, *, status: AssignmentStatus | None = None) -> list[Assignment]:
    """An event's participations (an event has a handful: no paging), proposals best first."""
    query = (
        select(Assignment)
        .options(joinedload(Assignment.role_model))
        .where(Assignment.event_id == event.id)
        .order_by(Assignment.score.desc().nulls_last(), Assignment.id)
    )
    if status is not None:
        query = query.where(Assignment.status == status)
    return list(db.session.scalars(query))

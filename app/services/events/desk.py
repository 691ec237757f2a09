"""One event as an organizer's page shows it: loaded in scope with what the page reads, its
audit trail (the event's and its participations'), its emails, and who among its role models is
busy then. Adding and removing schools is app/services/events/classes.py."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    ENGAGED_STATUSES,
    Assignment,
    AuditEntry,
    BusyInterval,
    Event,
    EventSchool,
    OutboxEmail,
    RoleModel,
    User,
)
from app.services.common import access, scope
from app.services.common.errors import NotFound


def get_event(user: User, event_id: int) -> Event:
    """The event with its schools and participations; out of scope looks like missing (404)."""
    query = (
        select(Event)
        .where(Event.id == event_id)
        .options(
            selectinload(Event.schools).joinedload(EventSchool.school),
            selectinload(Event.assignments).joinedload(Assignment.role_model).selectinload(RoleModel.departements),
            joinedload(Event.visit_request),
            joinedload(Event.organizer),
        )
    )
    event = db.session.scalars(scope.restrict(query, user, Event.academie)).unique().one_or_none()
    if event is None:
        raise NotFound(access.MISSING_EVENT)
    return event


def trail(event: Event) -> list[AuditEntry]:
    """The event's audit entries and those of its participations, oldest first, in one query."""
    assignment_ids = [a.id for a in event.assignments]
    subjects = [and_(AuditEntry.subject_type == "event", AuditEntry.subject_id == event.id)]
    if assignment_ids:
        subjects.append(and_(AuditEntry.subject_type == "assignment", AuditEntry.subject_id.in_(assignment_ids)))
    query = select(AuditEntry).where(or_(*subjects)).order_by(AuditEntry.created_at, AuditEntry.id)
    return list(db.session.scalars(query))


def emails(event: Event, *, limit: int = 50) -> list[OutboxEmail]:
    query = select(OutboxEmail).where(OutboxEmail.event_id == event.id).order_by(OutboxEmail.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def busy_clashes(event: Event) -> set[int]:
    """Ids of the event's engaged participations whose role model's own calendar now shows them
    busy during the event (found by calendar sync after they said yes). One query."""
    engaged = [a.role_model_id for a in event.assignments if a.status in ENGAGED_STATUSES]
    if not engaged:
        return set()
    busy = set(db.session.scalars(
        select(BusyInterval.role_model_id).where(
            BusyInterval.role_model_id.in_(engaged), BusyInterval.start_at < event.end_at,
            BusyInterval.end_at > event.start_at)
    ))
    return {a.id for a in event.assignments if a.status in ENGAGED_STATUSES and a.role_model_id in busy}

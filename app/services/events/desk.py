"""One event as an organizer works on it: loaded in scope with what its page shows, its audit
trail (the event's and its participations'), the schools and classes taking part."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
    EventStatus,
    EventType,
    OutboxEmail,
    RoleModel,
    School,
    User,
)
from app.services.common import access, audit, scope
from app.services.common.errors import Conflict, Invalid, NotFound
from app.services.pairing import bookings


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
        raise NotFound(_l("Cet événement n'existe pas."))
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


def add_school(actor: User, event: Event, *, uai: str, class_level: str = "", headcount: int | None = None,
               girls_count: int | None = None) -> EventSchool:
    """Another school or class joins a half-day or conference (a visit serves one school)."""
    access.require_event_organizer(actor, event)
    bookings.lock_event(event)  # two classes joining at once cannot both take the last places
    if event.status in (EventStatus.CANCELLED, EventStatus.COMPLETED):
        raise Conflict(_l("Cet événement est clos : il ne peut plus être modifié."), code="event_closed")
    errors = {}
    school = db.session.scalar(select(School).where(School.uai == (uai or "").strip().upper()))
    if school is None:
        errors["uai"] = _l("Aucun établissement connu avec ce numéro UAI.")
    elif any(s.school_id == school.id for s in event.schools):
        errors["uai"] = _l("Cet établissement participe déjà.")
    elif event.type == EventType.SCHOOL_VISIT and event.schools:
        errors["uai"] = _l("Une intervention en établissement concerne un seul établissement.")
    if headcount is not None and headcount <= 0:
        errors["headcount"] = _l("L'effectif doit être positif.")
    if girls_count is not None and (girls_count < 0 or (headcount is not None and girls_count > headcount)):
        errors["girls_count"] = _l("Le nombre de filles doit être compris entre 0 et l'effectif.")
    pupils = bookings.pupils_expected(event)
    if "headcount" not in errors and event.capacity is not None and pupils + (headcount or 0) > event.capacity:
        errors["headcount"] = _l("L'événement est complet : %(left)s places restantes sur %(capacity)s.",
                                 left=max(0, event.capacity - pupils), capacity=event.capacity)
    if errors:
        raise Invalid(_l("Certains champs sont à corriger."), fields=errors)
    row = EventSchool(school=school, class_level=class_level.strip(), headcount=headcount, girls_count=girls_count)
    event.schools.append(row)
    db.session.flush()
    audit.record(actor, event, "event.school_added", school_id=school.id, class_level=row.class_level)
    return row


def remove_school(actor: User, event: Event, school_id: int) -> None:
    access.require_event_organizer(actor, event)
    row = next((s for s in event.schools if s.school_id == school_id), None)
    if row is None:
        raise NotFound(_l("Cet établissement ne participe pas à l'événement."))
    if event.visit_request is not None and event.visit_request.school_id == school_id:
        raise Conflict(_l("L'établissement à l'origine de la demande ne peut pas être retiré ; annulez l'événement."),
                       code="requesting_school")
    event.schools.remove(row)
    db.session.flush()
    audit.record(actor, event, "event.school_removed", school_id=school_id)


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

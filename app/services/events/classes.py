"""The schools and classes taking part in an event: another one joins a half-day or a
conference (within its capacity), or one leaves it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from app.extensions import db
from app.models import Event, EventSchool, EventStatus, EventType, School, User
from app.services.common import access, audit, scope
from app.services.common.errors import Conflict, Invalid, NotFound
from app.services.pairing import bookings


def add_school(actor: User, event: Event, *, uai: str, class_level: str = "", headcount: int | None = None,
               girls_count: int | None = None) -> EventSchool:
    """Another school or class joins a half-day or conference (a visit serves one school).
    Only a school of the actor's académies: any other UAI is answered as unknown, since a school
    is known here only once it has dealt with the collective."""
    access.require_event_organizer(actor, event)
    bookings.lock_event(event)  # two classes joining at once cannot both take the last places
    if event.status in (EventStatus.CANCELLED, EventStatus.COMPLETED):
        raise Conflict(_l("Cet événement est clos : il ne peut plus être modifié."), code="event_closed")
    errors = {}
    school = db.session.scalar(select(School).where(School.uai == (uai or "").strip().upper()))
    if school is not None and not scope.can_act_on(actor, school.academie):
        school = None
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
        left = max(0, event.capacity - pupils)
        errors["headcount"] = lazy_ngettext("L'événement est complet : %(num)d place restante sur %(capacity)s.",
                                            "L'événement est complet : %(num)d places restantes sur %(capacity)s.",
                                            left, capacity=event.capacity)
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

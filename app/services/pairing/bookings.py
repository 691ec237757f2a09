"""No double booking: the checks the services make, and the database's refusal in words.

The rule lives in the database (see app/models/assignment.py): on PostgreSQL an exclusion
constraint refuses a second accepted or confirmed participation of one person at an
overlapping time; on SQLite every write transaction is serialized, so the checks below, made
inside the transaction, cannot be overtaken. The checks also run on PostgreSQL, so the usual
refusal names the clashing event; the constraint is what holds when two requests race past the
check together, and `flush_or_conflict` turns its error into the same Conflict (409).

Seats are a count, not a constraint: they are re-checked under a lock on the event row
(`lock_event`): `SELECT … FOR NO KEY UPDATE` on PostgreSQL, which still lets other transactions
insert rows that reference the event; nothing on SQLite, whose writers are already serialized.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Assignment, Event, EventSchool
from app.models.assignment import HOLDING_STATUSES, NO_OVERLAP_CONSTRAINT
from app.services.common.errors import Conflict


def lock_event(event: Event) -> None:
    """Take the event's row lock for the rest of the transaction and read its current state."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update(key_share=True))
    db.session.refresh(event, attribute_names=["status", "role_models_max", "capacity"])


def seats_taken(event: Event, *, excluding: Assignment | None = None) -> int:
    query = select(Assignment.id).where(Assignment.event_id == event.id, Assignment.status.in_(HOLDING_STATUSES))
    if excluding is not None and excluding.id is not None:
        query = query.where(Assignment.id != excluding.id)
    return len(db.session.scalars(query).all())


def pupils_expected(event: Event) -> int:
    """Pupils of the classes taking part, read from the database (not a collection loaded
    before the lock was taken)."""
    query = select(func.coalesce(func.sum(EventSchool.headcount), 0)).where(EventSchool.event_id == event.id)
    return int(db.session.scalar(query))


def clashing_event(
    role_model_id: int, start_at: datetime, end_at: datetime, *, excluding_event_id: int
) -> Event | None:
    """Another event the person already holds time for, overlapping [start_at, end_at)."""
    query = (
        select(Event)
        .join(Assignment, Assignment.event_id == Event.id)
        .where(Assignment.role_model_id == role_model_id, Assignment.event_id != excluding_event_id,
               Assignment.status.in_(HOLDING_STATUSES),
               Assignment.start_at < end_at, Assignment.end_at > start_at)
        .order_by(Event.start_at)
        .limit(1)
    )
    return db.session.scalars(query).first()


def require_free(assignment: Assignment, *, by_role_model: bool) -> None:
    """Refuse before holding time the person already gave to another event."""
    event = assignment.event
    other = clashing_event(assignment.role_model_id, event.start_at, event.end_at, excluding_event_id=event.id)
    if other is None:
        return
    if by_role_model:
        message = _l("Vous êtes déjà engagé·e à ce moment-là sur « %(title)s » : une même personne ne peut pas "
                     "être à deux rencontres à la fois.", title=other.title)
    else:
        message = _l("%(name)s est déjà engagé·e à ce moment-là sur « %(title)s ».",
                     name=assignment.role_model.display_name, title=other.title)
    raise Conflict(message, code="double_booking")


def follow_event_times(event: Event) -> None:
    """The event moved: its participations take its new times, unless one of the people who
    hold a seat is engaged elsewhere then (Conflict, and nothing is changed)."""
    for assignment in event.assignments:
        if assignment.status in HOLDING_STATUSES:
            other = clashing_event(assignment.role_model_id, event.start_at, event.end_at, excluding_event_id=event.id)
            if other is not None:
                raise Conflict(
                    _l("Ce nouvel horaire chevauche un autre engagement de %(name)s (« %(title)s ») : retirez "
                       "cette personne de l'événement ou choisissez un autre créneau.",
                       name=assignment.role_model.display_name, title=other.title),
                    code="double_booking",
                )
    for assignment in event.assignments:
        assignment.start_at, assignment.end_at = event.start_at, event.end_at


def flush_or_conflict() -> None:
    """Flush now, so that the database's no-overlap refusal becomes a Conflict here rather than
    an error at commit. The caller's view rolls back on Conflict, as for any other."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if NO_OVERLAP_CONSTRAINT not in str(error.orig):
            raise
        raise Conflict(
            _l("Cette personne vient d'être engagée sur une autre rencontre au même moment : "
               "rechargez la page pour voir la situation à jour."),
            code="double_booking",
        ) from None

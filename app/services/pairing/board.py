"""Pairing role models with events, as organizers do it: review proposals, invite several at once,
confirm, replace one; and the period review that sends a batch of proposals out together.

The proposals themselves come from matching (app/matching); this module never ranks anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app import local_time
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    Event,
    EventStatus,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    User,
)
from app.services.common import access, scope
from app.services.common.errors import DomainError, NotFound
from app.services.pairing import assignments

# The order the pairing board shows participations in.
BOARD_ORDER = (
    AssignmentStatus.CONFIRMED, AssignmentStatus.ACCEPTED, AssignmentStatus.INVITED, AssignmentStatus.PROPOSED,
    AssignmentStatus.DECLINED, AssignmentStatus.EXPIRED, AssignmentStatus.WITHDRAWN, AssignmentStatus.CANCELLED,
)

@dataclass
class BatchResult:
    done: list[Assignment] = field(default_factory=list)
    refused: list[tuple[Assignment, str]] = field(default_factory=list)


def board(event: Event) -> dict[AssignmentStatus, list[Assignment]]:
    """Participations by status (proposals ranked by matching's score), from the loaded event."""
    groups: dict[AssignmentStatus, list[Assignment]] = {s: [] for s in BOARD_ORDER}
    for a in event.assignments:
        groups[a.status].append(a)
    groups[AssignmentStatus.PROPOSED].sort(key=lambda a: (-(a.score or 0), a.id))
    return groups


def get_assignment(user: User, assignment_id: int) -> Assignment:
    """A participation on an event of the user's scope; any other is answered as a missing id."""
    if not 0 < assignment_id <= access.MAX_ID:
        raise NotFound(access.MISSING_ASSIGNMENT)
    query = (
        select(Assignment).join(Assignment.event)
        .options(contains_eager(Assignment.event), joinedload(Assignment.role_model))
        .where(Assignment.id == assignment_id)
    )
    assignment = db.session.scalars(scope.restrict(query, user, Event.academie)).one_or_none()
    if assignment is None:
        raise NotFound(access.MISSING_ASSIGNMENT)
    return assignment


def _scoped_assignments(user: User, ids: list[int], *, event: Event | None = None) -> list[Assignment]:
    ids = [i for i in ids if 0 < i <= access.MAX_ID]
    if not ids:
        return []
    query = (
        select(Assignment).join(Assignment.event)
        .options(contains_eager(Assignment.event), joinedload(Assignment.role_model))
        .where(Assignment.id.in_(ids))
        .order_by(Event.start_at, Assignment.id)
    )
    if event is not None:
        query = query.where(Assignment.event_id == event.id)
    return list(db.session.scalars(scope.restrict(query, user, Event.academie)))


def invite_many(actor: User, ids: list[int], *, event: Event | None = None) -> BatchResult:
    """Invite the chosen proposals; the ones that cannot be invited are reported, not fatal."""
    result = BatchResult()
    for assignment in _scoped_assignments(actor, ids, event=event):
        try:
            with db.session.begin_nested():
                assignments.invite(actor, assignment)
        except DomainError as error:
            result.refused.append((assignment, str(error.message)))
        else:
            result.done.append(assignment)
    return result


def confirm_accepted(actor: User, event: Event) -> BatchResult:
    """Confirm every role model who accepted, up to the event's maximum, in the order they
    answered (the organizer's report lists them so, whatever order the database returns)."""
    result = BatchResult()
    accepted = [a for a in event.assignments if a.status == AssignmentStatus.ACCEPTED]
    accepted.sort(key=lambda a: (a.responded_at or a.proposed_at, a.id))
    for assignment in accepted:
        try:
            with db.session.begin_nested():
                assignments.confirm(actor, assignment)
        except DomainError as error:
            result.refused.append((assignment, str(error.message)))
        else:
            result.done.append(assignment)
    return result


def replace(actor: User, assignment: Assignment, replacement: Assignment, *, reason: str = "") -> Assignment:
    """Take one role model off the event and invite another proposal in their place."""
    if replacement.event_id != assignment.event_id:  # the same answer as for an id that does not exist
        raise NotFound(access.MISSING_ASSIGNMENT)
    assignments.cancel(actor, assignment, reason=reason or str(_l("Remplacé·e")))
    return assignments.invite(actor, replacement)


def search_role_models(actor: User, event: Event, text: str, *, limit: int = 20) -> list[RoleModel]:
    """Active role models covering the event's département (or remote, for an online event), not
    already on it, whose name, company or job matches `text`."""
    access.require_event_organizer(actor, event)
    already = select(Assignment.role_model_id).where(Assignment.event_id == event.id)
    covers = select(RoleModelDepartement.role_model_id).where(RoleModelDepartement.departement == event.departement)
    place = (
        or_(RoleModel.id.in_(covers), RoleModel.accepts_remote.is_(True)) if event.is_online
        else RoleModel.id.in_(covers)
    )
    query = (
        select(RoleModel)
        .where(RoleModel.status == RoleModelStatus.ACTIVE, RoleModel.anonymised_at.is_(None), place,
               RoleModel.id.not_in(already))
        .order_by(RoleModel.last_name, RoleModel.first_name)
        .limit(limit)
    )
    words = [w for w in (text or "").split() if w][:4]
    for word in words:
        like = f"%{word}%"
        query = query.where(or_(RoleModel.first_name.ilike(like), RoleModel.last_name.ilike(like),
                                RoleModel.company.ilike(like), RoleModel.job_title.ilike(like)))
    return list(db.session.scalars(query))


def add_by_hand(actor: User, event: Event, role_model_id: int) -> Assignment:
    """Someone the actor may put on the event; anyone else is answered as a missing id."""
    role_model = db.session.get(RoleModel, role_model_id) if 0 < role_model_id <= access.MAX_ID else None
    if role_model is None:
        raise NotFound(access.MISSING_ROLE_MODEL)
    return assignments.add_role_model(actor, event, role_model)


def proposals_in_period(user: User, start: date, end: date, *, limit: int = 500) -> list[Assignment]:
    """Proposals waiting for review on open events of the period (end inclusive), by event."""
    query = (
        select(Assignment).join(Assignment.event)
        .options(contains_eager(Assignment.event), joinedload(Assignment.role_model))
        .where(Assignment.status == AssignmentStatus.PROPOSED,
               Event.status.in_((EventStatus.SCHEDULED, EventStatus.CONFIRMED)),
               Event.start_at >= local_time.midnight(start),
               Event.start_at < local_time.midnight(end + timedelta(days=1)))
        .order_by(Event.start_at, Event.id, Assignment.score.desc(), Assignment.id)
        .limit(limit)
    )
    return list(db.session.scalars(scope.restrict(query, user, Event.academie)))

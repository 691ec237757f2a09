"""Assignments: one role model on one event, from proposal to confirmation or its end.

Capacity is re-checked under a lock on the event row (PostgreSQL `SELECT … FOR UPDATE`;
SQLite serializes writers with BEGIN IMMEDIATE), so two people accepting the last seat at the
same moment cannot both get it. Nobody holds two overlapping engagements: checked here, and
refused by the database whatever happens (app/services/pairing/bookings.py).

Every end of an engagement (declined, expired, withdrawn, removed) goes through `_end`: the one
place that tells the person (a METHOD:CANCEL, so the copy their calendar app added on its own
disappears) and, where a seat may need someone else, matching (`ended`). The event's own
cancellation tells everyone from app/services/events/emails.py instead; an engagement that had
already ended is not told twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    Event,
    EventStatus,
    RoleModel,
    RoleModelStatus,
    User,
)
from app.models.types import utcnow
from app.services.common import access, audit
from app.services.common.errors import Conflict
from app.services.events import lifecycle
from app.services.pairing import bookings, invitations

HOLDING_SEAT = (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)
# Sent with the assignment when a participation that mattered ends (declined, withdrawn, or
# cancelled after an invitation), inside the transaction: matching then proposes someone else
# (app/services/pairing/proposals.py connects to it), without this module knowing matching.
ended = Namespace().signal("assignment-ended")
# Stepping back closer than this to the event counts against reliability in matching.
LATE_CANCELLATION = timedelta(hours=72)


def _require_event_open(event: Event) -> None:
    if event.status not in (EventStatus.DRAFT, EventStatus.SCHEDULED, EventStatus.CONFIRMED):
        raise Conflict(_l("Cet événement est clos ou annulé."), code="event_closed")


def _require_can_become(assignment: Assignment, target: AssignmentStatus) -> None:
    if not assignment.status.can_become(target):
        raise Conflict(
            _l("Cette participation ne peut plus passer à cet état."), code=f"assignment_{assignment.status.value}"
        )


def _transition(assignment: Assignment, target: AssignmentStatus) -> None:
    _require_can_become(assignment, target)
    assignment.status = target


def record_proposal(
    event: Event, role_model: RoleModel, *, score: float | None = None, explanation: dict | None = None,
    actor: User | str | None = "matching",
) -> Assignment | None:
    """Propose a role model for an event. Idempotent: an existing assignment is left alone
    (returns None), so retried matching never duplicates proposals."""
    existing = db.session.scalar(
        select(Assignment).where(Assignment.event_id == event.id, Assignment.role_model_id == role_model.id)
    )
    if existing is not None:
        return None
    assignment = Assignment(event=event, role_model=role_model, score=score, explanation=explanation or {})
    db.session.add(assignment)
    db.session.flush()
    audit.record(actor, assignment, "assignment.proposed", event_id=event.id, role_model_id=role_model.id, score=score)
    return assignment


def add_role_model(actor: User, event: Event, role_model: RoleModel) -> Assignment:
    """An organizer picks a role model by hand (outside matching's proposals)."""
    access.require_can_pair(actor, event, role_model)
    assignment = record_proposal(event, role_model, actor=actor)
    if assignment is None:
        raise Conflict(_l("Cette personne est déjà associée à l'événement."), code="already_assigned")
    return assignment


def invite(actor: User, assignment: Assignment) -> Assignment:
    event = assignment.event
    access.require_can_pair(actor, event, assignment.role_model)
    _require_event_open(event)
    if event.status == EventStatus.DRAFT:
        raise Conflict(_l("Programmez l'événement avant d'inviter des intervenant·es."), code="event_draft")
    if assignment.role_model.status != RoleModelStatus.ACTIVE:
        raise Conflict(_l("Cette personne n'est pas disponible (compte en attente ou en pause)."),
                       code="role_model_inactive")
    _transition(assignment, AssignmentStatus.INVITED)
    assignment.invited_at = utcnow()
    assignment.link_version += 1  # older links stop working
    audit.record(actor, assignment, "assignment.invited", event_id=event.id)
    invitations.invitation_sent(assignment, actor)
    return assignment


def _take_seat(assignment: Assignment, target: AssignmentStatus, *, by_role_model: bool, full) -> None:
    """Move to a seat-holding status: under the event's lock, check the event is open, the
    seat count and the person's time (checks first, then the change, flushed at once so the
    database's own constraint speaks before anything else happens)."""
    event = assignment.event
    bookings.lock_event(event)
    _require_event_open(event)
    _require_can_become(assignment, target)
    if bookings.seats_taken(event, excluding=assignment) >= event.role_models_max:
        raise Conflict(full, code="event_full")
    bookings.require_free(assignment, by_role_model=by_role_model)
    _transition(assignment, target)
    bookings.flush_or_conflict()


def accept(assignment: Assignment, *, actor: User | str | None = None, via: str | None = None) -> Assignment:
    """The role model says yes. Refused if the event filled up meanwhile, or if they hold
    another engagement at that time (checks first, then the change, flushed at once).
    `via="calendar"` when the yes came from their calendar app (in the audit entry).

    Someone the organizer had confirmed before the event's time changed (`confirmed_at` kept,
    app/services/events/lifecycle.py) is confirmed again at once: the organizer already chose them."""
    event = assignment.event
    _take_seat(assignment, AssignmentStatus.ACCEPTED, by_role_model=True,
               full=_l("L'événement est déjà complet : merci, l'équipe vous recontactera."))
    assignment.responded_at = utcnow()
    audit.record(actor or _role_model_actor(assignment), assignment, "assignment.accepted", event_id=event.id,
                 **({"via": via} if via else {}))
    invitations.answer_received(assignment)
    if assignment.confirmed_at is not None:
        _transition(assignment, AssignmentStatus.CONFIRMED)
        assignment.confirmed_at = utcnow()
        audit.record("system", assignment, "assignment.confirmed", event_id=event.id,
                     again="accepted_new_time")
        invitations.participation_confirmed(assignment, "system")
        lifecycle.refresh_status(event, "system")
    return assignment


def _end(assignment: Assignment, cause: str, actor: User | str | None, *, backfill: bool = True) -> None:
    """An engagement ended (`cause`: declined, expired, withdrawn or removed): the person gets
    exactly one CANCEL if they were ever sent an invitation (a mere proposal never heard of the
    event), then matching may propose someone else. Called after the change and its audit."""
    invitations.participation_ended(assignment, cause, actor, reason=assignment.reason or "")
    if backfill:
        ended.send(assignment)


def decline(assignment: Assignment, *, reason: str = "", actor: User | str | None = None,
            via: str | None = None) -> Assignment:
    """The role model says no (by the email's link, by their calendar app, or deleting their account)."""
    _transition(assignment, AssignmentStatus.DECLINED)
    assignment.responded_at = utcnow()
    assignment.reason = reason.strip() or None
    audit.record(actor or _role_model_actor(assignment), assignment, "assignment.declined",
                 event_id=assignment.event_id, reason=assignment.reason, **({"via": via} if via else {}))
    invitations.answer_received(assignment)
    _end(assignment, "declined", actor)
    return assignment


def confirm(actor: User, assignment: Assignment) -> Assignment:
    """The organizer confirms an accepted role model; the event is confirmed once enough are."""
    event = assignment.event
    access.require_can_pair(actor, event, assignment.role_model)
    _take_seat(assignment, AssignmentStatus.CONFIRMED, by_role_model=False,
               full=_l("L'événement a déjà son nombre maximal d'intervenant·es."))
    assignment.confirmed_at = utcnow()
    audit.record(actor, assignment, "assignment.confirmed", event_id=event.id)
    invitations.participation_confirmed(assignment, actor)
    lifecycle.refresh_status(event, actor)
    return assignment


def withdraw(assignment: Assignment, *, reason: str = "", actor: User | str | None = None,
             now: datetime | None = None) -> Assignment:
    """The role model steps back after accepting (or after confirmation)."""
    now = now or utcnow()
    _transition(assignment, AssignmentStatus.WITHDRAWN)
    assignment.ended_at = now
    assignment.reason = reason.strip() or None
    if assignment.event.start_at - now < LATE_CANCELLATION:
        assignment.role_model.late_cancellations += 1
    audit.record(actor or _role_model_actor(assignment), assignment, "assignment.withdrawn",
                 event_id=assignment.event_id, reason=assignment.reason)
    invitations.answer_received(assignment)
    lifecycle.refresh_status(assignment.event, actor)
    _end(assignment, "withdrawn", actor)
    return assignment


def cancel(actor: User, assignment: Assignment, *, reason: str = "") -> Assignment:
    """The organizer removes a role model from the event."""
    access.require_event_organizer(actor, assignment.event)
    was_engaged = assignment.status in (AssignmentStatus.INVITED, *HOLDING_SEAT)
    _transition(assignment, AssignmentStatus.CANCELLED)
    assignment.ended_at = utcnow()
    assignment.reason = reason.strip() or None
    audit.record(actor, assignment, "assignment.cancelled", event_id=assignment.event_id, reason=assignment.reason)
    lifecycle.refresh_status(assignment.event, actor)
    _end(assignment, "removed", actor, backfill=was_engaged)  # a dismissed proposal needs no replacement
    return assignment


def expire_unanswered(*, now: datetime | None = None, after_days: int = 7) -> int:
    """Job: invitations left unanswered for `after_days` expire, and the person gets a CANCEL.
    Each row changes by a compare-and-set on its status, so a second run (or a second
    scheduler) changes nothing; the email's dedupe key keeps a retried unit from sending twice.
    No backfill: matching proposes again when the organizer asks (as before)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=after_days)
    stale = db.session.scalars(
        select(Assignment)
        .where(Assignment.status == AssignmentStatus.INVITED, Assignment.invited_at < cutoff)
        .with_for_update(skip_locked=True)
    ).all()
    for assignment in stale:
        assignment.status = AssignmentStatus.EXPIRED
        assignment.ended_at = now
        audit.record("system", assignment, "assignment.expired", event_id=assignment.event_id)
        _end(assignment, "expired", "system", backfill=False)
    db.session.flush()
    return len(stale)


def _role_model_actor(assignment: Assignment) -> User | str:
    user = assignment.role_model.user
    return user if user is not None else "role_model"

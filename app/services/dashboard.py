"""What needs an organizer now, in their scope, as a to-do list: participations accepted and
waiting for confirmation, new requests, events short of role models, invitations left unanswered
(and when they expire), clashes found by calendar sync, applications to review, emails that failed
and a sender that is not running; then this week's events.

Each list is one query (plus one for its counts), so the page costs the same number of
statements whatever the size of the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.extensions import db
from app.models import (
    ENGAGED_STATUSES,
    Assignment,
    AssignmentStatus,
    BusyInterval,
    Event,
    EventStatus,
    RequestStatus,
    RoleModel,
    RoleModelStatus,
    School,
    User,
    VisitRequest,
)
from app.models.types import utcnow
from app.services.common import scope
from app.services.mail import outbox_desk

OPEN_EVENT = (EventStatus.SCHEDULED, EventStatus.CONFIRMED)


@dataclass
class ShortEvent:
    event: Event
    confirmed: int
    engaged: int
    needed: int


@dataclass
class Dashboard:
    new_requests: list[VisitRequest]
    new_requests_total: int
    short_events: list[ShortEvent]
    stale_invitations: list[Assignment]
    conflicts: list[tuple[Assignment, BusyInterval]]
    this_week: list[Event]
    stale_after_days: int
    to_confirm: list[Assignment] = field(default_factory=list)
    to_confirm_total: int = 0
    expire_after_days: int = 7
    applications_total: int = 0
    failed_emails: int = 0
    sender: outbox_desk.SenderState | None = None

    @property
    def is_quiet(self) -> bool:
        return not (self.to_confirm or self.new_requests or self.short_events or self.stale_invitations
                    or self.conflicts or self.applications_total or self.failed_emails
                    or (self.sender is not None and self.sender.stalled))

    def expires_at(self, assignment: Assignment) -> datetime | None:
        """When an unanswered invitation expires (the expire_invitations job's rule)."""
        if assignment.invited_at is None:
            return None
        return assignment.invited_at + timedelta(days=self.expire_after_days)


def _count(statuses) -> object:
    return (
        select(func.count()).where(Assignment.event_id == Event.id, Assignment.status.in_(statuses))
        .correlate(Event).scalar_subquery()
    )


def needs_attention(user: User, *, now: datetime | None = None, stale_after_days: int = 3, limit: int = 10,
                    horizon_days: int = 60, expire_after_days: int | None = None) -> Dashboard:
    now = now or utcnow()
    if expire_after_days is None:  # the expiry job's own setting (app/jobs.py)
        expire_after_days = current_app.config["INVITATION_EXPIRY_DAYS"]

    # Accepted and waiting for the organizer's word: the first thing to do.
    accepted = (
        select(Assignment).join(Assignment.event)
        .options(contains_eager(Assignment.event), joinedload(Assignment.role_model))
        .where(Assignment.status == AssignmentStatus.ACCEPTED, Event.status.in_(OPEN_EVENT), Event.start_at >= now)
    )
    accepted = scope.restrict(accepted, user, Event.academie)
    to_confirm_total = db.session.scalar(select(func.count()).select_from(accepted.order_by(None).subquery()))
    to_confirm = list(db.session.scalars(
        accepted.order_by(Assignment.responded_at.is_(None), Assignment.responded_at, Assignment.id).limit(limit)))

    applications = scope.restrict_role_models(
        select(func.count(RoleModel.id))
        .where(RoleModel.status == RoleModelStatus.PENDING, RoleModel.anonymised_at.is_(None)),
        user,
    )
    applications_total = db.session.scalar(applications) or 0
    failed_emails = outbox_desk.counts(user)["failed"]
    sender = outbox_desk.sender_state(now=now)

    new = (
        select(VisitRequest).join(VisitRequest.school).options(contains_eager(VisitRequest.school))
        .where(VisitRequest.status == RequestStatus.SUBMITTED)
    )
    new = scope.restrict(new, user, School.academie)
    new_total = db.session.scalar(select(func.count()).select_from(new.order_by(None).subquery()))
    new_requests = list(db.session.scalars(new.order_by(VisitRequest.submitted_at).limit(limit)))

    confirmed = _count((AssignmentStatus.CONFIRMED,))
    engaged = _count(ENGAGED_STATUSES)
    needed = case((Event.role_models_min > 1, Event.role_models_min), else_=1)
    short = (
        select(Event, confirmed, engaged, needed)
        .where(Event.status.in_(OPEN_EVENT), Event.start_at >= now, Event.start_at < now + timedelta(days=horizon_days))
        .where(confirmed < needed)
        .order_by(Event.start_at)
        .limit(limit)
    )
    short_events = [
        ShortEvent(e, c, g, n) for e, c, g, n in db.session.execute(scope.restrict(short, user, Event.academie))
    ]

    stale = (
        select(Assignment).join(Assignment.event)
        .options(contains_eager(Assignment.event), joinedload(Assignment.role_model))
        .where(Assignment.status == AssignmentStatus.INVITED,
               Assignment.invited_at < now - timedelta(days=stale_after_days),
               Event.status.in_(OPEN_EVENT), Event.start_at >= now)
        .order_by(Assignment.invited_at)
        .limit(limit)
    )
    stale_invitations = list(db.session.scalars(scope.restrict(stale, user, Event.academie)))

    clash = (
        select(Assignment, BusyInterval)
        .join(Assignment.event)
        .join(BusyInterval, and_(BusyInterval.role_model_id == Assignment.role_model_id,
                                 BusyInterval.start_at < Event.end_at, BusyInterval.end_at > Event.start_at))
        .options(contains_eager(Assignment.event), joinedload(Assignment.role_model))
        .where(Assignment.status.in_(ENGAGED_STATUSES), Event.status.in_(OPEN_EVENT), Event.start_at >= now)
        .order_by(Event.start_at, Assignment.id, BusyInterval.start_at)
        .limit(limit * 3)
    )
    conflicts, seen = [], set()
    for assignment, busy in db.session.execute(scope.restrict(clash, user, Event.academie)).unique():
        if assignment.id not in seen:  # one line per participation, the first clashing block
            seen.add(assignment.id)
            conflicts.append((assignment, busy))
    conflicts = conflicts[:limit]

    week = (
        select(Event)
        .where(Event.start_at >= now, Event.start_at < now + timedelta(days=7), Event.status != EventStatus.DRAFT)
        .order_by(Event.start_at)
        .limit(limit * 2)
    )
    this_week = list(db.session.scalars(scope.restrict(week, user, Event.academie)))

    return Dashboard(new_requests, new_total or 0, short_events, stale_invitations, conflicts, this_week,
                     stale_after_days, to_confirm=to_confirm, to_confirm_total=to_confirm_total or 0,
                     expire_after_days=expire_after_days, applications_total=applications_total,
                     failed_emails=failed_emails, sender=sender)


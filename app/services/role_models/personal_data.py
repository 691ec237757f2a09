"""A role model's personal data: everything we hold about them (export), and account deletion.

Deletion anonymises rather than deletes the role model row: past engagements stay, attached to
a nameless profile (job family, sectors, départements), so the collective's statistics do not
change when someone leaves. Everything that names or reaches the person goes: the user row
(with its feed and API tokens), contact details, free text they wrote, their calendar URLs and
busy times, emails addressed to them, and their name in the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, or_, select, update

from app.extensions import db
from app.models import (
    ApiToken,
    Assignment,
    AssignmentStatus,
    AuditEntry,
    BusyInterval,
    Event,
    EventFeedback,
    ExternalCalendar,
    FeedbackRespondent,
    FeedToken,
    InboundReply,
    OrganizerScope,
    OutboxEmail,
    RoleModel,
    RoleModelStatus,
    SchoolContact,
    User,
)
from app.models.types import utcnow
from app.services.common import audit
from app.services.pairing import assignments
from app.services.role_models.profiles import require_can_edit

# Secrets are never exported: they are useless to the person and dangerous in a download.
_SECRET_COLUMNS = {"password_hash", "token_hash", "sealed_token"}
ANONYMOUS = "Anonyme"


def _row(obj: Any) -> dict[str, Any]:
    values = {}
    for column in inspect(obj).mapper.column_attrs:
        if column.key in _SECRET_COLUMNS:
            continue
        value = getattr(obj, column.key)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "value") and not isinstance(value, (int, float, str)):
            value = value.value
        values[column.key] = value
    return values


def _rows(query) -> list[dict[str, Any]]:
    return [_row(obj) for obj in db.session.scalars(query)]


def export(actor: User, rm: RoleModel) -> dict[str, Any]:
    """Every row about this person, by table name (the shape of our database, as JSON)."""
    require_can_edit(actor, rm)
    user = rm.user
    assignment_ids = select(Assignment.id).where(Assignment.role_model_id == rm.id)
    about = [(AuditEntry.subject_type == "role_model") & (AuditEntry.subject_id == rm.id),
             (AuditEntry.subject_type == "assignment") & AuditEntry.subject_id.in_(assignment_ids)]
    if user is not None:
        about += [AuditEntry.actor_user_id == user.id,
                  (AuditEntry.subject_type == "user") & (AuditEntry.subject_id == user.id)]
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "users": [_row(user) | {"has_password": bool(user.password_hash)}] if user else [],
        "role_models": [_row(rm)],
        "role_model_departements": [_row(d) for d in rm.departements],
        "availability_windows": [_row(w) for w in rm.windows],
        "availability_exceptions": [_row(e) for e in rm.exceptions],
        "external_calendars": _rows(select(ExternalCalendar).where(ExternalCalendar.role_model_id == rm.id)),
        "busy_intervals": _rows(select(BusyInterval).where(BusyInterval.role_model_id == rm.id)
                                .order_by(BusyInterval.start_at)),
        "assignments": [
            _row(a) | {"event": {"title": a.event.title, "type": a.event.type.value,
                                 "start_at": a.event.start_at.isoformat(), "end_at": a.event.end_at.isoformat(),
                                 "commune": a.event.commune}}
            for a in db.session.scalars(select(Assignment).where(Assignment.role_model_id == rm.id)
                                        .order_by(Assignment.proposed_at))
        ],
        "event_feedback": _rows(select(EventFeedback).where(
            EventFeedback.respondent == FeedbackRespondent.ROLE_MODEL, EventFeedback.respondent_id == rm.id)),
        "audit_entries": _rows(select(AuditEntry).where(or_(*about)).order_by(AuditEntry.created_at, AuditEntry.id)),
        "feed_tokens": [], "api_tokens": [], "organizer_scopes": [], "outbox_emails": [], "events": [],
        "school_contacts": [],
    }
    if user is not None:
        data["feed_tokens"] = _rows(select(FeedToken).where(FeedToken.user_id == user.id))
        data["api_tokens"] = _rows(select(ApiToken).where(ApiToken.user_id == user.id))
        data["organizer_scopes"] = _rows(select(OrganizerScope).where(OrganizerScope.user_id == user.id))
        data["events"] = _rows(select(Event).where(Event.organizer_id == user.id))  # events they organize
        # school contacts they confirmed, as an organizer (a role model never does)
        data["school_contacts"] = _rows(select(SchoolContact).where(SchoolContact.confirmed_by_id == user.id))
        data["outbox_emails"] = _rows(select(OutboxEmail).where(OutboxEmail.to_address == user.email)
                                      .order_by(OutboxEmail.created_at))
    data["calendar_replies"] = _rows(select(InboundReply).join(Assignment).where(Assignment.role_model_id == rm.id)
                                     .order_by(InboundReply.received_at))
    return data


def delete_account(actor: User, rm: RoleModel, *, now: datetime | None = None) -> RoleModel:
    """Delete the person's account: anonymise the profile, keep past engagements."""
    require_can_edit(actor, rm)
    now = now or utcnow()
    user = rm.user
    email = user.email if user else None
    # Scrub first, so that what follows (organizers told of the withdrawals) names nobody.
    rm.first_name, rm.last_name = ANONYMOUS, ""
    rm.phone, rm.job_title, rm.company, rm.presentation = None, "", "", ""
    rm.windows, rm.exceptions = [], []
    if rm.status == RoleModelStatus.ACTIVE:
        rm.status = RoleModelStatus.PAUSED  # never proposed again
    # Reasons they typed may name people; the one written below ("account_deleted") does not.
    db.session.execute(update(Assignment).where(Assignment.role_model_id == rm.id).values(reason=None))
    # Emails to them, and about their participations (organizers told of their answers, by name).
    about = [OutboxEmail.dedupe_key.like(f"assignment:{a_id}:%")
             for a_id in db.session.scalars(select(Assignment.id).where(Assignment.role_model_id == rm.id))]
    if email:
        about.append(OutboxEmail.to_address == email)
    # Answers their calendar mailed back (their address, their words), and what organizers were told of them.
    mine = select(InboundReply.id).where(InboundReply.assignment_id.in_(
        select(Assignment.id).where(Assignment.role_model_id == rm.id)))
    about.extend(OutboxEmail.dedupe_key.like(f"calendar-reply:{r_id}:%") for r_id in db.session.scalars(mine))
    if about:
        db.session.execute(delete(OutboxEmail).where(or_(*about)))
    db.session.execute(delete(InboundReply).where(InboundReply.id.in_(mine)))
    _step_back_from_what_is_ahead(rm, now)
    if email:
        # Stepping back queues a CANCEL to them: keeping it would keep their address after erasure.
        db.session.execute(delete(OutboxEmail).where(OutboxEmail.to_address == email))
    db.session.execute(delete(ExternalCalendar).where(ExternalCalendar.role_model_id == rm.id))
    db.session.execute(delete(BusyInterval).where(BusyInterval.role_model_id == rm.id))
    db.session.execute(
        update(EventFeedback)
        .where(EventFeedback.respondent == FeedbackRespondent.ROLE_MODEL, EventFeedback.respondent_id == rm.id)
        .values(comment="")
    )
    if user is not None:
        db.session.execute(
            update(AuditEntry).where(AuditEntry.actor_user_id == user.id)
            .values(actor_label="role_model:anonyme", actor_user_id=None)
        )
        rm.user = None
        db.session.flush()
        db.session.execute(delete(FeedToken).where(FeedToken.user_id == user.id))
        db.session.delete(user)  # api tokens and scopes go with it (ON DELETE CASCADE)
    rm.anonymised_at = now
    db.session.flush()
    db.session.expire_all()
    audit.record("role_model", rm, "role_model.anonymised")
    return rm


def _step_back_from_what_is_ahead(rm: RoleModel, now: datetime) -> None:
    """Organizers must know at once that this person will not come."""
    ahead = db.session.scalars(
        select(Assignment).where(Assignment.role_model_id == rm.id).join(Assignment.event)
    ).all()
    for assignment in ahead:
        if assignment.event.end_at <= now or assignment.status.is_final:
            continue
        reason = "account_deleted"
        if assignment.status == AssignmentStatus.INVITED:
            assignments.decline(assignment, reason=reason, actor="role_model")
        elif assignment.status in (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED):
            assignments.withdraw(assignment, reason=reason, actor="role_model", now=now)
        elif assignment.status == AssignmentStatus.PROPOSED:
            assignment.status = AssignmentStatus.CANCELLED
            assignment.ended_at = now
            audit.record("role_model", assignment, "assignment.cancelled", event_id=assignment.event_id,
                         reason=reason)

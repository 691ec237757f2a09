"""Retention: school requests and the staff who made them are erased RETENTION_YEARS after
the request's last activity, by `flask purge` (run it daily from cron; `purge_job` is the
same thing shaped for app/jobs.py).

Last activity is the latest of: submission, last change, end of an event planned for it.
What goes: the request (and its windows), its audit trail, its school-feed link, its contact
(once no newer request of theirs is kept), and the emails sent to that contact before the
cutoff. What stays: schools (no personal data) and events, which keep their headcounts for
the statistics but lose their link to the request.

Calendar answers mailed back (`InboundReply`: a sender's address, a subject) received before the
cutoff go too: they matter while an invitation is open, and some come from strangers (forged or
misdirected answers) whom no account deletion would ever reach.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, delete, exists, func, select

from app.extensions import db
from app.models import AuditEntry, Event, FeedToken, InboundReply, OutboxEmail, SchoolContact, VisitRequest
from app.models.types import utcnow

_CHUNK = 500  # bounded IN lists (SQLite's parameter limit)


@dataclass
class PurgeReport:
    cutoff: datetime
    requests: int = 0
    contacts: int = 0
    feed_tokens: int = 0
    audit_entries: int = 0
    emails: int = 0
    calendar_answers: int = 0

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items()}


def cutoff_for(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _expired(cutoff: datetime):
    recent_event = exists().where(Event.visit_request_id == VisitRequest.id, Event.end_at >= cutoff)
    return and_(VisitRequest.submitted_at < cutoff, VisitRequest.updated_at < cutoff, ~recent_event)


def expired_request_ids(cutoff: datetime) -> list[int]:
    return list(db.session.scalars(select(VisitRequest.id).where(_expired(cutoff)).order_by(VisitRequest.id)))


def purge(*, years: int | None = None, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Erase what is past retention. Idempotent: a second run finds nothing left to erase."""
    years = current_app.config["RETENTION_YEARS"] if years is None else years
    if years < 1:
        raise ValueError("the retention period is at least one year")
    report = PurgeReport(cutoff=cutoff_for(now or utcnow(), years))
    request_ids = expired_request_ids(report.cutoff)
    report.requests = len(request_ids)
    token_ids, contact_ids = [], []
    for chunk in _chunks(request_ids):
        rows = db.session.execute(
            select(VisitRequest.feed_token_id, VisitRequest.contact_id).where(VisitRequest.id.in_(chunk))
        ).all()
        token_ids += [t for t, _ in rows if t is not None]
        contact_ids += [c for _, c in rows if c is not None]
        report.audit_entries += _count_or_delete(
            AuditEntry, and_(AuditEntry.subject_type == "visit_request", AuditEntry.subject_id.in_(chunk)), dry_run)
        if not dry_run:
            _delete(VisitRequest, VisitRequest.id.in_(chunk))
    for chunk in _chunks(token_ids):
        report.feed_tokens += _count_or_delete(FeedToken, FeedToken.id.in_(chunk), dry_run)

    # Contacts old enough and with no request kept (the same test in a dry run, before deleting).
    kept_request = exists().where(VisitRequest.contact_id == SchoolContact.id, ~_expired(report.cutoff))
    contacts = db.session.execute(
        select(SchoolContact.id, SchoolContact.email).where(SchoolContact.created_at < report.cutoff, ~kept_request)
    ).all()
    report.contacts = len(contacts)
    emails = sorted({email.lower() for _, email in contacts})
    for chunk in _chunks([cid for cid, _ in contacts]):
        if not dry_run:
            _delete(SchoolContact, SchoolContact.id.in_(chunk))
    for chunk in _chunks(emails):
        report.emails += _count_or_delete(
            OutboxEmail, and_(func.lower(OutboxEmail.to_address).in_(chunk), OutboxEmail.created_at < report.cutoff),
            dry_run)
    report.calendar_answers = _count_or_delete(InboundReply, InboundReply.received_at < report.cutoff, dry_run)
    db.session.flush()
    return report


def purge_job() -> None:
    """The same purge as `flask purge`, for the scheduler."""
    purge()


def _count_or_delete(model, condition, dry_run: bool) -> int:
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
    return _delete(model, condition)


def _delete(model, condition) -> int:
    result = db.session.execute(delete(model).where(condition).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]

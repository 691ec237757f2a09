"""Who speaks for a school. A request's contact named themselves (UAIs are public): they see their
own request, and the school's calendar and event emails only once an organizer confirmed them
for the school — by hand from the request's page, or by scheduling one of their requests. A
request that closes without a visit (withdrawn, declined) takes back its calendar link.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.models import AuditEntry, FeedToken, SchoolContact, User, UserRole, VisitRequest
from app.models.types import utcnow
from app.services.common import access, audit
from app.services.common.errors import Conflict

# How the confirmation came, as the audit trail says it.
BY_HAND = "by_hand"
BY_SCHEDULING = "scheduled"


def confirm(actor: User, request: VisitRequest, *, via: str = BY_HAND) -> SchoolContact:
    """Confirm the request's contact for its school (once: again changes nothing)."""
    access.require_organizer_of(actor, request.school.academie)
    contact = request.contact
    if contact is None or contact.school_id != request.school_id:
        raise Conflict(_l("Cette demande n'a plus de contact à confirmer."), code="no_contact")
    # Compare-and-set: a double click (or two organizers) confirms and audits once.
    confirmed = db.session.execute(
        update(SchoolContact)
        .where(SchoolContact.id == contact.id, SchoolContact.confirmed_at.is_(None))
        .values(confirmed_at=utcnow(), confirmed_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(contact, attribute_names=["confirmed_at", "confirmed_by_id"])
    if confirmed:
        audit.record(actor, request, "request.contact_confirmed", contact_id=contact.id, via=via)
    return contact


def revoke_feed(request: VisitRequest) -> bool:
    """Revoke the calendar link given with the request; whether one was live."""
    if request.feed_token_id is None:
        return False
    return bool(db.session.execute(
        update(FeedToken)
        .where(FeedToken.id == request.feed_token_id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount)


def confirm_scheduled_contacts(*, dry_run: bool = False) -> int:
    """Upgrade step (`flask confirm-scheduled-contacts`): confirm the contacts of requests an
    organizer scheduled before scheduling confirmed them, as `schedule_request` now does, so
    those schools keep their calendar and event emails. Until it runs, such contacts see their
    own requests only (the safe side). Idempotent; returns how many contacts it confirms."""
    scheduled = db.session.execute(
        select(AuditEntry.subject_id, AuditEntry.actor_user_id, AuditEntry.created_at)
        .join(User, User.id == AuditEntry.actor_user_id)
        .where(AuditEntry.subject_type == "visit_request", AuditEntry.action == "request.scheduled",
               User.role.in_((UserRole.ORGANIZER, UserRole.ADMIN)))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    confirmed: set[int] = set()
    for request_id, user_id, at in scheduled:
        request = db.session.get(VisitRequest, request_id)
        contact = request.contact if request is not None else None
        if (contact is None or contact.school_id != request.school_id or contact.is_confirmed
                or contact.id in confirmed):
            continue
        confirmed.add(contact.id)
        if dry_run:
            continue
        contact.confirmed_at, contact.confirmed_by_id = at, user_id
        audit.record("upgrade", request, "request.contact_confirmed", contact_id=contact.id, via=BY_SCHEDULING,
                     by_user_id=user_id)
    db.session.flush()
    return len(confirmed)

"""The organizers' outbox page: every email the service sends about their scope, its sending
state, failures and retries; a failed email can be sent again; and whether the sender runs.

An email is in an organizer's scope when what it is about is: an event of their académies, a
request of a school there, or a role model they see (applications, welcomes). Emails about none
of them are sign-in emails: admins alone see those. Nobody reads a secret link here: the page
shows bodies through `masked_text`, which hides every personal URL (answer links, follow-up
links, sign-in links, calendar feed addresses) — whoever reads the outbox must not be able to
answer, sign in or subscribe in someone else's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select

from app.extensions import db
from app.models import EmailStatus, Event, OutboxEmail, SchedulerLease, School, User, VisitRequest
from app.models.types import utcnow
from app.services.common import access, audit, scope
from app.services.common.errors import Conflict, NotFound
from app.services.mail import delivery
from app.services.operations import health

# The send job runs every 30 s: an email due for longer than this means the sender is not running.
SENDER_LATE_AFTER = timedelta(minutes=10)
# A path segment or query value this long is a token (signed links, feed tokens), never a word.
TOKEN_MIN_LENGTH = 16
_URL = re.compile(r"(?:https?|webcal)://[^\s<>\"']+", re.IGNORECASE)
MASK = _l("[lien personnel masqué]")


@dataclass(frozen=True)
class SenderState:
    """Is the send job running? `stalled` when emails wait past their time with nobody sending."""

    waiting: int
    oldest_due_at: datetime | None
    heartbeat_at: datetime | None
    stalled: bool


def _in_scope(user: User):
    """A condition on OutboxEmail: what the email is about lies in the user's scope."""
    academies = user.academies
    if academies is None:
        return None
    if not academies:
        return false()
    codes = sorted(academies)
    events = select(Event.id).where(Event.academie.in_(codes))
    requests = select(VisitRequest.id).join(VisitRequest.school).where(School.academie.in_(codes))
    return or_(OutboxEmail.event_id.in_(events), OutboxEmail.request_id.in_(requests),
               OutboxEmail.role_model_id.in_(scope.role_model_ids(user)))


def _scoped(query, user: User):
    condition = _in_scope(user)
    return query if condition is None else query.where(condition)


def list_emails(user: User, *, status: str = "", recipient: str = "", limit: int = 100,
                offset: int = 0) -> list[OutboxEmail]:
    """Newest first; `recipient` (part of an address or a name) answers "I got nothing"."""
    query = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    if status in EmailStatus.__members__.values():
        query = query.where(OutboxEmail.status == EmailStatus(status))
    recipient = " ".join(recipient.split())[:200]
    if recipient:
        query = query.where(or_(OutboxEmail.to_address.icontains(recipient, autoescape=True),
                                OutboxEmail.to_name.icontains(recipient, autoescape=True)))
    return list(db.session.scalars(_scoped(query, user).limit(limit).offset(offset)))


def counts(user: User) -> dict[str, int]:
    rows = db.session.execute(_scoped(select(OutboxEmail.status, func.count()), user).group_by(OutboxEmail.status))
    result = {s.value: 0 for s in EmailStatus}
    result.update({EmailStatus(s).value: n for s, n in rows})
    return result


def sender_state(*, now: datetime | None = None) -> SenderState:
    """Two queries: the emails waiting (the whole outbox: one sender serves everyone), and the
    scheduler's heartbeat (app/services/operations/scheduler_lease.py), which runs the send job."""
    now = now or utcnow()
    waiting, oldest = db.session.execute(
        select(func.count(), func.min(OutboxEmail.next_attempt_at)).where(OutboxEmail.status == EmailStatus.PENDING)
    ).one()
    heartbeat = db.session.scalar(select(SchedulerLease.heartbeat_at).where(SchedulerLease.name == "scheduler"))
    late = oldest is not None and oldest < now - SENDER_LATE_AFTER
    silent = heartbeat is None or heartbeat < now - timedelta(seconds=health.HEARTBEAT_STALE_AFTER)
    return SenderState(waiting=waiting or 0, oldest_due_at=oldest, heartbeat_at=heartbeat,
                       stalled=bool(waiting) and (late or silent))


def get_email(user: User, email_id: int) -> OutboxEmail:
    if not 0 < email_id <= access.MAX_ID:
        raise NotFound(access.MISSING_EMAIL)
    email = db.session.scalar(_scoped(select(OutboxEmail).where(OutboxEmail.id == email_id), user))
    if email is None:
        raise NotFound(access.MISSING_EMAIL)
    return email


def _is_secret(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme.lower() == "webcal":
        return True  # a calendar subscription: its address is the key to the feed
    words = [s for s in parts.path.split("/") if s] + [v for _k, v in parse_qsl(parts.query)] + [parts.fragment]
    return any(len(w) >= TOKEN_MIN_LENGTH for w in words)


def masked_text(body: str) -> str:
    """The body with every personal link replaced by a mark; ordinary pages stay readable."""
    return _URL.sub(lambda m: str(MASK) if _is_secret(m.group(0)) else m.group(0), body)


def send_again(actor: User, email: OutboxEmail) -> OutboxEmail:
    """A failed email gets a fresh set of attempts."""
    access.require_organizer(actor)
    email = get_email(actor, email.id)  # checked again: the caller may hand any row
    if not delivery.requeue(email):
        raise Conflict(_l("Seul un courriel en échec peut être renvoyé."), code="email_not_failed")
    audit.record(actor, email, "email.requeued", to=email.to_address)
    return email

"""The organizers' outbox page: emails of their scope (by the event they are about), with the
sending state, failures and retries; a failed email can be sent again.

Admins see every email, including those about no event (sign-in links, request receipts);
organizers see the emails about events of their académies.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import EmailStatus, Event, OutboxEmail, User
from app.services.common import access, audit, scope
from app.services.common.errors import Conflict, NotFound
from app.services.mail import delivery


def _scoped(query, user: User):
    if user.academies is None:
        return query.outerjoin(Event, OutboxEmail.event_id == Event.id)
    return scope.restrict(query.join(Event, OutboxEmail.event_id == Event.id), user, Event.academie)


def list_emails(user: User, *, status: str = "", limit: int = 100, offset: int = 0) -> list[OutboxEmail]:
    query = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    if status in EmailStatus.__members__.values():
        query = query.where(OutboxEmail.status == EmailStatus(status))
    return list(db.session.scalars(_scoped(query, user).limit(limit).offset(offset)))


def counts(user: User) -> dict[str, int]:
    rows = db.session.execute(_scoped(select(OutboxEmail.status, func.count()), user).group_by(OutboxEmail.status))
    result = {s.value: 0 for s in EmailStatus}
    result.update({EmailStatus(s).value: n for s, n in rows})
    return result


def get_email(user: User, email_id: int) -> OutboxEmail:
    email = db.session.scalar(_scoped(select(OutboxEmail).where(OutboxEmail.id == email_id), user))
    if email is None:
        raise NotFound(access.MISSING_EMAIL)
    return email


def send_again(actor: User, email: OutboxEmail) -> OutboxEmail:
    """A failed email gets a fresh set of attempts."""
    access.require_organizer(actor)
    event = db.session.get(Event, email.event_id) if email.event_id is not None else None
    visible = scope.sees_event(actor, event) if event is not None else actor.is_admin
    if not visible:
        raise NotFound(access.MISSING_EMAIL)
    if not delivery.requeue(email):
        raise Conflict(_l("Seul un courriel en échec peut être renvoyé."), code="email_not_failed")
    audit.record(actor, email, "email.requeued", to=email.to_address)
    return email

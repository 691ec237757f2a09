"""Sign-in links sent by email: signed, expiring, and good for one sign-in only.

The token is signed with SECRET_KEY (older keys in SECRET_KEY_FALLBACKS still verify, so a key
rotation does not kill links already sent). It carries the user id and the user's
`last_login_at` at the time it was made; signing in changes `last_login_at` by a
compare-and-set, so the link (and every other link sent before) stops working after one use,
even if two requests race with the same link. Opening the link (GET) only shows a button:
mail scanners that follow links must not use it up.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from app import signing
from app.extensions import db
from app.models import OutboxEmail, User, UserRole
from app.models.types import utcnow
from app.services.common.errors import DomainError

# A link asked for on the sign-in page is used within minutes; one in a welcome or approval
# email may wait for a few days in an inbox.
SIGN_IN_MAX_AGE = timedelta(minutes=30)
WELCOME_MAX_AGE = timedelta(days=7)

_SALT = "rencontres.magic-link"

# Sign-in emails one person receives in an hour, whoever asks for them (the sign-in page, the
# application form with an address that has an account): enough to ask again when one is slow
# to come, too few for anyone to flood a mailbox through us. Rate limits per client address do
# not stop that: many addresses can ask for the same person.
SIGN_IN_EMAILS_PER_HOUR = 3
_SIGN_IN_EMAIL_WINDOW = timedelta(hours=1)


class LinkRefused(DomainError):
    """The link is expired, tampered with, or already used; `code` says which."""

    status = 400
    code = "link_refused"


@dataclass(frozen=True)
class MagicLink:
    user: User
    max_age: timedelta


def _serializer() -> URLSafeTimedSerializer:
    return signing.serializer(_SALT)


def _stamp(user: User) -> str:
    return user.last_login_at.isoformat(timespec="microseconds") if user.last_login_at else ""


def sign_in_email_key(user: User, *, now: datetime | None = None) -> str | None:
    """The outbox `dedupe_key` of one more sign-in email to `user`, or None when they had their
    share this hour (the caller then sends nothing and answers as if it had)."""
    prefix = f"sign-in:{user.id}:"
    since = (now or utcnow()) - _SIGN_IN_EMAIL_WINDOW
    sent = db.session.scalar(
        select(func.count()).select_from(OutboxEmail)
        .where(OutboxEmail.dedupe_key.startswith(prefix, autoescape=True), OutboxEmail.created_at >= since)
    )
    if sent >= SIGN_IN_EMAILS_PER_HOUR:
        return None
    return prefix + secrets.token_hex(8)


def make_token(user: User, *, max_age: timedelta = SIGN_IN_MAX_AGE) -> str:
    return _serializer().dumps({"u": user.id, "s": _stamp(user), "m": int(max_age.total_seconds())})


def read(token: str) -> MagicLink:
    """The user a link is for, without using it up (for the GET confirmation page)."""
    serializer = _serializer()
    try:
        payload, signed_at = serializer.loads(token or "", return_timestamp=True)
    except BadSignature:
        raise LinkRefused(_l("Ce lien de connexion n'est pas valide."), code="invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise LinkRefused(_l("Ce lien de connexion n'est pas valide."), code="invalid")
    max_age = timedelta(seconds=int(payload.get("m", 0)))
    if utcnow() - signed_at > min(max_age, WELCOME_MAX_AGE):
        raise LinkRefused(_l("Ce lien de connexion a expiré."), code="expired")
    user = db.session.get(User, payload["u"])
    if user is None or not user.is_enabled or user.role != UserRole.ROLE_MODEL:
        raise LinkRefused(_l("Ce lien de connexion n'est pas valide."), code="invalid")
    if payload.get("s") != _stamp(user):
        raise LinkRefused(_l("Ce lien de connexion a déjà servi."), code="used")
    return MagicLink(user=user, max_age=max_age)


def use(token: str, *, now: datetime | None = None) -> User:
    """Check the link and use it up; the caller then signs the user in."""
    link = read(token)
    user = link.user
    now = now or utcnow()
    # Compare-and-set: of two requests racing with one link, exactly one changes the row.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.last_login_at.is_(None) if user.last_login_at is None
               else User.last_login_at == user.last_login_at)
        .values(last_login_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LinkRefused(_l("Ce lien de connexion a déjà servi."), code="used")
    db.session.refresh(user)
    return user

"""Personal API tokens: an organizer makes one per integration, sees its secret once, revokes it.

Only the SHA-256 of the secret is stored (the secret carries 256 bits of randomness, so a plain
hash is enough: nothing to brute-force). The `rct_` prefix lets secret scanners and people
recognise a leaked token. A token acts as its owner, with the owner's current role and scope:
disabling the account or taking away the organizer role stops every token at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from app.extensions import db
from app.feeds.tokens import hash_token
from app.models import ApiToken, User, limits
from app.models.types import utcnow
from app.services.common import audit
from app.services.common.errors import Conflict, Invalid, NotAllowed, NotFound

PREFIX = "rct_"
MAX_LIVE_TOKENS = 20
# last_used_at is written at most this often, so reading the API does not write on every call.
USE_RESOLUTION = timedelta(minutes=1)


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def create(actor: User, *, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`; returns the row and the secret (the only time it is known)."""
    if actor is None or not actor.is_organizer:
        raise NotAllowed(_l("Les jetons d'API sont réservés aux organisateurs."))
    name = " ".join((name or "").split())
    if not name:
        message = _l("Donnez un nom au jeton (par exemple l'outil qui l'utilisera).")
        raise Invalid(message, fields={"name": message})
    if len(name) > limits.API_TOKEN_NAME_MAX:
        message = _l("%(max)s caractères au plus.", max=limits.API_TOKEN_NAME_MAX)
        raise Invalid(message, fields={"name": message})
    live = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))
    )
    if live >= MAX_LIVE_TOKENS:
        raise Conflict(
            _l(
                "Vous avez déjà %(max)s jetons actifs : révoquez-en un avant d'en créer un autre.",
                max=MAX_LIVE_TOKENS,
            ),
            code="too_many_tokens",
        )
    secret = new_secret()
    token = ApiToken(user_id=actor.id, name=name, token_hash=hash_token(secret))
    db.session.add(token)
    db.session.flush()
    audit.record(actor, actor, "api_token.created", token_id=token.id, name=name)
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; revoking twice changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or actor is None or token.user_id != actor.id:
        raise NotFound(_l("Ce jeton n'existe pas."))
    # Compare-and-set: two clicks revoke once and write one audit entry.
    changed = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(token)
    if changed:
        audit.record(actor, actor, "api_token.revoked", token_id=token.id, name=token.name)
    return token


def resolve(secret: str | None, *, now: datetime | None = None) -> ApiToken | None:
    """The live token for this secret whose owner may still sign in, or None.

    Marks it used (at most once per USE_RESOLUTION, by compare-and-set) without committing.
    """
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken)
        .join(ApiToken.user)
        .where(
            ApiToken.token_hash == hash_token(secret),
            ApiToken.revoked_at.is_(None),
            User.is_enabled.is_(True),
        )
    )
    if token is None:
        return None
    now = now or utcnow()
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - USE_RESOLUTION),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return token

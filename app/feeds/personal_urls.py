"""A role model's personal calendar feed URL: shown on their portal page, regenerated at will.

feed_tokens stores only a hash, so the URL cannot be rebuilt from the database. Showing it only
once would force a new subscription (in every calendar app) each time someone loses the page;
instead the token is also kept *sealed* on its row (Fernet: AES + HMAC) with a key derived from
SECRET_KEY. A stolen database alone still yields no working URL; SECRET_KEY_FALLBACKS keep old
seals readable after a key rotation. Regenerating revokes the old token (it 404s at once) and
its seal is wiped.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.feeds import tokens
from app.models import FeedKind, FeedToken, User
from app.services.common import audit

FEED_PATH = "/feeds/role-models/{token}.ics"


def _fernet() -> MultiFernet:
    keys = [current_app.config["SECRET_KEY"], *current_app.config.get("SECRET_KEY_FALLBACKS", [])]
    # A key of its own for this purpose, so a seal is not a value signed for anything else.
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"rencontres.feed-token-seal\x00" + str(k).encode()).digest()))
        for k in keys
    ])


def url_for_token(token: str) -> str:
    # The path is a stable contract (SPEC); BASE_URL makes it absolute in requests and jobs alike.
    return current_app.config["BASE_URL"].rstrip("/") + FEED_PATH.format(token=token)


def regenerate(actor: User, user: User) -> str:
    """A new feed URL for `user`; every older one stops working now. Returns the URL."""
    token = tokens.issue(FeedKind.ROLE_MODEL, user=user)
    db.session.execute(
        update(FeedToken)
        .where(FeedToken.kind == FeedKind.ROLE_MODEL, FeedToken.user_id == user.id, FeedToken.revoked_at.is_not(None))
        .values(sealed_token=None)
        .execution_options(synchronize_session=False)
    )
    row = db.session.scalar(select(FeedToken).where(FeedToken.token_hash == tokens.hash_token(token)))
    row.sealed_token = _fernet().encrypt(token.encode()).decode()
    audit.record(actor, user, "feed.regenerated", kind=FeedKind.ROLE_MODEL.value)
    return url_for_token(token)


def current_url(user: User) -> str | None:
    """The live feed URL, or None when there is none yet (or its seal cannot be read any more,
    e.g. SECRET_KEY changed without a fallback: the page then offers to regenerate)."""
    row = db.session.scalar(
        select(FeedToken)
        .where(FeedToken.kind == FeedKind.ROLE_MODEL, FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.created_at.desc(), FeedToken.id.desc())
    )
    if row is None or not row.sealed_token:
        return None
    try:
        token = _fernet().decrypt(row.sealed_token.encode()).decode()
    except InvalidToken:
        return None
    if tokens.hash_token(token) != row.token_hash:
        return None
    return url_for_token(token)

"""Secret feed URLs: the token is shown once in a URL, only its SHA-256 is stored.

A token carries 256 bits of randomness; regenerating revokes every older token of the owner at
once, so a leaked URL stops working immediately.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update

from app.extensions import db
from app.models import FeedKind, FeedToken, School, User
from app.models.types import utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue(kind: FeedKind, *, user: User | None = None, school: School | None = None) -> str:
    """Revoke the owner's current token(s) and return a new one (the only time it is seen)."""
    owner = FeedToken.school_id == school.id if kind == FeedKind.SCHOOL else FeedToken.user_id == user.id
    db.session.execute(
        update(FeedToken)
        .where(FeedToken.kind == kind, owner, FeedToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    token = new_token()
    db.session.add(
        FeedToken(
            token_hash=hash_token(token),
            kind=kind,
            user_id=user.id if user is not None else None,
            school_id=school.id if school is not None else None,
        )
    )
    db.session.flush()
    return token


def resolve(kind: FeedKind, token: str) -> FeedToken | None:
    """The live token row for this secret, or None (unknown, revoked, or of another kind)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(FeedToken).where(
            FeedToken.token_hash == hash_token(token), FeedToken.kind == kind, FeedToken.revoked_at.is_(None)
        )
    )


def current(kind: FeedKind, *, user: User | None = None, school: School | None = None) -> FeedToken | None:
    """The owner's live token row (its secret is not kept: only when it was made)."""
    owner = FeedToken.school_id == school.id if kind == FeedKind.SCHOOL else FeedToken.user_id == user.id
    return db.session.scalar(
        select(FeedToken).where(FeedToken.kind == kind, owner, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.created_at.desc()).limit(1)
    )

"""Secret calendar-feed URLs. Only a hash is stored; regenerating revokes the old URL."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, enum_column_type, utcnow


class FeedKind(enum.StrEnum):
    ROLE_MODEL = "role_model"
    SCHOOL = "school"
    ORGANIZER = "organizer"


class FeedToken(db.Model):
    """A school token that a visit request links to (visit_requests.feed_token_id) serves that
    request's events only, until an organizer confirms the request's contact for the school
    (app/feeds/lookups.py SCHOOL_OWNER decides at each poll)."""

    __tablename__ = "feed_tokens"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'school' AND school_id IS NOT NULL AND user_id IS NULL)"
            " OR (kind <> 'school' AND user_id IS NOT NULL AND school_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[FeedKind] = mapped_column(enum_column_type(FeedKind, "feed_kind"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The token itself, encrypted with a key derived from SECRET_KEY (Fernet), so an owner's
    # page can show their URL again; the database alone still cannot rebuild any feed URL.
    # Optional: owners who never need it shown again (school links sent once) leave it empty.
    sealed_token: Mapped[str | None] = mapped_column(Text)

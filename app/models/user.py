"""People who sign in: admins, organizers and role models (whose profile is in role_model.py)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import limits
from app.models.types import Code, UTCDateTime, enum_column_type, utcnow


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"
    ROLE_MODEL = "role_model"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(limits.EMAIL_MAX), unique=True)
    full_name: Mapped[str] = mapped_column(String(limits.FULL_NAME_MAX))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[UserRole] = mapped_column(enum_column_type(UserRole, "user_role"))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to end every session of this user at once (logout everywhere, password change).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    scopes: Mapped[list[OrganizerScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot sign in
        return self.is_enabled

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def is_organizer(self) -> bool:
        return self.role in (UserRole.ADMIN, UserRole.ORGANIZER)

    @property
    def academies(self) -> frozenset[str] | None:
        """The académies this user may act on; None means all (admins)."""
        if self.is_admin:
            return None
        return frozenset(s.academie for s in self.scopes)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class OrganizerScope(db.Model):
    """One académie an organizer looks after (a région is stored as its académies)."""

    __tablename__ = "organizer_scopes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    academie: Mapped[str] = mapped_column(Code, primary_key=True)

    user: Mapped[User] = relationship(back_populates="scopes")


class ApiToken(db.Model):
    """A personal API token; only its hash is kept, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(limits.API_TOKEN_NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

"""Accounts of people who sign in: creation, authentication, sessions."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OrganizerScope, User, UserRole
from app.models.types import utcnow
from app.reference.academies import ACADEMIES
from app.services.common import audit

# Hashing a throwaway password when the email is unknown keeps the response time the same,
# so the login form does not reveal which emails have an account.
_DUMMY = User(email="nobody@example.invalid", full_name="", role=UserRole.ORGANIZER)
_DUMMY.set_password("not-a-real-password")


class AccountError(ValueError):
    pass


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.is_organizer:
        _DUMMY.check_password(password)
        return None
    if not user.is_enabled or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: "<id>:<session_version>"; a bumped version ends old sessions."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def create_user(
    *, email: str, full_name: str, role: UserRole, password: str | None = None,
    academies: list[str] = (), actor: User | None = None, locale: str = "fr",
) -> User:
    email = normalize_email(email)
    if not email or "@" not in email:
        raise AccountError(f"invalid email: {email!r}")
    if find_user_by_email(email) is not None:
        raise AccountError(f"a user with email {email} already exists")
    unknown = [a for a in academies if a not in ACADEMIES]
    if unknown:
        raise AccountError(f"unknown académie(s): {', '.join(unknown)}")
    user = User(email=email, full_name=full_name.strip(), role=role, locale=locale)
    if password:
        user.set_password(password)
    user.scopes = [OrganizerScope(academie=a) for a in sorted(set(academies))]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, user, "user.created", role=role.value, academies=sorted(set(academies)))
    return user

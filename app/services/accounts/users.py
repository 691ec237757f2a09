"""Accounts of people who sign in: creation, authentication, sessions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from zxcvbn import zxcvbn

from app.extensions import db
from app.models import OrganizerScope, User, UserRole, limits
from app.models.types import utcnow
from app.reference.academies import ACADEMIES
from app.services.common import audit
from app.services.common.errors import Invalid

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


def end_sessions(user: User) -> User:
    """Sign `user` out everywhere: every session cookie and remember-me cookie carries the
    session version it was made with (`User.get_id`), and stops opening anything once it moves."""
    # Computed by the database, so two sign-outs at once both count.
    user.session_version = User.session_version + 1
    db.session.flush()
    audit.record(user, user, "user.sessions_ended")
    return user


# zxcvbn's score (0 to 4): 3 is "safely unguessable" against an offline attack on a slow hash.
PASSWORD_MIN_SCORE = 3
# Words people build a password for this service from; zxcvbn sees through them.
_SERVICE_WORDS = ("rencontres", "industrielles", "industrielle", "organisation", "marraine", "parrain")


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Why `password` may not protect an organizer or admin account, or None when it may."""
    password = password or ""
    if len(password) < limits.PASSWORD_MIN:
        return str(_l("%(n)d caractères au moins.", n=limits.PASSWORD_MIN))
    if len(password) > limits.PASSWORD_MAX:
        return str(_l("%(max)d caractères au plus.", max=limits.PASSWORD_MAX))
    local_part = normalize_email(email).partition("@")[0]
    hints = [*_SERVICE_WORDS, *local_part.replace(".", " ").split(), *full_name.lower().split()]
    # zxcvbn scores "claire.martin@example.org" well (the separators), yet it is the first guess.
    own = [_letters_and_digits(local_part), _letters_and_digits(full_name)]
    if (any(len(word) >= 4 and word in _letters_and_digits(password) for word in own)
            or zxcvbn(password, user_inputs=hints)["score"] < PASSWORD_MIN_SCORE):
        return str(_l("Ce mot de passe est trop courant ou trop facile à deviner : "
                      "choisissez par exemple quatre mots sans rapport entre eux."))
    return None


def change_password(user: User, current_password: str, new_password: str) -> User:
    """A signed-in organizer changes their password; every other session of theirs ends."""
    if not user.check_password(current_password or ""):
        raise Invalid(fields={"current_password": _l("Ce n'est pas votre mot de passe actuel.")})
    problem = password_problem(new_password, email=user.email, full_name=user.full_name)
    if problem:
        raise Invalid(fields={"new_password": problem})
    user.set_password(new_password)
    audit.record(user, user, "user.password_changed")
    return end_sessions(user)


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
    if password is not None and role != UserRole.ROLE_MODEL:
        problem = password_problem(password, email=email, full_name=full_name)
        if problem:
            raise AccountError(f"password refused: {problem}")
    user = User(email=email, full_name=full_name.strip(), role=role, locale=locale)
    if password:
        user.set_password(password)
    user.scopes = [OrganizerScope(academie=a) for a in sorted(set(academies))]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, user, "user.created", role=role.value, academies=sorted(set(academies)))
    return user

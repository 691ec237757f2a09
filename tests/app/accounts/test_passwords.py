"""Organizer and admin passwords: long enough and not among the common ones, wherever one is set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import User, UserRole
from app.services.accounts import users

STRONG = "gravier lanterne hibou 1987"


def create_user_args(password: str, email: str = "nadia@example.org") -> list[str]:
    return ["create-user", "--email", email, "--name", "Nadia Benali", "--academie", "lyon", "--password", password]


@pytest.mark.parametrize(("password", "words"), [
    ("a", "12 caractères au moins"),
    ("motdepasse123", "trop courant"),
    ("password1234", "trop courant"),
    ("nadia.benali1", "trop courant"),
    ("x" * 129, "128 caractères au plus"),
])
def test_create_user_refuses_a_weak_password_with_a_clear_message(app, db, password, words):
    result = app.test_cli_runner().invoke(args=create_user_args(password))
    assert result.exit_code != 0
    assert "password refused" in result.output and words in result.output
    assert db.session.scalar(select(User).where(User.email == "nadia@example.org")) is None


def test_create_user_accepts_a_strong_password(app, db):
    result = app.test_cli_runner().invoke(args=create_user_args(STRONG))
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
    assert user.check_password(STRONG)


def test_role_model_accounts_have_no_password_to_check(db):
    user = users.create_user(email="marraine@example.org", full_name="M", role=UserRole.ROLE_MODEL)
    assert user.password_hash is None


def test_the_policy_names_what_is_wrong():
    assert users.password_problem(STRONG) is None
    assert "12" in users.password_problem("short")
    assert "courant" in users.password_problem("rencontres2026!")

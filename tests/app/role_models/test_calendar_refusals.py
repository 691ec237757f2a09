"""Refusing a calendar URL tells nothing of our network: a host name that resolves to a private
address and one that does not resolve get the same answer, code and words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import ExternalCalendar, UserRole
from app.services.common.errors import Invalid
from app.services.role_models import calendar_sync


@pytest.fixture
def app_config():
    return {"CALENDAR_FETCH_ALLOW_LOOPBACK": False, "CALENDAR_FETCH_TOTAL_TIMEOUT": 5.0}


@pytest.fixture
def owner(create_user, create_role_model):
    user = create_user(role=UserRole.ROLE_MODEL, email="claire.martin@example.org", password=None)
    return create_role_model(user=user)


def refusal(owner, url: str) -> Invalid:
    with pytest.raises(Invalid) as refused:
        calendar_sync.connect(owner.user, owner, url)
    return refused.value


def test_private_and_unknown_host_names_get_one_answer(db, owner):
    private = refusal(owner, "http://localhost:9/agenda.ics")  # a name resolving to loopback
    unknown = refusal(owner, "http://agenda.nothing.invalid/agenda.ics")  # a name resolving to nothing
    literal = refusal(owner, "http://10.0.0.7/agenda.ics")
    assert private.fields == unknown.fields == literal.fields
    assert private.code == unknown.code == literal.code == "unreachable"
    assert calendar_sync.message_for("forbidden_address") == calendar_sync.message_for("connection_failed")
    assert db.session.scalars(select(ExternalCalendar)).all() == []

"""Organizer scope: what part of the country a user may see and act on."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false

from app.models import User


def restrict(query: Select, user: User, academie_column: ColumnElement) -> Select:
    """Limit `query` to the user's académies (admins see everything)."""
    academies = user.academies
    if academies is None:
        return query
    if not academies:
        return query.where(false())
    return query.where(academie_column.in_(sorted(academies)))


def can_act_on(user: User, academie: str) -> bool:
    academies = user.academies
    return academies is None or academie in academies

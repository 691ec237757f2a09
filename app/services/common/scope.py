"""Organizer scope: what part of the country a user may see and act on."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false

from app.models import User
from app.reference.academies import ACADEMIES


def restrict(query: Select, user: User, academie_column: ColumnElement) -> Select:
    """Limit `query` to the user's académies (admins see everything)."""
    academies = user.academies
    if academies is None:
        return query
    if not academies:
        return query.where(false())
    return query.where(academie_column.in_(sorted(academies)))


def restrict_departements(query: Select, user: User, departement_column: ColumnElement) -> Select:
    """Limit `query` to rows whose département lies in the user's académies (admins see all)."""
    academies = user.academies
    if academies is None:
        return query
    departements = sorted(d for a in academies if a in ACADEMIES for d in ACADEMIES[a].departements)
    if not departements:
        return query.where(false())
    return query.where(departement_column.in_(departements))


def can_act_on(user: User, academie: str) -> bool:
    academies = user.academies
    return academies is None or academie in academies

"""Organizer scope: what part of the country a user may see and act on, said once here.

- Admins see everything (`User.academies` is None).
- An organizer sees the schools, requests and events of their académies, and the role models
  covering at least one département of those académies, whatever their status: a pending
  applicant is seen only when she covers one of them.
- Pairing adds one case, the same as matching's and the event page's search: an online event
  may take an active role model who accepts remote sessions, wherever she lives.

Anything else is, for that user, as if it did not exist: services answer NotFound with the
same message as for a missing id (app/services/common/access.py), so ids cannot be probed.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select

from app.models import Event, RoleModel, RoleModelDepartement, RoleModelStatus, User
from app.reference.academies import ACADEMIES


def restrict(query: Select, user: User, academie_column: ColumnElement) -> Select:
    """Limit `query` to the user's académies (admins see everything)."""
    academies = user.academies
    if academies is None:
        return query
    if not academies:
        return query.where(false())
    return query.where(academie_column.in_(sorted(academies)))


def departements(user: User) -> frozenset[str] | None:
    """The départements of the user's académies; None for admins (all of them)."""
    academies = user.academies
    if academies is None:
        return None
    return frozenset(d for a in academies if a in ACADEMIES for d in ACADEMIES[a].departements)


def restrict_departements(query: Select, user: User, departement_column: ColumnElement) -> Select:
    """Limit `query` to rows whose département lies in the user's académies (admins see all)."""
    codes = departements(user)
    if codes is None:
        return query
    if not codes:
        return query.where(false())
    return query.where(departement_column.in_(sorted(codes)))


def role_model_ids(user: User) -> Select:
    """Ids of the role models the user sees, as a subquery for `RoleModel.id.in_(…)`."""
    return restrict_departements(select(RoleModelDepartement.role_model_id), user, RoleModelDepartement.departement)


def restrict_role_models(query: Select, user: User) -> Select:
    """Limit a query on RoleModel to the role models the user sees (admins see all)."""
    if user.academies is None:
        return query
    return query.where(RoleModel.id.in_(role_model_ids(user)))


def can_act_on(user: User, academie: str) -> bool:
    academies = user.academies
    return academies is None or academie in academies


def sees_event(user: User, event: Event) -> bool:
    return can_act_on(user, event.academie)


def sees_role_model(user: User, role_model: RoleModel) -> bool:
    codes = departements(user)
    return codes is None or not codes.isdisjoint(role_model.departement_codes)


def can_pair(user: User, event: Event, role_model: RoleModel) -> bool:
    """May the user put this role model on this event (an event they see)? Someone they see,
    or, for an online event, an active role model who accepts remote sessions."""
    if role_model.anonymised_at is not None:
        return False
    if sees_role_model(user, role_model):
        return True
    return bool(event.is_online and role_model.accepts_remote and role_model.status == RoleModelStatus.ACTIVE)

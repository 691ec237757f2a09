"""Who may act on what; services call these before changing anything, for every object they
are handed (not only the one the URL names).

A wrong role is NotAllowed (403): it says nothing about any object. An object outside the
actor's scope (app/services/common/scope.py) is NotFound with the very message a missing id
gets, so that ids cannot be probed: loaders raise these same messages.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Event, RoleModel, User, VisitRequest
from app.services.common import scope
from app.services.common.errors import NotAllowed, NotFound

# Ids are 32-bit integers in PostgreSQL: a larger number names nothing, and must not reach the
# database (drivers refuse it with an error rather than finding no row).
MAX_ID = 2**31 - 1
MISSING_EVENT = _l("Cet événement n'existe pas.")
MISSING_REQUEST = _l("Cette demande n'existe pas.")
MISSING_ROLE_MODEL = _l("Cette personne n'existe pas.")
MISSING_ASSIGNMENT = _l("Cette participation n'existe pas.")
MISSING_EMAIL = _l("Ce courriel n'existe pas.")


def require_organizer(actor: User | None) -> User:
    if actor is None or not actor.is_organizer:
        raise NotAllowed(_l("Cette action est réservée aux organisateurs."))
    return actor


def require_organizer_of(actor: User | None, academie: str) -> None:
    """For what the actor creates in an académie (no id to probe: académies are public)."""
    if actor is None or not actor.is_organizer or not scope.can_act_on(actor, academie):
        raise NotAllowed(_l("Cette académie ne fait pas partie de votre périmètre."))


def require_event_organizer(actor: User | None, event: Event) -> None:
    require_organizer(actor)
    if not scope.sees_event(actor, event):
        raise NotFound(MISSING_EVENT)


def require_request_organizer(actor: User | None, request: VisitRequest) -> None:
    require_organizer(actor)
    if not scope.can_act_on(actor, request.school.academie):
        raise NotFound(MISSING_REQUEST)


def require_role_model_organizer(actor: User | None, role_model: RoleModel) -> None:
    """An organizer acts on a role model who covers at least one département of their scope."""
    require_organizer(actor)
    if not scope.sees_role_model(actor, role_model):
        raise NotFound(MISSING_ROLE_MODEL)


def require_can_pair(actor: User | None, event: Event, role_model: RoleModel) -> None:
    """The event is the actor's and the role model one they may put on it."""
    require_event_organizer(actor, event)
    if not scope.can_pair(actor, event, role_model):
        raise NotFound(MISSING_ROLE_MODEL)

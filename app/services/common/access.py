"""Who may act on what; services call these before changing anything."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Event, RoleModel, User
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT
from app.services.common import scope
from app.services.common.errors import NotAllowed


def require_organizer_of(actor: User | None, academie: str) -> None:
    if actor is None or not actor.is_organizer or not scope.can_act_on(actor, academie):
        raise NotAllowed(_l("Cette académie ne fait pas partie de votre périmètre."))


def require_event_organizer(actor: User | None, event: Event) -> None:
    require_organizer_of(actor, event.academie)


def require_role_model_organizer(actor: User | None, role_model: RoleModel) -> None:
    """An organizer acts on a role model who covers at least one département of their scope."""
    if actor is None or not actor.is_organizer:
        raise NotAllowed(_l("Cette action est réservée aux organisateurs."))
    academies = {ACADEMIE_BY_DEPARTEMENT[d].code for d in role_model.departement_codes if d in ACADEMIE_BY_DEPARTEMENT}
    if actor.academies is not None and not academies & actor.academies:
        raise NotAllowed(_l("Cette personne n'intervient pas dans votre périmètre."))

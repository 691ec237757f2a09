"""Who may act on what; services call these before changing anything."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Event, User
from app.services import scope
from app.services.errors import NotAllowed


def require_organizer_of(actor: User | None, academie: str) -> None:
    if actor is None or not actor.is_organizer or not scope.can_act_on(actor, academie):
        raise NotAllowed(_l("Cette académie ne fait pas partie de votre périmètre."))


def require_event_organizer(actor: User | None, event: Event) -> None:
    require_organizer_of(actor, event.academie)

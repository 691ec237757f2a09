"""The organizers' web UI (login required, scoped to their académies). Each module adds its
routes to the one blueprint defined in views.py."""

from app.web.organizer import (  # noqa: F401
    api_tokens,  # noqa: F401
    dashboard,
    events,
    exports,
    feed,
    outbox,
    pairing,
    programme,
    requests,
    role_models,
    statistics,  # noqa: F401
)
from app.web.organizer.views import bp

__all__ = ["bp"]

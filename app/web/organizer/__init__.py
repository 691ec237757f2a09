"""The organizers' web UI (login required, scoped to their académies). Each module adds its
routes to the one blueprint defined in views.py."""

from app.web.organizer import dashboard, events, exports, feed, outbox, pairing, requests, role_models  # noqa: F401
from app.web.organizer import statistics  # noqa: F401
from app.web.organizer import api_tokens  # noqa: F401
from app.web.organizer.views import bp

__all__ = ["bp"]

"""The organizers' web UI (login required, scoped to their académies)."""

from app.web.organizer.views import bp

__all__ = ["bp"]

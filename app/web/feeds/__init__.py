"""Calendar feeds (`/feeds/...ics`): subscription URLs polled by calendar clients."""

from app.web.feeds.views import ROUTES, bp

__all__ = ["ROUTES", "bp"]

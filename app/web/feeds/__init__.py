"""Calendar feeds (`/feeds/...ics`): subscription URLs polled by calendar clients."""

from app.web.feeds.views import bp

__all__ = ["bp"]

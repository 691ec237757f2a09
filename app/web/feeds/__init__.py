"""Calendar feeds (`/feeds/...ics`): subscription URLs polled by calendar clients."""

from app.web.feeds.fast_path import init_app
from app.web.feeds.views import bp

__all__ = ["bp", "init_app"]

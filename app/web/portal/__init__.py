"""The role models' portal (/espace): the blueprint is defined in views.py; the sibling modules
add their routes to it when imported here."""

from app.web.portal import account, answers, calendars, meetings, onboarding  # noqa: F401  (routes)
from app.web.portal.views import bp

__all__ = ["bp"]

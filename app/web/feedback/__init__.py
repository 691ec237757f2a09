"""The feedback form reached from the email sent after an event (no account needed)."""

from app.web.feedback.views import bp

__all__ = ["bp"]

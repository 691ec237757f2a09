"""Who is told what, by email, when an event changes (the iTIP attachments come from feeds.py).

Called by the lifecycle services in app/services/events.py, inside their transaction: every
email goes through the outbox, so it exists exactly when the change is committed.
"""

from __future__ import annotations

from datetime import datetime

from app.models import Event, User


def event_scheduled(event: Event, actor: User | None) -> None:
    """A slot was confirmed for a school's request: tell the school contact(s)."""
    # TODO(issue 4): implemented by the feeds-and-notifications work.


def event_rescheduled(event: Event, actor: User | None, *, old_start: datetime, old_end: datetime) -> None:
    """The time or place changed: updated invitation (REQUEST, SEQUENCE bumped) to everyone concerned."""
    # TODO(issue 4): implemented by the feeds-and-notifications work.


def event_cancelled(event: Event, actor: User | str | None, *, reason: str) -> None:
    """The event is cancelled: CANCEL to role models, school contacts and the organizer."""
    # TODO(issue 4): implemented by the feeds-and-notifications work.

"""Emails about one role model's participation: invitation with accept/decline links, and what
follows (confirmation, cancellation), plus telling the organizer about answers."""

from __future__ import annotations

from app.models import Assignment, User


def invitation_sent(assignment: Assignment, actor: User | None) -> None:
    """Invitation email with signed accept/decline links and a REQUEST attachment."""
    # TODO(issue 6): implemented by the role-model work.


def answer_received(assignment: Assignment) -> None:
    """The role model accepted or declined: tell the event's organizer."""
    # TODO(issue 6): implemented by the role-model work.


def participation_confirmed(assignment: Assignment, actor: User | None) -> None:
    """The organizer confirmed the role model: confirmation email with an updated REQUEST."""
    # TODO(issue 6): implemented by the role-model work.


def participation_cancelled(assignment: Assignment, actor: User | str | None, *, reason: str) -> None:
    """The role model is no longer expected (removed, withdrawn, or event cancelled): CANCEL."""
    # TODO(issue 6): implemented by the role-model work.

"""Emails about one role model's participation: the invitation with its answer links
(app/services/pairing/answer_links.py), what follows (confirmation, cancellation), and telling the
organizer about answers. Called by app/services/pairing/assignments.py, inside its transaction.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale

from app.links import external_url
from app.models import Assignment, User
from app.services.events import emails
from app.services.mail.outbox import queue_email
from app.services.pairing import answer_links


def _role_model_email(assignment: Assignment, *, template: str, method: str, why: str, **context) -> None:
    # An address calendars refuse (stored before the text rules) still gets the email, without
    # the attachment: see app/services/events/emails.py.
    recipient = emails.role_model_recipient(assignment)
    if recipient is None:
        return  # anonymised: nobody to write to
    user, event = assignment.role_model.user, assignment.event
    with force_locale(recipient.locale):
        ics = emails.invitation_ics(event, method, recipient)
    queue_email(to=user.email, to_name=assignment.role_model.display_name, template=template,
                locale=recipient.locale, ics=ics, ics_method=method if ics else None, event=event,
                context={"event": event, "assignment": assignment, "audience": "role_model",
                         "portal_url": external_url("portal.dashboard"),
                         "meeting_url": external_url("portal.meeting", participation_id=assignment.id), **context},
                dedupe_key=f"assignment:{assignment.id}:{why}")


def invitation_sent(assignment: Assignment, actor: User | None) -> None:
    """Invitation email with signed accept/decline links and a REQUEST attachment."""
    urls = answer_links.answer_urls(assignment)
    _role_model_email(assignment, template="assignment_invitation", method="REQUEST",
                      why=f"invited:v{assignment.link_version}", accept_url=urls["accept"],
                      decline_url=urls["decline"], expires_days=current_app.config["INVITATION_EXPIRY_DAYS"])


def invitation_renewed(assignment: Assignment, *, old_start: datetime, old_end: datetime) -> None:
    """The event's time changed: a new invitation (new links, PARTSTAT=NEEDS-ACTION;RSVP=TRUE)
    saying what changed and asking again (app/services/events/lifecycle.py decides who)."""
    urls = answer_links.answer_urls(assignment)
    _role_model_email(assignment, template="assignment_rescheduled", method="REQUEST",
                      why=f"invited:v{assignment.link_version}", accept_url=urls["accept"],
                      decline_url=urls["decline"], expires_days=current_app.config["INVITATION_EXPIRY_DAYS"],
                      old_start=old_start, old_end=old_end)


def answer_received(assignment: Assignment) -> None:
    """The role model accepted or declined: tell the event's organizer."""
    organizer = assignment.event.organizer
    if organizer is None or not organizer.is_enabled:
        return
    queue_email(to=organizer.email, to_name=organizer.full_name, template="assignment_answer",
                locale=organizer.locale or "fr", event=assignment.event,
                context={"event": assignment.event, "assignment": assignment, "audience": "organizer",
                         "role_model_name": assignment.role_model.display_name,
                         "dashboard_url": external_url("organizer.dashboard")},
                dedupe_key=f"assignment:{assignment.id}:answer:{assignment.status.value}")


def participation_confirmed(assignment: Assignment, actor: User | None) -> None:
    """The organizer confirmed the role model: confirmation email with an updated REQUEST."""
    _role_model_email(assignment, template="assignment_confirmed", method="REQUEST",
                      why=f"confirmed:seq{assignment.event.sequence}")


# Why a participation ended, as app/services/pairing/assignments.py says it (the event's own
# cancellation has its email in app/services/events/emails.py).
ENDINGS = ("declined", "expired", "withdrawn", "removed")


def participation_ended(assignment: Assignment, cause: str, actor: User | str | None, *, reason: str = "") -> None:
    """The role model is no longer expected: one email saying why, with a CANCEL (same UID,
    SEQUENCE above anything sent before) that takes the event out of their calendar. Nothing
    for someone never invited: they never heard of the event. One key per participation, so
    whatever path ends it, and however often a unit is retried, they get one CANCEL."""
    if cause not in ENDINGS:
        raise ValueError(f"unknown ending: {cause!r}")
    if assignment.invited_at is None:
        return
    _role_model_email(assignment, template="assignment_cancelled", method="CANCEL", why="ended",
                      cause=cause, reason=reason if cause == "removed" else "")

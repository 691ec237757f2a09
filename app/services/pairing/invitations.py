"""Emails about one role model's participation: invitation with accept/decline links, and what
follows (confirmation, cancellation), plus telling the organizer about answers.

Answer links are signed (SECRET_KEY, older keys in SECRET_KEY_FALLBACKS still verify), expire,
and carry the assignment's `link_version`, which a new invitation bumps: an older email's links
then stop working. Opening a link shows a page and changes nothing (mail scanners open links);
the page's POST acts, once: after an answer the assignment is no longer "invited".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app import signing
from app.extensions import db
from app.feeds import mapping
from app.links import external_url
from app.models import Assignment, AssignmentStatus, BusyInterval, Event, EventStatus, User
from app.services.accounts.magic_links import LinkRefused
from app.services.common.errors import Conflict
from app.services.mail.outbox import queue_email
from app.services.pairing import assignments, bookings

_SALT = "rencontres.assignment-answer"
ACTIONS = ("accept", "decline")
# Other engagements that make a time unavailable (an invitation not yet answered does not).
_HOLDING = (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)


def _serializer() -> URLSafeTimedSerializer:
    return signing.serializer(_SALT)


def link_lifetime() -> timedelta:
    # Unanswered invitations expire after INVITATION_EXPIRY_DAYS (a job); a day more so that a
    # link opened just before that still reaches the page that says what happened.
    return timedelta(days=current_app.config.get("INVITATION_EXPIRY_DAYS", 7) + 1)


def answer_token(assignment: Assignment) -> str:
    return _serializer().dumps({"a": assignment.id, "v": assignment.link_version})


def answer_urls(assignment: Assignment) -> dict[str, str]:
    token = answer_token(assignment)
    return {action: external_url("portal.answer", token=token, action=action) for action in ACTIONS}


def read_answer_token(token: str) -> Assignment:
    try:
        payload = _serializer().loads(token or "", max_age=int(link_lifetime().total_seconds()))
    except SignatureExpired:
        raise LinkRefused(_l("Ce lien de réponse a expiré. Votre contact IndustriElles peut vous réinviter."),
                          code="expired") from None
    except BadSignature:
        raise LinkRefused(_l("Ce lien de réponse n'est pas valide. Vérifiez qu'il a été copié en entier."),
                          code="invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        raise LinkRefused(_l("Ce lien de réponse n'est pas valide."), code="invalid")
    assignment = db.session.get(Assignment, payload["a"])
    if assignment is None or assignment.role_model.anonymised_at is not None:
        raise LinkRefused(_l("Cette invitation n'existe plus."), code="invalid")
    if payload.get("v") != assignment.link_version:
        raise LinkRefused(_l("Ce lien a été remplacé par une invitation plus récente : utilisez le dernier "
                             "e-mail reçu."), code="replaced")
    return assignment


@dataclass(frozen=True)
class Clash:
    """Something already in the role model's time during the event."""

    start_at: datetime
    end_at: datetime
    title: str | None = None  # another engagement's title; None for a busy block of their calendar


def clashes(assignment: Assignment) -> list[Clash]:
    event = assignment.event
    busy = db.session.scalars(
        select(BusyInterval).where(BusyInterval.role_model_id == assignment.role_model_id,
                                   BusyInterval.start_at < event.end_at, BusyInterval.end_at > event.start_at)
        .order_by(BusyInterval.start_at)
    )
    others = db.session.scalars(
        select(Assignment).join(Assignment.event)
        .where(Assignment.role_model_id == assignment.role_model_id, Assignment.id != assignment.id,
               Assignment.status.in_(_HOLDING), Event.status != EventStatus.CANCELLED,
               Event.start_at < event.end_at, Event.end_at > event.start_at)
    )
    return [Clash(b.start_at, b.end_at) for b in busy] + [
        Clash(a.event.start_at, a.event.end_at, a.event.title) for a in others]


_ALREADY = {
    AssignmentStatus.ACCEPTED: _l("Vous avez déjà accepté cette invitation : merci !"),
    AssignmentStatus.CONFIRMED: _l("Votre participation est déjà confirmée."),
    AssignmentStatus.DECLINED: _l("Vous avez déjà décliné cette invitation."),
    AssignmentStatus.EXPIRED: _l("Cette invitation a expiré faute de réponse. Votre contact IndustriElles peut "
                                 "vous réinviter."),
    AssignmentStatus.WITHDRAWN: _l("Vous vous êtes retiré·e de cette rencontre."),
    AssignmentStatus.CANCELLED: _l("Cette participation a été annulée par l'équipe IndustriElles."),
}


def answer_state(assignment: Assignment) -> str | None:
    """Why the invitation can no longer be answered, or None while it can."""
    if assignment.event.status == EventStatus.CANCELLED:
        return str(_l("Cette rencontre a été annulée."))
    if assignment.status == AssignmentStatus.INVITED:
        return None
    return str(_ALREADY.get(assignment.status, _l("Cette invitation ne peut plus recevoir de réponse.")))


@dataclass
class Answer:
    assignment: Assignment
    done: bool
    clashes: list[Clash] = field(default_factory=list)


def respond(token: str, action: str, *, reason: str = "", despite_clashes: bool = False,
            actor: User | None = None) -> Answer:
    """Accept or decline through a link. Accepting a time that clashes with a busy block only
    happens with `despite_clashes` (the page asked first); over another engagement, never."""
    if action not in ACTIONS:
        raise LinkRefused(_l("Cette action n'existe pas."), code="invalid")
    assignment = read_answer_token(token)
    state = answer_state(assignment)
    if state:
        raise Conflict(state, code=f"assignment_{assignment.status.value}")
    who = actor if actor is not None and actor.id == assignment.role_model.user_id else None
    if action == "decline":
        assignments.decline(assignment, reason=(reason or "")[:1000], actor=who)
        return Answer(assignment, True)
    bookings.require_free(assignment, by_role_model=True)
    found = clashes(assignment)
    if found and not despite_clashes:
        return Answer(assignment, False, found)
    assignments.accept(assignment, actor=who)
    return Answer(assignment, True, found)


# --- the hooks called by app/services/pairing/assignments.py --------------------------------------------

def _role_model_email(assignment: Assignment, *, template: str, method: str, why: str, **context) -> None:
    attendee = mapping.role_model_attendee(assignment)
    if attendee is None:
        return  # anonymised: nobody to write to
    user, event = assignment.role_model.user, assignment.event
    with force_locale(user.locale or "fr"):
        ics = mapping.invitation_ics(event, method, [attendee], audience=mapping.Audience.ROLE_MODEL,
                                   assignment=assignment)
    queue_email(to=user.email, to_name=assignment.role_model.display_name, template=template,
                locale=user.locale or "fr", ics=ics, ics_method=method, event=event,
                context={"event": event, "assignment": assignment, "audience": "role_model",
                         "portal_url": external_url("portal.dashboard"), **context},
                dedupe_key=f"assignment:{assignment.id}:{why}")


def invitation_sent(assignment: Assignment, actor: User | None) -> None:
    """Invitation email with signed accept/decline links and a REQUEST attachment."""
    urls = answer_urls(assignment)
    _role_model_email(assignment, template="assignment_invitation", method="REQUEST",
                      why=f"invited:v{assignment.link_version}", accept_url=urls["accept"],
                      decline_url=urls["decline"], expires_days=current_app.config.get("INVITATION_EXPIRY_DAYS", 7))


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


def participation_cancelled(assignment: Assignment, actor: User | str | None, *, reason: str) -> None:
    """The role model is no longer expected (removed, withdrawn, or event cancelled): CANCEL."""
    _role_model_email(assignment, template="assignment_cancelled", method="CANCEL", why="cancelled",
                      reason=reason)

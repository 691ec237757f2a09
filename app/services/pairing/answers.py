"""Answering an invitation through the links of its email (app/services/pairing/answer_links.py):
what the answer page shows (the person's clashes, why an invitation can no longer be answered)
and the answer itself. Opening a link shows a page and changes nothing (mail scanners open
links); the page's POST acts, once: after an answer the assignment is no longer "invited".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, AssignmentStatus, BusyInterval, Event, EventStatus, User, UserRole, limits
from app.services.accounts import magic_links
from app.services.accounts.magic_links import LinkRefused
from app.services.common.errors import Conflict
from app.services.pairing import answer_links, assignments, bookings

# Other engagements that make a time unavailable (an invitation not yet answered does not).
_HOLDING = (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)


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
    # A one-time sign-in link token for her space (`magic_links`), offered on the page that
    # says the answer was recorded; None when there is nobody to sign in.
    sign_in_token: str | None = None


def _sign_in_token(assignment: Assignment, actor: User | None) -> str | None:
    """Trust decision: answering proves she holds the mailbox the invitation went to, which is
    all a sign-in link proves; asking her for another email round trip to reach her space adds
    no safety. So a recorded answer — a POST, which mail scanners do not send, and which
    succeeds once per invitation since an answered one cannot be answered again — comes with a
    one-time sign-in token of the ordinary kind (`magic_links.make_token`: 30 minutes, used up by
    the first sign-in, refused for a disabled account). Signing in with it makes a fresh
    session carrying her current `session_version`; opening the answer link (GET) never gives
    one, so a forwarded or scanned email is not a way into her space."""
    user = assignment.role_model.user
    if user is None or not user.is_enabled or user.role != UserRole.ROLE_MODEL:
        return None
    if actor is not None and actor.id == user.id:
        return None  # already signed in as herself
    return magic_links.make_token(user)


def respond(token: str, action: str, *, reason: str = "", despite_clashes: bool = False,
            actor: User | None = None) -> Answer:
    """Accept or decline through a link. Accepting a time that clashes with a busy block only
    happens with `despite_clashes` (the page asked first); over another engagement, never."""
    if action not in answer_links.ACTIONS:
        raise LinkRefused(_l("Cette action n'existe pas."), code="invalid")
    assignment = answer_links.read_answer_token(token)
    state = answer_state(assignment)
    if state:
        raise Conflict(state, code=f"assignment_{assignment.status.value}")
    who = actor if actor is not None and actor.id == assignment.role_model.user_id else None
    if action == "decline":
        assignments.decline(assignment, reason=(reason or "")[:limits.ANSWER_REASON_MAX], actor=who)
        return Answer(assignment, True, sign_in_token=_sign_in_token(assignment, actor))
    bookings.require_free(assignment, by_role_model=True)
    found = clashes(assignment)
    if found and not despite_clashes:
        return Answer(assignment, False, found)
    assignments.accept(assignment, actor=who)
    return Answer(assignment, True, found, sign_in_token=_sign_in_token(assignment, actor))

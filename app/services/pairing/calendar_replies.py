"""Answers from calendar apps: a role model presses "Yes", "No" or "Maybe" in Gmail, Outlook,
Apple Calendar or Thunderbird, which mails an iTIP REPLY to the invitation's ORGANIZER — the
engagement's reply address (app/services/pairing/reply_addresses.py). `receive` reads one such
message (from the mailbox job or `flask receive-mail`) and applies it by the rules of the email
links (app/services/pairing/answers.py): seats and overlaps checked by `assignments.accept`,
backfill after a decline through the `ended` signal, the organizer told.

What is trusted: only the reply address, which names one assignment and which nobody can make
up. From is not (anyone writes any From). The answer must also name that assignment's role
model as ATTENDEE and the event's UID, else it is "forged"; an answer to an older version of
the invitation (SEQUENCE below the event's) or older than the last answer applied (DTSTAMP) is
"stale". Forged, stale, unknown and unreadable messages change nothing and are kept.

An answer the rules refuse (event full, another engagement at that time, already answered
otherwise, event cancelled) changes nothing, and the role model gets one email saying why. The
same answer as the one already recorded (a yes by link, then the same yes from the calendar) is
"unchanged" and sends nothing. "Maybe" and a proposed new time (COUNTER) change nothing and
reach the organizer.

Every message becomes one `InboundReply` row, unique by Message-ID: a message read twice
changes nothing the second time. Like every service, this one flushes and never commits.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.links import external_url
from app.models import Assignment, AssignmentStatus, Event, InboundReply, User, limits
from app.models.types import utcnow
from app.services.common import access, scope
from app.services.common.errors import Conflict
from app.services.mail.outbox import queue_email
from app.services.pairing import answers, assignments, reply_addresses
from calendars.replies import CalendarAnswer, InboundMessage, read_message

log = logging.getLogger(__name__)

# Outcomes whose answer was considered: the DTSTAMP of the latest one makes older answers stale.
_CONSIDERED = ("applied", "unchanged", "tentative", "counter", "refused")
_SAME = {"ACCEPTED": (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED), "DECLINED": (AssignmentStatus.DECLINED,)}


@dataclass(frozen=True)
class Received:
    """What became of one message: `outcome` is a key of labels.CALENDAR_REPLY_OUTCOMES, or
    "duplicate" for a message already received (nothing done, no new row)."""

    outcome: str
    detail: str
    reply: InboundReply | None


def message_key(read: InboundMessage, raw: bytes) -> str:
    return read.message_id or f"sha256:{hashlib.sha256(raw).hexdigest()}"


def _kept(read: InboundMessage, key: str, source: str, outcome: str, detail: str = "") -> InboundReply:
    """The row that keeps one message, added and flushed (its id names the emails it causes)."""
    row = InboundReply(message_id=key, source=source, sender=read.sender[:limits.EMAIL_MAX],
                       subject=read.subject[:300], outcome=outcome, detail=detail, received_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def receive(raw: bytes, *, source: str) -> Received:
    """Read one RFC 5322 message and apply the calendar answer it carries, if it may be."""
    read = read_message(raw)
    key = message_key(read, raw)
    existing = db.session.scalar(select(InboundReply).where(InboundReply.message_id == key))
    if existing is not None:
        return Received("duplicate", "message already received", existing)
    row = _kept(read, key, source, "unreadable")  # until decided below
    answer = read.reply
    if answer is not None:
        row.method, row.partstat, row.sequence, row.stamp = (answer.method, answer.partstat[:16],
                                                             answer.sequence, answer.stamp)
    outcome, detail = _apply(row, read)
    with force_locale("fr"):  # kept as the organizers read it
        row.outcome, row.detail = outcome, str(detail)
    db.session.flush()
    log.info("calendar reply %s (%s): %s %s", key, source, row.outcome, row.detail)
    return Received(row.outcome, row.detail, row)


def record_failure(raw: bytes, *, source: str, error: str) -> InboundReply | None:
    """Keep a message whose processing failed inside (a bug, not the sender's doing), so that the
    mailbox job marks it seen instead of failing on it every minute; it stays on the page."""
    read = read_message(raw)
    key = message_key(read, raw)
    if db.session.scalar(select(InboundReply.id).where(InboundReply.message_id == key)) is not None:
        return None
    return _kept(read, key, source, "failed", error[:2000])


def _apply(row: InboundReply, read: InboundMessage) -> tuple[str, object]:
    """The outcome and, in words for the organizers' page, why (a lazy string, or '')."""
    if not reply_addresses.enabled():
        return "unknown", _l("REPLY_ADDRESS n'est pas configurée : les réponses des agendas ne sont pas lues.")
    assignment, claimed = reply_addresses.read(read.recipients)
    if assignment is None and claimed is not None:
        return "forged", _l("Adresse de réponse altérée ou inventée (participation n° %(id)s).", id=claimed)
    if assignment is None:
        return "unknown", _l("Aucun destinataire n'est l'adresse de réponse d'une invitation.")
    row.assignment, row.event_id = assignment, assignment.event_id
    answer = read.reply
    if answer is None:
        return "unreadable", _l("Message illisible (%(code)s).", code=read.error.code if read.error else "?")
    role_model = assignment.role_model
    user = role_model.user if role_model.anonymised_at is None else None
    expected = user.email.lower() if user is not None else None
    if expected is None or answer.attendee != expected:
        return "forged", _l("La réponse est au nom de %(address)s, qui n'est pas la personne invitée.",
                            address=answer.attendee)
    event = assignment.event
    if answer.uid != event.uid:
        return "forged", _l("La réponse porte sur un autre événement que celui de l'invitation.")
    if answer.sequence < event.sequence:
        return "stale", _l("Réponse à la version %(old)d de l'invitation ; la version en cours est la %(new)d.",
                           old=answer.sequence, new=event.sequence)
    latest = db.session.scalar(select(func.max(InboundReply.stamp)).where(
        InboundReply.assignment_id == assignment.id, InboundReply.outcome.in_(_CONSIDERED),
        InboundReply.id != row.id))
    if latest is not None and answer.stamp is not None and answer.stamp < latest:
        return "stale", _l("Plus ancienne que la dernière réponse reçue de cet agenda.")
    if answer.method == "COUNTER":
        _tell_organizer(row, assignment, answer, kind="counter")
        return "counter", ""
    return _answer(row, assignment, answer)


def _answer(row: InboundReply, assignment: Assignment, answer: CalendarAnswer) -> tuple[str, object]:
    if answer.partstat not in ("ACCEPTED", "DECLINED", "TENTATIVE"):
        return "ignored", _l("Réponse « %(partstat)s ».", partstat=answer.partstat)
    if assignment.status in _SAME.get(answer.partstat, ()):
        return "unchanged", ""
    state = answers.answer_state(assignment)
    if state:
        return _refuse(row, assignment, state)
    if answer.partstat == "TENTATIVE":
        _tell_organizer(row, assignment, answer, kind="tentative")
        return "tentative", ""
    try:
        with db.session.begin_nested():  # a refusal leaves nothing half done
            if answer.partstat == "ACCEPTED":
                assignments.accept(assignment, via="calendar")
            else:
                assignments.decline(assignment, reason=(answer.comment or "")[:limits.ANSWER_REASON_MAX],
                                    via="calendar")
    except Conflict as refusal:
        db.session.refresh(assignment)
        return _refuse(row, assignment, refusal.message)
    return "applied", ""


def _refuse(row: InboundReply, assignment: Assignment, why) -> tuple[str, object]:
    """Nothing changes; the role model learns why, once for this message."""
    user = assignment.role_model.user
    if user is not None and assignment.role_model.anonymised_at is None:
        queue_email(to=user.email, to_name=assignment.role_model.display_name, template="calendar_reply_refused",
                    locale=user.locale or "fr", event=assignment.event,
                    context={"event": assignment.event, "assignment": assignment, "audience": "role_model",
                             "why": why, "portal_url": external_url("portal.dashboard")},
                    dedupe_key=f"calendar-reply:{row.id}:refused")
    return "refused", why


def _tell_organizer(row: InboundReply, assignment: Assignment, answer: CalendarAnswer, *, kind: str) -> None:
    organizer = assignment.event.organizer
    if organizer is None or not organizer.is_enabled:
        return
    queue_email(to=organizer.email, to_name=organizer.full_name, template="calendar_reply_notice",
                locale=organizer.locale or "fr", event=assignment.event,
                context={"event": assignment.event, "assignment": assignment, "audience": "organizer",
                         "kind": kind, "role_model_name": assignment.role_model.display_name,
                         "comment": answer.comment, "proposed_start": answer.proposed_start,
                         "proposed_end": answer.proposed_end,
                         "replies_url": external_url("organizer.calendar_replies_list")},
                dedupe_key=f"calendar-reply:{row.id}:{kind}")


def list_replies(user: User, *, limit: int = 100, offset: int = 0) -> list[InboundReply]:
    """The organizers' page: answers about events of their scope, newest first. Messages tied to
    no event (unknown or tampered addresses, unreadable mail) are anyone's writing, about nobody
    an organizer is responsible for: admins only see them."""
    access.require_organizer(user)
    query = select(InboundReply).order_by(InboundReply.received_at.desc(), InboundReply.id.desc())
    if user.academies is None:
        query = query.outerjoin(Event, InboundReply.event_id == Event.id)
    else:
        query = scope.restrict(query.join(Event, InboundReply.event_id == Event.id), user, Event.academie)
    return list(db.session.scalars(query.limit(limit).offset(offset)))

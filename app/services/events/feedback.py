"""Feedback after an event: signed links sent by email, and the answers (they feed statistics).

The link carries (event, respondent kind, respondent id) signed with the app's secret: no
account is needed, and a link only ever answers for the person it was sent to — one school
contact, or one role model. Links signed for a whole school before that (kind "school") are
honoured until they expire, once: whoever holds one may answer if the school has not, but
may not change an answer already given.

Numbers are bounded by the event (`pupils_limit`); the statistics apply the same bounds to
what is stored, so a row written some other way cannot inflate the public figures either.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app import signing
from app.extensions import db
from app.models import Event, EventFeedback, EventStatus, FeedbackRespondent, SchoolContact, limits
from app.services.common import audit
from app.services.common.errors import Conflict, Invalid

SALT = "event-feedback"
LINK_MAX_AGE = 60 * 24 * 3600  # two months to answer
ALREADY_ANSWERED = _l("Votre établissement a déjà répondu : merci ! Ce lien ne permet pas de modifier la réponse.")


@dataclass(frozen=True)
class FeedbackTarget:
    event: Event
    respondent: FeedbackRespondent
    respondent_id: int
    school_id: int | None = None  # the school answered for; None for a role model

    @property
    def answers_once(self) -> bool:
        """An old whole-school link: anyone may hold it, so it may not change an answer."""
        return self.respondent == FeedbackRespondent.SCHOOL


def _serializer() -> URLSafeTimedSerializer:
    return signing.serializer(SALT)


def sign(event_id: int, respondent: FeedbackRespondent, respondent_id: int) -> str:
    return _serializer().dumps([event_id, respondent.value, respondent_id])


def resolve(token: str) -> FeedbackTarget | None:
    """What a link answers for, or None when it is forged, expired, the event is gone or the
    contact it was sent to no longer exists."""
    try:
        event_id, respondent, respondent_id = _serializer().loads(token, max_age=LINK_MAX_AGE)
        respondent, respondent_id = FeedbackRespondent(respondent), int(respondent_id)
    except (BadSignature, ValueError, TypeError):
        return None
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.CANCELLED:
        return None
    school_id = None
    if respondent == FeedbackRespondent.CONTACT:
        contact = db.session.get(SchoolContact, respondent_id)
        if contact is None:
            return None
        school_id = contact.school_id
    elif respondent == FeedbackRespondent.SCHOOL:
        school_id = respondent_id
    return FeedbackTarget(event, respondent, respondent_id, school_id)


def pupils_limit(event: Event, school_id: int | None) -> tuple[int, bool]:
    """The most pupils an answer may report, and whether that number was announced for the
    event (rather than the general bound of limits.py).

    For a school: the class sizes asked for it (the event's line for that school; the
    request's headcount when the event lists no school at all, as the statistics count it),
    else the event's capacity, else HEADCOUNT_MAX. For a role model: the capacity, else
    CAPACITY_MAX. `statistics.impact._school_answers` applies the same rule in SQL.
    """
    if school_id is not None:
        headcount = None
        listed = [link for link in event.schools if link.school_id == school_id]
        if listed:
            headcount = listed[0].headcount
        elif not event.schools and event.visit_request is not None and event.visit_request.school_id == school_id:
            headcount = event.visit_request.headcount
        announced = headcount or event.capacity
        return (announced, True) if announced else (limits.HEADCOUNT_MAX, False)
    return (event.capacity, True) if event.capacity else (limits.CAPACITY_MAX, False)


def existing(target: FeedbackTarget) -> EventFeedback | None:
    return db.session.scalar(
        select(EventFeedback).where(
            EventFeedback.event_id == target.event.id,
            EventFeedback.respondent == target.respondent,
            EventFeedback.respondent_id == target.respondent_id,
        )
    )


def _over(most: int, announced: bool):
    if announced:
        return _l("Au plus %(max)s : c'est l'effectif prévu pour cette rencontre. "
                  "Si d'autres élèves sont venus, dites-le en commentaire.", max=most)
    return _l("Indiquez un nombre entre 0 et %(max)s.", max=most)


def submit(target: FeedbackTarget, *, pupils_attended: int | None, girls_attended: int | None,
           satisfaction: int | None, comment: str = "") -> EventFeedback:
    """Record (or correct) one respondent's answer; an old whole-school link records once."""
    answer = existing(target)
    if answer is not None and target.answers_once:
        raise Conflict(ALREADY_ANSWERED, code="feedback_already_given")
    most, announced = pupils_limit(target.event, target.school_id)
    comment = (comment or "").strip()
    errors = {}
    if pupils_attended is not None and pupils_attended < 0:
        errors["pupils_attended"] = _l("Indiquez un nombre positif.")
    elif pupils_attended is not None and pupils_attended > most:
        errors["pupils_attended"] = _over(most, announced)
    if girls_attended is not None and girls_attended < 0:
        errors["girls_attended"] = _l("Indiquez un nombre positif.")
    elif girls_attended is not None and pupils_attended is not None and girls_attended > pupils_attended:
        errors["girls_attended"] = _l("Il ne peut pas y avoir plus de filles que d'élèves.")
    elif girls_attended is not None and girls_attended > most:
        errors["girls_attended"] = _over(most, announced)
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        errors["satisfaction"] = _l("Choisissez une note de 1 à 5.")
    if len(comment) > limits.FEEDBACK_COMMENT_MAX:
        errors["comment"] = _l("2000 caractères au plus.")
    if errors:
        raise Invalid(_l("Certains champs sont à corriger."), fields=errors)
    if answer is None:
        answer = EventFeedback(event_id=target.event.id, respondent=target.respondent,
                               respondent_id=target.respondent_id, school_id=target.school_id)
        db.session.add(answer)
    answer.pupils_attended = pupils_attended
    answer.girls_attended = girls_attended
    answer.satisfaction = satisfaction
    answer.comment = comment
    db.session.flush()
    audit.record(target.respondent.value, target.event, "event.feedback_received",
                 respondent=target.respondent.value, respondent_id=target.respondent_id)
    return answer

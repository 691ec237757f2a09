"""Feedback after an event: signed links sent by email, and the answers (they feed statistics).

The link carries (event, respondent kind, respondent id) signed with the app's secret: no
account is needed, and a link only ever answers for the person it was sent to.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app import signing
from app.extensions import db
from app.models import Event, EventFeedback, EventStatus, FeedbackRespondent
from app.services.common import audit
from app.services.common.errors import Invalid

SALT = "event-feedback"
LINK_MAX_AGE = 60 * 24 * 3600  # two months to answer


@dataclass(frozen=True)
class FeedbackTarget:
    event: Event
    respondent: FeedbackRespondent
    respondent_id: int


def _serializer() -> URLSafeTimedSerializer:
    return signing.serializer(SALT)


def sign(event_id: int, respondent: FeedbackRespondent, respondent_id: int) -> str:
    return _serializer().dumps([event_id, respondent.value, respondent_id])


def resolve(token: str) -> FeedbackTarget | None:
    """What a link answers for, or None when it is forged, expired or the event is gone."""
    try:
        event_id, respondent, respondent_id = _serializer().loads(token, max_age=LINK_MAX_AGE)
        respondent = FeedbackRespondent(respondent)
    except (BadSignature, ValueError, TypeError):
        return None
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.CANCELLED:
        return None
    return FeedbackTarget(event, respondent, int(respondent_id))


def existing(target: FeedbackTarget) -> EventFeedback | None:
    return db.session.scalar(
        select(EventFeedback).where(
            EventFeedback.event_id == target.event.id,
            EventFeedback.respondent == target.respondent,
            EventFeedback.respondent_id == target.respondent_id,
        )
    )


def submit(target: FeedbackTarget, *, pupils_attended: int | None, girls_attended: int | None,
           satisfaction: int | None, comment: str = "") -> EventFeedback:
    """Record (or correct) one respondent's answer."""
    errors = {}
    if pupils_attended is not None and pupils_attended < 0:
        errors["pupils_attended"] = _l("Indiquez un nombre positif.")
    if girls_attended is not None and girls_attended < 0:
        errors["girls_attended"] = _l("Indiquez un nombre positif.")
    elif girls_attended is not None and pupils_attended is not None and girls_attended > pupils_attended:
        errors["girls_attended"] = _l("Il ne peut pas y avoir plus de filles que d'élèves.")
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        errors["satisfaction"] = _l("Choisissez une note de 1 à 5.")
    if errors:
        raise Invalid(_l("Certains champs sont à corriger."), fields=errors)
    answer = existing(target)
    if answer is None:
        answer = EventFeedback(event_id=target.event.id, respondent=target.respondent,
                               respondent_id=target.respondent_id)
        db.session.add(answer)
    answer.pupils_attended = pupils_attended
    answer.girls_attended = girls_attended
    answer.satisfaction = satisfaction
    answer.comment = (comment or "").strip()
    db.session.flush()
    audit.record(target.respondent.value, target.event, "event.feedback_received",
                 respondent=target.respondent.value, respondent_id=target.respondent_id)
    return answer

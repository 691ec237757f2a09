"""The signed links of an invitation email (accept, decline): made, and read back.

Links are signed (SECRET_KEY, older keys in SECRET_KEY_FALLBACKS still verify), expire, and
carry the assignment's `link_version`, which a new invitation bumps: an older email's links then
stop working.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app import signing
from app.extensions import db
from app.links import external_url
from app.models import Assignment
from app.services.accounts.magic_links import LinkRefused

_SALT = "rencontres.assignment-answer"
ACTIONS = ("accept", "decline")


def _serializer() -> URLSafeTimedSerializer:
    return signing.serializer(_SALT)


def link_lifetime() -> timedelta:
    # Unanswered invitations expire after INVITATION_EXPIRY_DAYS (a job); a day more so that a
    # link opened just before that still reaches the page that says what happened.
    return timedelta(days=current_app.config["INVITATION_EXPIRY_DAYS"] + 1)


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

"""The outbox's writing side: emails are rendered and stored in the caller's transaction.

Nothing here talks to SMTP; the send job (app/services/mail/delivery.py) does, later, so an
email exists if and only if the change that caused it was committed.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.models import Event, OutboxEmail, RoleModel, VisitRequest


def queue_email(
    *,
    to: str,
    template: str,
    context: dict | None = None,
    to_name: str = "",
    locale: str = "fr",
    ics: bytes | None = None,
    ics_method: str | None = None,
    dedupe_key: str | None = None,
    event: Event | None = None,
    request: VisitRequest | None = None,
    role_model: RoleModel | None = None,
) -> OutboxEmail | None:
    """Render `email/<template>.{subject.txt,txt,html}` in `locale` and queue it.

    With a `dedupe_key` already in the outbox, nothing is queued and None is returned, so a
    retried job or a double click cannot send the same email twice.

    The email is tied to what it is about (the organizers' outbox page shows each organizer the
    emails of their scope): the `event`, `request` or `role_model` given, else the request
    (`visit`) or role model (`role_model`) its template is rendered with.
    """
    if dedupe_key is not None:
        existing = db.session.scalar(select(OutboxEmail.id).where(OutboxEmail.dedupe_key == dedupe_key))
        if existing is not None:
            return None
    context = dict(context or {}, to_name=to_name)
    if request is None and isinstance(context.get("visit"), VisitRequest):
        request = context["visit"]
    if role_model is None and isinstance(context.get("role_model"), RoleModel):
        role_model = context["role_model"]
    with force_locale(locale):
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", **context)
    email = OutboxEmail(
        to_address=to,
        to_name=to_name,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        ics=ics.decode("utf-8") if ics else None,
        ics_method=ics_method,
        dedupe_key=dedupe_key,
        kind=template,
        event_id=event.id if event is not None else None,
        request_id=request.id if request is not None else None,
        role_model_id=role_model.id if role_model is not None else None,
    )
    db.session.add(email)
    db.session.flush()
    return email

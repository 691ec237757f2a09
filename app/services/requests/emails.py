"""Emails about a school's request: the confirmation with its private links, the answer when
it is declined, and telling the organizers of the school's académie (or the admins, when no
organizer covers it yet, so no request goes unseen) when one arrives, is withdrawn or has its
visit cancelled."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.links import external_url, webcal_url
from app.models import Event, OrganizerScope, User, UserRole, VisitRequest
from app.services.mail.outbox import queue_email


def followup_url(followup_token: str) -> str:
    return external_url("public.request_followup", token=followup_token)


def school_feed_url(feed_token: str) -> str:
    """A school subscription URL (a request's, or the school's once its contact is confirmed); the
    feeds blueprint serves it (built by path until it exists)."""
    if "feeds.school_feed" in current_app.view_functions:
        return external_url("feeds.school_feed", token=feed_token)
    return f"{current_app.config['BASE_URL']}/feeds/schools/{feed_token}.ics"


def request_received(request: VisitRequest, *, followup_token: str, feed_token: str) -> None:
    feed = school_feed_url(feed_token)
    _tell_contact(request, "request_received", "received", {
        "followup_url": followup_url(followup_token),
        "feed_url": feed,
        "webcal_url": webcal_url(feed),
        "privacy_url": external_url("public.privacy"),
    })


def request_declined(request: VisitRequest) -> None:
    """Tell the school contact why, in their language, with the way to ask again."""
    _tell_contact(request, "request_declined", "declined", {
        "reason": request.status_reason,
        "new_request_url": external_url("public.request_form"),
    })


def _tell_contact(request: VisitRequest, template: str, what: str, context: dict) -> None:
    contact = request.contact
    queue_email(
        to=contact.email,
        to_name=contact.full_name,
        template=template,
        locale=contact.locale,
        dedupe_key=f"request:{request.id}:{what}",
        context={"visit": request, "school": request.school, **context},
    )


def organizers_for(academie: str) -> list[User]:
    """Enabled organizers whose scope covers the académie; the admins if there are none."""
    organizers = list(db.session.scalars(
        select(User)
        .join(OrganizerScope, OrganizerScope.user_id == User.id)
        .where(OrganizerScope.academie == academie, User.role == UserRole.ORGANIZER, User.is_enabled.is_(True))
        .order_by(User.id)
    ))
    if organizers:
        return organizers
    return list(db.session.scalars(
        select(User).where(User.role == UserRole.ADMIN, User.is_enabled.is_(True)).order_by(User.id)
    ))


def organizers_told(request: VisitRequest, template: str, *, reason: str = "", event: Event | None = None) -> int:
    """Queue `template` to each organizer concerned; once per request, template and person."""
    sent = 0
    for user in organizers_for(request.school.academie):
        email = queue_email(
            to=user.email,
            to_name=user.full_name,
            template=template,
            locale=user.locale,
            dedupe_key=f"request:{request.id}:{template}:{event.id if event else 0}:{user.id}",
            event=event,
            context={
                "visit": request,
                "school": request.school,
                "event": event,
                "reason": reason,
                "dashboard_url": external_url("organizer.dashboard"),
            },
        )
        sent += email is not None
    return sent

"""The organizers' request queue: filtering and sorting what schools asked, opening one in
scope, taking it into review or declining it. The public form and follow-up live elsewhere
(app/services/requests/visit_requests.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import EducationPriority, EventType, RequestStatus, RequestWindow, School, User, VisitRequest
from app.services.common import access, audit, scope
from app.services.common.errors import Conflict, Invalid, NotFound
from app.services.requests import contacts, emails

OPEN = (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW)
SORTS = {
    "oldest": (VisitRequest.submitted_at, VisitRequest.id),
    "newest": (VisitRequest.submitted_at.desc(), VisitRequest.id.desc()),
    "academie": (School.academie, VisitRequest.submitted_at),
    "girls": (VisitRequest.girls_count.desc(), VisitRequest.submitted_at),
}


@dataclass
class RequestFilters:
    status: str = "open"  # "open", "all" or a RequestStatus value
    academie: str = ""
    format: str = ""
    priority: str = ""  # "", "rep" (REP or REP+), "rep_plus"
    window_from: date | None = None  # requests with a preferred window overlapping the period
    window_to: date | None = None
    sort: str = "oldest"


def list_requests(user: User, filters: RequestFilters | None = None, *, limit: int = 100) -> list[VisitRequest]:
    """Requests in the user's scope, filtered and sorted; two queries whatever the data size."""
    f = filters or RequestFilters()
    query = (
        select(VisitRequest)
        .join(VisitRequest.school)
        .options(joinedload(VisitRequest.school), selectinload(VisitRequest.windows))
    )
    if f.status == "open":
        query = query.where(VisitRequest.status.in_(OPEN))
    elif f.status in RequestStatus.__members__.values():
        query = query.where(VisitRequest.status == RequestStatus(f.status))
    if f.academie:
        query = query.where(School.academie == f.academie)
    if f.format in EventType.__members__.values():
        query = query.where(VisitRequest.format == EventType(f.format))
    if f.priority == "rep":
        query = query.where(School.priority != EducationPriority.NONE)
    elif f.priority == "rep_plus":
        query = query.where(School.priority == EducationPriority.REP_PLUS)
    if f.window_from or f.window_to:
        overlap = [RequestWindow.request_id == VisitRequest.id]
        if f.window_from:
            overlap.append(RequestWindow.end_date >= f.window_from)
        if f.window_to:
            overlap.append(RequestWindow.start_date <= f.window_to)
        query = query.where(exists().where(*overlap))
    query = query.order_by(*SORTS.get(f.sort, SORTS["oldest"])).limit(limit)
    return list(db.session.scalars(scope.restrict(query, user, School.academie)).unique())


def get_request(user: User, request_id: int) -> VisitRequest:
    """One request in the user's scope; out of scope looks exactly like missing (404)."""
    query = (
        select(VisitRequest)
        .join(VisitRequest.school)
        .options(joinedload(VisitRequest.school), joinedload(VisitRequest.contact), selectinload(VisitRequest.windows))
        .where(VisitRequest.id == request_id)
    )
    request = db.session.scalars(scope.restrict(query, user, School.academie)).unique().one_or_none()
    if request is None:
        raise NotFound(access.MISSING_REQUEST)
    return request


def start_review(actor: User, request: VisitRequest) -> VisitRequest:
    """Opening a new request takes it into review, so colleagues see someone is on it."""
    access.require_request_organizer(actor, request)
    if request.status == RequestStatus.SUBMITTED:
        request.status = RequestStatus.IN_REVIEW
        audit.record(actor, request, "request.in_review")
    return request


def decline_request(actor: User, request: VisitRequest, *, reason: str) -> VisitRequest:
    """Decline: the school is told why, and the calendar link given with the request stops."""
    access.require_request_organizer(actor, request)
    if not (reason or "").strip():
        message = _l("Indiquez à l'établissement pourquoi la demande est déclinée.")
        raise Invalid(message, fields={"reason": message})
    if not request.status.can_become(RequestStatus.DECLINED):
        raise Conflict(_l("Cette demande ne peut plus être déclinée."), code="request_not_open")
    request.status = RequestStatus.DECLINED
    request.status_reason = reason.strip()
    contacts.revoke_feed(request)
    audit.record(actor, request, "request.declined", reason=request.status_reason)
    emails.request_declined(request)
    return request

"""Visit requests from schools: listing for organizers (the form lives in the public blueprint)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import RequestStatus, School, User, VisitRequest
from app.services import scope

OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW)


def list_open_requests(user: User, *, limit: int = 50) -> list[VisitRequest]:
    """New and in-review requests in the user's scope, oldest first (the queue)."""
    query = (
        select(VisitRequest)
        .join(VisitRequest.school)
        .options(joinedload(VisitRequest.school))
        .where(VisitRequest.status.in_(OPEN_STATUSES))
        .order_by(VisitRequest.submitted_at)
        .limit(limit)
    )
    return list(db.session.scalars(scope.restrict(query, user, School.academie)))

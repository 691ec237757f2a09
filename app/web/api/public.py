"""Public operations: published public events and headline figures. No account needed."""

from __future__ import annotations

from datetime import timedelta

from app.services.common.errors import NotFound
from app.services.events import listings
from app.services.statistics import impact
from app.web.api.schemas.common import PeriodArgs
from app.web.api.schemas.events import PublicEventArgs, PublicEventPageSchema, PublicEventSchema
from app.web.api.schemas.statistics import HeadlineSchema
from app.web.api.statistics import headline_json
from app.web.api.views import bp, etag, next_link

TAG = ["Public events"]


def event_query(args: dict, **extra) -> listings.EventQuery:
    return listings.EventQuery(
        type=args.get("type"),
        academie=args.get("academie"),
        start=args.get("start"),
        end=args.get("end"),
        **extra,
    )


@bp.route("/public/events", tags=TAG)
@etag
@bp.arguments(PublicEventArgs, location="query")
@bp.response(200, PublicEventPageSchema)
def public_events(args):
    """Public events

    Public events that were published (scheduled, confirmed, completed or cancelled — check
    `status`), by start time. Filter by type, académie and the day they start on.
    """
    page = listings.public_events(event_query(args), cursor=args.get("cursor"), limit=args["limit"])
    return page, next_link(page.next_cursor)


@bp.route("/public/events/<int(max=2147483647):event_id>", tags=TAG)
@etag
@bp.response(200, PublicEventSchema)
@bp.alt_response(404, response="NOT_FOUND")
def public_event(event_id: int):
    """A public event"""
    event = listings.public_event(event_id)
    if event is None:
        raise NotFound("This event does not exist or is not public.")
    return event


@bp.route("/public/statistics", tags=["Statistics"])
@etag
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, HeadlineSchema)
def public_statistics(args):
    """Headline figures

    What the public impact page shows for a period: events held, pupils and girls reached,
    schools, active role models. Nothing about a person.
    """
    period = impact.Period(args["start"], args["end"] + timedelta(days=1))
    return headline_json(impact.headline(period))

"""Events of the organizer's académies and the role models on them: the lifecycle services of
the organizer UI (create, update, publish, reschedule, cancel; add, invite, confirm, cancel a
participation; ask matching for proposals), one service call and one commit per request.

Out of scope reads like missing (404), as in the UI.
"""

from __future__ import annotations

from flask import g

from app.links import external_url
from app.models import AssignmentStatus
from app.services.events import desk, lifecycle, listings
from app.services.pairing import assignments, board, proposals
from app.web import units
from app.web.api.public import event_query
from app.web.api.schemas.assignments import (
    AssignmentCreateSchema,
    AssignmentListSchema,
    AssignmentSchema,
    ProposalRunSchema,
)
from app.web.api.schemas.common import REASON_EXAMPLE, ReasonSchema
from app.web.api.schemas.events import (
    EVENT_EXAMPLE,
    RESCHEDULE_EXAMPLE,
    EventArgs,
    EventCreateSchema,
    EventPageSchema,
    EventSchema,
    EventUpdateSchema,
    RescheduleSchema,
)
from app.web.api.views import bp, etag, next_link, organizer_only

EVENTS, ASSIGNMENTS, MATCHING = ["Events"], ["Assignments"], ["Matching"]
EVENT_ID = "<int(max=2147483647):event_id>"
ASSIGNMENT_ID = "<int(max=2147483647):assignment_id>"


def _event(event_id: int):
    return desk.get_event(g.actor, event_id)


@bp.route("/events", tags=EVENTS)
@organizer_only
@etag
@bp.arguments(EventArgs, location="query")
@bp.response(200, EventPageSchema)
def list_events(args):
    """Events

    Events of your académies, by start time, with the schools taking part.
    """
    query = event_query(args, status=args.get("status"), public_only=bool(args.get("public")))
    page = listings.events(g.actor, query, cursor=args.get("cursor"), limit=args["limit"])
    return page, next_link(page.next_cursor)


@bp.route("/events", methods=["POST"], tags=EVENTS)
@organizer_only
@bp.arguments(EventCreateSchema, example=EVENT_EXAMPLE)
@bp.response(201, EventSchema, headers={"Location": {"schema": {"type": "string"}}})
def create_event(body):
    """Create an event

    A conference, half-day, school visit or roundtable in one of your académies (from its
    département). `status: scheduled` publishes it at once; a draft is published later.
    """
    status = body.pop("status")
    event = units.run(lifecycle.create_event, g.actor, lifecycle.EventData(**body), status=status)
    return event, {"Location": external_url("api.get_event", event_id=event.id)}


@bp.route(f"/events/{EVENT_ID}", tags=EVENTS)
@organizer_only
@etag
@bp.response(200, EventSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_event(event_id: int):
    """An event"""
    return _event(event_id)


@bp.route(f"/events/{EVENT_ID}", methods=["PATCH"], tags=EVENTS)
@organizer_only
@bp.arguments(EventUpdateSchema, example={"title": "Nouveau titre"})
@bp.response(200, EventSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def update_event(body, event_id: int):
    """Update an event

    Only the fields sent change. A new time or place reaches everyone's calendar (and email);
    a closed (completed or cancelled) event cannot change.
    """
    event = _event(event_id)
    data = lifecycle.EventData(**{name: getattr(event, name) for name in lifecycle.EventData.__dataclass_fields__})
    for name, value in body.items():
        setattr(data, name, value)
    return units.run(lifecycle.update_event, g.actor, event, data)


@bp.route(f"/events/{EVENT_ID}/publish", methods=["POST"], tags=EVENTS)
@organizer_only
@bp.response(200, EventSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def publish_event(event_id: int):
    """Publish a draft

    Draft → scheduled: the event now shows in feeds and role models can be invited.
    """
    return units.run(lifecycle.publish_event, g.actor, _event(event_id))


@bp.route(f"/events/{EVENT_ID}/reschedule", methods=["POST"], tags=EVENTS)
@organizer_only
@bp.arguments(RescheduleSchema, example=RESCHEDULE_EXAMPLE)
@bp.response(200, EventSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def reschedule_event(body, event_id: int):
    """Reschedule an event

    Everyone concerned gets an updated invitation.
    """
    return units.run(
        lifecycle.reschedule_event, g.actor, _event(event_id), start_at=body["start_at"], end_at=body["end_at"]
    )


@bp.route(f"/events/{EVENT_ID}/cancel", methods=["POST"], tags=EVENTS)
@organizer_only
@bp.arguments(ReasonSchema, example=REASON_EXAMPLE)
@bp.response(200, EventSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def cancel_event(body, event_id: int):
    """Cancel an event

    Feeds show it cancelled, everyone gets a cancellation, participations end and the school's
    request goes back to review.
    """
    return units.run(lifecycle.cancel_event, g.actor, _event(event_id), reason=body["reason"])


# --- participations -------------------------------------------------------------------------------


@bp.route(f"/events/{EVENT_ID}/assignments", tags=ASSIGNMENTS)
@organizer_only
@etag
@bp.response(200, AssignmentListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def list_assignments(event_id: int):
    """Role models on an event

    Every participation of the event, whatever its state; proposals best first.
    """
    return {"items": listings.assignments(_event(event_id))}


@bp.route(f"/events/{EVENT_ID}/assignments", methods=["POST"], tags=ASSIGNMENTS)
@organizer_only
@bp.arguments(AssignmentCreateSchema)
@bp.response(201, AssignmentSchema, headers={"Location": {"schema": {"type": "string"}}})
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def add_assignment(body, event_id: int):
    """Add a role model

    Picked by hand, outside matching: the person is proposed, invite them when ready.
    """
    assignment = units.run(board.add_by_hand, g.actor, _event(event_id), body["role_model_id"])
    return assignment, {"Location": external_url("api.get_assignment", assignment_id=assignment.id)}


@bp.route(f"/assignments/{ASSIGNMENT_ID}", tags=ASSIGNMENTS)
@organizer_only
@etag
@bp.response(200, AssignmentSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_assignment(assignment_id: int):
    """A participation"""
    return board.get_assignment(g.actor, assignment_id)


@bp.route(f"/assignments/{ASSIGNMENT_ID}/invite", methods=["POST"], tags=ASSIGNMENTS)
@organizer_only
@bp.response(200, AssignmentSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def invite_assignment(assignment_id: int):
    """Invite

    The role model gets an invitation by email with links to accept or decline.
    """
    return units.run(assignments.invite, g.actor, board.get_assignment(g.actor, assignment_id))


@bp.route(f"/assignments/{ASSIGNMENT_ID}/confirm", methods=["POST"], tags=ASSIGNMENTS)
@organizer_only
@bp.response(200, AssignmentSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def confirm_assignment(assignment_id: int):
    """Confirm

    Confirm a role model who accepted (409 when the event already has its maximum). The event
    is confirmed once it has enough confirmed role models.
    """
    return units.run(assignments.confirm, g.actor, board.get_assignment(g.actor, assignment_id))


@bp.route(f"/assignments/{ASSIGNMENT_ID}/cancel", methods=["POST"], tags=ASSIGNMENTS)
@organizer_only
@bp.arguments(ReasonSchema, example=REASON_EXAMPLE)
@bp.response(200, AssignmentSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def cancel_assignment(body, assignment_id: int):
    """Remove from the event

    The role model is told if they had been invited; matching proposes someone in their place.
    """
    assignment = board.get_assignment(g.actor, assignment_id)
    return units.run(assignments.cancel, g.actor, assignment, reason=body["reason"])


# --- matching -------------------------------------------------------------------------------------


@bp.route(f"/events/{EVENT_ID}/proposals", tags=MATCHING)
@organizer_only
@etag
@bp.response(200, AssignmentListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def list_proposals(event_id: int):
    """Current proposals

    Role models proposed for the event and not invited yet, best match first, each with the
    reasons matching gave.
    """
    return {"items": listings.assignments(_event(event_id), status=AssignmentStatus.PROPOSED)}


@bp.route(f"/events/{EVENT_ID}/proposals", methods=["POST"], tags=MATCHING)
@organizer_only
@bp.response(200, ProposalRunSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def run_proposals(event_id: int):
    """Ask matching

    Ranks the candidates for the event's missing seats and writes the best as proposals (never
    more proposals than seats; running it again adds none). Inviting stays your decision.
    """
    result = units.run(proposals.propose, _event(event_id), actor=g.actor)
    outcome = result.outcome
    return {
        "created": result.created,
        "seats_missing": outcome.seats_missing if outcome else None,
        "seats_left": outcome.seats_left if outcome else None,
        "below_min": outcome.below_min if outcome else None,
        "candidates": outcome.candidates if outcome else None,
        "reasons": list(outcome.reasons) if outcome else [],
        "ranking": result.ranking,
    }

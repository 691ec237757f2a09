"""An event's programme: read it, replace it, plan or re-plan its rotations."""

from __future__ import annotations

from flask import g

from app.services.events import desk
from app.services.programmes import editing, grid, overview
from app.web import units
from app.web.api.schemas.programmes import (
    PROGRAMME_EXAMPLE,
    MoveInSchema,
    PlanArgsSchema,
    ProgrammeInSchema,
    ProgrammeSchema,
)
from app.web.api.views import bp, etag, organizer_only

PROGRAMMES = ["Programmes"]
EVENT_ID = "<int(max=2147483647):event_id>"


def _parts(body: dict) -> list[editing.PartData]:
    return [
        editing.PartData(**{**part, "tables": [editing.TableData(**t) for t in part["tables"]],
                            "groups": [editing.GroupData(**g) for g in part["groups"]]})
        for part in body["parts"]
    ]


@bp.route(f"/events/{EVENT_ID}/programme", tags=PROGRAMMES)
@organizer_only
@etag
@bp.response(200, ProgrammeSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_programme(event_id: int):
    """An event's programme

    Its parts in order; for the rotation block, the tables, groups, rounds (times follow from
    the block's start) and the grid, with what limited the last plan, what moved and the
    grid's conflicts (each with a stable `code` and a French `message`).
    """
    return overview.overview(g.actor, desk.get_event(g.actor, event_id))


@bp.route(f"/events/{EVENT_ID}/programme", methods=["PUT"], tags=PROGRAMMES)
@organizer_only
@bp.arguments(ProgrammeInSchema, example=PROGRAMME_EXAMPLE)
@bp.response(200, ProgrammeSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def put_programme(body, event_id: int):
    """Replace an event's programme

    Parts within the event's times, at most one rotation block. Tables and groups are matched
    to the stored ones by label: the grid keeps every cell that still holds, and a change of
    the grid reaches everyone's calendar like a reschedule.
    """
    event = desk.get_event(g.actor, event_id)
    units.run(editing.save_programme, g.actor, event, _parts(body))
    return overview.overview(g.actor, event)


def _plan(actor, event, group_size):
    if group_size is not None:
        editing.make_groups(actor, event, group_size)
    return grid.plan(actor, event)


@bp.route(f"/events/{EVENT_ID}/programme/plan", methods=["POST"], tags=PROGRAMMES)
@organizer_only
@bp.arguments(PlanArgsSchema, example={})
@bp.response(200, ProgrammeSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def plan_programme(body, event_id: int):
    """Plan or re-plan the rotations

    Without a grid, plans it; with one, re-plans it keeping as much of it as possible and says
    which cells moved. With `group_size`, the groups are made again from the classes first.
    """
    event = desk.get_event(g.actor, event_id)
    units.run(_plan, g.actor, event, body.get("group_size"))
    return overview.overview(g.actor, event)


@bp.route(f"/events/{EVENT_ID}/programme/moves", methods=["POST"], tags=PROGRAMMES)
@organizer_only
@bp.arguments(MoveInSchema, example={"group_id": 1, "round": 2, "table_id": 3})
@bp.response(200, ProgrammeSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def move_group(body, event_id: int):
    """Move a group by hand

    Puts a group at a table (or at none) for one round. The move is kept even when it breaks
    a rule: the grid's `conflicts` say which, as on the organizer's page.
    """
    event = desk.get_event(g.actor, event_id)
    units.run(grid.move_group, g.actor, event, **body)
    return overview.overview(g.actor, event)

"""An event's programme as one plain value: what the API returns and the organizer's page shows
(parts, the block's tables, groups, rounds and cells, the planner's explanation in words,
what moved, the grid's conflicts)."""

from __future__ import annotations

from app.models import Event, User
from app.services.common import access
from app.services.programmes import editing, explain, grid


def overview(actor: User, event: Event) -> dict:
    access.require_event_organizer(actor, event)
    block = editing.rotation_block(event)
    value: dict = {
        "event_id": event.id,
        "parts": [_part(part) for part in event.programme_parts],
        "grid": None,
    }
    if block is None:
        return value
    explanation = block.explanation or {}
    value["grid"] = {
        "version": block.grid_version,
        "planned_at": block.planned_at,
        "optimal": bool(explanation.get("optimal")),
        "rounds": [{"round": n, "start_at": start, "end_at": end}
                   for n, (start, end) in enumerate(block.round_times(), start=1)],
        "cells": [{"group_id": c.group_id, "round": c.round, "table_id": c.table_id}
                  for c in sorted(block.cells, key=lambda c: (c.round, c.table_id, c.group_id))],
        "limits": [_worded(item) for item in explanation.get("limits", [])],
        "moves": list(block.moves or []),
        "conflicts": [_worded(item) for item in grid.conflicts(block)],
    }
    return value


def _worded(item: dict) -> dict:
    return {"code": item.get("code", ""), "message": explain.describe(item),
            "params": {k: v for k, v in item.items() if k != "code"}}


def _part(part) -> dict:
    value = {"id": part.id, "kind": part.kind, "title": part.title, "start_at": part.start_at, "end_at": part.end_at}
    if part.round_count is not None:
        value.update(
            round_count=part.round_count, round_minutes=part.round_minutes,
            changeover_minutes=part.changeover_minutes, group_size=part.group_size,
            tables=[{"id": t.id, "label": t.label, "job_family": t.job_family, "capacity": t.capacity,
                     "rounds": list(t.rounds or []), "assignment_ids": [h.assignment_id for h in t.hosts]}
                    for t in part.tables],
            groups=[{"id": g.id, "label": g.label, "school_id": g.school_id, "headcount": g.headcount,
                     "rounds": list(g.rounds or [])} for g in part.groups],
        )
    return value

"""The rotation grid: planning and re-planning it through the planner adapter, moving one group
by hand, and the conflicts a grid edited by hand may hold (shown, never refused: the organizer
knows things the planner does not, such as a table that takes two groups after all).

Every change bumps the block's grid version, the event's SEQUENCE, tells people (notices.py)
and is audited.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Event, ProgrammePart, RotationCell, User
from app.models.types import utcnow
from app.services.common import access, audit
from app.services.common.errors import Conflict, Invalid, NotFound
from app.services.programmes import editing, notices, planning


def require_block(event: Event) -> ProgrammePart:
    part = editing.rotation_block(event)
    if part is None:
        raise editing.no_rotation_block()
    return part


def plan(actor: User, event: Event) -> ProgrammePart:
    """Plan the grid, or re-plan it against the published one (keeping what still holds)."""
    access.require_event_organizer(actor, event)
    editing.require_open(event)
    part = require_block(event)
    if not part.tables or not part.groups:
        raise Conflict(_l("Ajoutez des tables et des groupes avant de planifier."), code="nothing_to_plan")
    replan = bool(part.cells)
    before = {(c.group_id, c.round, c.table_id) for c in part.cells}
    outcome = planning.plan(part, replan=replan)
    part.cells.clear()
    db.session.flush()  # the old cells go before the new ones take their (group, round)
    part.cells[:] = [RotationCell(group_id=g, round=r, table_id=t) for g, r, t in outcome.cells]
    part.explanation = {"limits": outcome.limits, "objective": outcome.objective, "optimal": outcome.optimal}
    part.moves = _named(part, outcome.moves) if replan else []
    part.planned_at = utcnow()
    db.session.flush()
    changed = before != set(outcome.cells)
    if changed or not part.grid_version:
        part.grid_version += 1
        notices.grid_changed(actor, event)
    audit.record(actor, event, "programme.replanned" if replan else "programme.planned",
                 cells=len(outcome.cells), moved=len(outcome.moves), grid_version=part.grid_version)
    return part


def move_group(actor: User, event: Event, *, group_id: int, round: int, table_id: int | None) -> ProgrammePart:
    """Put a group at a table for one round (None: at no table). Conflicts are kept and shown."""
    access.require_event_organizer(actor, event)
    editing.require_open(event)
    part = require_block(event)
    group = next((g for g in part.groups if g.id == group_id), None)
    if group is None:
        raise NotFound(_l("Ce groupe n'existe pas."))
    if not 1 <= round <= (part.round_count or 0):
        raise Invalid(_l("Ce tour n'existe pas."), fields={"round": _l("Ce tour n'existe pas.")})
    if table_id is not None and all(t.id != table_id for t in part.tables):
        raise Invalid(_l("Cette table n'existe pas."), fields={"table_id": _l("Cette table n'existe pas.")})
    cell = next((c for c in part.cells if c.group_id == group_id and c.round == round), None)
    before = cell.table_id if cell is not None else None
    if before == table_id:
        return part
    if cell is not None:
        part.cells.remove(cell)
        db.session.flush()  # the unique (group, round) must be free before the new cell
    if table_id is not None:
        part.cells.append(RotationCell(group_id=group_id, round=round, table_id=table_id))
    part.moves = _named(part, [{"group": group_id, "round": round, "before": before, "after": table_id}])
    part.grid_version += 1
    db.session.flush()
    notices.grid_changed(actor, event)
    audit.record(actor, event, "programme.group_moved", group=group.label, round=round,
                 before=before, after=table_id, grid_version=part.grid_version)
    return part


def conflicts(part: ProgrammePart) -> list[dict]:
    """What breaks the rules in the grid: a group twice at a table, a table over capacity, a
    group placed in a round it is absent, a table used in a round it is not held."""
    tables = {t.id: t for t in part.tables}
    groups = {g.id: g for g in part.groups}
    found: list[dict] = []
    seen: dict[tuple[int, int], int] = {}
    load: dict[tuple[int, int], int] = {}
    for cell in sorted(part.cells, key=lambda c: (c.round, c.group_id)):
        table, group = tables.get(cell.table_id), groups.get(cell.group_id)
        if table is None or group is None:
            continue
        where = {"group": group.label, "table": table.label, "round": cell.round,
                 "group_id": group.id, "table_id": table.id}
        seen[(group.id, table.id)] = seen.get((group.id, table.id), 0) + 1
        if seen[(group.id, table.id)] == 2:
            found.append({"code": "table_twice", **where})
        load[(cell.round, table.id)] = load.get((cell.round, table.id), 0) + 1
        if load[(cell.round, table.id)] == table.capacity + 1:
            found.append({"code": "table_full", **where})
        if group.rounds and cell.round not in group.rounds:
            found.append({"code": "group_absent_round", **where})
        if table.rounds and cell.round not in table.rounds:
            found.append({"code": "table_closed_round", **where})
    return found


def _named(part: ProgrammePart, moves: list[dict]) -> list[dict]:
    """Moves with labels beside ids: a later rename or removal leaves the record readable."""
    tables = {t.id: t.label for t in part.tables}
    groups = {g.id: g.label for g in part.groups}
    return [{**m, "group_label": groups.get(m["group"], ""), "before_label": tables.get(m["before"], ""),
             "after_label": tables.get(m["after"], "")} for m in moves]

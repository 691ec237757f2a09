"""The one adapter to the rotation planner (`app.matching.rotations`): database rows → the
planner's values → cells to store, limits and moves as plain dicts.

Every call to the planner's API is here, so a change of that API touches this file only.
Rounds are numbered from 1 in the database and the API, from 0 in the planner; ids are the
rows' primary keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.matching import rotations as _planner  # pure, OR-Tools CP-SAT
from app.models import ProgrammePart


@dataclass(frozen=True)
class Outcome:
    cells: list[tuple[int, int, int]]  # (group id, round from 1, table id)
    limits: list[dict] = field(default_factory=list)  # {"code": ..., **params}
    moves: list[dict] = field(default_factory=list)  # {"group", "round", "before", "after"}
    objective: dict = field(default_factory=dict)
    optimal: bool = False


def _families(table) -> frozenset[str]:
    """The families a table brings: "Soudure, Qualité" (two role models) brings two. A table
    whose family nobody typed still brings one of its own: its label."""
    names = {name.strip().casefold() for name in re.split(r"[,/;]", table.job_family or "") if name.strip()}
    return frozenset(names or {table.label.casefold()})


def _rounds(values: list[int] | None) -> frozenset[int] | None:
    return frozenset(r - 1 for r in values) if values else None


def plan(part: ProgrammePart, *, replan: bool = False) -> Outcome:
    """Plan the block's grid; with `replan`, keep as much of the stored grid as possible."""
    published = [(c.group_id, c.round, c.table_id) for c in part.cells] if replan else []
    values = _planner
    instance = values.Instance(
        rounds=part.round_count or 0,
        tables=tuple(values.Table(id=t.id, families=_families(t), capacity=t.capacity, rounds=_rounds(t.rounds))
                     for t in part.tables),
        groups=tuple(values.Group(id=g.id, rounds=_rounds(g.rounds)) for g in part.groups),
    )
    if published:
        before = values.Plan.from_cells(instance.rounds, [(g, r - 1, t) for g, r, t in published],
                                        groups=[g.id for g in part.groups])
        result = values.replan_rotations(instance, before)
    else:
        result = values.plan_rotations(instance)
    return Outcome(
        cells=[(g, r + 1, t) for g, r, t in result.plan.cells()],
        limits=[_limit(part, limit.code, dict(limit.params)) for limit in result.limits],
        moves=[{"group": m.group, "round": m.round + 1, "before": m.before, "after": m.after} for m in result.moves],
        objective=result.objective.as_dict(),
        optimal=bool(result.optimal),
    )


def _limit(part: ProgrammePart, code: str, params: dict) -> dict:
    """A limit as JSON for the database and the API: rounds numbered from 1 (`round`, and
    `rounds` or `present` when they list rounds rather than count them), the labels of the
    group and table beside their ids."""
    value: dict = {"code": code}
    for key, item in params.items():
        if key == "round" and isinstance(item, int):
            item += 1
        elif key in ("rounds", "present") and isinstance(item, (list, tuple, set, frozenset)):
            item = sorted(r + 1 for r in item)
        elif isinstance(item, (set, frozenset, tuple)):
            item = sorted(item, key=repr)
        value[key] = item
    labels = {"group": {g.id: g.label for g in part.groups}, "table": {t.id: t.label for t in part.tables}}
    for key, names in labels.items():
        if key in value:
            value[f"{key}_label"] = names.get(value[key], str(value[key]))
    return value

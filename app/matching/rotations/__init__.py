"""Rotations: which group sits at which table in each round of a half-day or a forum.

Pure like the matching solver: frozen values in (``values``), a plan and its explanation out,
OR-Tools CP-SAT underneath; neither Flask, the database nor another ``app`` module. The
programme model and the pages turn events into an ``Instance`` and a ``Rotation`` back into
rows. See docs/rotations.md.
"""

from .baseline import cyclic_plan
from .explain import explain
from .measure import evaluate, targets, violations
from .planner import Settings, moved_cells, plan_rotations, replan_rotations
from .values import Bound, Group, Instance, Limit, Move, Objective, Plan, Rotation, Stage, Table

__all__ = [
    "Bound", "Group", "Instance", "Limit", "Move", "Objective", "Plan", "Rotation", "Settings", "Stage", "Table",
    "cyclic_plan", "evaluate", "explain", "moved_cells", "plan_rotations", "replan_rotations", "targets",
    "violations",
]

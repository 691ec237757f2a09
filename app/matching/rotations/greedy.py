"""A good first plan for the exact model to start from: round by round, the assignment of
groups to seats meeting the most new job families (an exact assignment each round, greedy
across rounds). Valid by construction; on roomy instances (more seats than groups) it often
reaches every group's target already, and the exact stages then only have to prove it."""

from __future__ import annotations

from collections import defaultdict

from ortools.graph.python import linear_sum_assignment

from .values import Instance, Plan

NEW_FAMILY, SEATED = 1_000, 100  # a new family first, then a seat; rarity breaks the ties


def greedy_plan(instance: Instance, start: Plan | None = None) -> Plan:
    """``start``: a valid plan whose cells stay; only the groups it leaves idle are placed."""
    tables, R = instance.tables, instance.rounds
    table_rounds = [instance.table_rounds(t) for t in tables]
    # how many seats of each family remain from a round on: a rarer family is taken first
    seats_left = defaultdict(int)
    for t, rounds in zip(tables, table_rounds):
        for f in t.families:
            seats_left[f] += t.capacity * len(rounds)
    met = {g.id: set() for g in instance.groups}
    visited = {g.id: set() for g in instance.groups}
    cells = list(start.cells()) if start else []
    taken = defaultdict(int)
    by_id = {t.id: t for t in tables}
    for g, r, t in cells:
        visited[g].add(t)
        met[g] |= by_id[t].families
        taken[t, r] += 1
    for r in range(R):
        present = [g for g in instance.groups if r in instance.group_rounds(g) and not (start and start.table(g.id, r))]
        slots = [ti for ti, t in enumerate(tables) if r in table_rounds[ti] for _ in range(t.capacity - taken[t.id, r])]
        if present and slots:
            assignment = linear_sum_assignment.SimpleLinearSumAssignment()
            for gi, g in enumerate(present):
                for si, ti in enumerate(slots):
                    if tables[ti].id in visited[g.id]:
                        continue
                    new = tables[ti].families - met[g.id]
                    rarity = sum(max(0, 50 - seats_left[f]) for f in new)
                    assignment.add_arc_with_cost(gi, si, -(NEW_FAMILY * len(new) + SEATED + rarity))
                assignment.add_arc_with_cost(gi, len(slots) + gi, 0)  # idle
            # the solver wants a perfect matching: an unused seat is matched to a stand-in group
            for si in range(len(slots)):
                assignment.add_arc_with_cost(len(present) + si, si, 0)
                for gi in range(len(present)):
                    assignment.add_arc_with_cost(len(present) + si, len(slots) + gi, 0)
            if assignment.solve() == assignment.OPTIMAL:
                for gi, g in enumerate(present):
                    si = assignment.right_mate(gi)
                    if si < len(slots):
                        table = tables[slots[si]]
                        cells.append((g.id, r, table.id))
                        visited[g.id].add(table.id)
                        met[g.id] |= table.families
        for t, rounds in zip(tables, table_rounds):
            if r in rounds:
                for f in t.families:
                    seats_left[f] -= t.capacity
    return Plan.from_cells(R, cells, [g.id for g in instance.groups])

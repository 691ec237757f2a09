"""A good first plan for the exact model to start from: round by round, the assignment of
groups to seats meeting the most new job families (an exact assignment each round, greedy
across rounds). Valid by construction; on roomy instances (more seats than groups) it often
reaches every group's target already, and the exact stages then only have to prove it."""

from __future__ import annotations

from collections import defaultdict

from ortools.graph.python import linear_sum_assignment

from .values import Instance, Plan

# A new family first, then a seat; then a rare family, a table left empty so far, a table empty
# this round (rather than a second group at a table receiving two).
NEW_FAMILY, SEATED, IDLE, FIRST_SEAT = 1_000, 100, 8, 20


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
    idle = defaultdict(int)  # rounds each table stood empty so far
    cells = list(start.cells()) if start else []
    taken = defaultdict(int)
    by_id = {t.id: t for t in tables}
    for g, r, t in cells:
        visited[g].add(t)
        met[g] |= by_id[t].families
        taken[t, r] += 1
    for r in range(R):
        present = [g for g in instance.groups if r in instance.group_rounds(g) and not (start and start.table(g.id, r))]
        slots = [(ti, k) for ti, t in enumerate(tables) if r in table_rounds[ti]
                 for k in range(taken[t.id, r], t.capacity)]
        if present and slots:
            assignment = linear_sum_assignment.SimpleLinearSumAssignment()
            for gi, g in enumerate(present):
                for si, (ti, k) in enumerate(slots):
                    if tables[ti].id in visited[g.id]:
                        continue
                    new = tables[ti].families - met[g.id]
                    rarity = sum(max(0, 50 - seats_left[f]) for f in new)
                    bonus = IDLE * idle[ti] + (FIRST_SEAT if k == 0 else 0)
                    assignment.add_arc_with_cost(gi, si, -(NEW_FAMILY * len(new) + SEATED + rarity + bonus))
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
                        table = tables[slots[si][0]]
                        cells.append((g.id, r, table.id))
                        visited[g.id].add(table.id)
                        met[g.id] |= table.families
        seated = {t for g, round_, t in cells if round_ == r}
        for ti, (t, rounds) in enumerate(zip(tables, table_rounds)):
            if r in rounds and t.id not in seated:
                idle[ti] += 1
            if r in rounds:
                for f in t.families:
                    seats_left[f] -= t.capacity
    return Plan.from_cells(R, cells, [g.id for g in instance.groups])


def repair(instance: Instance, plan: Plan) -> Plan:
    """Seat the groups a change left idle, each at a table bringing a family new to it: a free
    seat, or else the seat of another group that moves to a free seat new to it in the same
    round (one swap). What re-planning tries before the exact search; valid by construction."""
    tables = {t.id: t for t in instance.tables}
    rounds = {t.id: instance.table_rounds(t) for t in instance.tables}
    paths = {g.id: list(plan.paths.get(g.id, (None,) * instance.rounds)) for g in instance.groups}
    load = defaultdict(int)
    for g, r, t in plan.cells():
        if g in paths:
            load[t, r] += 1

    def families(path, skip=None):
        return frozenset().union(*(tables[t].families for i, t in enumerate(path) if t is not None and i != skip))

    def free(r, path):
        return [t for t in instance.tables if r in rounds[t.id] and load[t.id, r] < t.capacity and t.id not in path]

    for g in instance.groups:
        path = paths[g.id]
        for r in sorted(instance.group_rounds(g)):
            if path[r] is not None:
                continue
            met = families(path)
            direct = [t for t in free(r, path) if t.families - met]
            if direct:
                path[r] = direct[0].id
                load[direct[0].id, r] += 1
                continue
            for h in instance.groups:  # one swap: h leaves its table u for a free seat new to it
                other = paths[h.id]
                u = other[r]
                if h is g or u is None or u in path or not tables[u].families - met:
                    continue
                kept = families(other, skip=r)
                gain = len(tables[u].families - kept)
                moved = [t for t in free(r, other) if len(t.families - kept) >= gain]
                if moved:
                    other[r] = moved[0].id
                    load[moved[0].id, r] += 1
                    path[r] = u
                    break
    return Plan(instance.rounds, {g: tuple(p) for g, p in paths.items()})

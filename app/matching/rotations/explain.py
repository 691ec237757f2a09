"""What limited a plan, as codes and parameters the UI puts into words (no text here).

The ideal is every group meeting a new job family in every round. When some group falls short
of it, the facts of the instance that cap it are listed, most general first:

- ``solver_limit`` {stages}: the time limit ran out before these stages were proven optimal
  (``shortfall``, ``total_families``, ``tidy``, ``visits``, ``moves``); listed whenever it
  happens, even when the plan meets the ideal;
- ``too_few_families`` {families, rounds}: fewer distinct families on all tables than rounds;
- ``seats_short`` {round, groups, seats}: more groups present than seats at the available
  tables, so some groups idle that round;
- ``families_out_of_reach`` {group, reachable, rounds}: the tables available while the group is
  present bring fewer families than its rounds;
- ``group_present_part`` {group, present, rounds}: the group is present only some rounds;
- ``table_absent`` {table, rounds}: a table is not available in these rounds (all of them when
  it is absent from the whole block);
- ``below_target`` {group, met, target}: the group meets fewer families than its target (one
  per round it can sit somewhere, as long as families last): the tables it needs are taken by
  other groups or open in the same rounds.

Always listed, since it is why tables stand empty (not a limit on families):

- ``tables_outnumber_groups`` {round, seats, groups}: fewer groups present than seats.
"""

from __future__ import annotations

from .measure import families_met, reachable_families, targets, usable_rounds
from .values import Instance, Limit, Plan


def _runs(rounds) -> tuple[int, ...]:
    return tuple(sorted(rounds))


def explain(instance: Instance, plan: Plan, unproven: tuple[str, ...] = ()) -> tuple[Limit, ...]:
    R = instance.rounds
    met = {g: len(f) for g, f in families_met(instance, plan).items()}
    target, reach, usable = targets(instance), reachable_families(instance), usable_rounds(instance)
    short = [g for g in instance.groups if met[g.id] < R]
    families = len(instance.families)
    limits: list[Limit] = []
    if unproven:
        limits.append(Limit("solver_limit", {"stages": tuple(unproven)}))
    seats = {r: sum(t.capacity for t in instance.tables if r in instance.table_rounds(t)) for r in range(R)}
    present = {r: sum(1 for g in instance.groups if r in instance.group_rounds(g)) for r in range(R)}
    if short:
        if families < R:
            limits.append(Limit("too_few_families", {"families": families, "rounds": R}))
        for r in range(R):
            if present[r] > seats[r]:
                limits.append(Limit("seats_short", {"round": r, "groups": present[r], "seats": seats[r]}))
        for g in short:
            if len(reach[g.id]) < min(len(usable[g.id]), families):
                limits.append(Limit("families_out_of_reach", {"group": g.id, "reachable": len(reach[g.id]),
                                                              "rounds": len(usable[g.id])}))
        for g in short:
            rounds = instance.group_rounds(g)
            if len(rounds) < R:
                limits.append(Limit("group_present_part", {"group": g.id, "present": _runs(rounds), "rounds": R}))
        for t in instance.tables:
            absent = set(range(R)) - instance.table_rounds(t)
            if absent:
                limits.append(Limit("table_absent", {"table": t.id, "rounds": _runs(absent)}))
        for g in short:
            if met[g.id] < target[g.id]:
                limits.append(Limit("below_target", {"group": g.id, "met": met[g.id], "target": target[g.id]}))
    for r in range(R):
        if present[r] < seats[r]:
            limits.append(Limit("tables_outnumber_groups", {"round": r, "seats": seats[r], "groups": present[r]}))
    return tuple(limits)

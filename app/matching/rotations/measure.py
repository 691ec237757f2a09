"""Measuring any plan (the planner's, the baseline's, a hand-edited one): its objective and its
constraint violations. The tests and the benchmark judge every plan through these two."""

from __future__ import annotations

from collections import Counter

from .values import Id, Instance, Limit, Objective, Plan


def usable_rounds(instance: Instance) -> dict[Id, frozenset[int]]:
    """Per group, the rounds it is present while at least one table is available."""
    open_rounds = set().union(*(instance.table_rounds(t) for t in instance.tables)) if instance.tables else set()
    return {g.id: instance.group_rounds(g) & open_rounds for g in instance.groups}


def reachable_families(instance: Instance) -> dict[Id, frozenset[str]]:
    """Per group, the families of the tables available in at least one round it is present."""
    return {
        g.id: frozenset().union(*(t.families for t in instance.tables if instance.table_rounds(t) & rounds))
        for g in instance.groups
        for rounds in [instance.group_rounds(g)]
    }


def targets(instance: Instance) -> dict[Id, int]:
    """Per group, one new family per round it can sit at a table, as long as the families it
    can reach last. A target, not a bound: a table bringing two families can beat it."""
    rounds, families = usable_rounds(instance), reachable_families(instance)
    return {g.id: min(len(rounds[g.id]), len(families[g.id])) for g in instance.groups}


def families_met(instance: Instance, plan: Plan) -> dict[Id, frozenset[str]]:
    tables = {t.id: t for t in instance.tables}
    return {
        g.id: frozenset().union(*(tables[t].families for t in plan.paths.get(g.id, ()) if t in tables))
        for g in instance.groups
    }


def evaluate(instance: Instance, plan: Plan) -> Objective:
    met = {g: len(f) for g, f in families_met(instance, plan).items()}
    target = targets(instance)
    groups = {g.id for g in instance.groups}
    seated = Counter((t, r) for g, r, t in plan.cells() if g in groups)
    idle = [sum(1 for r in instance.table_rounds(t) if not seated[t.id, r]) for t in instance.tables]
    return Objective(
        shortfall=max([0] + [target[g] - met[g] for g in met]),
        min_families=min(met.values(), default=0),
        total_families=sum(met.values()),
        visits=sum(seated.values()),
        empty_slots=sum(idle),
        most_idle=max(idle, default=0),
    )


def violations(instance: Instance, plan: Plan) -> list[Limit]:
    """Every broken hard constraint, one entry each (an empty list for a valid plan).

    Codes: ``wrong_rounds`` (a path of another length), ``unknown_group``, ``unknown_table``,
    ``group_absent`` / ``table_absent`` (a cell in a round the group or table is not there),
    ``over_capacity`` (a table receiving more groups than its capacity in a round),
    ``repeated_table`` (a group at the same table twice)."""
    found: list[Limit] = []
    groups = {g.id: g for g in instance.groups}
    tables = {t.id: t for t in instance.tables}
    if plan.rounds != instance.rounds:
        found.append(Limit("wrong_rounds", {"plan": plan.rounds, "rounds": instance.rounds}))
    for group, path in plan.paths.items():
        if len(path) != instance.rounds:
            found.append(Limit("wrong_rounds", {"group": group, "plan": len(path), "rounds": instance.rounds}))
        if group not in groups and any(t is not None for t in path):
            found.append(Limit("unknown_group", {"group": group}))
            continue
        for table, times in Counter(t for t in path if t is not None).items():
            if times > 1:
                found.append(Limit("repeated_table", {"group": group, "table": table, "times": times}))
    load: Counter = Counter()
    for group, round_, table in plan.cells():
        if group not in groups:
            continue
        if table not in tables:
            found.append(Limit("unknown_table", {"group": group, "round": round_, "table": table}))
            continue
        if round_ not in instance.group_rounds(groups[group]):
            found.append(Limit("group_absent", {"group": group, "round": round_}))
        if round_ not in instance.table_rounds(tables[table]):
            found.append(Limit("table_absent", {"group": group, "round": round_, "table": table}))
        load[table, round_] += 1
    for (table, round_), count in sorted(load.items(), key=repr):
        if count > tables[table].capacity:
            found.append(Limit("over_capacity", {"table": table, "round": round_, "groups": count,
                                                 "capacity": tables[table].capacity}))
    return found

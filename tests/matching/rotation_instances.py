"""Small random rotation instances and exhaustive references for the planner's tests."""

from __future__ import annotations

from hypothesis import strategies as st

from app.matching.rotations import Group, Instance, Plan, Table, targets

FAMILIES = "abcd"


def _rounds(draw, rounds: int) -> frozenset[int] | None:
    if draw(st.booleans()):
        return None
    return frozenset(draw(st.sets(st.integers(0, rounds - 1), max_size=rounds)))


@st.composite
def instances(draw, groups=(1, 3), tables=(1, 3), rounds=(1, 3)) -> Instance:
    n_rounds = draw(st.integers(*rounds))
    n_families = draw(st.integers(1, len(FAMILIES)))
    pool = FAMILIES[:n_families]
    table_list = [
        Table(f"T{i}", frozenset(draw(st.sets(st.sampled_from(pool), min_size=1, max_size=2))),
              capacity=draw(st.sampled_from([1, 1, 1, 2])), rounds=_rounds(draw, n_rounds))
        for i in range(draw(st.integers(*tables)))
    ]
    group_list = [Group(f"G{i}", _rounds(draw, n_rounds)) for i in range(draw(st.integers(*groups)))]
    return Instance(n_rounds, tuple(table_list), tuple(group_list))


def _paths(instance: Instance, group: Group) -> list[tuple]:
    """Every path of one group alone: at most one table a round, present and available, no repeat."""
    present = instance.group_rounds(group)
    found = [()]
    for r in range(instance.rounds):
        grown = []
        for path in found:
            grown.append(path + (None,))
            if r in present:
                grown.extend(path + (t.id,) for t in instance.tables
                             if r in instance.table_rounds(t) and t.id not in path)
        found = grown
    return found


def all_plans(instance: Instance):
    """Every valid plan, groups added one by one under the tables' capacities."""
    capacity = {t.id: t.capacity for t in instance.tables}
    options = [_paths(instance, g) for g in instance.groups]
    load: dict = {}

    def extend(index, chosen):
        if index == len(options):
            yield tuple(chosen)
            return
        for path in options[index]:
            cells = [(t, r) for r, t in enumerate(path) if t is not None]
            if any(load.get(c, 0) >= capacity[c[0]] for c in cells):
                continue
            for c in cells:
                load[c] = load.get(c, 0) + 1
            chosen.append(path)
            yield from extend(index + 1, chosen)
            chosen.pop()
            for c in cells:
                load[c] -= 1

    yield from extend(0, [])


def as_plan(instance: Instance, paths) -> Plan:
    return Plan(instance.rounds, {g.id: p for g, p in zip(instance.groups, paths)})


def keyer(instance: Instance):
    """A fast ``evaluate(...).key()`` for paths in the instance's group order."""
    families = {t.id: t.families for t in instance.tables}
    target = [targets(instance)[g.id] for g in instance.groups]
    available = {t.id: instance.table_rounds(t) for t in instance.tables}
    n_available = sum(len(rs) for rs in available.values())

    def key(paths) -> tuple[int, ...]:
        met = [len(frozenset().union(*(families[t] for t in p if t is not None))) for p in paths]
        busy = {(t, r) for p in paths for r, t in enumerate(p) if t is not None}
        idle = [len(rs) - sum(1 for r in rs if (t, r) in busy) for t, rs in available.items()]
        visits = sum(1 for p in paths for t in p if t is not None)
        shortfall = max([0] + [a - b for a, b in zip(target, met)])
        return (-shortfall, sum(met), visits, -(n_available - len(busy)), -max(idle, default=0))

    return key


def distance(instance: Instance, published: Plan, paths) -> int:
    return sum(1 for g, p in zip(instance.groups, paths) for r, t in enumerate(p) if published.table(g.id, r) != t)

"""The cyclic baseline, for comparison only: the Latin-square rotation organizers draw by hand.

Group number g goes in round r to table number (g + r) mod T; a cell is left empty when the
group is absent, the table is absent, full, or already visited by the group. Never breaks a hard
constraint, never looks at families.
"""

from __future__ import annotations

from collections import Counter

from .values import Instance, Plan


def cyclic_plan(instance: Instance) -> Plan:
    tables = instance.tables
    load: Counter = Counter()
    paths = {}
    for g, group in enumerate(instance.groups):
        present = instance.group_rounds(group)
        path, seen = [], set()
        for r in range(instance.rounds):
            table = tables[(g + r) % len(tables)] if tables else None
            if (table is None or r not in present or r not in instance.table_rounds(table)
                    or table.id in seen or load[table.id, r] >= table.capacity):
                path.append(None)
                continue
            load[table.id, r] += 1
            seen.add(table.id)
            path.append(table.id)
        paths[group.id] = tuple(path)
    return Plan(instance.rounds, paths)

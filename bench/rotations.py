"""Benchmark the rotation planner on a national-day forum and a school half-day, against the
cyclic (Latin-square) baseline, then re-plan the forum after one table drops out.

    .venv/bin/python bench/rotations.py [--seed 2026] [--workers 2] [--repeat 3] [--replan-limit 0.45]

Instances are seeded and deterministic (the plans are not quite: CP-SAT's workers race). Prints
a table, then one JSON line per instance and one per re-planning (each of the forum's five most
visited tables dropping out in turn). Seconds are the median of --repeat runs, the plan the last's.
Targets (issue 20): forum optimal or within 1 % of the proven bound in <= 2 s, half-day proven
optimal in <= 0.2 s, re-planning after one table drops out in <= 0.5 s, no violation.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.matching.rotations import (  # noqa: E402
    Group,
    Instance,
    Settings,
    Table,
    cyclic_plan,
    evaluate,
    plan_rotations,
    replan_rotations,
    violations,
)

FAMILIES = (
    "aeronautics", "automotive", "chemistry", "construction", "digital", "energy", "food", "logistics",
    "maintenance", "materials", "metalwork", "pharmacy", "plastics", "robotics", "textiles",
)


def _window(rng: random.Random, rounds: int) -> frozenset[int] | None:
    """Every round, or a late arrival, an early departure or a missed round in the middle."""
    kind = rng.random()
    if kind < 0.7:
        return None
    if kind < 0.8:
        return frozenset(range(rng.randint(1, 3), rounds))
    if kind < 0.9:
        return frozenset(range(0, rng.randint(rounds - 3, rounds - 1)))
    return frozenset(range(rounds)) - {rng.randint(1, rounds - 2)}


def forum(seed: int, tables: int = 40, groups: int = 30, rounds: int = 8, mixed: float = 0.0) -> Instance:
    """A national-day forum: tables of one job family (several tables share each family; with
    ``mixed``, that share of tables brings two), one in ten receiving two groups at once, role
    models and classes with partial presence."""
    rng = random.Random(seed)
    table_list = []
    for i in range(tables):
        families = rng.sample(FAMILIES, 2 if rng.random() < mixed else 1)
        table_list.append(Table(f"T{i + 1:02d}", frozenset(families), 2 if rng.random() < 0.1 else 1,
                                _window(rng, rounds)))
    group_list = [Group(f"G{i + 1:02d}", _window(rng, rounds)) for i in range(groups)]
    return Instance(rounds, tuple(table_list), tuple(group_list))


def half_day(seed: int) -> Instance:
    """A school half-day: 6 tables (two sharing a family), 6 groups, 5 rounds, everyone there."""
    rng = random.Random(seed)
    families = rng.sample(FAMILIES, 5)
    families.append(families[0])
    tables = tuple(Table(f"T{i + 1}", frozenset({f})) for i, f in enumerate(families))
    return Instance(5, tables, tuple(Group(f"G{i + 1}") for i in range(6)))


def _timed(run, repeat: int):
    results = [run() for _ in range(repeat)]
    return results[-1], statistics.median(r.seconds for r in results)


def measure(name: str, instance: Instance, settings: Settings, repeat: int) -> tuple[dict, object]:
    result, seconds = _timed(lambda: plan_rotations(instance, settings), repeat)
    baseline = evaluate(instance, cyclic_plan(instance))
    total, bound = result.objective.total_families, result.bound.total_families
    return {
        "benchmark": "rotations", "instance": name, "tables": len(instance.tables), "groups": len(instance.groups),
        "rounds": instance.rounds, "seconds": round(seconds, 3),
        "objective": result.objective.as_dict(),
        "bound": {"shortfall": result.bound.shortfall, "total_families": bound, "visits": result.bound.visits,
                  "empty_slots": result.bound.empty_slots, "most_idle": result.bound.most_idle},
        "gap_percent": round(100 * (bound - total) / bound, 2) if bound else 0.0,
        "optimal": result.optimal,
        "stages": [{"name": s.name, "status": s.status, "value": s.value, "bound": s.bound,
                    "seconds": round(s.seconds, 3)} for s in result.stages],
        "baseline": baseline.as_dict(),
        "violations": len(violations(instance, result.plan)),
        "baseline_violations": len(violations(instance, cyclic_plan(instance))),
        "limits": [limit.code for limit in result.limits],
    }, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=Settings().workers)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replan-limit", type=float, default=0.45,
                        help="time limit of each re-planning (the wall clock adds building the model)")
    args = parser.parse_args()
    settings = Settings(workers=args.workers)

    lines = []
    big = forum(args.seed)
    line, published = measure("forum", big, settings, args.repeat)
    lines.append(line)
    lines.append(measure("half_day", half_day(args.seed), settings, args.repeat)[0])
    # harder, for information: one table in five brings two families (max-coverage overlaps)
    lines.append(measure("forum_mixed", forum(args.seed, mixed=0.2), settings, args.repeat)[0])

    # re-planning: each of the five most visited tables drops out the night before, in turn
    replan_settings = Settings(time_limit=args.replan_limit, workers=args.workers)
    load: dict = {}
    for _, _, table in published.plan.cells():
        load[table] = load.get(table, 0) + 1
    for dropped in sorted(sorted(load), key=load.get, reverse=True)[:5]:
        changed = big.without_table(dropped)
        replanned, seconds = _timed(lambda: replan_rotations(changed, published.plan, replan_settings), args.repeat)
        lines.append({
            "benchmark": "rotations", "instance": "forum_replan", "dropped_table": dropped,
            "cells_of_dropped_table": load[dropped], "time_limit": args.replan_limit, "seconds": round(seconds, 3),
            "cells_moved": len(replanned.moves), "objective": replanned.objective.as_dict(),
            "optimal": replanned.optimal, "violations": len(violations(changed, replanned.plan)),
            "stages": [{"name": s.name, "status": s.status, "value": s.value, "bound": s.bound,
                        "seconds": round(s.seconds, 3)} for s in replanned.stages],
        })

    print(f"{'instance':14} {'seconds':>8} {'shortfall':>9} {'min fam':>8} {'total':>6} {'bound':>6} "
          f"{'gap %':>6} {'optimal':>8} {'base min':>9} {'base tot':>9} {'viol':>5}")
    for r in lines:
        if r["instance"] == "forum_replan":
            continue
        o, b = r["objective"], r["baseline"]
        print(f"{r['instance']:14} {r['seconds']:8.3f} {o['shortfall']:9d} {o['min_families']:8d} "
              f"{o['total_families']:6d} {r['bound']['total_families']:6d} {r['gap_percent']:6.2f} "
              f"{str(r['optimal']):>8} {b['min_families']:9d} {b['total_families']:9d} {r['violations']:5d}")
        print(f"{'':14} stages: " + ", ".join(f"{s['name']} {s['status']} {s['seconds']:.2f} s" for s in r["stages"])
              + f"; visits {o['visits']} (bound {r['bound']['visits']}), empty slots {o['empty_slots']} "
              f"(bound {r['bound']['empty_slots']}), most idle {o['most_idle']} (bound {r['bound']['most_idle']})")
    for r in lines:
        if r["instance"] == "forum_replan":
            print(f"re-plan without {r['dropped_table']} ({r['cells_of_dropped_table']} cells): {r['seconds']:.3f} s, "
                  f"{r['cells_moved']} cells moved, optimal {r['optimal']}, violations {r['violations']}")
    for r in lines:
        print(json.dumps(r))


if __name__ == "__main__":
    main()

"""Benchmark the pure matching solver on a synthetic national week, against the greedy baseline.

    .venv/bin/python bench/matching_solver.py [--events 5000] [--role-models 20000] [--seed 2026]

Each solver runs in its own fresh process, so "peak RSS" is that process's whole high-water mark
(Python, numpy, OR-Tools and the loaded problem included). Prints a table, then one JSON line.
Targets (issue 7): solver <= 5 s, peak memory <= 1 GiB, seats >= greedy's.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OUT = Path(__file__).resolve().parent / "out"


def _run(kind: str, path: str, queue) -> None:
    from synthetic_week import load_problem

    from app.matching.costs import evaluate
    from app.matching.greedy import solve_greedy
    from app.matching.problem import Weights
    from app.matching.solver import solve

    problem = load_problem(Path(path))
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if kind == "solver":
        solution = solve(problem)
        seconds = time.perf_counter() - started
        objective, extra = solution.objective, {
            "status": solution.status, "method": solution.method, "bound_cost": solution.bound.cost,
            "violations_repaired": solution.violations_repaired,
            "phases": {k: round(v, 3) for k, v in solution.timings.items()},
        }
    else:
        chosen = solve_greedy(problem)
        seconds = time.perf_counter() - started
        objective, extra = evaluate(problem, Weights(), chosen), {}
    queue.put({
        "seconds": round(seconds, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_after_load_mib": round(rss_loaded, 1),
        **objective.as_dict(), **extra,
    })


def run_in_process(kind: str, path: Path) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(kind, str(path), queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--role-models", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from synthetic_week import build_week, save_problem

    started = time.perf_counter()
    week = build_week(args.events, args.role_models, args.seed)
    generate_seconds = time.perf_counter() - started
    problem = week.problem
    OUT.mkdir(exist_ok=True)
    path = OUT / f"week-{args.events}-{args.role_models}-{args.seed}.npz"
    save_problem(problem, path)

    solver = run_in_process("solver", path)
    greedy = run_in_process("greedy", path)
    seats_max = int(problem.events.role_models_max.sum())
    print(f"Synthetic week: {len(problem.events)} events, {len(problem.role_models)} role models, "
          f"{len(problem.arcs)} candidate arcs, {len(problem.conflicts)} travel conflicts, "
          f"{seats_max} seats (generated in {generate_seconds:.1f} s)")
    print(f"{'':10} {'time s':>8} {'peak RSS MiB':>13} {'seats':>7} {'min seats':>10} {'cost':>9}  status")
    for name, r in (("solver", solver), ("greedy", greedy)):
        print(f"{name:10} {r['seconds']:8.2f} {r['peak_rss_mib']:13.0f} {r['seats']:7d} {r['min_seats']:10d} "
              f"{r['cost']:9d}  {r.get('status', '-')} {r.get('method', '')}")
    print(f"solver phases (s): {solver['phases']}; flow bound cost {solver['bound_cost']} "
          f"(gap {solver['cost'] - solver['bound_cost']} points "
          f"after {solver['violations_repaired']} repaired conflicts)")
    print(json.dumps({
        "benchmark": "matching_solver", "events": len(problem.events), "role_models": len(problem.role_models),
        "arcs": len(problem.arcs), "conflicts": len(problem.conflicts), "seats_max": seats_max,
        "generate_seconds": round(generate_seconds, 2), "solver": solver, "greedy": greedy,
    }))


if __name__ == "__main__":
    main()

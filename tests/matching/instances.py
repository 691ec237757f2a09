"""Small instances and independent references (pure Python / a separate CP-SAT model)."""

from __future__ import annotations

import itertools

import numpy as np
from ortools.sat.python import cp_model

from app.matching.problem import FAMILIES, Arcs, Events, Problem, RoleModels, Weights


def make_problem(events, role_models, arcs, conflicts=()):
    """Build a Problem from lists of dicts, filling defaults (factory in the Indico style)."""
    ev = [dict({"day": 0, "month": 0, "min": 1, "max": 1}, **e) for e in events]
    rms = [dict({"family": 0, "cap": 1, "load": 0, "reliability": 1.0}, **r) for r in role_models]
    ar = [dict({"topic": 1.0, "same_region": True, "distance": 0, "language": True}, **a) for a in arcs]
    caps = [r["cap"] if isinstance(r["cap"], (list, tuple)) else [r["cap"]] for r in rms]
    return Problem(
        events=Events(
            start=[e["start"] for e in ev], end=[e["end"] for e in ev], day=[e["day"] for e in ev],
            month=[e["month"] for e in ev], role_models_min=[e["min"] for e in ev],
            role_models_max=[e["max"] for e in ev],
        ),
        role_models=RoleModels(
            family=[r["family"] for r in rms], month_cap=np.array(caps, dtype=np.int64).reshape(len(rms), -1),
            recent_load=[r["load"] for r in rms], reliability=[r["reliability"] for r in rms],
        ),
        arcs=Arcs(
            event=[a["event"] for a in ar], role_model=[a["rm"] for a in ar], topic=[a["topic"] for a in ar],
            same_region=[a["same_region"] for a in ar], distance=[a["distance"] for a in ar],
            language=[a["language"] for a in ar],
        ),
        conflicts=np.array(list(conflicts), dtype=np.int64).reshape(-1, 2),
    )


def random_problem(seed: int, n_events: int, n_rms: int, density: float, n_months: int = 1) -> Problem:
    """Events packed into one or two days so that overlaps and travel conflicts happen."""
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 2 * 8, n_events) * 60  # 8 hourly slots a day, 2 days
    end = start + rng.integers(1, 4, n_events) * 60
    day = start // (8 * 60)
    seats_max = rng.integers(1, 4, n_events)
    seats_min = np.minimum(rng.integers(0, 3, n_events), seats_max)
    pairs = np.array([(e, r) for e in range(n_events) for r in range(n_rms) if rng.random() < density], np.int64)
    event, rm = pairs.reshape(-1, 2).T
    n = len(event)
    same_day = [(i, j) for i in range(n_events) for j in range(i + 1, n_events)
                if day[i] == day[j] and rng.random() < 0.3]
    return Problem(
        events=Events(start=start, end=end, day=day, month=rng.integers(0, n_months, n_events),
                      role_models_min=seats_min, role_models_max=seats_max),
        role_models=RoleModels(
            family=rng.integers(0, 3, n_rms), month_cap=rng.integers(0, 3, (n_rms, n_months)),
            recent_load=rng.integers(0, 5, n_rms), reliability=rng.choice([0.6, 0.9, 1.0], n_rms),
        ),
        arcs=Arcs(event=event, role_model=rm, topic=rng.choice([0.0, 0.5, 1.0], n),
                  same_region=rng.random(n) < 0.6, distance=rng.integers(0, 4, n), language=rng.random(n) < 0.8),
        conflicts=np.array(same_day, dtype=np.int64).reshape(-1, 2),
    )


def conflict(problem: Problem, a: int, b: int) -> bool:
    ev = problem.events
    if ev.start[a] < ev.end[b] and ev.start[b] < ev.end[a]:
        return True
    return (min(a, b), max(a, b)) in {tuple(p) for p in problem.conflicts.tolist()}


def hard_violations(problem: Problem, chosen) -> list[str]:
    """Every broken hard constraint, written independently of the solver."""
    ev, rms, arcs = problem.events, problem.role_models, problem.arcs
    chosen = [int(c) for c in chosen]
    found = []
    if len(set(chosen)) != len(chosen):
        found.append("an arc chosen twice")
    for e in range(len(ev)):
        n = sum(1 for c in chosen if arcs.event[c] == e)
        if n > ev.role_models_max[e]:
            found.append(f"event {e}: {n} > max {ev.role_models_max[e]}")
    for r in range(len(rms)):
        mine = [int(arcs.event[c]) for c in chosen if arcs.role_model[c] == r]
        for m in range(problem.n_months):
            n = sum(1 for e in mine if ev.month[e] == m)
            if n > rms.month_cap[r, m]:
                found.append(f"role model {r} month {m}: {n} > cap {rms.month_cap[r, m]}")
        for a, b in itertools.combinations(mine, 2):
            if conflict(problem, a, b):
                found.append(f"role model {r} on conflicting events {a} and {b}")
    return found


def reference_objective(problem: Problem, weights: Weights, chosen) -> tuple[int, int, int]:
    """(-seats, -seats towards minimums, cost), recomputed with plain loops."""
    ev, rms, arcs = problem.events, problem.role_models, problem.arcs
    cost = 0
    per_event, per_family, per_rm_month = {}, {}, {}
    for c in (int(c) for c in chosen):
        e, r = int(arcs.event[c]), int(arcs.role_model[c])
        cost += round(weights.topic * (1 - arcs.topic[c])) + weights.region * (not arcs.same_region[c])
        cost += weights.distance * int(arcs.distance[c]) + weights.language * (not arcs.language[c])
        cost += weights.load * min(int(rms.recent_load[r]), weights.load_cap)
        cost += round(weights.reliability * (1 - rms.reliability[r]))
        per_event[e] = per_event.get(e, 0) + 1
        k = per_family[(e, int(rms.family[r]))] = per_family.get((e, int(rms.family[r])), 0) + 1
        cost += (k - 1) * weights.family_mix
        k = per_rm_month[(r, int(ev.month[e]))] = per_rm_month.get((r, int(ev.month[e])), 0) + 1
        cost += (k - 1) * weights.spread
    min_seats = sum(min(n, int(ev.role_models_min[e])) for e, n in per_event.items())
    return (-len(chosen), -min_seats, cost)


def brute_force(problem: Problem, weights: Weights) -> tuple[int, int, int]:
    """Best objective over every subset of arcs (use with at most ~12 arcs)."""
    best = (0, 0, 0)
    n = len(problem.arcs)
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            key = reference_objective(problem, weights, subset)
            if key < best and not hard_violations(problem, subset):
                best = key
    return best


def reference_ilp(problem: Problem, weights: Weights) -> tuple[int, int, int]:
    """One weighted CP-SAT model (big-M, fine at this size), written apart from app.matching.exact."""
    ev, rms, arcs = problem.events, problem.role_models, problem.arcs
    n = len(arcs)
    model = cp_model.CpModel()
    x = [model.NewBoolVar("") for _ in range(n)]
    cost_terms = []
    for c in range(n):
        r = int(arcs.role_model[c])
        base = reference_objective(problem, weights, [c])[2]
        cost_terms.append(base * x[c])
    min_terms = []
    for e in range(len(ev)):
        mine = [x[c] for c in range(n) if arcs.event[c] == e]
        model.Add(sum(mine) <= int(ev.role_models_max[e]))
        m = model.NewIntVar(0, int(min(ev.role_models_min[e], ev.role_models_max[e])), "")
        model.Add(m <= sum(mine))
        min_terms.append(m)
        for f in range(len(FAMILIES)):
            group = [x[c] for c in range(n) if arcs.event[c] == e and rms.family[arcs.role_model[c]] == f]
            for k in range(2, len(group) + 1):  # y_k = 1 iff at least k of this family
                y = model.NewBoolVar("")
                model.Add(sum(group) >= k).OnlyEnforceIf(y)
                model.Add(sum(group) <= k - 1).OnlyEnforceIf(y.Not())
                cost_terms.append((k - 1) * weights.family_mix * y)
    for r in range(len(rms)):
        mine = [c for c in range(n) if arcs.role_model[c] == r]
        for m in range(problem.n_months):
            group = [x[c] for c in mine if ev.month[arcs.event[c]] == m]
            model.Add(sum(group) <= int(rms.month_cap[r, m]))
            for k in range(2, len(group) + 1):
                y = model.NewBoolVar("")
                model.Add(sum(group) >= k).OnlyEnforceIf(y)
                model.Add(sum(group) <= k - 1).OnlyEnforceIf(y.Not())
                cost_terms.append((k - 1) * weights.spread * y)
        for a, b in itertools.combinations(mine, 2):
            if conflict(problem, int(arcs.event[a]), int(arcs.event[b])):
                model.Add(x[a] + x[b] <= 1)
    big_cost = 1 + 10_000 * max(n, 1)
    big_min = big_cost * (n + 1)
    model.Maximize(big_min * (n + 1) * sum(x) + big_min * sum(min_terms) - sum(cost_terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    chosen = [c for c in range(n) if solver.BooleanValue(x[c])]
    return reference_objective(problem, weights, chosen)

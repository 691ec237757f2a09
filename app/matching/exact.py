"""Exact CP-SAT model of the whole objective, over a chosen set of free arcs.

Used twice by the solver: on the neighbourhood of the conflicts the flow violated (everything
else fixed at the flow's values), and on the whole instance when it is small enough to prove
optimality. The lexicographic objective is solved in three stages (seats, then seats towards
minimums, then cost), each fixing the previous optimum, so no big-M weight can overflow.
"""

from __future__ import annotations

from dataclasses import dataclass
import time

import numpy as np
from ortools.sat.python import cp_model

from .conflicts import ConflictIndex, same_person_arc_pairs
from .costs import rm_month_of_arcs
from .problem import FAMILIES, Problem, Weights


@dataclass(frozen=True)
class ExactResult:
    chosen: np.ndarray  # every chosen arc: the fixed ones plus the free ones set to 1
    proven: bool        # all three stages proved optimal for the free arcs


def _add_convex(model, counts_by_key: dict, fixed_by_key: dict, step: int, upper_by_key: dict) -> list:
    """Cost terms for "k-th unit of a group costs (k - 1) * step", given count expressions."""
    terms = []
    if step == 0:
        return terms
    for key, expr in counts_by_key.items():
        upper = upper_by_key[key]
        units = [model.NewBoolVar("") for _ in range(upper)]
        model.Add(sum(units) == expr + fixed_by_key.get(key, 0))
        # marginals are non-decreasing, so the minimiser uses the cheap units first
        terms.extend((k * step, unit) for k, unit in enumerate(units) if k)
    return terms


def solve_exact(
    problem: Problem,
    weights: Weights,
    costs: np.ndarray,
    free: np.ndarray,
    fixed: np.ndarray,
    hint: np.ndarray,
    index: ConflictIndex,
    time_limit: float,
    workers: int = 2,
) -> ExactResult:
    """Best choice of ``free`` arcs with ``fixed`` arcs chosen and every other arc unchosen."""
    arcs, events, rms = problem.arcs, problem.events, problem.role_models
    free, fixed = np.asarray(free, np.int64), np.asarray(fixed, np.int64)
    # a free arc conflicting with a fixed arc of the same person can never be chosen
    fixed_rm = set(arcs.role_model[fixed].tolist())
    touching = free[np.isin(arcs.role_model[free], list(fixed_rm))] if fixed_rm else free[:0]
    pairs = same_person_arc_pairs(problem, np.concatenate([touching, fixed]), index)
    is_fixed = np.zeros(len(arcs), bool)
    is_fixed[fixed] = True
    blocked = set(pairs[is_fixed[pairs[:, 1]] & ~is_fixed[pairs[:, 0]], 0].tolist())
    blocked |= set(pairs[is_fixed[pairs[:, 0]] & ~is_fixed[pairs[:, 1]], 1].tolist())
    free = np.array([a for a in free.tolist() if a not in blocked], np.int64)
    if len(free) == 0:
        return ExactResult(chosen=np.sort(fixed), proven=True)

    model = cp_model.CpModel()
    x = {int(a): model.NewBoolVar(f"x{a}") for a in free}
    family = rms.family[arcs.role_model]
    rmm = rm_month_of_arcs(problem)

    def grouped(keys_of_free, keys_of_fixed):
        exprs, fixed_count, upper = {}, {}, {}
        for a, key in zip(free.tolist(), keys_of_free.tolist()):
            exprs.setdefault(key, []).append(x[a])
        for key in keys_of_fixed.tolist():
            if key in exprs:
                fixed_count[key] = fixed_count.get(key, 0) + 1
        for key, vs in exprs.items():
            upper[key] = len(vs) + fixed_count.get(key, 0)
            exprs[key] = sum(vs)
        return exprs, fixed_count, upper

    by_event, fixed_event, _ = grouped(arcs.event[free], arcs.event[fixed])
    for e, expr in by_event.items():
        model.Add(expr + fixed_event.get(e, 0) <= int(events.role_models_max[e]))
    by_rmm, fixed_rmm, upper_rmm = grouped(rmm[free], rmm[fixed])
    cap = rms.month_cap.ravel()
    for key, expr in by_rmm.items():
        model.Add(expr + fixed_rmm.get(key, 0) <= int(cap[key]))
        upper_rmm[key] = min(upper_rmm[key], int(cap[key]))
    for a, b in same_person_arc_pairs(problem, free, index).tolist():
        model.AddBoolOr([x[a].Not(), x[b].Not()])

    seats = sum(x.values())
    min_vars = []
    for e, expr in by_event.items():
        floor = min(int(events.role_models_min[e]), int(events.role_models_max[e]))
        m = model.NewIntVar(0, floor, "")
        model.Add(m <= expr + fixed_event.get(e, 0))
        min_vars.append(m)
    ef_free = arcs.event[free] * len(FAMILIES) + family[free]
    ef_fixed = arcs.event[fixed] * len(FAMILIES) + family[fixed]
    by_ef, fixed_ef, upper_ef = grouped(ef_free, ef_fixed)
    cost_terms = [(int(costs[a]), var) for a, var in x.items()]
    cost_terms += _add_convex(model, by_ef, fixed_ef, weights.family_mix, upper_ef)
    cost_terms += _add_convex(model, by_rmm, fixed_rmm, weights.spread, upper_rmm)
    cost = sum(c * v for c, v in cost_terms if c)

    hinted = set(np.asarray(hint, np.int64).tolist())
    for a, var in x.items():
        model.AddHint(var, a in hinted)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    deadline = time.perf_counter() + time_limit
    proven = True
    values = None
    for sense, expr in (("max", seats), ("max", sum(min_vars)), ("min", cost)):
        (model.Maximize if sense == "max" else model.Minimize)(expr)
        solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.05)
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        proven &= status == cp_model.OPTIMAL
        values = {a: solver.BooleanValue(var) for a, var in x.items()}
        best = int(round(solver.ObjectiveValue()))
        model.Add(expr >= best) if sense == "max" else model.Add(expr <= best)
        model.ClearHints()
        for a, var in x.items():
            model.AddHint(var, values[a])
    if values is None:  # no solution in time: leaving the free arcs unchosen is always feasible
        return ExactResult(chosen=np.sort(fixed), proven=False)
    picked = np.array([a for a, v in values.items() if v], np.int64)
    return ExactResult(chosen=np.sort(np.concatenate([fixed, picked])), proven=proven)

"""Exact integer model of the whole objective, over a chosen set of free arcs.

Used twice by the solver: on the neighbourhood of the conflicts the flow violated (everything
else fixed at the flow's values), and on the whole instance when it is small enough to prove
optimality. The lexicographic objective is solved in three stages (seats, then seats towards
minimums, then cost), each fixing the previous optimum, so no big-M weight can overflow; when
the caller knows bounds on the first two (the flow relaxation's) and a plan reaches them, one
cost minimisation with both reached stands for all three.

Backend: SCIP by default (through OR-Tools' linear solver wrapper). The model is a network
with a few conflict rows, so its LP relaxation is nearly integral and an LP-based
branch-and-bound proves optimality in well under a second where CP-SAT (also selectable,
``backend="CP_SAT"``) took many seconds on a 9,000-arc neighbourhood.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from .conflicts import ConflictIndex, same_person_arc_pairs
from .costs import rm_month_of_arcs
from .problem import FAMILIES, Problem, Weights


@dataclass(frozen=True)
class ExactResult:
    picked: np.ndarray  # the free arcs set to 1
    proven: bool        # all three stages proved optimal for the free arcs


def _row(solver, lower: float, upper: float, terms) -> pywraplp.Constraint:
    """lower <= sum(coef * var) <= upper, built row-wise (the expression API costs ~10x more)."""
    row = solver.Constraint(lower, upper)
    for var, coef in terms:
        row.SetCoefficient(var, coef)
    return row


def _add_convex(solver, vars_by_key: dict, fixed_by_key: dict, step: int, upper_by_key: dict) -> list:
    """Cost terms (var, cost) for "k-th unit of a group costs (k - 1) * step"."""
    terms = []
    if step == 0:
        return terms
    for key, chosen in vars_by_key.items():
        units = [solver.NumVar(0, 1, "") for _ in range(upper_by_key[key])]
        fixed = fixed_by_key.get(key, 0)  # sum(units) = sum(chosen) + fixed
        _row(solver, fixed, fixed, [(u, 1) for u in units] + [(v, -1) for v in chosen])
        # marginals are non-decreasing, so the minimiser fills the cheap units first
        terms.extend((unit, k * step) for k, unit in enumerate(units) if k)
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
    backend: str = "SCIP",
    targets: tuple[int, int] | None = None,
) -> ExactResult:
    """Best choice of ``free`` arcs with ``fixed`` arcs chosen and every other arc unchosen.

    ``fixed`` must hold every chosen arc sharing a role model with a free arc (caps, spread and
    conflicts depend on them); free arcs cover whole events (seats and family mix).

    ``targets``: upper bounds on (seats, seats towards minimums) of the free arcs, such as the
    flow relaxation's. A choice reaching both is optimal for the first two stages, so one solve
    (cheapest cost with both reached) replaces three; when they cannot be reached, the three
    stages run as usual.
    """
    arcs, events, rms = problem.arcs, problem.events, problem.role_models
    free, fixed = np.asarray(free, np.int64), np.asarray(fixed, np.int64)
    # a free arc conflicting with a fixed arc of the same person can never be chosen
    pairs = same_person_arc_pairs(problem, np.concatenate([free, fixed]), index)
    is_fixed = np.zeros(len(arcs), bool)
    is_fixed[fixed] = True
    blocked = set(pairs[is_fixed[pairs[:, 1]] & ~is_fixed[pairs[:, 0]], 0].tolist())
    blocked |= set(pairs[is_fixed[pairs[:, 0]] & ~is_fixed[pairs[:, 1]], 1].tolist())
    both_free = ~is_fixed[pairs[:, 0]] & ~is_fixed[pairs[:, 1]]
    free_pairs = pairs[both_free].tolist()
    free = np.array([a for a in free.tolist() if a not in blocked], np.int64)
    if len(free) == 0:
        return ExactResult(picked=free, proven=True)

    solver = pywraplp.Solver.CreateSolver(backend)
    x = {int(a): solver.BoolVar(f"x{a}") for a in free}
    family = rms.family[arcs.role_model]
    rmm = rm_month_of_arcs(problem)

    def grouped(keys_of_free, keys_of_fixed):
        chosen, fixed_count, upper = {}, {}, {}
        for a, key in zip(free.tolist(), keys_of_free.tolist()):
            chosen.setdefault(key, []).append(x[a])
        for key in keys_of_fixed.tolist():
            if key in chosen:
                fixed_count[key] = fixed_count.get(key, 0) + 1
        for key, vs in chosen.items():
            upper[key] = len(vs) + fixed_count.get(key, 0)
        return chosen, fixed_count, upper

    inf = solver.infinity()
    by_event, fixed_event, _ = grouped(arcs.event[free], arcs.event[fixed])
    for e, vs in by_event.items():
        _row(solver, -inf, int(events.role_models_max[e]) - fixed_event.get(e, 0), [(v, 1) for v in vs])
    by_rmm, fixed_rmm, upper_rmm = grouped(rmm[free], rmm[fixed])
    cap = rms.month_cap.ravel()
    for key, vs in by_rmm.items():
        _row(solver, -inf, int(cap[key]) - fixed_rmm.get(key, 0), [(v, 1) for v in vs])
        upper_rmm[key] = min(upper_rmm[key], int(cap[key]))
    for a, b in free_pairs:
        if a in x and b in x:
            _row(solver, -inf, 1, [(x[a], 1), (x[b], 1)])

    seats = [(v, 1) for v in x.values()]
    min_seats = []
    for e, vs in by_event.items():
        floor = min(int(events.role_models_min[e]), int(events.role_models_max[e]))
        m = solver.NumVar(0, floor, "")  # m <= people on e
        _row(solver, -inf, fixed_event.get(e, 0), [(m, 1)] + [(v, -1) for v in vs])
        min_seats.append((m, 1))
    ef_free = arcs.event[free] * len(FAMILIES) + family[free]
    ef_fixed = arcs.event[fixed] * len(FAMILIES) + family[fixed]
    by_ef, fixed_ef, upper_ef = grouped(ef_free, ef_fixed)
    cost = [(var, int(costs[a])) for a, var in x.items() if costs[a]]
    cost += _add_convex(solver, by_ef, fixed_ef, weights.family_mix, upper_ef)
    cost += _add_convex(solver, by_rmm, fixed_rmm, weights.spread, upper_rmm)

    hinted = set(np.asarray(hint, np.int64).tolist())
    solver.SetHint(list(x.values()), [1.0 if a in hinted else 0.0 for a in x])
    deadline = time.perf_counter() + time_limit
    proven, values = True, None
    stages = [("max", seats), ("max", min_seats), ("min", cost)]
    objective = solver.Objective()

    def aim(sense, terms):
        objective.Clear()
        for var, coef in terms:
            objective.SetCoefficient(var, coef)
        objective.SetMaximization() if sense == "max" else objective.SetMinimization()

    if targets is not None:
        reach = [_row(solver, targets[0], inf, seats), _row(solver, targets[1], inf, min_seats)]
        aim("min", cost)
        solver.SetTimeLimit(int(max(time_limit, 0.05) * 1000))
        status = solver.Solve()
        if status in (solver.OPTIMAL, solver.FEASIBLE):
            values = {a: var.solution_value() > 0.5 for a, var in x.items()}
            stages, proven = [], status == solver.OPTIMAL
        else:  # the targets are out of reach (or time ran out): solve stage by stage
            for row in reach:
                row.SetBounds(-inf, inf)
    for sense, terms in stages:
        aim(sense, terms)
        solver.SetTimeLimit(int(max(deadline - time.perf_counter(), 0.05) * 1000))
        status = solver.Solve()
        if status not in (solver.OPTIMAL, solver.FEASIBLE):
            break
        proven &= status == solver.OPTIMAL
        values = {a: var.solution_value() > 0.5 for a, var in x.items()}
        best = round(objective.Value())
        # objectives are integral: fix this stage's optimum for the next stage
        _row(solver, best - 0.5, inf, terms) if sense == "max" else _row(solver, -inf, best + 0.5, terms)
        solver.SetHint(list(x.values()), [1.0 if values[a] else 0.0 for a in x])
    if values is None:  # no solution in time: leaving the free arcs unchosen is always feasible
        return ExactResult(picked=free[:0], proven=False)
    picked = np.array([a for a, v in values.items() if v], np.int64)
    return ExactResult(picked=np.sort(picked), proven=proven)


def independent_parts(problem: Problem, free: np.ndarray) -> list[np.ndarray]:
    """Split free arcs into groups sharing no event and no role model.

    With everything else fixed, such groups interact through nothing (seats are per event, caps
    and conflicts per role model), so solving each one optimally solves their union optimally.
    """
    free = np.asarray(free, np.int64)
    if not len(free):
        return []
    _, ev = np.unique(problem.arcs.event[free], return_inverse=True)
    _, rm = np.unique(problem.arcs.role_model[free], return_inverse=True)
    label_ev = np.arange(ev.max() + 1)
    label_rm = np.full(rm.max() + 1, len(free))
    while True:  # label propagation on the bipartite event / role-model graph
        np.minimum.at(label_rm, rm, label_ev[ev])
        new_ev = label_ev.copy()
        np.minimum.at(new_ev, ev, label_rm[rm])
        if np.array_equal(new_ev, label_ev):
            break
        label_ev = new_ev
    label = label_ev[ev]
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    return np.split(free[order], cuts)

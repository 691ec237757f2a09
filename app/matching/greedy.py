"""Greedy baseline, for comparison only: events by start time, cheapest free candidate first."""

from __future__ import annotations

import numpy as np

from .conflicts import ConflictIndex
from .costs import arc_costs, rm_month_of_arcs
from .problem import Problem, Weights


def solve_greedy(problem: Problem, weights: Weights | None = None, start: np.ndarray | None = None) -> np.ndarray:
    """Indices of the chosen arcs, sorted. Never breaks a hard constraint.

    ``start``: arcs already chosen (a feasible set) to complete; the solver uses it to refill
    seats after a fallback repair.
    """
    weights = weights or Weights()
    a, events = problem.arcs, problem.events
    costs = arc_costs(problem, weights)
    index = ConflictIndex(problem)
    order = np.lexsort((np.arange(len(a)), costs, a.event, events.start[a.event]))
    ev_sorted = a.event[order].tolist()
    rm_sorted = a.role_model[order].tolist()
    rmm_sorted = rm_month_of_arcs(problem, order).tolist()
    cap = problem.role_models.month_cap.ravel()
    seats = events.role_models_max.tolist()
    used: dict[int, int] = {}
    taken: dict[int, list[int]] = {}  # role model -> events
    chosen = []
    for arc in [] if start is None else np.asarray(start, np.int64).tolist():
        e, r = int(a.event[arc]), int(a.role_model[arc])
        seats[e] -= 1
        key = r * problem.n_months + int(events.month[e])
        used[key] = used.get(key, 0) + 1
        taken.setdefault(r, []).append(e)
        chosen.append(arc)
    already = set(chosen)
    for arc, e, r, key in zip(order.tolist(), ev_sorted, rm_sorted, rmm_sorted):
        if seats[e] <= 0 or used.get(key, 0) >= cap[key] or arc in already:
            continue
        mine = taken.get(r)
        if mine and index.conflicting(np.full(len(mine), e), np.array(mine)).any():
            continue
        seats[e] -= 1
        used[key] = used.get(key, 0) + 1
        taken.setdefault(r, []).append(e)
        chosen.append(arc)
    return np.sort(np.array(chosen, np.int64))

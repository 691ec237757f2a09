"""Global matching: min-cost flow, then a proven CP-SAT step for the conflicts flow cannot express.

1. ``flow.solve_flow`` solves the relaxation (everything but conflicts between overlap groups)
   exactly. Its objective is a bound no plan can beat.
2. If its plan breaks no conflict, it is feasible and meets the bound: optimal, done.
3. Otherwise an exact integer model (``exact.py``, SCIP) re-solves the neighbourhood: the events
   involved in a violated conflict get their current people and their ``repair_candidates``
   cheapest candidates as free choices (their other candidates are dropped), every other choice
   stays as the flow made it. The neighbourhood splits into independent parts (no shared event
   or person), solved together in one model to proven optimality; the relaxation's seats in
   the neighbourhood bound what it can reach, so one solve usually settles all three stages.
   The result is feasible; it is proven globally optimal when it meets the bound (status
   ``optimal``), otherwise it is reported ``feasible``
   with the bound beside it (on the national benchmark: within ~0.15 % of the bound).
   Parts beyond ``repair_arc_limit`` free arcs in all (or the whole model, past the time limit
   without a better plan) fall back to the flow's choices minus the conflicting ones, then a
   greedy refill of the freed seats: still feasible, never proven.
4. Instances of at most ``exact_arc_limit`` arcs are then solved whole by the exact model
   (hinted with the plan above), which proves optimality within the time limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .conflicts import ConflictIndex, interval_cliques, same_person_arc_pairs
from .costs import Objective, arc_costs, evaluate
from .exact import independent_parts, solve_exact
from .explain import EventPlan, explain
from .flow import solve_flow
from .greedy import solve_greedy
from .problem import Problem, Weights


@dataclass(frozen=True)
class SolverSettings:
    exact_arc_limit: int = 20_000  # solve whole instances up to this many arcs with CP-SAT
    time_limit: float = 10.0  # seconds, for all CP-SAT work of one solve
    backend: str = "SCIP"  # exact step: "SCIP" or "CP_SAT" (OR-Tools linear solver wrapper)
    alternatives: int = 3  # next-best candidates listed per event
    overlap_groups: bool = False  # overlap-group nodes: fewer violations, but a ~2x slower flow
    repair_candidates: int = 40  # per event in a violated conflict, its cheapest candidates re-solved
    repair_arc_limit: int = 30_000  # beyond this many free arcs, parts are repaired greedily
    explain: bool = True


@dataclass(frozen=True, eq=False)
class Solution:
    chosen: np.ndarray  # indices into problem.arcs, sorted
    objective: Objective
    bound: Objective  # the flow relaxation's optimum: no plan does better
    status: str  # "optimal" (proven) or "feasible"
    method: str  # "flow", "flow+repair", "exact" or "greedy-fallback"
    violations_repaired: int
    timings: dict[str, float]
    events: tuple[EventPlan, ...] = field(default=())

    @property
    def is_optimal(self) -> bool:
        return self.status == "optimal"

    def assignments(self, problem: Problem) -> list[tuple[int, int]]:
        """(event index, role model index) pairs."""
        return list(zip(problem.arcs.event[self.chosen].tolist(), problem.arcs.role_model[self.chosen].tolist()))


def solve(problem: Problem, weights: Weights | None = None, settings: SolverSettings | None = None) -> Solution:
    weights, settings = weights or Weights(), settings or SolverSettings()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    costs = arc_costs(problem, weights)
    index = ConflictIndex(problem)
    cliques = interval_cliques(problem) if settings.overlap_groups else None
    lap("prepare")
    chosen = solve_flow(problem, weights, costs, cliques)
    bound = evaluate(problem, weights, chosen, costs)
    lap("flow")
    violations = same_person_arc_pairs(problem, chosen, index)
    status, method = "optimal", "flow"
    if len(violations):
        method = "flow+repair"
        involved = np.unique(problem.arcs.event[violations.ravel()])
        free, fixed = _neighbourhood(problem, costs, chosen, involved, settings.repair_candidates)
        picked, fell_back = [fixed], False
        exact_parts, budget = [], settings.repair_arc_limit
        for part in sorted(independent_parts(problem, free), key=len):
            if len(part) <= budget:
                budget -= len(part)
                exact_parts.append(part)
            else:
                picked.append(_drop_conflicts(problem, np.intersect1d(chosen, part), costs, index))
                fell_back = True
        if exact_parts:
            # one model for all the parts: they share nothing, so its optimum is theirs, and one
            # solve costs far less than one per part (each pays the solver's setup)
            together = np.concatenate(exact_parts)
            near = fixed[np.isin(problem.arcs.role_model[fixed], problem.arcs.role_model[together])]
            fallback = _drop_conflicts(problem, np.intersect1d(chosen, together), costs, index)
            result = solve_exact(problem, weights, costs, together, near, chosen, index, settings.time_limit,
                                 settings.backend, targets=_flow_targets(problem, np.intersect1d(chosen, together)))
            if result.proven or _better(problem, weights, costs, near, result.picked, fallback):
                picked.append(result.picked)
            else:
                picked.append(fallback)
                fell_back = True
        chosen = np.sort(np.concatenate(picked))
        if fell_back:  # too big or too slow to solve exactly: refill the seats the drops freed
            chosen = solve_greedy(problem, weights, start=chosen)
        objective = evaluate(problem, weights, chosen, costs)
        if objective.seats < bound.seats:
            # the relaxation was far from feasible (scarce people, many conflicts): the plain
            # greedy plan can then fill more, so keep the better of the two
            greedy = solve_greedy(problem, weights)
            if evaluate(problem, weights, greedy, costs).key() < objective.key():
                chosen, method = greedy, "greedy-fallback"
        objective = evaluate(problem, weights, chosen, costs)
        status = "optimal" if objective.key() == bound.key() else "feasible"
        lap("repair")
    deadline_left = settings.time_limit - timings.get("repair", 0.0)
    if status != "optimal" and len(problem.arcs) <= settings.exact_arc_limit and deadline_left > 0:
        method = "exact"
        whole = solve_exact(
            problem, weights, costs, np.arange(len(problem.arcs)), np.zeros(0, np.int64), chosen, index,
            deadline_left, settings.backend, targets=(bound.seats, bound.min_seats),
        )
        if evaluate(problem, weights, whole.picked, costs).key() <= evaluate(problem, weights, chosen, costs).key():
            chosen = whole.picked
        status = "optimal" if whole.proven else "feasible"
        lap("exact")
    objective = evaluate(problem, weights, chosen, costs)
    plans: tuple[EventPlan, ...] = ()
    if settings.explain:
        plans = explain(problem, weights, chosen, costs, index, settings.alternatives)
        lap("explain")
    return Solution(
        chosen=chosen,
        objective=objective,
        bound=bound,
        status=status,
        method=method,
        violations_repaired=len(violations),
        timings=timings,
        events=plans,
    )


def _neighbourhood(problem, costs, chosen, involved, per_event):
    """Free arcs: the current choices of the involved events and their cheapest candidates."""
    arcs = problem.arcs
    all_free = np.flatnonzero(np.isin(arcs.event, involved))
    order = all_free[np.lexsort((all_free, costs[all_free], arcs.event[all_free]))]
    event = arcs.event[order]
    rank = np.arange(len(order)) - np.searchsorted(event, event, "left")
    free = np.union1d(order[rank < per_event], np.intersect1d(chosen, all_free))
    return free, np.setdiff1d(chosen, all_free)


def _flow_targets(problem: Problem, flow_arcs: np.ndarray) -> tuple[int, int]:
    """(seats, seats towards minimums) of the relaxation's choices in a neighbourhood.

    No choice of the neighbourhood's arcs does better (the relaxation is optimal and the rest is
    fixed at its values), so reaching both proves the first two stages optimal.
    """
    events = problem.events
    per_event = np.bincount(problem.arcs.event[flow_arcs], minlength=len(events))
    floor = np.minimum(events.role_models_min, events.role_models_max)
    return len(flow_arcs), int(np.minimum(per_event, floor).sum())


def _drop_conflicts(problem, arcs, costs, index) -> np.ndarray:
    """The flow's choices in a part, cheapest first, skipping any that conflicts with a kept one.

    A subset of a cap- and seat-feasible choice, so feasible: the fallback when a part is too
    large or too slow for the exact model.
    """
    kept: dict[int, list[int]] = {}
    out = []
    for arc in arcs[np.argsort(costs[arcs], kind="stable")].tolist():
        r, e = int(problem.arcs.role_model[arc]), int(problem.arcs.event[arc])
        mine = kept.setdefault(r, [])
        if mine and index.conflicting(np.full(len(mine), e), np.array(mine)).any():
            continue
        mine.append(e)
        out.append(arc)
    return np.array(sorted(out), np.int64)


def _better(problem, weights, costs, near, candidate, other) -> bool:
    """Compare two choices for one independent part (the fixed arcs of its people included)."""
    ours = evaluate(problem, weights, np.concatenate([near, candidate]), costs)
    theirs = evaluate(problem, weights, np.concatenate([near, other]), costs)
    return ours.key() <= theirs.key()

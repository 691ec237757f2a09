"""Costs in integer points and the objective every solver (flow, CP-SAT, greedy) is judged by.

The objective is lexicographic: most seats filled first, then most seats counting towards each
event's minimum (an event held with its minimum beats an extra person elsewhere), then the
lowest cost. ``Objective.key()`` orders it (smaller is better).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import Problem, Weights

TERMS = ("topic", "region", "distance", "language", "load", "reliability")


@dataclass(frozen=True, order=False)
class Objective:
    seats: int
    min_seats: int
    cost: int

    def key(self) -> tuple[int, int, int]:
        return (-self.seats, -self.min_seats, self.cost)

    def as_dict(self) -> dict:
        return {"seats": self.seats, "min_seats": self.min_seats, "cost": self.cost}


def arc_cost_terms(problem: Problem, weights: Weights, arcs: np.ndarray | slice = slice(None)) -> dict[str, np.ndarray]:
    """Each weighted preference term (int points) for the selected arcs."""
    a, rms = problem.arcs, problem.role_models
    rm = a.role_model[arcs]
    return {
        "topic": np.rint(weights.topic * (1.0 - a.topic[arcs])).astype(np.int64),
        "region": weights.region * (~a.same_region[arcs]).astype(np.int64),
        "distance": weights.distance * a.distance[arcs],
        "language": weights.language * (~a.language[arcs]).astype(np.int64),
        "load": weights.load * np.minimum(rms.recent_load[rm], weights.load_cap),
        "reliability": np.rint(weights.reliability * (1.0 - rms.reliability[rm])).astype(np.int64),
    }


def arc_costs(problem: Problem, weights: Weights, arcs: np.ndarray | slice = slice(None)) -> np.ndarray:
    terms = arc_cost_terms(problem, weights, arcs)
    total = terms["topic"].copy()
    for name in TERMS[1:]:
        total += terms[name]
    return total


def convex_total(count: np.ndarray, step: int) -> np.ndarray:
    """Sum of marginal costs 0, step, 2*step, ... for the first ``count`` units."""
    count = np.asarray(count, dtype=np.int64)
    return step * count * (count - 1) // 2


def rm_month_of_arcs(problem: Problem, arcs: np.ndarray | slice = slice(None)) -> np.ndarray:
    """A key for the (role model, month) whose cap an arc consumes."""
    return problem.arcs.role_model[arcs] * problem.n_months + problem.events.month[problem.arcs.event[arcs]]


def evaluate(problem: Problem, weights: Weights, chosen: np.ndarray, costs: np.ndarray | None = None) -> Objective:
    """Objective of a set of chosen arcs (indices); feasibility is checked elsewhere."""
    chosen = np.asarray(chosen, dtype=np.int64)
    events = problem.events
    if costs is None:
        arc_total = int(arc_costs(problem, weights, chosen).sum())
    else:
        arc_total = int(costs[chosen].sum())
    per_event = np.bincount(problem.arcs.event[chosen], minlength=len(events))
    min_seats = int(np.minimum(per_event, events.role_models_min).sum())
    family = problem.role_models.family[problem.arcs.role_model[chosen]]
    _, per_family = np.unique(problem.arcs.event[chosen] * 64 + family, return_counts=True)
    _, per_rm_month = np.unique(rm_month_of_arcs(problem, chosen), return_counts=True)
    cost = (
        arc_total
        + int(convex_total(per_family, weights.family_mix).sum())
        + int(convex_total(per_rm_month, weights.spread).sum())
    )
    return Objective(seats=len(chosen), min_seats=min_seats, cost=cost)

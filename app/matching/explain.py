"""Readable explanations: why each person was proposed, who comes next, why seats stay empty.

Codes (translated by the UI):
- preferences satisfied: ``topic`` (shares a topic the school asked for), ``region``,
  ``nearby`` (same département: no distance cost), ``language`` (speaks the language asked for;
  never claimed when none was asked), ``light_load``, ``reliable``, ``family_mix`` (first of
  their job family on the event);
- warnings, what an organizer should see before inviting: ``topic_far`` (topics were asked and
  the person shares none), ``language_missing`` (does not speak the language asked for);
- why a candidate is not on the event: ``caps_reached`` (monthly cap used up),
  ``conflicts`` (proposed on a conflicting event), ``solver_limit`` (free, so the solver stopped
  before proving optimality; never seen on an optimal plan);
- why an event has empty seats: ``no_candidate``, ``too_few_candidates``, plus the candidate
  codes above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .conflicts import ConflictIndex
from .costs import TERMS, arc_cost_terms, rm_month_of_arcs
from .problem import FAMILIES, Problem, Weights

FREE, CAPS_REACHED, CONFLICTS = 0, 1, 2
BLOCK_CODES = {FREE: "solver_limit", CAPS_REACHED: "caps_reached", CONFLICTS: "conflicts"}


@dataclass(frozen=True)
class Candidate:
    arc: int
    role_model: int
    cost: int
    terms: dict[str, int]
    satisfied: tuple[str, ...]
    blocked: str | None = None  # for alternatives: why they are not on the event now
    warnings: tuple[str, ...] = ()
    fit: int = 0  # 0-100, "adéquation": 100 when no preference cost applies (see fit_percent)


@dataclass(frozen=True)
class EventPlan:
    event: int
    assigned: tuple[Candidate, ...]
    alternatives: tuple[Candidate, ...]
    seats_missing: int  # up to role_models_max
    below_min: bool
    reasons: tuple[str, ...] = ()
    reason_counts: dict[str, int] = field(default_factory=dict)


def _satisfied(problem: Problem, arcs: np.ndarray) -> list[tuple[str, ...]]:
    a, rms = problem.arcs, problem.role_models
    rm = a.role_model[arcs]
    flags = {
        "topic": a.topic[arcs] >= 1.0,  # 0.5 means nothing was asked: no claim either way
        "region": a.same_region[arcs],
        "nearby": a.distance[arcs] == 0,  # any distance class above 0 costs points
        "language": a.language[arcs] & a.language_asked[arcs],
        "light_load": rms.recent_load[rm] <= 2,
        "reliable": rms.reliability[rm] >= 0.9,
    }
    return _codes(flags)


def _warnings(problem: Problem, arcs: np.ndarray) -> list[tuple[str, ...]]:
    a = problem.arcs
    return _codes({"topic_far": a.topic[arcs] <= 0.0, "language_missing": ~a.language[arcs]})


def _codes(flags: dict[str, np.ndarray]) -> list[tuple[str, ...]]:
    matrix = np.stack(list(flags.values()), axis=1)
    names = list(flags)
    return [tuple(n for n, ok in zip(names, row) if ok) for row in matrix.tolist()]


def worst_arc_cost(weights: Weights) -> int:
    """The highest preference cost one pair can have (every term at its worst)."""
    return (weights.topic + weights.region + 3 * weights.distance + weights.language
            + weights.load * weights.load_cap + weights.reliability)


def fit_percent(cost: int, weights: Weights) -> int:
    """Cost points (lower is better) as an "adéquation" people read: 100 % for a pair no
    preference costs anything, 0 % for the worst pair. Family mix and spread, which depend on
    the others chosen, are left out."""
    worst = worst_arc_cost(weights)
    if worst <= 0:
        return 100
    return int(round(100 * (1 - min(max(cost, 0), worst) / worst)))


def _candidates(problem, weights, arcs, extra=None, blocked=None) -> list[Candidate]:
    terms = arc_cost_terms(problem, weights, arcs)
    if extra:
        terms.update(extra)
    names = list(terms)
    matrix = np.stack([terms[n] for n in names], axis=1).tolist()
    satisfied = _satisfied(problem, arcs)
    warnings = _warnings(problem, arcs)
    rms = problem.arcs.role_model[arcs].tolist()
    out = []
    for i, arc in enumerate(np.asarray(arcs).tolist()):
        row = dict(zip(names, matrix[i]))
        sat = satisfied[i] + (("family_mix",) if extra and row.get("family_mix") == 0 else ())
        preference_cost = sum(v for k, v in row.items() if k in TERMS)
        out.append(Candidate(arc, rms[i], sum(row.values()), row, sat, None if blocked is None else blocked[i],
                             warnings[i], fit_percent(preference_cost, weights)))
    return out


def candidate_status(problem: Problem, chosen: np.ndarray, arcs: np.ndarray, index: ConflictIndex) -> np.ndarray:
    """FREE / CAPS_REACHED / CONFLICTS for unchosen arcs, given the chosen ones."""
    chosen, arcs = np.asarray(chosen, np.int64), np.asarray(arcs, np.int64)
    status = np.full(len(arcs), FREE, np.int64)
    if not len(arcs):
        return status
    rm, event = problem.arcs.role_model[arcs], problem.arcs.event[arcs]
    ch_rm = problem.arcs.role_model[chosen]
    order = np.argsort(ch_rm, kind="stable")
    ch_rm, ch_event = ch_rm[order], problem.arcs.event[chosen][order]
    lo, hi = np.searchsorted(ch_rm, rm, "left"), np.searchsorted(ch_rm, rm, "right")
    for k in range(int((hi - lo).max())):
        has = lo + k < hi
        hit = np.zeros(len(arcs), bool)
        hit[has] = index.conflicting(event[has], ch_event[lo[has] + k])
        status[hit] = CONFLICTS
    key = rm_month_of_arcs(problem, arcs)
    keys, used = np.unique(rm_month_of_arcs(problem, chosen), return_counts=True)
    used_here = np.zeros(len(arcs), np.int64)
    if len(keys):
        pos = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        used_here = np.where(keys[pos] == key, used[pos], 0)
    status[used_here >= problem.role_models.month_cap.ravel()[key]] = CAPS_REACHED
    return status


def _assigned_marginals(problem: Problem, weights: Weights, chosen: np.ndarray, costs: np.ndarray) -> dict:
    """Share the convex family-mix and spread costs out over the people who cause them."""
    a = problem.arcs
    family = problem.role_models.family[a.role_model[chosen]]
    mix = np.zeros(len(chosen), np.int64)
    spread = np.zeros(len(chosen), np.int64)
    for out, group, inner, step in (
        (mix, a.event[chosen] * len(FAMILIES) + family, costs[chosen], weights.family_mix),
        (spread, rm_month_of_arcs(problem, chosen), problem.events.start[a.event[chosen]], weights.spread),
    ):
        order = np.lexsort((inner, group))
        g = group[order]
        starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1] if len(g) else np.zeros(0, np.int64)
        rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
        out[order] = rank * step
    return {"family_mix": mix, "spread": spread}


def explain(
    problem: Problem,
    weights: Weights,
    chosen: np.ndarray,
    costs: np.ndarray,
    index: ConflictIndex,
    alternatives: int = 3,
) -> tuple[EventPlan, ...]:
    events, a = problem.events, problem.arcs
    chosen = np.sort(np.asarray(chosen, np.int64))
    n_events = len(events)
    is_chosen = np.zeros(len(a), bool)
    is_chosen[chosen] = True
    filled = np.bincount(a.event[chosen], minlength=n_events)
    n_candidates = np.bincount(a.event, minlength=n_events)
    missing = events.role_models_max - filled

    # next-best: the k cheapest unchosen candidates of every event
    unchosen = np.flatnonzero(~is_chosen)
    # by (event, cost, arc): one stable sort of a combined key (unchosen is in arc order)
    key = a.event[unchosen].astype(np.int64) * (int(costs.max(initial=0)) + 1) + costs[unchosen]
    order = unchosen[np.argsort(key, kind="stable")]
    ev = a.event[order]
    first = np.searchsorted(ev, np.arange(n_events))
    rank = np.arange(len(order)) - first[ev]
    alt = order[rank < alternatives]
    # every unchosen candidate of an event with empty seats gets a reason
    short = order[missing[ev] > 0]
    looked_at = np.unique(np.concatenate([alt, short]))
    status = dict(zip(looked_at.tolist(), candidate_status(problem, chosen, looked_at, index).tolist()))

    marginals = _assigned_marginals(problem, weights, chosen, costs)
    assigned = _candidates(problem, weights, chosen, marginals)
    alt_codes = [BLOCK_CODES[status[x]] for x in alt.tolist()]
    alts = _candidates(problem, weights, alt, blocked=alt_codes)
    by_event_assigned: dict[int, list] = {}
    for c, e in zip(assigned, a.event[chosen].tolist()):
        by_event_assigned.setdefault(e, []).append(c)
    by_event_alt: dict[int, list] = {}
    for c, e in zip(alts, a.event[alt].tolist()):
        by_event_alt.setdefault(e, []).append(c)
    counts: dict[int, dict[str, int]] = {}
    for x, e in zip(short.tolist(), a.event[short].tolist()):
        code = BLOCK_CODES[status[x]]
        counts.setdefault(e, {})[code] = counts.setdefault(e, {}).get(code, 0) + 1

    plans = []
    for e in range(n_events):
        reason_counts = dict(sorted(counts.get(e, {}).items(), key=lambda kv: (-kv[1], kv[0])))
        reasons: tuple[str, ...] = ()
        if missing[e] > 0:
            if n_candidates[e] == 0:
                reasons = ("no_candidate",)
            else:
                reasons = tuple(reason_counts)
                if n_candidates[e] < events.role_models_max[e]:
                    reasons = ("too_few_candidates",) + reasons
        plans.append(
            EventPlan(
                event=e,
                assigned=tuple(sorted(by_event_assigned.get(e, ()), key=lambda c: (c.cost, c.arc))),
                alternatives=tuple(by_event_alt.get(e, ())),
                seats_missing=int(missing[e]),
                below_min=bool(filled[e] < events.role_models_min[e]),
                reasons=reasons,
                reason_counts=reason_counts,
            )
        )
    return tuple(plans)


def rank(
    problem: Problem, event: int, weights: Weights | None = None, chosen: np.ndarray | None = None
) -> tuple[Candidate, ...]:
    """Every candidate of one event, cheapest first, for an instant proposal.

    Ranks by the per-arc preference cost (family mix and spread depend on the others chosen).
    With ``chosen`` (a current plan), each candidate says whether the plan blocks them.
    """
    weights = weights or Weights()
    arcs = np.flatnonzero(problem.arcs.event == event)
    blocked = None
    if chosen is not None:
        others = np.asarray(chosen, np.int64)
        others = others[problem.arcs.event[others] != event]
        codes = candidate_status(problem, others, arcs, ConflictIndex(problem))
        blocked = [None if c == FREE else BLOCK_CODES[c] for c in codes.tolist()]
    found = _candidates(problem, weights, arcs, blocked=blocked)
    return tuple(sorted(found, key=lambda c: (c.cost, c.arc)))


__all__ = ["Candidate", "EventPlan", "explain", "fit_percent", "rank", "TERMS"]

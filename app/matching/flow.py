"""The min-cost max-flow relaxation: every constraint except the conflicts between events.

Network (capacities / unit costs):

    source -> event             min seats / 0, then (max - min) seats / B
    event -> (event, family)    parallel unit arcs costing 0, w, 2w, ... (family mix, convex)
    (event, family) -> person   one unit arc per candidate, its preference cost
    person -> (person, month)   through a (person, overlap group) node of capacity 1 when the
                                person has two candidates whose events all overlap
    (person, month) -> sink     parallel unit arcs costing 0, s, 2s, ... up to the remaining cap

``solve_max_flow_with_min_cost`` maximises seats, then minimises cost. B exceeds any cost
difference between two solutions, so among maximal fillings the one reaching more minimums
wins. Overlap groups (``conflicts.interval_cliques``) forbid a person two events of one group
exactly; conflicts *between* groups are left to the repair step, which is why the result is a
relaxation: its optimum bounds the true optimum, and equals it when no conflict is violated.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from .costs import rm_month_of_arcs
from .problem import FAMILIES, Problem, Weights


class FlowError(RuntimeError):
    """OR-Tools could not solve the flow network (should not happen on valid input)."""


def _ragged_arange(counts: np.ndarray) -> np.ndarray:
    """For counts [2, 3] -> [0, 1, 0, 1, 2]."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def solve_flow(problem: Problem, weights: Weights, costs: np.ndarray, cliques: np.ndarray | None) -> np.ndarray:
    """Indices of the arcs chosen by the relaxation, sorted."""
    events, arcs = problem.events, problem.arcs
    n_events, n_arcs = len(events), len(arcs)
    if n_arcs == 0:
        return np.zeros(0, np.int64)
    tails, heads, caps, unit = [], [], [], []

    def add(tail, head, cap, cost):
        tails.append(np.asarray(tail, np.int64))
        heads.append(np.asarray(head, np.int64))
        caps.append(np.asarray(cap, np.int64))
        unit.append(np.asarray(cost, np.int64))

    source, sink, first_event = 0, 1, 2
    next_node = first_event + n_events

    # (event, family) nodes and their parallel arcs from the event.
    family = problem.role_models.family[arcs.role_model]
    ef_key = arcs.event * len(FAMILIES) + family
    ef_keys, arc_ef, ef_count = np.unique(ef_key, return_inverse=True, return_counts=True)
    ef_node = next_node + np.arange(len(ef_keys))
    next_node += len(ef_keys)
    ef_event = ef_keys // len(FAMILIES)
    parallel = np.minimum(ef_count, events.role_models_max[ef_event])
    k = _ragged_arange(parallel)
    add(first_event + np.repeat(ef_event, parallel), np.repeat(ef_node, parallel), np.ones_like(k), k * weights.family_mix)

    # (person, month) nodes and their parallel arcs to the sink.
    rmm_keys, arc_rmm, rmm_count = np.unique(rm_month_of_arcs(problem), return_inverse=True, return_counts=True)
    rmm_node = next_node + np.arange(len(rmm_keys))
    next_node += len(rmm_keys)
    cap = problem.role_models.month_cap.ravel()[rmm_keys]
    parallel = np.minimum(rmm_count, cap)
    k = _ragged_arange(parallel)
    add(np.repeat(rmm_node, parallel), np.full(len(k), sink), np.ones_like(k), k * weights.spread)

    # Candidate arcs, through overlap-group nodes where a person has 2+ arcs in one group.
    head = rmm_node[arc_rmm]
    if cliques is not None:
        group_key = arcs.role_model * (int(cliques.max()) + 1) + cliques[arcs.event]
        g_keys, arc_group, g_count = np.unique(group_key, return_inverse=True, return_counts=True)
        shared = g_count >= 2
        g_node = np.full(len(g_keys), -1, np.int64)
        g_node[shared] = next_node + np.arange(int(shared.sum()))
        next_node += int(shared.sum())
        through = shared[arc_group]
        # every arc of a group feeds the same (person, month) node: groups never span months
        g_rmm = np.zeros(len(g_keys), np.int64)
        g_rmm[arc_group] = head
        add(g_node[shared], g_rmm[shared], np.ones(int(shared.sum())), np.zeros(int(shared.sum())))
        head = np.where(through, g_node[arc_group], head)
    first_candidate_arc = sum(len(t) for t in tails)
    add(ef_node[arc_ef], head, np.ones(n_arcs), costs)

    seats_bound = int(min(events.role_models_max.sum(), n_arcs))
    bonus = _minimum_bonus(problem, weights, costs, tails, heads, caps, first_event, seats_bound)
    floor = np.minimum(events.role_models_min, events.role_models_max)
    add(np.full(n_events, source), first_event + np.arange(n_events), floor, np.zeros(n_events))
    add(np.full(n_events, source), first_event + np.arange(n_events), events.role_models_max - floor,
        np.full(n_events, bonus))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(unit)
    )
    flow.set_node_supply(source, seats_bound)
    flow.set_node_supply(sink, -seats_bound)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise FlowError(f"min cost flow status {status}")
    used = flow.flows(np.arange(first_candidate_arc, first_candidate_arc + n_arcs))
    return np.flatnonzero(used > 0)


def _minimum_bonus(problem, weights, costs, tails, heads, caps, first_event, seats_bound) -> int:
    """The cost B put on seats above an event's minimum, or 0 when it cannot matter.

    When a maximum flow fills every seat of every event, so does every maximum flow, and all
    minimums are met whatever the costs: B = 0 then keeps the cost range (and solve time) small.
    """
    events = problem.events
    n_events = len(events)
    check = max_flow.SimpleMaxFlow()
    check.add_arcs_with_capacity(
        np.concatenate(tails + [np.zeros(n_events, np.int64)]),
        np.concatenate(heads + [first_event + np.arange(n_events)]),
        np.concatenate(caps + [events.role_models_max]),
    )
    if check.solve(0, 1) == check.OPTIMAL and check.optimal_flow() == int(events.role_models_max.sum()):
        return 0
    path_cost = int(costs.max()) + weights.family_mix * int(events.role_models_max.max()) + weights.spread * int(
        problem.role_models.month_cap.max()
    )
    return 1 + seats_bound * max(path_cost, 1)

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

On large instances most candidate arcs are far too dear to be used. The network is then first
solved with only the arcs likely to matter; shortest-path potentials on its residual network
prove that no left-out arc has a negative reduced cost (else those arcs join and it is solved
again). The proof makes the answer the optimum of the whole network, not an approximation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from .costs import rm_month_of_arcs
from .problem import FAMILIES, Problem, Weights


class FlowError(RuntimeError):
    """OR-Tools could not solve the flow network (should not happen on valid input)."""


def _group(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True, return_counts=True)`` for keys in [0, size),
    by counting instead of sorting (1.7 million keys: a tenth of the time)."""
    count = np.bincount(keys, minlength=size)
    present = np.flatnonzero(count)
    position = np.zeros(size, np.int64)
    position[present] = np.arange(len(present))
    return present, position[keys], count[present]


def _ragged_arange(counts: np.ndarray) -> np.ndarray:
    """For counts [2, 3] -> [0, 1, 0, 1, 2]."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def solve_flow(problem: Problem, weights: Weights, costs: np.ndarray, cliques: np.ndarray | None,
               prune_above: int = 200_000, start: np.ndarray | None = None) -> np.ndarray:
    """Indices of the arcs chosen by the relaxation, sorted.

    Beyond ``prune_above`` candidate arcs, the flow is first solved on the arcs likely to matter
    (``start``, a boolean mask over the arcs, when given) and proven optimal for all of them by
    pricing: same optimum, in about half the time on the national week.
    """
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

    # (event, family) nodes and their parallel arcs from the event. A family that can send at
    # most one person (one candidate, or a one-seat event) costs nothing extra: its candidate
    # arcs leave the event node itself, which keeps the network (and the solve) smaller.
    family = problem.role_models.family[arcs.role_model]
    ef_key = arcs.event * len(FAMILIES) + family
    ef_keys, arc_ef, ef_count = _group(ef_key, n_events * len(FAMILIES))
    ef_event = ef_keys // len(FAMILIES)
    parallel = np.minimum(ef_count, events.role_models_max[ef_event])
    own = parallel >= 2
    ef_node = first_event + ef_event
    ef_node[own] = next_node + np.arange(int(own.sum()))
    next_node += int(own.sum())
    parallel = parallel[own]
    k = _ragged_arange(parallel)
    add(first_event + np.repeat(ef_event[own], parallel), np.repeat(ef_node[own], parallel), np.ones_like(k),
        k * weights.family_mix)

    # (person, month) nodes and their parallel arcs to the sink.
    rmm_keys, arc_rmm, rmm_count = _group(rm_month_of_arcs(problem), len(problem.role_models) * problem.n_months)
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

    floor = np.minimum(events.role_models_min, events.role_models_max)
    source_tails = np.full(n_events, source)
    event_nodes = first_event + np.arange(n_events)
    network = _Network(np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(unit),
                       first_candidate_arc, n_arcs)
    if n_arcs > prune_above:
        # When a flow gives every event as many people as it has seats and candidates, every
        # maximum flow does, and B (see _minimum_bonus) is 0. That flow is sought on a subset of
        # the candidate arcs and kept only when potentials prove it optimal for all of them.
        reachable = np.minimum(events.role_models_max, np.bincount(arcs.event, minlength=n_events))
        filled = network.with_arcs(source_tails, event_nodes, reachable, np.zeros(n_events, np.int64))
        if start is None:
            start = _likely_arcs(problem, weights, costs)
        chosen = _solve_pruned(filled, start, source, sink, int(reachable.sum()))
        if chosen is not None:
            return chosen
    seats_bound = int(min(events.role_models_max.sum(), n_arcs))
    bonus = _minimum_bonus(problem, weights, costs, network, first_event, seats_bound)
    network = network.with_arcs(source_tails, event_nodes, floor, np.zeros(n_events, np.int64))
    network = network.with_arcs(source_tails, event_nodes, events.role_models_max - floor, np.full(n_events, bonus))
    flow = network.solver(np.ones(n_arcs, bool))
    flow.set_node_supply(source, seats_bound)
    flow.set_node_supply(sink, -seats_bound)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise FlowError(f"min cost flow status {status}")
    used = flow.flows(np.arange(first_candidate_arc, first_candidate_arc + n_arcs))
    return np.flatnonzero(used > 0)


@dataclass(frozen=True)
class _Network:
    """Arc arrays of the flow network; candidate arcs are ``[first_candidate, first_candidate + n_candidates)``."""

    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    unit: np.ndarray
    first_candidate: int
    n_candidates: int

    def with_arcs(self, tail, head, cap, cost) -> "_Network":
        return replace(
            self,
            tails=np.concatenate([self.tails, tail]),
            heads=np.concatenate([self.heads, head]),
            caps=np.concatenate([self.caps, np.asarray(cap, np.int64)]),
            unit=np.concatenate([self.unit, np.asarray(cost, np.int64)]),
        )

    def mask(self, candidates: np.ndarray) -> np.ndarray:
        """Which arcs are in the network when only the ``candidates`` (boolean, per candidate) stay."""
        keep = np.ones(len(self.tails), bool)
        keep[self.first_candidate:self.first_candidate + self.n_candidates] = candidates
        return keep

    def solver(self, candidates: np.ndarray) -> min_cost_flow.SimpleMinCostFlow:
        keep = self.mask(candidates)
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(self.tails[keep], self.heads[keep], self.caps[keep], self.unit[keep])
        return flow


def _likely_arcs(problem: Problem, weights: Weights, costs: np.ndarray) -> np.ndarray:
    """Candidate arcs an optimal plan is likely to use (boolean mask), about a quarter of them.

    Kept: each event's arcs costing at most its (3 x seats)-th cheapest candidate plus one
    convex step (what one more person of a family, or one more engagement, costs). Whatever
    is left out that should not have been is found by pricing and added back.
    """
    events, event = problem.events, problem.arcs.event
    rank = _rank_in_group(event, costs)
    wanted = np.minimum(3 * events.role_models_max, np.bincount(event, minlength=len(events)))
    reference = np.zeros(len(events), np.int64)
    at = rank == wanted[event] - 1
    reference[event[at]] = costs[at]
    return costs <= reference[event] + max(weights.family_mix, weights.spread)


def _rank_in_group(group: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Each arc's rank by cost among the arcs of its group (0 = cheapest; ties in any order)."""
    order = np.argsort(group.astype(np.int64) * (int(cost.max()) + 1) + cost)
    grouped = group[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.empty(len(group), np.int64)
    rank[order] = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    return rank


def _solve_pruned(network: _Network, keep: np.ndarray, source: int, sink: int, seats: int,
                  rounds: int = 3) -> np.ndarray | None:
    """Min-cost flow filling every seat on the ``keep`` arcs, proven optimal for all of them.

    After each solve, node potentials (shortest distances in the residual network) certify the
    flow optimal on the arcs it had; a left-out arc with a negative reduced cost against them
    could improve it, so those arcs join and the subset is solved again. None when every seat
    cannot be filled on the subset, or after ``rounds`` without a proof: the caller then solves
    the whole network.
    """
    keep = keep.copy()
    n_nodes = int(max(network.tails.max(), network.heads.max())) + 1
    for _ in range(rounds):
        flow = network.solver(keep)
        flow.set_node_supply(source, seats)
        flow.set_node_supply(sink, -seats)
        if flow.solve() != flow.OPTIMAL:
            return None
        arcs = network.mask(keep)
        used = flow.flows(np.arange(int(arcs.sum())))
        potential = _potentials(network.tails[arcs], network.heads[arcs], network.caps[arcs], network.unit[arcs], used,
                                n_nodes)
        if potential is None:
            return None
        first, n = network.first_candidate, network.n_candidates
        reduced = (network.unit[first:first + n] + potential[network.tails[first:first + n]]
                   - potential[network.heads[first:first + n]])
        better = ~keep & (reduced < 0)
        if not better.any():
            candidate_flow = np.zeros(n, np.int64)
            position = np.cumsum(arcs) - 1  # index of each kept arc in the solver
            candidate_flow[keep] = used[position[first:first + n][keep]]
            return np.flatnonzero(candidate_flow > 0)
        keep |= better
    return None


def _potentials(tails, heads, caps, unit, flows, n_nodes: int, max_rounds: int = 5_000) -> np.ndarray | None:
    """Shortest distances from a virtual root to every node of the residual network.

    They satisfy d[head] <= d[tail] + cost on every residual arc, which is the optimality
    certificate of the flow. Bellman-Ford, one vectorised pass over all arcs per round; None
    if it does not settle (it always does on an optimal flow, which has no negative cycle).
    """
    forward, backward = flows < caps, flows > 0
    tail = np.concatenate([tails[forward], heads[backward]])
    head = np.concatenate([heads[forward], tails[backward]])
    cost = np.concatenate([unit[forward], -unit[backward]])
    order = np.argsort(head, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    starts = np.flatnonzero(np.r_[True, head[1:] != head[:-1]])
    nodes = head[starts]
    distance = np.zeros(n_nodes, np.int64)
    for _ in range(max_rounds):
        best = np.minimum(distance[nodes], np.minimum.reduceat(distance[tail] + cost, starts))
        if np.array_equal(best, distance[nodes]):
            return distance
        distance[nodes] = best
    return None


def _minimum_bonus(problem, weights, costs, network, first_event, seats_bound) -> int:
    """The cost B put on seats above an event's minimum, or 0 when it cannot matter.

    When a maximum flow fills every seat of every event, so does every maximum flow, and all
    minimums are met whatever the costs: B = 0 then keeps the cost range (and solve time) small.
    """
    events = problem.events
    n_events = len(events)
    check = max_flow.SimpleMaxFlow()
    check.add_arcs_with_capacity(
        np.concatenate([network.tails, np.zeros(n_events, np.int64)]),
        np.concatenate([network.heads, first_event + np.arange(n_events)]),
        np.concatenate([network.caps, events.role_models_max]),
    )
    if check.solve(0, 1) == check.OPTIMAL and check.optimal_flow() == int(events.role_models_max.sum()):
        return 0
    path_cost = int(costs.max()) + weights.family_mix * int(events.role_models_max.max()) + weights.spread * int(
        problem.role_models.month_cap.max()
    )
    return 1 + seats_bound * max(path_cost, 1)

"""The flow solved on a subset of arcs and proven by pricing has the whole network's optimum."""

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.matching import flow
from app.matching.costs import arc_costs, evaluate
from app.matching.problem import Weights

from .instances import make_problem, random_problem

WEIGHTS = Weights()


def _whole(problem, costs):
    return flow.solve_flow(problem, WEIGHTS, costs, None, prune_above=10**9)


@settings(settings.get_profile("matching"))
@given(seed=st.integers(0, 2**32 - 1), n_events=st.integers(1, 10), n_rms=st.integers(1, 12),
       share=st.sampled_from([0.0, 0.2, 0.5, 0.9]), roomy=st.booleans())
def test_any_starting_subset_reaches_the_whole_networks_optimum(seed, n_events, n_rms, share, roomy):
    problem = random_problem(seed, n_events, n_rms, 0.6)
    if roomy:  # people to spare, so every seat fills and pricing (not the fallback) decides
        problem = _roomy(problem)
    costs = arc_costs(problem, WEIGHTS)
    start = np.random.default_rng(seed).random(len(problem.arcs)) < share
    pruned = flow.solve_flow(problem, WEIGHTS, costs, None, prune_above=0, start=start)
    assert evaluate(problem, WEIGHTS, pruned, costs) == evaluate(problem, WEIGHTS, _whole(problem, costs), costs)


def test_the_likely_subset_is_used_on_its_own_when_pricing_proves_it(monkeypatch):
    monkeypatch.setattr(flow, "_minimum_bonus", _must_not_run)  # the whole-network path
    # every seat fills here, so pricing settles it on the subset
    problem = _every_seat_fillable()
    costs = arc_costs(problem, WEIGHTS)
    chosen = flow.solve_flow(problem, WEIGHTS, costs, None, prune_above=0)
    assert len(chosen) == 2


def test_pricing_brings_back_a_cheaper_arc_left_out():
    # one seat, two people: the subset holds only the dearer one; pricing finds the cheaper one
    problem = make_problem(
        events=[{"start": 0, "end": 60}],
        role_models=[{}, {}],
        arcs=[{"event": 0, "rm": 0, "distance": 3}, {"event": 0, "rm": 1, "distance": 0}],
    )
    costs = arc_costs(problem, WEIGHTS)
    assert costs[0] > costs[1]
    network_solves = []
    original = flow._Network.solver

    def counting(self, candidates):
        network_solves.append(candidates.copy())
        return original(self, candidates)

    flow._Network.solver = counting
    try:
        chosen = flow.solve_flow(problem, WEIGHTS, costs, None, prune_above=0, start=np.array([True, False]))
    finally:
        flow._Network.solver = original
    assert chosen.tolist() == [1]
    assert [s.tolist() for s in network_solves] == [[True, False], [True, True]]


def test_a_subset_that_cannot_fill_every_seat_falls_back_to_the_whole_network():
    problem = make_problem(
        events=[{"start": 0, "end": 60, "max": 2}],
        role_models=[{}, {}, {}],
        arcs=[{"event": 0, "rm": r} for r in range(3)],
    )
    costs = arc_costs(problem, WEIGHTS)
    chosen = flow.solve_flow(problem, WEIGHTS, costs, None, prune_above=0, start=np.array([True, False, False]))
    assert len(chosen) == 2


def _roomy(problem):
    role_models = replace(problem.role_models, month_cap=np.full_like(problem.role_models.month_cap, 9))
    events = replace(problem.events, role_models_max=np.ones_like(problem.events.role_models_max),
                     role_models_min=np.ones_like(problem.events.role_models_min))
    return replace(problem, role_models=role_models, events=events)


def _every_seat_fillable():
    return make_problem(
        events=[{"start": 0, "end": 60}, {"start": 600, "end": 660}],
        role_models=[{"cap": 2}, {"cap": 2}, {}],
        arcs=[{"event": e, "rm": r, "distance": r} for e in range(2) for r in range(3)],
    )


def _must_not_run(*args, **kwargs):
    raise AssertionError("the whole network was solved")

"""The solver's objective equals an exact optimum, on small random instances (Hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.matching.greedy import solve_greedy
from app.matching.problem import Weights
from app.matching.solver import SolverSettings, solve

from .instances import brute_force, hard_violations, random_problem, reference_ilp, reference_objective

WEIGHTS = Weights()
seeds = st.integers(0, 2**32 - 1)


@settings(settings.get_profile("matching"))
@given(seed=seeds, n_events=st.integers(1, 4), n_rms=st.integers(1, 4), density=st.sampled_from([0.3, 0.5, 0.8]))
def test_objective_equals_brute_force_on_tiny_instances(seed, n_events, n_rms, density):
    problem = random_problem(seed, n_events, n_rms, density)
    if len(problem.arcs) > 11:
        problem = random_problem(seed, n_events, n_rms, 0.3)
    solution = solve(problem, WEIGHTS)
    assert hard_violations(problem, solution.chosen) == []
    assert solution.status == "optimal"
    assert reference_objective(problem, WEIGHTS, solution.chosen) == solution.objective.key()
    if len(problem.arcs) <= 11:
        assert solution.objective.key() == brute_force(problem, WEIGHTS)


@settings(settings.get_profile("matching"))
@given(seed=seeds, n_events=st.integers(2, 8), n_rms=st.integers(2, 8), n_months=st.integers(1, 2))
def test_objective_equals_exact_ilp_and_beats_greedy(seed, n_events, n_rms, n_months):
    problem = random_problem(seed, n_events, n_rms, 0.5, n_months)
    solution = solve(problem, WEIGHTS)
    assert hard_violations(problem, solution.chosen) == []
    assert solution.status == "optimal"
    assert solution.objective.key() == reference_ilp(problem, WEIGHTS)
    # the flow relaxation is a true bound
    assert solution.bound.key() <= solution.objective.key()
    greedy = solve_greedy(problem, WEIGHTS)
    assert hard_violations(problem, greedy) == []
    assert solution.objective.seats >= len(greedy)
    assert solution.objective.key() <= reference_objective(problem, WEIGHTS, greedy)


@settings(settings.get_profile("matching"))
@given(seed=seeds, n_events=st.integers(2, 8), n_rms=st.integers(2, 8))
def test_flow_and_repair_alone_are_feasible_bounded_and_honest(seed, n_events, n_rms):
    """Without the whole-instance CP-SAT step: still feasible; "optimal" only when it is."""
    problem = random_problem(seed, n_events, n_rms, 0.5)
    solution = solve(problem, WEIGHTS, SolverSettings(exact_arc_limit=0))
    assert hard_violations(problem, solution.chosen) == []
    optimum = reference_ilp(problem, WEIGHTS)
    assert solution.bound.key() <= optimum <= solution.objective.key()
    if solution.status == "optimal":
        assert solution.objective.key() == optimum
    if solution.method == "flow":
        assert solution.status == "optimal"


@settings(settings.get_profile("matching"))
@given(seed=seeds, n_events=st.integers(1, 8), n_rms=st.integers(1, 8))
def test_explained_costs_add_up_to_the_objective(seed, n_events, n_rms):
    problem = random_problem(seed, n_events, n_rms, 0.5)
    solution = solve(problem, WEIGHTS)
    assigned = [c for plan in solution.events for c in plan.assigned]
    assert sorted(c.arc for c in assigned) == sorted(solution.chosen.tolist())
    assert sum(c.cost for c in assigned) == solution.objective.cost
    for plan in solution.events:
        if plan.seats_missing:
            assert plan.reasons, plan
            assert "solver_limit" not in plan.reasons

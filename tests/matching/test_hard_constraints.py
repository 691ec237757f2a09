"""One test per hard constraint: the solver never breaks it, and says why seats stay empty."""

import numpy as np
import pytest

from app.matching.conflicts import travel_conflicts
from app.matching.explain import rank
from app.matching.problem import InvalidProblem, Weights
from app.matching.solver import SolverSettings, solve

from .instances import hard_violations, make_problem

# exact_arc_limit=0: no whole-instance exact solve, so the flow and repair steps alone are tested
FLOW_ONLY = SolverSettings(exact_arc_limit=0)


def test_never_more_people_than_seats():
    problem = make_problem(
        events=[{"start": 0, "end": 60, "max": 2}],
        role_models=[{} for _ in range(5)],
        arcs=[{"event": 0, "rm": r} for r in range(5)],
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert solution.objective.seats == 2
    assert hard_violations(problem, solution.chosen) == []
    assert solution.events[0].seats_missing == 0 and solution.events[0].reasons == ()
    assert len(solution.events[0].alternatives) == 3


def test_monthly_cap_is_never_exceeded_and_named_as_the_reason():
    # one person, cap 1, three events at different times: only one can have them
    problem = make_problem(
        events=[{"start": 0, "end": 60}, {"start": 600, "end": 660}, {"start": 1200, "end": 1260}],
        role_models=[{"cap": 1}],
        arcs=[{"event": e, "rm": 0} for e in range(3)],
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert solution.objective.seats == 1
    assert hard_violations(problem, solution.chosen) == []
    unfilled = [plan for plan in solution.events if plan.seats_missing]
    assert len(unfilled) == 2
    for plan in unfilled:
        assert plan.reasons == ("caps_reached",)
        assert plan.alternatives[0].blocked == "caps_reached"


def test_cap_counts_per_month():
    problem = make_problem(
        events=[{"start": 0, "end": 60, "month": 0}, {"start": 600, "end": 660, "month": 1}],
        role_models=[{"cap": [1, 1]}],
        arcs=[{"event": 0, "rm": 0}, {"event": 1, "rm": 0}],
    )
    assert solve(problem, settings=FLOW_ONLY).objective.seats == 2


def test_no_cap_left_means_never_proposed():
    problem = make_problem(
        events=[{"start": 0, "end": 60}], role_models=[{"cap": 0}], arcs=[{"event": 0, "rm": 0}]
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert solution.objective.seats == 0
    assert solution.events[0].reasons == ("caps_reached",)


def test_never_on_two_overlapping_events():
    problem = make_problem(
        events=[{"start": 0, "end": 120}, {"start": 60, "end": 180}],
        role_models=[{"cap": 5}],
        arcs=[{"event": 0, "rm": 0}, {"event": 1, "rm": 0}],
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert solution.objective.seats == 1
    assert hard_violations(problem, solution.chosen) == []
    assert [plan.reasons for plan in solution.events if plan.seats_missing] == [("conflicts",)]


def test_overlap_chains_across_groups_are_repaired():
    # A [0,120) and B [100,200) share an overlap group; C [150,260) overlaps B in another group,
    # so the flow alone may put one person on B and C: the repair step must undo it.
    problem = make_problem(
        events=[{"start": 0, "end": 120}, {"start": 100, "end": 200}, {"start": 150, "end": 260}],
        role_models=[{"cap": 3}, {"cap": 3, "reliability": 0.0}],
        arcs=[{"event": 1, "rm": 0}, {"event": 2, "rm": 0}, {"event": 2, "rm": 1, "topic": 0.0}],
    )
    for overlap_groups in (False, True):
        settings = SolverSettings(exact_arc_limit=0, overlap_groups=overlap_groups)
        solution = solve(problem, settings=settings)
        assert hard_violations(problem, solution.chosen) == []
        assert sorted(solution.assignments(problem)) == [(1, 0), (2, 1)]
        assert solution.method == "flow+repair"
        assert solution.bound.key() < solution.objective.key()  # so not proven by the bound alone
    assert solve(problem).status == "optimal"  # small enough for the whole-instance exact model


def test_never_on_two_events_too_far_apart_on_the_same_day():
    start, end, day, place = [540, 660], [630, 750], [0, 0], [0, 1]
    gap = np.array([[30, 120], [120, 30]])
    pairs = travel_conflicts(start, end, day, place, gap)
    assert pairs.tolist() == [[0, 1]]  # 30 minutes between them, 120 needed
    problem = make_problem(
        events=[{"start": s, "end": e} for s, e in zip(start, end)],
        role_models=[{"cap": 2}, {"cap": 2, "load": 5}],
        arcs=[{"event": 0, "rm": 0}, {"event": 1, "rm": 0}, {"event": 1, "rm": 1}],
        conflicts=pairs.tolist(),
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert hard_violations(problem, solution.chosen) == []
    assert solution.assignments(problem) in ([(0, 0), (1, 1)], [(1, 1), (0, 0)])
    # the same events in one département are reachable
    assert travel_conflicts(start, end, day, [0, 0], gap).tolist() == []


def test_no_candidate_and_too_few_candidates_are_named():
    problem = make_problem(
        events=[{"start": 0, "end": 60}, {"start": 0, "end": 60, "min": 2, "max": 3}],
        role_models=[{}],
        arcs=[{"event": 1, "rm": 0}],
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert solution.events[0].reasons == ("no_candidate",)
    assert solution.events[1].reasons == ("too_few_candidates",)
    assert solution.events[1].below_min


def test_minimums_come_before_extra_seats():
    # one person, two events at the same time: the one needing them to be held wins
    problem = make_problem(
        events=[{"start": 0, "end": 60, "min": 0, "max": 1}, {"start": 0, "end": 60, "min": 1, "max": 1}],
        role_models=[{}],
        arcs=[{"event": 0, "rm": 0}, {"event": 1, "rm": 0, "topic": 0.0, "distance": 3}],
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert solution.assignments(problem) == [(1, 0)]


def test_family_mix_prefers_a_mixed_panel():
    problem = make_problem(
        events=[{"start": 0, "end": 60, "min": 2, "max": 2}],
        role_models=[{"family": 2}, {"family": 2}, {"family": 0, "load": 1}],
        arcs=[{"event": 0, "rm": r} for r in range(3)],
    )
    solution = solve(problem, settings=FLOW_ONLY)
    assert sorted(r for _, r in solution.assignments(problem)) in ([0, 2], [1, 2])
    assert all("family_mix" in c.satisfied for c in solution.events[0].assigned)


def test_rank_orders_candidates_and_flags_the_blocked():
    problem = make_problem(
        events=[{"start": 0, "end": 60}, {"start": 30, "end": 90}],
        role_models=[{"cap": 2}, {"cap": 2}],
        arcs=[{"event": 0, "rm": 0}, {"event": 0, "rm": 1, "topic": 0.0}, {"event": 1, "rm": 0}],
    )
    ranked = rank(problem, 0, Weights())
    assert [c.role_model for c in ranked] == [0, 1]
    assert ranked[1].terms["topic"] == Weights().topic
    ranked = rank(problem, 0, Weights(), chosen=np.array([2]))  # rm 0 already on event 1
    assert [c.blocked for c in ranked] == ["conflicts", None]


@pytest.mark.parametrize(
    "change",
    [
        {"events": [{"start": 60, "end": 60}]},
        {"events": [{"start": 0, "end": 60, "min": 3, "max": 2}]},
        {"arcs": [{"event": 0, "rm": 7}]},
        {"arcs": [{"event": 0, "rm": 0}, {"event": 0, "rm": 0}]},
        {"arcs": [{"event": 0, "rm": 0, "topic": 1.5}]},
    ],
)
def test_inconsistent_input_is_a_clear_error(change):
    spec = {"events": [{"start": 0, "end": 60}], "role_models": [{}], "arcs": [{"event": 0, "rm": 0}]}
    with pytest.raises(InvalidProblem):
        make_problem(**{**spec, **change})


def test_empty_problem():
    problem = make_problem(events=[{"start": 0, "end": 60}], role_models=[{}], arcs=[])
    solution = solve(problem)
    assert solution.objective.seats == 0 and solution.status == "optimal"
    assert solution.events[0].reasons == ("no_candidate",)

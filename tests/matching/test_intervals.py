"""IntervalSet (candidate building's bulk availability questions) against a brute-force answer."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.matching.intervals import IntervalSet

interval = st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 40))
query = st.tuples(st.integers(0, 4), st.integers(0, 45), st.integers(1, 10))


def brute(intervals, group, start, end):
    mine = [(s, e) for g, s, e in intervals if g == group and e > s]
    overlaps = any(s < end and start < e for s, e in mine)
    # covers: the union of the person's intervals holds [start, end) without a gap
    covered = set()
    for s, e in mine:
        covered.update(range(s, e))
    covers = all(t in covered for t in range(start, end))
    return overlaps, covers


@settings(max_examples=300, deadline=None)
@given(st.lists(interval, max_size=12), st.lists(query, min_size=1, max_size=20))
def test_answers_match_brute_force(intervals, queries):
    groups, starts, ends = zip(*intervals) if intervals else ((), (), ())
    found = IntervalSet(groups, starts, ends)
    g = np.array([q[0] for q in queries])
    s = np.array([q[1] for q in queries])
    e = s + np.array([q[2] for q in queries])
    overlaps, covers = found.overlaps(g, s, e), found.covers(g, s, e)
    for i, (group, start, _) in enumerate(queries):
        assert (overlaps[i], covers[i]) == brute(intervals, group, start, int(e[i])), (intervals, queries[i])


def test_touching_intervals_merge_and_a_gap_does_not():
    found = IntervalSet([0, 0, 0], [540, 660, 800], [660, 720, 900])
    assert found.covers([0, 0], [600, 700], [700, 820]).tolist() == [True, False]
    assert found.overlaps([0, 1], [720, 0], [800, 2000]).tolist() == [False, False]


def test_times_out_of_range_are_refused():
    import pytest

    with pytest.raises(ValueError):
        IntervalSet([0], [-1], [5])

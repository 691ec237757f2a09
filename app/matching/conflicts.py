"""Which events one person cannot both attend.

Two events conflict when their [start, end) intervals overlap, or when the pair is listed in
``Problem.conflicts``. The listed pairs are person-independent: candidate building (or
``travel_conflicts``) lists same-day pairs that are too close in time for the distance between
them. Conflicts with *existing* engagements are not here: candidate building drops those arcs.
"""

from __future__ import annotations

import numpy as np

from .problem import Problem


def travel_conflicts(
    start: np.ndarray, end: np.ndarray, day: np.ndarray, place: np.ndarray, gap: np.ndarray
) -> np.ndarray:
    """Same-day, non-overlapping event pairs (i, j) whose gap is shorter than needed.

    ``gap[place_i, place_j]`` is the time needed between two events (e.g. 30 min within a
    département, 90 min to a neighbouring one, more beyond). Returns a (C, 2) array, i < j.
    """
    start, end, day, place = (np.asarray(x, dtype=np.int64) for x in (start, end, day, place))
    gap = np.asarray(gap, dtype=np.int64)
    order = np.lexsort((start, day))
    s_start, s_day = start[order], day[order]
    # For each event i (as the earlier one), the events j starting in [end_i, end_i + max gap)
    # on the same day; overlapping pairs (start_j < end_i) are conflicts anyway.
    key_start = s_day * (1 << 40) + s_start
    lo = np.searchsorted(key_start, day * (1 << 40) + end, side="left")
    hi = np.searchsorted(key_start, day * (1 << 40) + end + gap.max(), side="left")
    counts = hi - lo
    first = np.repeat(np.arange(len(start)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    second = order[np.repeat(lo, counts) + offsets]
    needed = gap[place[first], place[second]]
    keep = start[second] - end[first] < needed
    pairs = np.stack([first[keep], second[keep]], axis=1)
    return np.sort(pairs, axis=1)


class ConflictIndex:
    """Answers "do events a and b conflict?" for arrays of pairs, without Python sets."""

    def __init__(self, problem: Problem):
        self.start, self.end = problem.events.start, problem.events.end
        self.n = len(problem.events)
        pairs = problem.conflicts
        self.keys = np.unique(pairs[:, 0] * self.n + pairs[:, 1])

    def conflicting(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        overlap = (self.start[a] < self.end[b]) & (self.start[b] < self.end[a])
        if not len(self.keys):
            return overlap
        key = np.minimum(a, b) * self.n + np.maximum(a, b)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return overlap | (self.keys[pos] == key)


def same_person_arc_pairs(problem: Problem, arcs: np.ndarray, index: ConflictIndex) -> np.ndarray:
    """Pairs (i, j) of the given arc indices that put one role model on two conflicting events."""
    arcs = np.asarray(arcs, dtype=np.int64)
    if len(arcs) < 2:
        return np.zeros((0, 2), np.int64)
    rm = problem.arcs.role_model[arcs]
    arcs = arcs[np.argsort(rm, kind="stable")]
    rm = problem.arcs.role_model[arcs]
    _, group_size = np.unique(rm, return_counts=True)
    found = []
    for k in range(1, int(group_size.max())):
        same = rm[k:] == rm[:-k]
        a, b = arcs[:-k][same], arcs[k:][same]
        hit = index.conflicting(problem.arcs.event[a], problem.arcs.event[b])
        if hit.any():
            found.append(np.stack([a[hit], b[hit]], axis=1))
    return np.concatenate(found) if found else np.zeros((0, 2), np.int64)


def interval_cliques(problem: Problem) -> np.ndarray:
    """A partition of events into groups that pairwise overlap (so pairwise conflict).

    Greedy point cover of an interval graph: the earliest end p opens a group holding every
    remaining event that starts before p (all of them contain the instant just before p).
    Groups never span two months, so a group maps to one (role model, month) cap.
    """
    events = problem.events
    clique = np.full(len(events), -1, np.int64)
    next_id = 0
    for month in np.unique(events.month):
        members = np.flatnonzero(events.month == month)
        by_end = members[np.argsort(events.end[members], kind="stable")]
        by_start = members[np.argsort(events.start[members], kind="stable")]
        pointer = 0
        for e in by_end:
            if clique[e] >= 0:
                continue
            point = events.end[e]
            while pointer < len(by_start) and events.start[by_start[pointer]] < point:
                if clique[by_start[pointer]] < 0:
                    clique[by_start[pointer]] = next_id
                pointer += 1
            next_id += 1
    return clique

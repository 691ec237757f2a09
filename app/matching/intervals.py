"""Per-group interval sets (a person's weekly windows, busy blocks, days off), queried in bulk.

Candidate building asks millions of questions of the form "is role model r free from s to e?".
Intervals are merged per group into disjoint sorted runs, keyed by ``group * SPAN + start``, so
each question is one binary search: the last run starting before the query is the only one that
can contain or reach into it.
"""

from __future__ import annotations

import numpy as np

SPAN = 1 << 32  # every time value must lie in [0, SPAN)


class IntervalSet:
    """Half-open [start, end) intervals per integer group (e.g. role model index)."""

    def __init__(self, group, start, end):
        group, start, end = (np.asarray(x, np.int64) for x in (group, start, end))
        keep = end > start
        group, start, end = group[keep], start[keep], end[keep]
        if len(start) and (start.min() < 0 or end.max() >= SPAN):
            raise ValueError("interval times must lie in [0, 2**32)")
        order = np.lexsort((start, group))
        group, start, end = group[order], start[order], end[order]
        # running max of ends within a group (groups dominate the composite key)
        reach = np.maximum.accumulate(group * SPAN + end) - group * SPAN if len(end) else end
        new_run = np.ones(len(start), bool)
        new_run[1:] = (group[1:] != group[:-1]) | (start[1:] > reach[:-1])
        first = np.flatnonzero(new_run)
        last = np.r_[first[1:], len(start)].astype(np.int64) - 1 if len(first) else first
        self.group = group[first]
        self.start = start[first]
        self.end = reach[last]
        self._key = self.group * SPAN + self.start

    def __len__(self) -> int:
        return len(self.start)

    def _last_before(self, group, point, side):
        idx = np.searchsorted(self._key, np.asarray(group, np.int64) * SPAN + point, side) - 1
        valid = idx >= 0
        idx = np.where(valid, idx, 0)
        if len(self._key):
            valid &= self.group[idx] == group
        else:
            valid[:] = False
        return idx, valid

    def overlaps(self, group, start, end) -> np.ndarray:
        """True where some interval of ``group`` meets [start, end)."""
        start, end = np.asarray(start, np.int64), np.asarray(end, np.int64)
        idx, valid = self._last_before(group, end, "left")
        if not len(self._key):
            return valid
        return valid & (self.end[idx] > start)

    def covers(self, group, start, end) -> np.ndarray:
        """True where one interval of ``group`` holds the whole of [start, end)."""
        start, end = np.asarray(start, np.int64), np.asarray(end, np.int64)
        idx, valid = self._last_before(group, start, "right")
        if not len(self._key):
            return valid
        return valid & (self.end[idx] >= end)

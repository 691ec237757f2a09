"""Candidate building: from the database to the solver's ``Problem``, with every per-person hard
constraint checked here, in bulk.

For a set of events, a fixed handful of set-based queries (people who could cover the places,
their windows, days off, busy blocks, engagements, recent load, who is already on the events)
feed numpy checks over all (event, person) pairs. A pair is an arc of the problem only if:

1. the person is active (not pending, not paused) — else dropped as ``inactive``;
2. covers the event's département (in person), or accepts remote sessions (online event), and
   does that type of event — else ``format``;
3. has a weekly window holding the whole event, in the event's wall time (Europe/Paris, or the
   event's own zone outre-mer; an event over several days needs a window as it starts) — else
   ``outside_window``;
4. has no dated exception (day off) on the event's day — else ``exception``;
5. has no busy block from their own calendar within the event ± ``BUSY_BUFFER`` — ``busy``;
6. has no other held assignment overlapping it, or the same day too close for the trip between
   the two places — else ``engaged``. Held: invited, accepted, confirmed, and proposals on open
   events (so two proposals never promise one person twice);
7. has monthly cap left after what they hold that month — else ``caps_reached``.

People already on the event (whatever their status, declined included) are never candidates
again. Drops are counted per event by the first check a pair fails, so an explanation can say
"no one covers that département" (``no_coverage``), "everyone busy", "caps reached".
The solver then enforces seats, remaining caps and conflicts among the new proposals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np

from app.extensions import db
from app.matching import preferences as prefs
from app.matching.conflicts import travel_conflicts
from app.matching.loading import (
    BUSY_BUFFER,
    OPEN_EVENT_STATUSES,
    EventArrays,
    People,
    existing_assignments,
    load_events,
    load_people,
)
from app.matching.problem import Arcs, Events, Problem, RoleModels
from app.models import Event
from app.models.types import utcnow

__all__ = ["DROP_REASONS", "OPEN_EVENT_STATUSES", "Candidates", "build"]

DROP_REASONS = ("inactive", "format", "outside_window", "exception", "busy", "engaged", "caps_reached")
_CHUNK = 400  # events per batch of pair checks: bounds the intermediate arrays


@dataclass(frozen=True, eq=False)
class Candidates:
    problem: Problem
    event_ids: np.ndarray  # Event.id of each problem event
    role_model_ids: np.ndarray  # RoleModel.id of each problem role model
    seats_held: np.ndarray  # per problem event: assignments already holding a seat
    covering: np.ndarray  # per problem event: people whose place fits, before any other check
    dropped: np.ndarray  # (events, len(DROP_REASONS)): pairs dropped by their first failed check
    full_event_ids: tuple[int, ...] = ()  # events asked about whose seats are all held

    def index_of(self, event_id: int) -> int | None:
        found = np.flatnonzero(self.event_ids == event_id)
        return int(found[0]) if len(found) else None

    @cached_property
    def arc_counts(self) -> np.ndarray:
        """Per problem event: how many candidates passed every check."""
        return np.bincount(self.problem.arcs.event, minlength=len(self.event_ids))

    def dropped_for(self, index: int) -> dict[str, int]:
        row = self.dropped[index]
        return {code: int(n) for code, n in zip(DROP_REASONS, row.tolist()) if n}

    def why_dropped(self, index: int) -> tuple[str, ...]:
        """Why people were left out of this event, most frequent first."""
        if self.covering[index] == 0:
            return ("no_coverage",)
        counts = self.dropped_for(index)
        return tuple(sorted(counts, key=lambda code: (-counts[code], DROP_REASONS.index(code))))


def build(events: Sequence[Event], *, now: datetime | None = None) -> Candidates:
    """Candidates for the given events (open ones with seats left; the others are reported
    full or skipped). A fixed number of queries whatever the number of events."""
    now = now or utcnow()
    db.session.flush()  # the queries below go through the connection, past the ORM's autoflush
    events = [e for e in events if e.status in OPEN_EVENT_STATUSES]
    ids = [e.id for e in events]
    existing = existing_assignments(ids)
    held = np.array([existing["held"].get(e.id, 0) for e in events], np.int64)
    missing = np.array([e.role_models_max for e in events], np.int64) - held
    full = tuple(e.id for e, m in zip(events, missing.tolist()) if m <= 0)
    keep = np.flatnonzero(missing > 0)
    events = [events[i] for i in keep.tolist()]
    held = held[keep]
    ev = load_events(events)
    people = load_people(events, ev, now)
    arcs, covering, dropped = _check_pairs(ev, people, existing["pairs"])
    problem, rm_used = _problem(ev, people, arcs, held)
    return Candidates(
        problem=problem,
        event_ids=np.array([e.id for e in events], np.int64),
        role_model_ids=people.ids[rm_used],
        seats_held=held,
        covering=covering,
        dropped=dropped,
        full_event_ids=full,
    )


# --- the pairs -------------------------------------------------------------------------------


def _check_pairs(ev: EventArrays, people: People, existing: list[tuple[int, int]]):
    """Arcs (event index, person position) passing every check; per-event coverage and drops."""
    n_events, n_people = len(ev.ids), len(people.ids)
    covering = np.zeros(n_events, np.int64)
    dropped = np.zeros((n_events, len(DROP_REASONS)), np.int64)
    if not n_events or not n_people:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64)), covering, dropped
    event_pos = {int(i): k for k, i in enumerate(ev.ids.tolist())}
    known = [(event_pos[e], r) for e, r in existing if e in event_pos]
    known_rm = people.positions([r for _, r in known])
    ok_rm = known_rm < n_people
    ok_rm[ok_rm] = people.ids[known_rm[ok_rm]] == np.array([r for _, r in known], np.int64)[ok_rm]
    known_keys = np.unique(np.array([e for e, _ in known], np.int64)[ok_rm] * n_people + known_rm[ok_rm])
    place_start = np.searchsorted(people.cover_place, np.arange(len(prefs.PLACES) + 1))
    remote = np.flatnonzero(people.remote)
    months = np.unique(ev.month)
    month_of_event = np.searchsorted(months, ev.month)
    remaining = _remaining_caps(people, months)
    gap = prefs.travel_gap_matrix()

    checks = (
        lambda e, r: people.active[r],
        lambda e, r: (
            ((people.types[r] >> ev.type[e]) & 1 == 1) & np.where(ev.online[e], people.remote[r], people.in_person[r])
        ),
        lambda e, r: people.windows.covers(r * 7 + ev.weekday[e], ev.local_start[e], ev.local_end[e]),
        lambda e, r: ~people.days_off.overlaps(r, ev.day[e], ev.last_day[e] + 1),
        lambda e, r: ~people.busy.overlaps(r, ev.start[e] - BUSY_BUFFER, ev.end[e] + BUSY_BUFFER),
        lambda e, r: ~_engaged(ev, people.engagements, gap, e, r),
        lambda e, r: remaining[r, month_of_event[e]] > 0,
    )
    out_e, out_r = [], []
    for lo in range(0, n_events, _CHUNK):
        e_idx, r_idx = _place_pairs(ev, people, place_start, remote, np.arange(lo, min(lo + _CHUNK, n_events)))
        covering += np.bincount(e_idx, minlength=n_events)
        keys = e_idx * n_people + r_idx
        alive = np.flatnonzero(~_isin_sorted(keys, known_keys))
        for k, check in enumerate(checks):
            e, r = e_idx[alive], r_idx[alive]
            ok = np.asarray(check(e, r), bool)
            dropped[:, k] += np.bincount(e[~ok], minlength=n_events)
            alive = alive[ok]
        out_e.append(e_idx[alive])
        out_r.append(r_idx[alive])
    return (np.concatenate(out_e), np.concatenate(out_r)), covering, dropped


def _place_pairs(ev, people, place_start, remote, chunk):
    """Pairs (event, person) whose place fits: covers the département, or remote for online."""
    place = ev.departement[chunk]
    counts = place_start[place + 1] - place_start[place]
    e_idx = np.repeat(chunk, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    r_idx = people.cover_rm[np.repeat(place_start[place], counts) + offsets]
    online = chunk[ev.online[chunk]]
    if len(online):
        keep = ~ev.online[e_idx]
        extra_e, extra_r = [e_idx[keep]], [r_idx[keep]]
        for e in online.tolist():
            p = ev.departement[e]
            covers = people.cover_rm[place_start[p]:place_start[p + 1]]
            both = np.union1d(covers, remote)
            extra_e.append(np.full(len(both), e, np.int64))
            extra_r.append(both)
        e_idx, r_idx = np.concatenate(extra_e), np.concatenate(extra_r)
    return e_idx, r_idx


def _isin_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if not len(sorted_keys):
        return np.zeros(len(values), bool)
    pos = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[pos] == values


def _remaining_caps(people: People, months: np.ndarray) -> np.ndarray:
    """(people, months): monthly cap minus what each person already holds that month."""
    remaining = np.repeat(people.cap[:, None], len(months), axis=1)
    month_pos = {int(m): i for i, m in enumerate(months.tolist())}
    for (position, month), count in people.month_held.items():
        if month in month_pos:
            remaining[position, month_pos[month]] -= count
    return np.maximum(remaining, 0)


def _engaged(ev, eng, gap, e, r) -> np.ndarray:
    """True where the person holds another event overlapping this one, or the same day with
    less time between the two than the trip from one place to the other needs."""
    bad = np.zeros(len(e), bool)
    if not eng or not len(eng["rm"]):
        return bad
    lo, hi = np.searchsorted(eng["rm"], r, "left"), np.searchsorted(eng["rm"], r, "right")
    for k in range(int((hi - lo).max(initial=0))):
        has = np.flatnonzero(lo + k < hi)
        j, ee = lo[has] + k, e[has]
        start, end = ev.start[ee], ev.end[ee]
        other_start, other_end = eng["start"][j], eng["end"][j]
        overlap = (start < other_end) & (other_start < end)
        between = np.maximum(start - other_end, other_start - end)
        too_close = (eng["day"][j] == ev.day[ee]) & (between < gap[ev.place[ee], eng["place"][j]])
        bad[has] |= (overlap | too_close) & (eng["event"][j] != ev.ids[ee])
    return bad


# --- the problem -----------------------------------------------------------------------------


def _problem(ev: EventArrays, people: People, arcs, held: np.ndarray) -> tuple[Problem, np.ndarray]:
    arc_e, arc_r = arcs
    used = np.flatnonzero(np.bincount(arc_r, minlength=len(people.ids)))  # people with an arc
    renumber = np.zeros(len(people.ids), np.int64)
    renumber[used] = np.arange(len(used))
    arc_rm = renumber[arc_r]
    order = np.argsort(arc_e * max(len(used), 1) + arc_rm)  # arcs by (event, person): cheap to validate
    arc_e, arc_rm = arc_e[order], arc_rm[order]
    months = np.unique(ev.month)
    remaining = _remaining_caps(people, months)[used] if len(used) else np.zeros((0, max(len(months), 1)), np.int64)
    vocabulary = prefs.Vocabulary(w for words in ev.topics for w in words)
    asked = vocabulary.masks(ev.topics)
    offered = vocabulary.masks([people.sectors[i] for i in used.tolist()])
    classes, same_region = prefs.geography()
    home, place = people.home[used][arc_rm], ev.place[arc_e]
    languages = sorted({x for x in ev.language if x})
    spoken = prefs.Vocabulary(languages).masks([people.languages[i] for i in used.tolist()])
    asked_bit = np.array([languages.index(x) if x else -1 for x in ev.language], np.int64)
    bit = asked_bit[arc_e]
    speaks = (np.right_shift(spoken[arc_rm], np.maximum(bit, 0).astype(np.uint64)) & np.uint64(1)) == 1
    seats_max = ev.seats_max - held
    problem = Problem(
        events=Events(
            start=ev.start, end=ev.end, day=ev.day, month=np.searchsorted(months, ev.month),
            role_models_min=np.clip(ev.seats_min - held, 0, seats_max), role_models_max=seats_max,
        ),
        role_models=RoleModels(
            family=people.family[used], month_cap=remaining, recent_load=people.recent_load[used],
            reliability=prefs.reliability(people.late[used]),
        ),
        arcs=Arcs(
            event=arc_e, role_model=arc_rm, topic=prefs.topic_scores(asked[arc_e], offered[arc_rm]),
            same_region=same_region[home, place], distance=classes[home, place], language=(bit < 0) | speaks,
            language_asked=bit >= 0,
        ),
        conflicts=travel_conflicts(ev.start, ev.end, ev.day, ev.place, prefs.travel_gap_matrix())
        if len(ev.ids) > 1 else np.zeros((0, 2), np.int64),
    )
    return problem, used

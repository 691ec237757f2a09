"""The solver's input: events, role models and eligible candidate arcs, as numpy arrays.

Split of work with candidate building (app/matching/candidates.py, later):

- Candidate building checks every *per-pair* hard constraint and only emits arcs that pass it:
  role model active and not paused, covers the event's département (or remote accepted for an
  online event), accepts the format, inside a weekly window and not in an exception, no busy
  block from their own calendar overlapping the event plus a travel buffer, and no *existing*
  engagement (invited, accepted, confirmed) overlapping or unreachable from the event.
- Candidate building also subtracts existing engagements from each monthly cap
  (``RoleModels.month_cap`` is what *remains*).
- The solver enforces what only exists between *new* assignments: seats per event, remaining
  monthly cap, and no role model on two conflicting events. Two events conflict when their
  [start, end) intervals overlap, or when the pair is listed in ``Problem.conflicts`` (same day
  but not reachable in time, see ``conflicts.travel_conflicts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Job families, in index order. Candidate building maps the profile's family to this index.
FAMILIES = ("operator", "technician", "engineer", "manager", "executive", "other")


class InvalidProblem(ValueError):
    """The arrays handed to the solver are inconsistent (shape, range or index)."""


def _array(value, dtype) -> np.ndarray:
    array = np.ascontiguousarray(value, dtype=dtype)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Events:
    """E events. ``start``/``end`` share any unit (minutes or epoch seconds); ``day`` is a day
    number (e.g. days since epoch), ``month`` an index into ``RoleModels.month_cap`` columns."""

    start: np.ndarray
    end: np.ndarray
    day: np.ndarray
    month: np.ndarray
    role_models_min: np.ndarray
    role_models_max: np.ndarray

    def __post_init__(self):
        for name in ("start", "end", "day", "month", "role_models_min", "role_models_max"):
            object.__setattr__(self, name, _array(getattr(self, name), np.int64))

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True, eq=False)
class RoleModels:
    """R role models. ``month_cap[r, m]``: new engagements still allowed in month m (the monthly
    cap minus existing engagements). ``recent_load``: engagements over the recent period (fair
    spread). ``reliability`` in [0, 1]: 1 = never cancelled late."""

    family: np.ndarray
    month_cap: np.ndarray
    recent_load: np.ndarray
    reliability: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "family", _array(self.family, np.int64))
        cap = np.asarray(self.month_cap, dtype=np.int64)
        if cap.ndim == 1:
            cap = cap[:, None]
        object.__setattr__(self, "month_cap", _array(cap, np.int64))
        object.__setattr__(self, "recent_load", _array(self.recent_load, np.int64))
        object.__setattr__(self, "reliability", _array(self.reliability, np.float64))

    def __len__(self) -> int:
        return len(self.family)


@dataclass(frozen=True, eq=False)
class Arcs:
    """A eligible (event, role model) pairs with their soft-preference features.

    ``topic`` in [0, 1]: sector/topic match with what the school asked. ``same_region``: home
    region is the event's region. ``distance``: 0 same département, 1 neighbouring, 2 same
    region, 3 further. ``language``: speaks the language asked for (True when none asked);
    ``language_asked``: a language was asked for (explanations only; None: none was).
    """

    event: np.ndarray
    role_model: np.ndarray
    topic: np.ndarray
    same_region: np.ndarray
    distance: np.ndarray
    language: np.ndarray
    language_asked: np.ndarray | None = None

    def __post_init__(self):
        object.__setattr__(self, "event", _array(self.event, np.int64))
        object.__setattr__(self, "role_model", _array(self.role_model, np.int64))
        object.__setattr__(self, "topic", _array(self.topic, np.float64))
        object.__setattr__(self, "same_region", _array(self.same_region, bool))
        object.__setattr__(self, "distance", _array(self.distance, np.int64))
        object.__setattr__(self, "language", _array(self.language, bool))
        asked = np.zeros(len(self.event), bool) if self.language_asked is None else self.language_asked
        object.__setattr__(self, "language_asked", _array(asked, bool))

    def __len__(self) -> int:
        return len(self.event)


@dataclass(frozen=True)
class Weights:
    """Tunable costs in points (organizer settings). Lower total cost = better proposal.

    Per arc: ``topic * (1 - topic score) + region * (not same region) + distance * class
    + language * (not matched) + load * min(recent load, load_cap) + reliability * (1 - r)``.
    Per event: the k-th person of one job family costs ``(k - 1) * family_mix`` (convex, so
    mixed panels win). Per role model and month: their k-th new event costs ``(k - 1) * spread``.
    """

    topic: int = 40
    region: int = 15
    distance: int = 8
    language: int = 30
    load: int = 6
    load_cap: int = 10
    reliability: int = 30
    family_mix: int = 20
    spread: int = 25

    def __post_init__(self):
        for name, value in self.__dict__.items():
            if int(value) != value or value < 0:
                raise InvalidProblem(f"weight {name} must be a non-negative integer")


@dataclass(frozen=True, eq=False)
class Problem:
    events: Events
    role_models: RoleModels
    arcs: Arcs
    #: (C, 2) event index pairs one person cannot both attend although they do not overlap.
    conflicts: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))

    def __post_init__(self):
        conflicts = np.asarray(self.conflicts, dtype=np.int64).reshape(-1, 2)
        object.__setattr__(self, "conflicts", _array(np.sort(conflicts, axis=1), np.int64))
        self.validate()

    @property
    def n_months(self) -> int:
        return self.role_models.month_cap.shape[1]

    def validate(self) -> None:
        events, rms, arcs = self.events, self.role_models, self.arcs
        _same_length("events", events.__dict__, len(events))
        _same_length("role models", {k: v for k, v in rms.__dict__.items() if k != "month_cap"}, len(rms))
        _same_length("arcs", arcs.__dict__, len(arcs))
        if len(rms.month_cap) != len(rms):
            raise InvalidProblem("month_cap needs one row per role model")
        if np.any(events.end <= events.start):
            raise InvalidProblem("every event must end after it starts")
        if np.any(events.role_models_min < 0) or np.any(events.role_models_min > events.role_models_max):
            raise InvalidProblem("need 0 <= role_models_min <= role_models_max")
        _in_range("event month", events.month, self.n_months)
        _in_range("role model family", rms.family, len(FAMILIES))
        if np.any(rms.month_cap < 0) or np.any(rms.recent_load < 0):
            raise InvalidProblem("caps and loads cannot be negative")
        if np.any((rms.reliability < 0) | (rms.reliability > 1)) or np.any((arcs.topic < 0) | (arcs.topic > 1)):
            raise InvalidProblem("reliability and topic scores lie in [0, 1]")
        _in_range("arc event", arcs.event, len(events))
        _in_range("arc role model", arcs.role_model, len(rms))
        if np.any(arcs.distance < 0):
            raise InvalidProblem("distance class cannot be negative")
        pair = arcs.event * len(rms) + arcs.role_model
        # strictly increasing (candidate building sorts its arcs) proves it in one pass
        if len(arcs) > 1 and not np.all(pair[1:] > pair[:-1]) and len(np.unique(pair)) != len(arcs):
            raise InvalidProblem("an (event, role model) pair is listed twice")
        _in_range("conflict event", self.conflicts.ravel(), len(events))
        if np.any(self.conflicts[:, 0] == self.conflicts[:, 1]):
            raise InvalidProblem("an event cannot conflict with itself")


def _same_length(what: str, arrays: dict, n: int) -> None:
    for name, array in arrays.items():
        if array.ndim != 1 or len(array) != n:
            raise InvalidProblem(f"{what}: {name} must be a 1-D array of length {n}")


def _in_range(what: str, values: np.ndarray, upper: int) -> None:
    if len(values) and (values.min() < 0 or values.max() >= upper):
        raise InvalidProblem(f"{what} index out of range [0, {upper})")

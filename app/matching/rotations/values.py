"""The values the rotation planner reads and returns: plain frozen dataclasses, no numpy.

Ids are whatever the caller uses (database keys, labels): any hashable value. Rounds are
numbered 0 .. rounds - 1 inside a rotation block.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Id = Hashable


@dataclass(frozen=True)
class Table:
    """A table held by role models: the job families it brings (one or more), how many groups it
    receives at once, and the rounds it is available (``None``: every round)."""

    id: Id
    families: frozenset[str]
    capacity: int = 1
    rounds: frozenset[int] | None = None

    def __post_init__(self):
        object.__setattr__(self, "families", frozenset(self.families))
        if self.rounds is not None:
            object.__setattr__(self, "rounds", frozenset(self.rounds))
        if not self.families:
            raise ValueError(f"table {self.id!r} brings no job family")
        if self.capacity < 1:
            raise ValueError(f"table {self.id!r} has capacity {self.capacity}")


@dataclass(frozen=True)
class Group:
    """A group of pupils and the rounds it is present (``None``: every round)."""

    id: Id
    rounds: frozenset[int] | None = None

    def __post_init__(self):
        if self.rounds is not None:
            object.__setattr__(self, "rounds", frozenset(self.rounds))


@dataclass(frozen=True)
class Instance:
    """One rotation block: its number of rounds, its tables and its groups (order is kept: the
    cyclic baseline and ties follow it)."""

    rounds: int
    tables: tuple[Table, ...]
    groups: tuple[Group, ...]

    def __post_init__(self):
        object.__setattr__(self, "tables", tuple(self.tables))
        object.__setattr__(self, "groups", tuple(self.groups))
        if self.rounds < 0:
            raise ValueError("negative number of rounds")
        for kind, items in (("table", self.tables), ("group", self.groups)):
            ids = [item.id for item in items]
            if len(set(ids)) != len(ids):
                raise ValueError(f"duplicate {kind} id")
            for item in items:
                if item.rounds is not None and not item.rounds <= set(range(self.rounds)):
                    raise ValueError(f"{kind} {item.id!r} has a round outside 0..{self.rounds - 1}")

    def table_rounds(self, table: Table) -> frozenset[int]:
        return frozenset(range(self.rounds)) if table.rounds is None else table.rounds

    def group_rounds(self, group: Group) -> frozenset[int]:
        return frozenset(range(self.rounds)) if group.rounds is None else group.rounds

    @property
    def families(self) -> frozenset[str]:
        return frozenset().union(*(t.families for t in self.tables))

    def without_table(self, table_id: Id) -> Instance:
        """The same block once a table drops out (what re-planning usually starts from)."""
        return Instance(self.rounds, tuple(t for t in self.tables if t.id != table_id), self.groups)


@dataclass(frozen=True)
class Plan:
    """For each group, the table of each round (``None``: the group sits at no table)."""

    rounds: int
    paths: Mapping[Id, tuple[Id | None, ...]] = field(default_factory=dict)

    def __post_init__(self):
        paths = {group: tuple(path) for group, path in dict(self.paths).items()}
        object.__setattr__(self, "paths", MappingProxyType(paths))

    @classmethod
    def from_cells(cls, rounds: int, cells: Iterable[tuple[Id, int, Id]], groups: Iterable[Id] = ()) -> Plan:
        """From (group, round, table) triples; ``groups`` lists groups that may have no cell."""
        paths: dict[Id, list] = {g: [None] * rounds for g in groups}
        for group, round_, table in cells:
            paths.setdefault(group, [None] * rounds)[round_] = table
        return cls(rounds, {g: tuple(p) for g, p in paths.items()})

    def table(self, group: Id, round_: int) -> Id | None:
        path = self.paths.get(group)
        return path[round_] if path is not None and 0 <= round_ < len(path) else None

    def cells(self) -> Iterator[tuple[Id, int, Id]]:
        """(group, round, table) for every occupied cell."""
        for group, path in self.paths.items():
            for round_, table in enumerate(path):
                if table is not None:
                    yield group, round_, table

    def __eq__(self, other):
        return isinstance(other, Plan) and self.rounds == other.rounds and dict(self.paths) == dict(other.paths)

    def __hash__(self):
        return hash((self.rounds, tuple(sorted(self.paths.items(), key=repr))))


@dataclass(frozen=True)
class Objective:
    """How good a plan is, each part in the order the planner optimises it (see ``key``).

    - ``shortfall``: the largest gap, over groups, between a group's target (one new job family
      per round it can sit at a table, as long as the families it can reach last) and the
      families it meets. 0 means every group meets as many families as its presence allows.
    - ``min_families``: the smallest number of distinct families any group meets (reported, and
      equal to ``target - shortfall`` when every group has the same presence).
    - ``total_families``: distinct families met, summed over groups.
    - ``visits``: occupied (group, round) cells: a group idles only when no seat is left for it.
    - ``empty_slots``: (table, round) pairs where the table is available but receives nobody.
    - ``most_idle``: the largest number of rounds any one table stands empty while available.
    """

    shortfall: int
    min_families: int
    total_families: int
    visits: int
    empty_slots: int
    most_idle: int

    def key(self) -> tuple[int, int, int, int, int]:
        """Lexicographic key, larger is better; ``min_families`` is implied, not optimised."""
        return (-self.shortfall, self.total_families, self.visits, -self.empty_slots, -self.most_idle)

    def as_dict(self) -> dict[str, int]:
        return {
            "shortfall": self.shortfall, "min_families": self.min_families, "total_families": self.total_families,
            "visits": self.visits, "empty_slots": self.empty_slots, "most_idle": self.most_idle,
        }


@dataclass(frozen=True)
class Limit:
    """One thing that limited the plan: a stable code and its parameters (ids, counts, rounds),
    for the UI to put into words. Codes are listed in ``explain.py``."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def as_dict(self) -> dict:
        return {"code": self.code, **self.params}


@dataclass(frozen=True)
class Move:
    """A (group, round) cell whose table differs from the published plan."""

    group: Id
    round: int
    before: Id | None
    after: Id | None


@dataclass(frozen=True)
class Bound:
    """Proven bounds of the first two stages: no plan has a smaller shortfall, and none with
    that shortfall (the one the planner fixed) meets more families in total. The last three
    are counting bounds of the tidy stage (seats and groups per round), valid for every plan."""

    shortfall: int
    total_families: int
    visits: int = 0
    empty_slots: int = 0
    most_idle: int = 0


@dataclass(frozen=True)
class Stage:
    name: str
    status: str  # "optimal", "feasible" (time limit reached), "unsolved" (no solution in time) or "skipped"
    value: int
    bound: int | None  # the solver's proven bound; None when unsolved and no trivial bound is known
    seconds: float


@dataclass(frozen=True)
class Rotation:
    """What the planner returns: the plan, its measure, the proven bounds, whether every stage
    was proven optimal, the limits that explain it, and (re-planning only) the moved cells."""

    plan: Plan
    objective: Objective
    bound: Bound
    optimal: bool
    limits: tuple[Limit, ...]
    stages: tuple[Stage, ...]
    seconds: float
    moves: tuple[Move, ...] = ()

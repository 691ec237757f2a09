"""The rotation planner: an exact CP-SAT model solved stage by stage (lexicographically).

Stages, each fixing the optimum of the ones before as a constraint:

1. ``shortfall``: minimise the largest gap between a group's target (``measure.targets``) and
   the distinct job families it meets: every group first, the fairest share of the scarce ones.
2. ``total_families``: maximise the distinct families met, summed over groups.
3. ``tidy``: then, in this order, maximise the occupied cells (no group idles while a seat is
   free for it), minimise the (table, round) pairs standing empty while the table is available,
   and minimise the largest number of rounds one table stands empty (the tables' loads
   balanced). The three are bounded integers, so one weighted sum is exactly lexicographic.

Re-planning (``replan_rotations``) keeps stages 1, 2 and the occupied cells optimal for the new
instance, then minimises the cells that differ from the published plan, and stops there: a
better spread of the tables' loads is not worth a teacher reprinting a path. It first lets only
the groups that lost a cell move (the others keep their published path); when that reaches the
counting bounds of stages 1, 2 and the visits, those stages are proven and the plan is already
close to the published one. Otherwise the whole grid is searched, the fewest moves breaking ties.

Each stage starts from the previous stage's solution (a hint); the first from the better of
the round-by-round greedy plan and the cyclic baseline, or from the published plan completed
greedily when re-planning, so a time limit still returns a good, valid plan. Counting bounds
(``_Model``: families per group and per family's seats, seats per round) are added as
constraints: a plan reaching one proves its stage at once.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .baseline import cyclic_plan
from .explain import explain
from .greedy import greedy_plan, repair
from .measure import evaluate, families_met, reachable_families, targets
from .values import Bound, Instance, Move, Plan, Rotation, Stage


@dataclass(frozen=True)
class Settings:
    time_limit: float = 1.8  # seconds for the whole call (building the model included)
    workers: int = 2         # CP-SAT search workers (the machine has few cores)
    seed: int = 0


class _Model:
    """The CP-SAT variables of one instance: x[g, t, r] = group g at table t in round r."""

    def __init__(self, instance: Instance):
        self.instance = instance
        m = self.model = cp_model.CpModel()
        groups, tables, R = instance.groups, instance.tables, instance.rounds
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        table_rounds = [instance.table_rounds(t) for t in tables]
        for gi, group in enumerate(groups):
            present = instance.group_rounds(group)
            for ti in range(len(tables)):
                for r in sorted(present & table_rounds[ti]):
                    self.x[gi, ti, r] = m.new_bool_var(f"x{gi}_{ti}_{r}")
        by_g, by_gr, by_tr, by_gt = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
        for (gi, ti, r), var in self.x.items():
            by_g[gi].append(len(tables[ti].families) * var)
            by_gr[gi, r].append(var)
            by_tr[ti, r].append(var)
            by_gt[gi, ti].append(var)
        for vars_ in by_gr.values():
            m.add_at_most_one(vars_)
        for (ti, r), vars_ in by_tr.items():
            if len(vars_) > tables[ti].capacity:
                m.add(sum(vars_) <= tables[ti].capacity)
        for vars_ in by_gt.values():  # never the same table twice
            if len(vars_) > 1:
                m.add_at_most_one(vars_)
        self.by_gr = by_gr

        # met[g, f] = 1 only if the group visits a table bringing family f
        target = targets(instance)
        reach = reachable_families(instance)
        self.met_count = []
        self.flags: dict[tuple[int, str], cp_model.IntVar] = {}
        top = max(target.values(), default=0)
        self.shortfall = m.new_int_var(0, top, "shortfall")
        met_by_family = defaultdict(list)
        group_bounds = []
        for gi, group in enumerate(groups):
            met = []
            for family in sorted(reach[group.id]):
                visits = [v for ti, t in enumerate(tables) if family in t.families for v in by_gt.get((gi, ti), ())]
                if not visits:
                    continue
                flag = self.flags[gi, family] = m.new_bool_var(f"m{gi}_{family}")
                m.add(flag <= sum(visits))
                met.append(flag)
                met_by_family[family].append(flag)
            count = sum(met) if met else 0
            self.met_count.append(count)
            if target[group.id]:
                m.add(count + self.shortfall >= target[group.id])
            # redundant, for the LP bound: no more families than the tables it can visit bring
            sizes = sorted((len(t.families) for ti, t in enumerate(tables) if by_gt.get((gi, ti))), reverse=True)
            group_bounds.append(min(len(met), sum(sizes[:len(instance.group_rounds(group))])))
            if met:
                m.add(count <= sum(by_g[gi]))
                m.add(count <= group_bounds[-1])
        # redundant too: a family meets no more groups than its tables have seats over the block
        family_bounds = {}
        for family, flags in met_by_family.items():
            seats = sum(t.capacity * len(table_rounds[ti]) for ti, t in enumerate(tables) if family in t.families)
            family_bounds[family] = min(len(flags), seats)
            if seats < len(flags):
                m.add(sum(flags) <= seats)
        self.total = sum(self.met_count) if groups else 0
        self.visits = sum(self.x.values()) if self.x else 0

        # busy[t, r] = 1 only if the table receives a group in round r
        self.available = sum(len(rs) for rs in table_rounds)
        self.most_idle = m.new_int_var(0, R, "most_idle")
        self.busy: dict[tuple[int, int], cp_model.IntVar] = {}
        busy_all = []
        for ti in range(len(tables)):
            busy = []
            for r in sorted(table_rounds[ti]):
                flag = self.busy[ti, r] = m.new_bool_var(f"b{ti}_{r}")
                m.add(flag <= sum(by_tr.get((ti, r), [])))
                busy.append(flag)
            busy_all.extend(busy)
            if busy:
                m.add(len(busy) - sum(busy) <= self.most_idle)
        self.empty = self.available - sum(busy_all) if busy_all else self.available

        # bounds any plan obeys: a stage whose plan reaches its bound is proven optimal
        present = [sum(1 for g in groups if r in instance.group_rounds(g)) for r in range(R)]
        seats = [sum(t.capacity for ti, t in enumerate(tables) if r in table_rounds[ti]) for r in range(R)]
        open_tables = [sum(1 for rs in table_rounds if r in rs) for r in range(R)]
        group_rounds, group_tables = Counter(g for g, _ in by_gr), Counter(g for g, _ in by_gt)
        per_group = sum(min(group_rounds[g], group_tables[g]) for g in group_rounds)  # a round each, a table once
        self.visits_bound = min(sum(min(p, s) for p, s in zip(present, seats)), per_group)
        self.empty_bound = sum(max(0, t - p) for t, p in zip(open_tables, present))
        self.idle_bound = -(-self.empty_bound // len(tables)) if tables else 0
        # each visit brings at most its table's families: one, plus the extra ones of the
        # tables bringing several, which have only so many seats
        extra = sum((len(t.families) - 1) * t.capacity * len(table_rounds[ti]) for ti, t in enumerate(tables))
        self.total_bound = min(sum(group_bounds), sum(family_bounds.values()), self.visits_bound + extra)
        # sum(target - met) <= groups * shortfall, and sum(met) <= total_bound
        missing = sum(target.values()) - self.total_bound
        self.shortfall_bound = max(0, -(-missing // len(groups))) if groups else 0

    def hint(self, plan: Plan) -> None:
        """Start the search from ``plan``: every variable hinted, so CP-SAT takes it as its
        first solution instead of trying to complete it."""
        m, instance = self.model, self.instance
        tables = {t.id: ti for ti, t in enumerate(instance.tables)}
        chosen = {(gi, tables.get(plan.table(g.id, r)), r)
                  for gi, g in enumerate(instance.groups) for r in range(instance.rounds)}
        met = families_met(instance, plan)
        busy = {(ti, r) for gi, ti, r in chosen if ti is not None}
        objective = evaluate(instance, plan)
        pairs = [(var, key in chosen) for key, var in self.x.items()]
        pairs += [(var, family in met[instance.groups[gi].id]) for (gi, family), var in self.flags.items()]
        pairs += [(var, key in busy) for key, var in self.busy.items()]
        pairs += [(self.shortfall, objective.shortfall), (self.most_idle, objective.most_idle)]
        m.clear_hints()
        hint = m.proto.solution_hint  # in bulk: add_hint one by one costs more than the search
        hint.vars.extend(var.index for var, _ in pairs)
        hint.values.extend(int(value) for _, value in pairs)

    def around(self, plan: Plan, moving: set[int], rounds: set[int]) -> _Model:
        """A copy where only the groups in ``moving`` (indices) and the cells of ``rounds`` may
        change; every other cell keeps its table (or its emptiness) in ``plan``."""
        copy = object.__new__(_Model)
        copy.__dict__.update(self.__dict__)
        copy.model = self.model.clone()
        tables = {t.id: ti for ti, t in enumerate(self.instance.tables)}
        groups = self.instance.groups
        for (gi, ti, r), var in self.x.items():
            if gi not in moving and r not in rounds:
                copy.model.add(var == int(tables.get(plan.table(groups[gi].id, r)) == ti))
        return copy

    def plan(self, solver: cp_model.CpSolver) -> Plan:
        groups, tables = self.instance.groups, self.instance.tables
        cells = [(groups[gi].id, r, tables[ti].id) for (gi, ti, r), var in self.x.items() if solver.value(var)]
        return Plan.from_cells(self.instance.rounds, cells, [g.id for g in groups])


def _at_least(model: cp_model.CpModel, expression, value: int, maximise: bool) -> None:
    """``expression`` no worse than ``value`` (larger when maximising, smaller otherwise)."""
    model.add(expression >= value if maximise else expression <= value)


def _at_most(model: cp_model.CpModel, expression, bound: int, maximise: bool) -> None:
    """``expression`` no better than ``bound``: a bound every plan obeys, stated for CP-SAT."""
    model.add(expression <= bound if maximise else expression >= bound)


class _Stages:
    """Runs the stages on one model within one time budget, each hinted with the last plan."""

    def __init__(self, model: _Model, settings: Settings, start: Plan, started: float):
        self.model, self.settings = model, settings
        self.deadline = started + settings.time_limit
        self.best = start
        self.stages: list[Stage] = []
        self.secondary, self.secondary_max = None, 0
        self.fixed: list[tuple] = []  # (expression, value, maximise) of each stage, to replay
        self.reached: list[bool] = []  # whether each stage reached its known bound

    def tie_break(self, expression, most: int) -> None:
        """Among the optima of each later stage, prefer the plans where ``expression`` (an
        integer between 0 and ``most``) is smallest: re-planning keeps the published cells while
        it settles the families, so its last stage starts close to the published plan."""
        self.secondary, self.secondary_max = expression, most

    def run(self, name: str, expression, measure, maximise: bool, known: int | None = None) -> int:
        """Optimise ``expression``, then fix its optimum (or the best value reached) for the
        next stages. ``measure(plan)`` is its value on a plan (the plan from a stopped search
        may beat the solver's own value, its indicator variables lagging). ``known``: a bound
        every plan obeys: reaching it proves the stage without a search, and as a constraint it
        lets CP-SAT stop as soon as a solution reaches it."""
        m = self.model
        started = time.perf_counter()
        value = measure(self.best)
        if isinstance(expression, int) or not m.x or value == known:  # nothing to decide
            self.stages.append(Stage(name, "skipped" if value != known else "optimal", value, value, 0.0))
        else:
            m.hint(self.best)
            if known is not None:
                _at_most(m.model, expression, known, maximise)
            weight = self.secondary_max + 1
            if self.secondary is None:
                objective = expression
            else:
                objective = weight * expression + (-self.secondary if maximise else self.secondary)
            (m.model.maximize if maximise else m.model.minimize)(objective)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.01, self.deadline - started)
            solver.parameters.num_workers = self.settings.workers
            solver.parameters.random_seed = self.settings.seed
            status = solver.solve(m.model)
            bound = known
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                plan = m.plan(solver)
                if (measure(plan) >= value) if maximise else (measure(plan) <= value):
                    self.best, value = plan, measure(plan)
                found = solver.best_objective_bound
                if self.secondary is not None:  # back to the bound of the stage's own expression
                    found = (found + self.secondary_max) / weight if maximise else (found - self.secondary_max) / weight
                found = math.floor(found + 1e-6) if maximise else math.ceil(found - 1e-6)
                bound = found if known is None else (min(found, known) if maximise else max(found, known))
            proven = status == cp_model.OPTIMAL or value == bound
            status_name = "optimal" if proven else "feasible" if status == cp_model.FEASIBLE else "unsolved"
            self.stages.append(Stage(name, status_name, value, bound, time.perf_counter() - started))
        if not isinstance(expression, int):
            _at_least(m.model, expression, value, maximise)
            self.fixed.append((expression, value, maximise))
        self.reached.append(value == known)
        return value

    def adopt(self, other: _Stages) -> None:
        """Take the stages another run settled (on a restricted copy of this model): their
        records, their plan, and their optima as constraints here."""
        for expression, value, maximise in other.fixed:
            _at_least(self.model.model, expression, value, maximise)
        self.fixed.extend(other.fixed)
        self.stages.extend(other.stages)
        self.best = other.best


def _families_stages(model: _Model, stages: _Stages) -> None:
    instance = model.instance
    stages.run("shortfall", model.shortfall if instance.groups else 0,
               lambda plan: evaluate(instance, plan).shortfall, maximise=False, known=model.shortfall_bound)
    stages.run("total_families", model.total, lambda plan: evaluate(instance, plan).total_families,
               maximise=True, known=model.total_bound)


def _tidy_weights(instance: Instance) -> tuple[int, int]:
    """Weights making visits > empty slots > most idle exactly lexicographic in one sum."""
    idle_weight = instance.rounds + 1
    return (len(instance.tables) * instance.rounds + 1) * idle_weight, idle_weight


def _result(instance: Instance, stages: _Stages, started: float, moves=()) -> Rotation:
    plan = stages.best
    objective = evaluate(instance, plan)
    by_name = {s.name: s for s in stages.stages}
    model = stages.model
    bound = Bound(by_name["shortfall"].bound, by_name["total_families"].bound,  # never None for these two
                  model.visits_bound, model.empty_bound, model.idle_bound)
    unproven = tuple(s.name for s in stages.stages if s.status not in ("optimal", "skipped"))
    return Rotation(plan, objective, bound, not unproven, explain(instance, plan, unproven), tuple(stages.stages),
                    time.perf_counter() - started, tuple(moves))


def _start(instance: Instance) -> Plan:
    """The better of the round-by-round greedy plan and the cyclic baseline."""
    plans = (greedy_plan(instance), cyclic_plan(instance))
    return max(plans, key=lambda plan: evaluate(instance, plan).key())


def plan_rotations(instance: Instance, settings: Settings | None = None, start: Plan | None = None) -> Rotation:
    """The best plan of ``instance`` (see the module docstring for "best").

    ``start``: a valid plan to start the search from (default: the better of the greedy plan
    and the cyclic baseline)."""
    settings = settings or Settings()
    started = time.perf_counter()
    model = _Model(instance)
    stages = _Stages(model, settings, start or _start(instance), started)
    _families_stages(model, stages)
    visits_weight, idle_weight = _tidy_weights(instance)
    known = visits_weight * model.visits_bound - idle_weight * model.empty_bound - model.idle_bound

    def tidy(plan: Plan) -> int:
        o = evaluate(instance, plan)
        return visits_weight * o.visits - idle_weight * o.empty_slots - o.most_idle

    stages.run("tidy", visits_weight * model.visits - idle_weight * model.empty - model.most_idle, tidy,
               maximise=True, known=known)
    return _result(instance, stages, started)


def moved_cells(instance: Instance, published: Plan, plan: Plan) -> list[Move]:
    """The (group, round) cells of the instance's groups whose table differs between plans."""
    return [
        Move(g.id, r, published.table(g.id, r), plan.table(g.id, r))
        for g in instance.groups
        for r in range(instance.rounds)
        if published.table(g.id, r) != plan.table(g.id, r)
    ]


def _kept(instance: Instance, published: Plan) -> Plan:
    """The published cells still allowed in the new instance (a valid plan, the first hint)."""
    tables = {t.id: t for t in instance.tables}
    load: dict = defaultdict(int)
    cells = []
    for g in instance.groups:
        for r in sorted(instance.group_rounds(g)):
            table = tables.get(published.table(g.id, r))
            if table and r in instance.table_rounds(table) and load[table.id, r] < table.capacity:
                load[table.id, r] += 1
                cells.append((g.id, r, table.id))
    return Plan.from_cells(instance.rounds, cells, [g.id for g in instance.groups])


def _lost(instance: Instance, group, published: Plan, kept: Plan) -> bool:
    """Whether the change took a published cell from the group."""
    return any(published.table(group.id, r) is not None and kept.table(group.id, r) is None
               for r in range(max(instance.rounds, published.rounds)))


def replan_rotations(instance: Instance, published: Plan, settings: Settings | None = None) -> Rotation:
    """Re-plan after a change (a table drops out, a group leaves early, rounds change): the
    families and occupied cells stay optimal for the new instance, then as many cells as
    possible keep their published table. ``moves`` says what moved.

    Cells of groups no longer in the instance are not counted as moves."""
    settings = settings or Settings()
    started = time.perf_counter()
    model = _Model(instance)
    kept = _kept(instance, published)
    stages = _Stages(model, settings, greedy_plan(instance, repair(instance, kept)), started)
    tables = {t.id: ti for ti, t in enumerate(instance.tables)}
    differ, forced = [], 0
    for gi, g in enumerate(instance.groups):
        for r in range(instance.rounds):
            before = published.table(g.id, r)
            cell = model.by_gr.get((gi, r), [])
            if before is None:
                differ.extend(cell)
            elif (gi, tables.get(before), r) in model.x:
                differ.append(1 - model.x[gi, tables[before], r])
            else:  # its table is gone or absent, or the group is: a move whatever the plan
                forced += 1
    # When the repaired start reaches the counting bounds of the families and visits, those
    # stages are proven at once. Otherwise, first around the change: the groups that lost a
    # cell (or are new) may move, and so may every group in the rounds where a cell was lost (a
    # swap within the round); every other cell keeps its published table. Reaching the bounds
    # there proves those stages with a plan close to the published one; otherwise the whole
    # grid is searched, the fewest moves breaking ties.
    reached = evaluate(instance, stages.best)
    if (reached.shortfall, reached.total_families, reached.visits) != (
            model.shortfall_bound, model.total_bound, model.visits_bound):
        moving = {gi for gi, g in enumerate(instance.groups)
                  if g.id not in published.paths or _lost(instance, g, published, kept)}
        rounds = {r for gi in moving for r in range(instance.rounds)
                  if published.table(instance.groups[gi].id, r) is not None
                  and kept.table(instance.groups[gi].id, r) is None}
        nearby = _Stages(model.around(kept, moving, rounds), settings, stages.best, started)
        nearby.deadline = min(stages.deadline, time.perf_counter() + settings.time_limit / 3)
        if differ:
            nearby.tie_break(sum(differ), len(instance.groups) * instance.rounds)
        _families_stages(nearby.model, nearby)
        nearby.run("visits", model.visits, lambda plan: evaluate(instance, plan).visits, maximise=True,
                   known=model.visits_bound)
        if all(nearby.reached):  # optimal for the whole grid, not only for the restricted copy
            stages.adopt(nearby)
        elif differ:
            stages.tie_break(sum(differ), len(instance.groups) * instance.rounds)
    if not stages.stages:
        _families_stages(model, stages)
        stages.run("visits", model.visits, lambda plan: evaluate(instance, plan).visits, maximise=True,
                   known=model.visits_bound)
    stages.tie_break(None, 0)
    stages.run("moves", forced + sum(differ), lambda plan: len(moved_cells(instance, published, plan)),
               maximise=False, known=forced)
    return _result(instance, stages, started, moved_cells(instance, published, stages.best))

"""The rotation planner: an exact CP-SAT model solved stage by stage (lexicographically).

Stages, each fixing the optimum of the ones before as a constraint:

1. ``shortfall``: minimise the largest gap between a group's target (``measure.targets``) and
   the distinct job families it meets: every group first, the fairest share of the scarce ones.
2. ``total_families``: maximise the distinct families met, summed over groups.
3. ``tidy``: then, in this order, maximise the occupied cells (no group idles while a seat is
   free for it), minimise the (table, round) pairs standing empty while the table is available,
   and minimise the largest number of rounds one table stands empty (the tables' loads
   balanced). The three are bounded integers, so one weighted sum is exactly lexicographic.

Re-planning (``replan``) keeps stages 1, 2 and the occupied cells optimal for the new instance,
then minimises the cells that differ from the published plan, and only then tidies the tables:
a better spread of the tables' loads is not worth a teacher reprinting a path.

Each stage starts from the previous stage's solution (a hint); the first from the cyclic
baseline, or from the published plan when re-planning, so a time limit still returns a good,
valid plan.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .baseline import cyclic_plan
from .explain import explain
from .measure import evaluate, reachable_families, targets
from .values import Bound, Instance, Move, Plan, Rotation, Stage


@dataclass(frozen=True)
class Settings:
    time_limit: float = 2.0  # seconds for all stages together
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
                    self.x[gi, ti, r] = m.NewBoolVar(f"x{gi}_{ti}_{r}")
        by_gr, by_tr, by_gt = defaultdict(list), defaultdict(list), defaultdict(list)
        for (gi, ti, r), var in self.x.items():
            by_gr[gi, r].append(var)
            by_tr[ti, r].append(var)
            by_gt[gi, ti].append(var)
        for vars_ in by_gr.values():
            m.AddAtMostOne(vars_)
        for (ti, r), vars_ in by_tr.items():
            if len(vars_) > tables[ti].capacity:
                m.Add(sum(vars_) <= tables[ti].capacity)
        for vars_ in by_gt.values():  # never the same table twice
            if len(vars_) > 1:
                m.AddAtMostOne(vars_)
        self.by_gr = by_gr

        # met[g, f] = 1 only if the group visits a table bringing family f
        target = targets(instance)
        reach = reachable_families(instance)
        self.met_count = []
        top = max(target.values(), default=0)
        self.shortfall = m.NewIntVar(0, top, "shortfall")
        for gi, group in enumerate(groups):
            met = []
            for family in sorted(reach[group.id]):
                visits = [v for ti, t in enumerate(tables) if family in t.families for v in by_gt.get((gi, ti), ())]
                if not visits:
                    continue
                flag = m.NewBoolVar(f"m{gi}_{family}")
                m.Add(flag <= sum(visits))
                met.append(flag)
            count = sum(met) if met else 0
            self.met_count.append(count)
            if target[group.id]:
                m.Add(count + self.shortfall >= target[group.id])
        self.total = sum(self.met_count) if groups else 0
        self.visits = sum(self.x.values()) if self.x else 0

        # busy[t, r] = 1 only if the table receives a group in round r
        self.available = sum(len(rs) for rs in table_rounds)
        self.most_idle = m.NewIntVar(0, R, "most_idle")
        busy_all = []
        for ti in range(len(tables)):
            busy = []
            for r in sorted(table_rounds[ti]):
                flag = m.NewBoolVar(f"b{ti}_{r}")
                m.Add(flag <= sum(by_tr.get((ti, r), [])))
                busy.append(flag)
            busy_all.extend(busy)
            if busy:
                m.Add(len(busy) - sum(busy) <= self.most_idle)
        self.empty = self.available - sum(busy_all) if busy_all else self.available

    def hint(self, plan: Plan) -> None:
        """Start the search from ``plan`` (its cells the model allows)."""
        self.model.ClearHints()
        tables = {t.id: ti for ti, t in enumerate(self.instance.tables)}
        chosen = {(gi, tables.get(plan.table(g.id, r)), r)
                  for gi, g in enumerate(self.instance.groups) for r in range(self.instance.rounds)}
        for key, var in self.x.items():
            self.model.AddHint(var, key in chosen)

    def plan(self, solver: cp_model.CpSolver) -> Plan:
        groups, tables = self.instance.groups, self.instance.tables
        cells = [(groups[gi].id, r, tables[ti].id) for (gi, ti, r), var in self.x.items() if solver.Value(var)]
        return Plan.from_cells(self.instance.rounds, cells, [g.id for g in groups])


class _Stages:
    """Runs the stages on one model within one time budget, each hinted with the last plan."""

    def __init__(self, model: _Model, settings: Settings, start: Plan):
        self.model, self.settings = model, settings
        self.deadline = time.perf_counter() + settings.time_limit
        self.best = start
        self.stages: list[Stage] = []

    def run(self, name: str, expression, maximise: bool) -> int:
        m = self.model
        started = time.perf_counter()
        if isinstance(expression, int) or not m.x:  # nothing to decide
            value = int(expression) if isinstance(expression, int) else 0
            self.stages.append(Stage(name, "skipped", value, value, 0.0))
            return value
        m.hint(self.best)
        (m.model.Maximize if maximise else m.model.Minimize)(expression)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, self.deadline - started)
        solver.parameters.num_workers = self.settings.workers
        solver.parameters.random_seed = self.settings.seed
        status = solver.Solve(m.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # time out before any solution
            value = _value(m, expression, self.best)
            self.stages.append(Stage(name, "unsolved", value, value, time.perf_counter() - started))
        else:
            self.best = m.plan(solver)
            value = round(solver.ObjectiveValue())
            bound = solver.BestObjectiveBound()
            bound = math.floor(bound + 1e-6) if maximise else math.ceil(bound - 1e-6)
            self.stages.append(Stage(name, "optimal" if status == cp_model.OPTIMAL else "feasible",
                                     value, bound, time.perf_counter() - started))
        # fix the optimum (or the value reached) for the next stages
        m.model.Add(expression >= value) if maximise else m.model.Add(expression <= value)
        return value


def _value(m: _Model, expression, plan: Plan) -> int:
    """An expression's value on a plan, for a stage that found nothing better than its hint."""
    solver = cp_model.CpSolver()
    m.hint(plan)
    m.model.ClearObjective()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = 1.0
    solver.Solve(m.model)
    return round(solver.Value(expression))


def _families_stages(model: _Model, stages: _Stages) -> None:
    stages.run("shortfall", model.shortfall if model.instance.groups else 0, maximise=False)
    stages.run("total_families", model.total, maximise=True)


def _tidy_weights(instance: Instance) -> tuple[int, int]:
    """Weights making visits > empty slots > most idle exactly lexicographic in one sum."""
    idle_weight = instance.rounds + 1
    return (len(instance.tables) * instance.rounds + 1) * idle_weight, idle_weight


def _result(instance: Instance, stages: _Stages, started: float, moves=()) -> Rotation:
    plan = stages.best
    objective = evaluate(instance, plan)
    by_name = {s.name: s for s in stages.stages}
    bound = Bound(by_name["shortfall"].bound, by_name["total_families"].bound)
    optimal = all(s.status in ("optimal", "skipped") for s in stages.stages)
    return Rotation(plan, objective, bound, optimal, explain(instance, plan, optimal), tuple(stages.stages),
                    time.perf_counter() - started, tuple(moves))


def plan_rotations(instance: Instance, settings: Settings | None = None, start: Plan | None = None) -> Rotation:
    """The best plan of ``instance`` (see the module docstring for "best").

    ``start``: a valid plan to start the search from (default: the cyclic baseline)."""
    settings = settings or Settings()
    started = time.perf_counter()
    model = _Model(instance)
    stages = _Stages(model, settings, start or cyclic_plan(instance))
    _families_stages(model, stages)
    visits_weight, idle_weight = _tidy_weights(instance)
    stages.run("tidy", visits_weight * model.visits - idle_weight * model.empty - model.most_idle, maximise=True)
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


def replan_rotations(instance: Instance, published: Plan, settings: Settings | None = None) -> Rotation:
    """Re-plan after a change (a table drops out, a group leaves early, rounds change): the
    families and occupied cells stay optimal for the new instance, then as many cells as
    possible keep their published table, then the tables are tidied. ``moves`` says what moved.

    Cells of groups no longer in the instance are not counted as moves."""
    settings = settings or Settings()
    started = time.perf_counter()
    model = _Model(instance)
    stages = _Stages(model, settings, _kept(instance, published))
    _families_stages(model, stages)
    stages.run("visits", model.visits, maximise=True)
    tables = {t.id: ti for ti, t in enumerate(instance.tables)}
    differ = []
    for gi, g in enumerate(instance.groups):
        for r in range(instance.rounds):
            before = published.table(g.id, r)
            cell = model.by_gr.get((gi, r), [])
            if before is None:
                differ.extend(cell)
            elif (gi, tables.get(before), r) in model.x:
                differ.append(1 - model.x[gi, tables[before], r])
            else:
                differ.append(1)
    _, idle_weight = _tidy_weights(instance)
    moves_weight = (len(instance.tables) * instance.rounds + 1) * idle_weight
    stages.run("moves_then_tidy", moves_weight * sum(differ) + idle_weight * model.empty + model.most_idle,
               maximise=False)
    return _result(instance, stages, started, moved_cells(instance, published, stages.best))

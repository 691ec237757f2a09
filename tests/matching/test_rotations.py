"""The rotation planner against brute force and the cyclic baseline (Hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.matching.rotations import (
    Group,
    Instance,
    Plan,
    Table,
    cyclic_plan,
    evaluate,
    moved_cells,
    plan_rotations,
    replan_rotations,
    targets,
    violations,
)

from .rotation_instances import all_plans, as_plan, distance, instances, keyer

EXAMPLES = settings(settings.get_profile("matching"), max_examples=200)


@EXAMPLES
@given(instance=instances())
def test_plan_is_valid_and_equals_the_brute_force_optimum(instance):
    result = plan_rotations(instance)
    assert violations(instance, result.plan) == []
    assert result.optimal
    key = keyer(instance)
    best = max(key(paths) for paths in all_plans(instance))
    assert result.objective.key() == best  # every stage, not only the first two
    assert evaluate(instance, result.plan) == result.objective
    assert (result.bound.shortfall, result.bound.total_families) == (-best[0], best[1])


@EXAMPLES
@given(instance=instances(groups=(1, 6), tables=(1, 6), rounds=(1, 5)))
def test_never_worse_than_the_cyclic_baseline(instance):
    baseline = cyclic_plan(instance)
    assert violations(instance, baseline) == []
    result = plan_rotations(instance)
    assert violations(instance, result.plan) == []
    ours, theirs = result.objective, evaluate(instance, baseline)
    assert ours.key() >= theirs.key()
    assert ours.shortfall <= theirs.shortfall
    if len(set(targets(instance).values())) <= 1:  # same target for all: the shortfall is the min
        assert ours.min_families >= theirs.min_families
    if ours.shortfall == theirs.shortfall:
        assert ours.total_families >= theirs.total_families


def _change(instance: Instance, kind: int, which: int) -> Instance:
    """One change an organizer makes after publishing: a table drops out or misses a round, a
    group leaves early, a group is added."""
    tables, groups = list(instance.tables), list(instance.groups)
    if kind == 0 and tables:
        del tables[which % len(tables)]
    elif kind == 1 and tables:
        t = tables[which % len(tables)]
        rounds = instance.table_rounds(t) - {which % max(instance.rounds, 1)}
        tables[which % len(tables)] = Table(t.id, t.families, t.capacity, rounds)
    elif kind == 2 and groups:
        g = groups[which % len(groups)]
        groups[which % len(groups)] = Group(g.id, frozenset(r for r in instance.group_rounds(g) if r < which % 3))
    else:
        groups.append(Group("new"))
    return Instance(instance.rounds, tuple(tables), tuple(groups))


@EXAMPLES
@given(instance=instances(), data=st.data())
def test_replanning_moves_no_more_cells_than_needed(instance, data):
    plans = list(all_plans(instance))
    published = as_plan(instance, data.draw(st.sampled_from(plans)))  # any valid published plan
    changed = _change(instance, data.draw(st.integers(0, 3)), data.draw(st.integers(0, 5)))
    result = replan_rotations(changed, published)
    assert violations(changed, result.plan) == []
    assert result.optimal
    key = keyer(changed)
    candidates = [(key(p)[:3], -distance(changed, published, p)) for p in all_plans(changed)]
    best_key = max(k for k, _ in candidates)
    fewest = -max(d for k, d in candidates if k == best_key)
    assert result.objective.key()[:3] == best_key
    assert len(result.moves) == fewest
    assert list(result.moves) == moved_cells(changed, published, result.plan)


def test_replanning_an_unchanged_instance_moves_nothing():
    instance = Instance(4, tuple(Table(f"T{i}", {f"f{i}"}) for i in range(4)), tuple(Group(g) for g in "ABCD"))
    first = plan_rotations(instance)
    again = replan_rotations(instance, first.plan)
    assert again.moves == ()
    assert again.plan == first.plan


def test_a_table_dropping_out_moves_only_its_groups_when_enough_tables_remain():
    tables = tuple(Table(f"T{i}", {f"f{i}"}) for i in range(6))
    instance = Instance(3, tables, tuple(Group(g) for g in "ABC"))
    first = plan_rotations(instance)
    assert first.objective.min_families == 3
    result = replan_rotations(instance.without_table("T0"), first.plan)
    assert result.objective.min_families == 3
    assert {m.before for m in result.moves} <= {"T0"}
    assert len(result.moves) == sum(1 for _, _, t in first.plan.cells() if t == "T0")


def test_validator_counts_every_broken_rule():
    tables = (Table("T", {"a"}, rounds={0}), Table("U", {"b"}))
    instance = Instance(2, tables, (Group("A"), Group("B", {1}), Group("C")))
    plan = Plan(2, {"A": ("T", "T"), "B": ("U", "U"), "C": ("U", None), "Z": ("T", None)})
    codes = sorted(v.code for v in violations(instance, plan))
    assert codes == ["group_absent", "over_capacity", "repeated_table", "repeated_table", "table_absent",
                     "unknown_group"]
    assert [v.code for v in violations(instance, Plan(2, {"A": ("X", None, None)}))] == ["wrong_rounds",
                                                                                        "unknown_table"]


def test_the_cyclic_baseline_is_a_latin_square_when_nothing_is_missing():
    instance = Instance(3, tuple(Table(f"T{i}", {f"f{i}"}) for i in range(3)), tuple(Group(g) for g in "ABC"))
    plan = cyclic_plan(instance)
    assert plan.paths["A"] == ("T0", "T1", "T2")
    assert plan.paths["C"] == ("T2", "T0", "T1")


def test_values_refuse_what_cannot_be_planned():
    import pytest

    with pytest.raises(ValueError):
        Table("T", set())
    with pytest.raises(ValueError):
        Table("T", {"a"}, capacity=0)
    with pytest.raises(ValueError):
        Instance(2, (Table("T", {"a"}, rounds={2}),), ())
    with pytest.raises(ValueError):
        Instance(2, (), (Group("A"), Group("A")))


def test_an_empty_block_plans_to_nothing():
    result = plan_rotations(Instance(3, (), (Group("A"),)))
    assert result.plan.paths["A"] == (None, None, None)
    assert result.optimal


@EXAMPLES
@given(instance=instances(groups=(1, 6), tables=(1, 6), rounds=(1, 5)), data=st.data())
def test_the_greedy_start_and_the_repair_are_valid(instance, data):
    from app.matching.rotations.greedy import greedy_plan, repair
    from app.matching.rotations.planner import _kept

    plan = greedy_plan(instance)
    assert violations(instance, plan) == []
    changed = _change(instance, data.draw(st.integers(0, 3)), data.draw(st.integers(0, 5)))
    kept = _kept(changed, plan)
    assert violations(changed, kept) == []
    repaired = repair(changed, kept)
    assert violations(changed, repaired) == []
    assert evaluate(changed, repaired).visits >= evaluate(changed, kept).visits
    assert violations(changed, greedy_plan(changed, repaired)) == []

"""The explanation names what limited the plan, on instances built to show each limit."""

from app.matching.rotations import Group, Instance, Settings, Table, plan_rotations, violations


def codes(instance, **settings):
    result = plan_rotations(instance, Settings(**settings) if settings else None)
    return {(limit.code, tuple(sorted(limit.params.items(), key=repr))) for limit in result.limits}, result


def tables(n, families=None, **kwargs):
    return tuple(Table(f"T{i}", {families[i] if families else f"f{i}"}, **kwargs) for i in range(n))


def test_a_perfect_plan_has_no_limit():
    found, result = codes(Instance(3, tables(3), tuple(Group(g) for g in "ABC")))
    assert found == set()
    assert result.objective.min_families == 3


def test_fewer_families_than_rounds():
    found, result = codes(Instance(4, tables(4, "aabb"), tuple(Group(g) for g in "ABCD")))
    assert ("too_few_families", (("families", 2), ("rounds", 4))) in found
    assert result.objective.min_families == 2


def test_more_groups_than_seats():
    found, _ = codes(Instance(2, tables(2), tuple(Group(g) for g in "ABC")))
    assert ("seats_short", (("groups", 3), ("round", 0), ("seats", 2))) in found
    assert ("seats_short", (("groups", 3), ("round", 1), ("seats", 2))) in found


def test_a_table_absent_some_rounds():
    block = tables(2) + (Table("T2", {"f2"}, rounds={2}),)
    found, _ = codes(Instance(3, block, tuple(Group(g) for g in "ABC")))
    assert ("table_absent", (("rounds", (0, 1)), ("table", "T2"))) in found
    assert any(code == "seats_short" for code, _ in found)


def test_a_group_present_only_some_rounds():
    found, result = codes(Instance(4, tables(4), (Group("A"), Group("B", {0, 1, 2}))))
    assert ("group_present_part", (("group", "B"), ("present", (0, 1, 2)), ("rounds", 4))) in found
    # its target is its own presence: no shortfall, and A still meets every family
    assert result.objective.shortfall == 0
    assert result.plan.paths["A"].count(None) == 0


def test_families_out_of_reach_while_the_group_is_there():
    block = (Table("T0", {"a"}), Table("T1", {"a"}), Table("T2", {"b"}, rounds={2}), Table("T3", {"c"}, rounds={2}))
    found, _ = codes(Instance(3, block, (Group("A", {0, 1}),)))
    assert ("families_out_of_reach", (("group", "A"), ("reachable", 1), ("rounds", 2))) in found


def test_groups_competing_for_the_same_table_fall_below_their_target():
    # family c only at T2, open in round 0 only: one of two groups misses it
    block = (Table("T0", {"a"}), Table("T1", {"b"}), Table("T2", {"c"}, rounds={0}))
    found, result = codes(Instance(2, block, (Group("A"), Group("B"))))
    assert result.objective.shortfall == 0
    block = (Table("T0", {"a"}), Table("T1", {"a"}), Table("T2", {"c"}, rounds={0}))
    found, result = codes(Instance(2, block, (Group("A"), Group("B"))))
    assert result.objective.shortfall == 1
    assert sum(1 for code, _ in found if code == "below_target") == 1


def test_more_seats_than_groups_leaves_tables_empty():
    found, result = codes(Instance(2, tables(3), (Group("A"), Group("B"))))
    assert ("tables_outnumber_groups", (("groups", 2), ("round", 0), ("seats", 3))) in found
    assert result.objective.empty_slots == 2
    assert result.objective.most_idle == 1  # spread over tables, not one table idle twice


def test_a_time_limit_too_short_is_said():
    # two families a table: the greedy start does not settle the last stage, the search would
    block = tuple(Table(f"T{i}", {f"f{i % 9}", f"f{(i * 4) % 11}"}, capacity=1 + i % 2) for i in range(20))
    instance = Instance(8, block, tuple(Group(f"G{i}") for i in range(25)))
    result = plan_rotations(instance, Settings(time_limit=0.001))
    assert not result.optimal
    assert result.limits[0].code == "solver_limit"
    assert result.limits[0].params["stages"] == tuple(s.name for s in result.stages if s.status != "optimal")
    assert violations(instance, result.plan) == []

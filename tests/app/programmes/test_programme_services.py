"""Programmes: saving parts, groups from classes, planning, moving by hand, timetables, notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.feeds import audiences, mapping
from app.feeds.mapping import Audience
from app.models import AuditEntry, OutboxEmail, PartKind, School
from app.services.common.errors import Conflict, Invalid, NotFound
from app.services.programmes import editing, explain, grid, timetables
from app.services.programmes.editing import GroupData, TableData
from tests.support import programmes


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"])


@pytest.fixture
def planned(db, organizer):
    event, assignments, schools = programmes.half_day(organizer)
    editing.save_programme(organizer, event, programmes.parts(assignments))
    editing.make_groups(organizer, event, 14)
    grid.plan(organizer, event)
    return event, assignments, schools


def test_saving_a_programme_keeps_its_parts_in_order_with_round_times(db, organizer):
    event, assignments, _schools = programmes.half_day(organizer)
    editing.save_programme(organizer, event, programmes.parts(assignments))
    kinds = [p.kind for p in event.programme_parts]
    assert kinds == [PartKind.PLENARY, PartKind.ROTATION, PartKind.CLOSING]
    block = event.programme_parts[1]
    times = block.round_times()
    assert len(times) == 4
    assert times[1][0] - times[0][0] == timedelta(minutes=30) and times[0][1] - times[0][0] == timedelta(minutes=25)
    assert [t.label for t in block.tables] == ["Table 1", "Table 2", "Table 3", "Table 4"]
    assert [h.assignment_id for h in block.tables[0].hosts] == [assignments[0].id]


def test_bad_programmes_are_refused_with_field_paths(db, organizer, create_assignment):
    event, assignments, _schools = programmes.half_day(organizer)
    parts = programmes.parts(assignments, rounds=6)  # 6 × 25 + 5 × 5 = 175 minutes in a 120-minute block
    parts[0].title = ""
    parts[2].end_at = event.end_at + timedelta(hours=1)
    stranger = create_assignment()  # on another event
    parts[1].tables.append(TableData("Table 1", assignment_ids=[stranger.id]))
    parts[1].groups.append(GroupData("G", rounds=[9]))
    with pytest.raises(Invalid) as error:
        editing.save_programme(organizer, event, parts)
    fields = error.value.fields
    assert ("parts", 0, "title") in fields
    assert ("parts", 2, "start_at") in fields
    assert ("parts", 1, "round_count") in fields
    assert ("parts", 1, "tables", 4, "label") in fields  # the same name twice
    assert ("parts", 1, "tables", 4, "assignment_ids") in fields
    assert ("parts", 1, "groups", 0, "rounds") in fields


def test_an_organizer_out_of_scope_reads_the_event_as_missing(db, organizer, create_user):
    event, assignments, _schools = programmes.half_day(organizer)
    lyon = create_user(academies=["lyon"])
    with pytest.raises(NotFound):
        editing.save_programme(lyon, event, programmes.parts(assignments))


def test_groups_are_made_from_the_registered_classes(db, organizer):
    event, assignments, schools = programmes.half_day(organizer)
    editing.save_programme(organizer, event, programmes.parts(assignments))
    editing.make_groups(organizer, event, 14)
    groups = editing.rotation_block(event).groups
    assert [(g.label, g.headcount, g.school_id) for g in groups] == [
        ("Collège Jean Moulin 4e – A", 14, schools[0].id), ("Collège Jean Moulin 4e – B", 14, schools[0].id),
        ("Collège Curie 3e – A", 12, schools[1].id), ("Collège Curie 3e – B", 12, schools[1].id),
    ]


def test_planning_fills_the_grid_without_a_repeated_table_and_within_capacity(db, planned):
    event, _assignments, _schools = planned
    block = editing.rotation_block(event)
    assert len(block.cells) == 16  # 4 groups × 4 rounds, one table each
    assert grid.conflicts(block) == []
    for group in block.groups:
        tables = [c.table_id for c in block.cells if c.group_id == group.id]
        assert len(set(tables)) == 4  # every group meets the four jobs
    assert block.grid_version == 1 and event.sequence == 1
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"programme.saved", "programme.planned"} <= actions


def test_presence_windows_are_respected(db, organizer):
    event, assignments, _schools = programmes.half_day(organizer)
    parts = programmes.parts(assignments)
    parts[1].tables[0].rounds = [3, 4]  # arrives late
    parts[1].groups = [GroupData("A"), GroupData("B", rounds=[1, 2]), GroupData("C"), GroupData("D")]
    editing.save_programme(organizer, event, parts)
    block = grid.plan(organizer, event)
    table_1, group_b = block.tables[0], block.groups[1]
    assert all(c.round in (3, 4) for c in block.cells if c.table_id == table_1.id)
    assert all(c.round in (1, 2) for c in block.cells if c.group_id == group_b.id)
    assert grid.conflicts(block) == []


def test_replanning_after_a_table_drops_keeps_what_still_holds(db, organizer, planned):
    event, _assignments, _schools = planned
    block = editing.rotation_block(event)
    gone = block.tables[3]
    kept_before = {(c.group_id, c.round, c.table_id) for c in block.cells if c.table_id != gone.id}
    parts = editing.programme_data(event)
    parts[1].tables = parts[1].tables[:3]
    editing.save_programme(organizer, event, parts)
    assert all(c.table_id != gone.id for c in block.cells)
    assert {m["before_label"] for m in block.moves} == {"Table 4"}, "the page says what moved"
    grid.plan(organizer, event)
    after = {(c.group_id, c.round, c.table_id) for c in block.cells}
    assert grid.conflicts(block) == []
    assert len(kept_before - after) <= len(block.moves)


def test_moving_a_group_by_hand_shows_the_conflicts_it_makes(db, organizer, planned):
    event, _assignments, _schools = planned
    block = editing.rotation_block(event)
    group = block.groups[0]
    first = next(c for c in block.cells if c.group_id == group.id and c.round == 1)
    grid.move_group(organizer, event, group_id=group.id, round=2, table_id=first.table_id)
    codes = {c["code"] for c in grid.conflicts(block)}
    assert "table_twice" in codes and "table_full" in codes
    assert block.moves[0]["group_label"] == group.label
    texts = [explain.describe(c) for c in grid.conflicts(block)]
    assert any(group.label in t for t in texts)
    assert event.sequence == 2
    with pytest.raises(Invalid):
        grid.move_group(organizer, event, group_id=group.id, round=9, table_id=None)


def test_planning_needs_a_rotation_block(db, organizer):
    event, _assignments, _schools = programmes.half_day(organizer)
    with pytest.raises(Conflict):
        grid.plan(organizer, event)


def test_timetables_reach_role_models_schools_and_people_are_told(db, planned):
    event, assignments, _schools = planned
    block = editing.rotation_block(event)
    mine = mapping.calendar_event(event, Audience.ROLE_MODEL, assignment=assignments[0]).description
    assert "Votre table : Table 1 (Soudure)" in mine
    assert "09:30–09:55" in mine
    own = block.groups[0].school_id
    school = mapping.calendar_event(event, Audience.SCHOOL, school_ids=frozenset({own})).description
    assert f"Parcours du groupe {block.groups[0].label}" in school
    assert "Soudure" in school
    # A school sees its own groups' paths only, and none when the schools are not named.
    assert all(f"Parcours du groupe {g.label}" not in school for g in block.groups if g.school_id != own)
    assert "Parcours" not in mapping.calendar_event(event, Audience.SCHOOL).description
    [feed_value] = audiences.school_events(db.session.get(School, own), day=event.start_at.date())
    assert feed_value.description == school
    public = mapping.calendar_event(event, Audience.PUBLIC).description
    assert "Parcours" not in public
    told = db.session.scalars(select(OutboxEmail).where(OutboxEmail.dedupe_key.like("%:programme:%"))).all()
    mine = next(e for e in told if e.to_address == assignments[0].role_model.user.email)
    assert "Votre table : Table 1" in mine.body_text and mine.ics_method == "REQUEST"
    visits = timetables.receptions(block, block.tables[0])
    assert [len(v.groups) for v in visits] == [1, 1, 1, 1]


def test_the_programme_moves_with_the_event(db, organizer, planned):
    from app.services.events import lifecycle

    event, _assignments, _schools = planned
    block = editing.rotation_block(event)
    first_round = block.round_times()[0][0]
    lifecycle.reschedule_event(organizer, event, start_at=event.start_at + timedelta(days=2),
                               end_at=event.end_at + timedelta(days=2))
    assert block.round_times()[0][0] == first_round + timedelta(days=2)
    assert event.programme_parts[0].start_at == event.start_at


def test_the_portal_partial_gives_her_table_and_groups(app, planned):
    from flask import render_template

    event, assignments, _schools = planned
    with app.test_request_context():
        html = render_template("portal/_programme_table.html", event=event, assignment=assignments[0])
    block = editing.rotation_block(event)
    received = [c.group.label for c in block.cells if c.table_id == block.tables[0].id]
    assert "Votre table\u00a0: Table 1 (Soudure)" in html  # French pages: no colon alone on a line
    assert all(label in html for label in received) and "09:30–09:55" in html

"""The programme API: read, replace, plan and re-plan, problem+json on bad input."""

from __future__ import annotations

import pytest

from tests.support import programmes
from tests.support.api import assert_problem, bearer, error_fields


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"])


def _body(assignments):
    parts = []
    for part in programmes.parts(assignments):
        value = {"kind": part.kind.value, "title": part.title, "start_at": part.start_at.isoformat(),
                 "end_at": part.end_at.isoformat()}
        if part.round_count:
            value.update(round_count=part.round_count, round_minutes=part.round_minutes,
                         changeover_minutes=part.changeover_minutes,
                         tables=[{"label": t.label, "job_family": t.job_family, "assignment_ids": t.assignment_ids}
                                 for t in part.tables])
        parts.append(value)
    return {"parts": parts}


def test_put_then_plan_then_get(client, organizer):
    event, assignments, _schools = programmes.half_day(organizer)
    headers = bearer(organizer)
    url = f"/api/v1/events/{event.id}/programme"
    empty = client.get(url, headers=headers)
    assert empty.status_code == 200 and empty.get_json() == {"event_id": event.id, "parts": [], "grid": None}
    saved = client.put(url, json=_body(assignments), headers=headers)
    assert saved.status_code == 200, saved.get_json()
    assert [p["kind"] for p in saved.get_json()["parts"]] == ["plenary", "rotation", "closing"]
    planned = client.post(url + "/plan", json={"group_size": 14}, headers=headers)
    assert planned.status_code == 200, planned.get_json()
    grid = planned.get_json()["grid"]
    assert len(grid["cells"]) == 16 and grid["version"] == 1 and grid["conflicts"] == []
    assert grid["rounds"][0]["start_at"].startswith("2027-03-16T08:30")
    again = client.post(url + "/plan", json={}, headers=headers)
    assert again.get_json()["grid"]["moves"] == []
    assert client.get(url, headers=headers).get_json()["grid"]["cells"] == grid["cells"]


def test_bad_programmes_are_problems_with_dotted_fields(client, organizer):
    event, assignments, _schools = programmes.half_day(organizer)
    headers = bearer(organizer)
    body = _body(assignments)
    body["parts"][2]["end_at"] = "2027-03-16T18:00:00+01:00"
    problem = assert_problem(client.put(f"/api/v1/events/{event.id}/programme", json=body, headers=headers), 422)
    assert "parts.2.start_at" in error_fields(problem)
    body["parts"][1]["round_count"] = 0
    problem = assert_problem(client.put(f"/api/v1/events/{event.id}/programme", json=body, headers=headers), 422)
    assert "parts.1.round_count" in error_fields(problem)
    assert_problem(client.post(f"/api/v1/events/{event.id}/programme/plan", json={}, headers=headers), 409,
                   "no_rotation_block")


def test_out_of_scope_reads_as_missing(client, organizer, create_user):
    event, assignments, _schools = programmes.half_day(organizer)
    lyon = bearer(create_user(academies=["lyon"]))
    assert_problem(client.get(f"/api/v1/events/{event.id}/programme", headers=lyon), 404)
    assert_problem(client.put(f"/api/v1/events/{event.id}/programme", json=_body(assignments), headers=lyon), 404)


def test_the_documented_example_is_accepted_and_planned(client, organizer):
    from app.web.api.schemas.programmes import PROGRAMME_EXAMPLE

    event, _assignments, _schools = programmes.half_day(organizer)
    headers = bearer(organizer)
    saved = client.put(f"/api/v1/events/{event.id}/programme", json=PROGRAMME_EXAMPLE, headers=headers)
    assert saved.status_code == 200, saved.get_json()
    planned = client.post(f"/api/v1/events/{event.id}/programme/plan", json={}, headers=headers).get_json()
    cells = planned["grid"]["cells"]
    assert len(cells) == 4 and planned["grid"]["conflicts"] == []
    for group in {c["group_id"] for c in cells}:
        assert len({c["table_id"] for c in cells if c["group_id"] == group}) == 2  # both jobs


def test_moving_a_group_by_hand_through_the_api(client, organizer):
    event, assignments, _schools = programmes.half_day(organizer)
    headers = bearer(organizer)
    url = f"/api/v1/events/{event.id}/programme"
    client.put(url, json=_body(assignments), headers=headers)
    grid = client.post(url + "/plan", json={"group_size": 14}, headers=headers).get_json()["grid"]
    cell = grid["cells"][0]
    other = next(c for c in grid["cells"] if c["group_id"] == cell["group_id"] and c["round"] == 2)
    moved = client.post(url + "/moves", json={"group_id": cell["group_id"], "round": 1,
                                              "table_id": other["table_id"]}, headers=headers)
    assert moved.status_code == 200, moved.get_json()
    codes = {c["code"] for c in moved.get_json()["grid"]["conflicts"]}
    assert "table_twice" in codes
    assert moved.get_json()["grid"]["moves"][0]["after"] == other["table_id"]
    assert_problem(client.post(url + "/moves", json={"group_id": cell["group_id"], "round": 9, "table_id": None},
                               headers=headers), 422)
    assert_problem(client.post(url + "/moves", json={"group_id": 999999, "round": 1, "table_id": None},
                               headers=headers), 404)

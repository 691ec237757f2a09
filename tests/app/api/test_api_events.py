"""Organizer API: events, participations, matching proposals, role models and statistics, with
the UI's permission rules (token required, académie scope: 404 to read, 403 to act)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    Assignment,
    AssignmentStatus,
    AuditEntry,
    Event,
    EventStatus,
    OutboxEmail,
    RoleModelStatus,
    UserRole,
)
from tests.support.api import assert_problem, bearer, error_fields

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def paris(create_user):
    return create_user(email="paris@example.org", academies=["paris"])


@pytest.fixture
def headers(paris):
    return bearer(paris)


def new_event(**overrides) -> dict:
    data = {
        "type": "conference",
        "title": "Les métiers de l'aéronautique",
        "start_at": "2027-03-16T10:00:00+01:00",
        "end_at": "2027-03-16T12:00:00+01:00",
        "departement": "75",
        "venue": "Lycée Diderot",
        "role_models_max": 2,
        "is_public": True,
    }
    data.update(overrides)
    return data


def test_every_organizer_operation_needs_a_token(client, create_event):
    event = create_event()
    for method, url in [
        ("get", "/api/v1/events"),
        ("post", "/api/v1/events"),
        ("get", f"/api/v1/events/{event.id}"),
        ("post", f"/api/v1/events/{event.id}/proposals"),
        ("get", "/api/v1/role-models"),
        ("get", "/api/v1/statistics?start=2026-09-01&end=2027-08-31"),
        ("get", "/api/v1/me"),
    ]:
        response = getattr(client, method)(url, json={} if method == "post" else None)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_session_cookie_does_not_authenticate(client, auth, paris):
    auth.login(paris.email)
    assert_problem(client.get("/api/v1/me"), 401)


def test_me(client, paris, headers):
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert body == {
        "id": paris.id,
        "full_name": paris.full_name,
        "email": paris.email,
        "role": "organizer",
        "academies": ["paris"],
    }


def test_create_event_in_scope(client, db, headers):
    response = client.post("/api/v1/events", json=new_event(status="scheduled"), headers=headers)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "scheduled" and created["academie"] == "paris"
    assert created["start_at"] == "2027-03-16T09:00:00+00:00"  # stored and given back in UTC
    assert response.headers["Location"].endswith(f"/api/v1/events/{created['id']}")
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "event.created", AuditEntry.subject_id == created["id"])
        )
        == 1
    )


def test_create_event_outside_scope_is_403_and_validation_is_422(client, db, headers):
    assert_problem(
        client.post("/api/v1/events", json=new_event(departement="69"), headers=headers), 403, "not_allowed"
    )
    problem = assert_problem(
        client.post("/api/v1/events", json=new_event(end_at="2027-03-16T09:00:00+01:00"), headers=headers),
        422,
        "invalid",
    )
    assert "end_at" in error_fields(problem)
    problem = assert_problem(
        client.post("/api/v1/events", json=new_event(start_at="2027-03-16T10:00:00"), headers=headers), 422
    )
    assert "start_at" in error_fields(problem)  # no offset, no instant
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_list_and_read_only_in_scope(client, create_event, headers):
    mine = create_event(title="Paris", departement="75")
    theirs = create_event(title="Lyon", departement="69")
    items = client.get("/api/v1/events", headers=headers).get_json()["items"]
    assert [e["title"] for e in items] == ["Paris"]
    assert client.get(f"/api/v1/events/{mine.id}", headers=headers).status_code == 200
    assert_problem(client.get(f"/api/v1/events/{theirs.id}", headers=headers), 404)
    assert_problem(
        client.post(f"/api/v1/events/{theirs.id}/cancel", json={"reason": "x"}, headers=headers), 404
    )


def test_update_only_changes_what_is_sent_and_tells_calendars(client, db, create_event, headers):
    event = create_event(title="Avant", venue="Salle A")
    response = client.patch(f"/api/v1/events/{event.id}", json={"title": "Après"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["title"], body["venue"], body["sequence"]) == ("Après", "Salle A", 1)


def test_reschedule_and_cancel_then_conflict(client, db, create_event, create_assignment, headers):
    event = create_event()
    create_assignment(event=event, status=AssignmentStatus.CONFIRMED)
    moved = client.post(
        f"/api/v1/events/{event.id}/reschedule",
        headers=headers,
        json={"start_at": "2027-03-18T14:00:00+01:00", "end_at": "2027-03-18T16:00:00+01:00"},
    )
    assert moved.status_code == 200 and moved.get_json()["start_at"] == "2027-03-18T13:00:00+00:00"
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) >= 1  # the role model is told
    cancelled = client.post(f"/api/v1/events/{event.id}/cancel", json={"reason": "Grève"}, headers=headers)
    assert cancelled.get_json()["status"] == "cancelled"
    assert_problem(
        client.post(f"/api/v1/events/{event.id}/cancel", json={"reason": "Encore"}, headers=headers),
        409,
        "event_not_open",
    )
    assert_problem(client.patch(f"/api/v1/events/{event.id}", json={"title": "x"}, headers=headers), 409)


def test_publish_a_draft_once(client, create_event, headers):
    event = create_event(status=EventStatus.DRAFT)
    assert (
        client.post(f"/api/v1/events/{event.id}/publish", headers=headers).get_json()["status"] == "scheduled"
    )
    assert_problem(client.post(f"/api/v1/events/{event.id}/publish", headers=headers), 409, "event_not_draft")


def test_participation_lifecycle(client, db, create_event, create_role_model, headers):
    event = create_event(role_models_max=1)
    person = create_role_model()
    added = client.post(
        f"/api/v1/events/{event.id}/assignments", json={"role_model_id": person.id}, headers=headers
    )
    assert added.status_code == 201, added.get_json()
    assignment_id = added.get_json()["id"]
    assert added.get_json()["status"] == "proposed"
    assert_problem(
        client.post(
            f"/api/v1/events/{event.id}/assignments", json={"role_model_id": person.id}, headers=headers
        ),
        409,
        "already_assigned",
    )
    invited = client.post(f"/api/v1/assignments/{assignment_id}/invite", headers=headers)
    assert invited.get_json()["status"] == "invited"
    # Only an acceptance can be confirmed.
    assert_problem(client.post(f"/api/v1/assignments/{assignment_id}/confirm", headers=headers), 409)
    db.session.get(Assignment, assignment_id).status = AssignmentStatus.ACCEPTED
    db.session.flush()
    confirmed = client.post(f"/api/v1/assignments/{assignment_id}/confirm", headers=headers)
    assert confirmed.get_json()["status"] == "confirmed"
    assert client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()["status"] == "confirmed"
    listed = client.get(f"/api/v1/events/{event.id}/assignments", headers=headers).get_json()["items"]
    assert [a["id"] for a in listed] == [assignment_id]
    removed = client.post(
        f"/api/v1/assignments/{assignment_id}/cancel", json={"reason": "Malade"}, headers=headers
    )
    assert removed.get_json()["status"] == "cancelled"
    assert client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()["status"] == "scheduled"


def test_invite_a_paused_role_model_is_409(client, create_assignment, create_role_model, headers):
    assignment = create_assignment(role_model=create_role_model(status=RoleModelStatus.PAUSED))
    assert_problem(
        client.post(f"/api/v1/assignments/{assignment.id}/invite", headers=headers),
        409,
        "role_model_inactive",
    )


def test_participations_of_another_academie_are_404(client, create_event, create_assignment, headers):
    assignment = create_assignment(event=create_event(departement="69"))
    assert_problem(client.get(f"/api/v1/assignments/{assignment.id}", headers=headers), 404)
    assert_problem(client.post(f"/api/v1/assignments/{assignment.id}/invite", headers=headers), 404)


def test_matching_proposals(client, db, create_event, create_role_model, headers):
    event = create_event(role_models_max=2, topics=["aéronautique"])
    match = create_role_model(sectors=["aéronautique"])
    create_role_model(sectors=["textile"])
    create_role_model(sectors=["chimie"])
    run = client.post(f"/api/v1/events/{event.id}/proposals", headers=headers)
    assert run.status_code == 200, run.get_json()
    body = run.get_json()
    assert len(body["created"]) == 2 and body["seats_missing"] == 2 and body["seats_left"] == 0
    assert len(body["ranking"]) == 3
    listed = client.get(f"/api/v1/events/{event.id}/proposals", headers=headers).get_json()["items"]
    assert listed[0]["role_model"]["id"] == match.id and listed[0]["explanation"]["rank"] == 1
    again = client.post(f"/api/v1/events/{event.id}/proposals", headers=headers).get_json()
    assert again["created"] == [] and again["seats_missing"] is None


def test_role_models_in_scope(client, create_role_model, headers):
    near = create_role_model(departements=["75"], last_name="Arnaud")
    far = create_role_model(departements=["69"], last_name="Bernard")
    body = client.get("/api/v1/role-models", headers=headers).get_json()
    assert [r["id"] for r in body["items"]] == [near.id]
    detail = client.get(f"/api/v1/role-models/{near.id}", headers=headers).get_json()
    assert detail["departements"] == ["75"] and detail["weekly_windows"][0] == {
        "weekday": 0,
        "start": "08:00",
        "end": "18:00",
    }
    assert detail["email"] == near.user.email and detail["engaged_this_month"] == 0
    assert_problem(client.get(f"/api/v1/role-models/{far.id}", headers=headers), 404)


def test_role_model_pages(client, create_role_model, headers):
    people = [create_role_model(last_name=f"Nom{i:02d}") for i in range(5)]
    seen, cursor = [], None
    while True:
        body = client.get(
            "/api/v1/role-models",
            query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
            headers=headers,
        ).get_json()
        seen += [r["id"] for r in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [p.id for p in people]


def test_statistics_in_scope(client, create_event, headers):
    create_event(status=EventStatus.CONFIRMED, departement="75", start_at=START - timedelta(days=1))
    create_event(status=EventStatus.CONFIRMED, departement="69", start_at=START - timedelta(days=1))
    body = client.get("/api/v1/statistics?start=2026-09-01&end=2027-08-31", headers=headers).get_json()
    assert body["academies"] == ["paris"] and body["events"] == 1
    assert body["events_by_type_status"] == [{"type": "school_visit", "status": "confirmed", "count": 1}]
    assert body["period"] == {"start": "2026-09-01", "end": "2027-08-31"}


def test_tokens_of_non_organizers_are_403(client, create_user):
    person = create_user(role=UserRole.ROLE_MODEL)
    from app.extensions import db
    from app.models import ApiToken
    from app.services.accounts import api_tokens

    secret = api_tokens.new_secret()
    db.session.add(ApiToken(user_id=person.id, name="x", token_hash=api_tokens.hash_token(secret)))
    db.session.flush()
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}), 403)


def test_admin_sees_every_academie(client, create_user, create_event):
    admin = create_user(role=UserRole.ADMIN)
    create_event(departement="69")
    body = client.get("/api/v1/events", headers=bearer(admin)).get_json()
    assert len(body["items"]) == 1

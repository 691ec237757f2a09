"""Visit requests through the API: the form's validation and idempotency (Idempotency-Key),
field details in problem+json, the follow-up by token, and the rate limit."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select

from app.models import OutboxEmail, RequestStatus, School, VisitRequest
from tests.support.api import assert_problem, bearer, error_fields
from tests.support.school_requests import PARIS_UAI, TODAY, uai

KEY = "4d6f1c2e-0b7a-4c55-9a0e-2f1b8c3d7e90"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


def body(**overrides) -> dict:
    data = {
        "uai": PARIS_UAI,
        "school": {
            "name": "Collège Marie Curie",
            "commune": "Paris",
            "postal_code": "75013",
            "priority": "rep",
        },
        "contact": {"name": "Sophie Martin", "role": "teacher", "email": "sophie.martin@ac-paris.fr"},
        "format": "school_visit",
        "class_levels": ["4e", "3e"],
        "headcount": 28,
        "girls_count": 13,
        "topics": ["aéronautique"],
        "windows": [{"start_date": "2027-01-11", "end_date": "2027-01-22", "time_of_day": "morning"}],
        "consent": True,
    }
    data.update(overrides)
    return data


def post(client, data=None, key=KEY, **headers):
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/visit-requests", json=body() if data is None else data, headers=headers)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_creates_the_request_and_gives_the_followup_token_once(client, db, create_user):
    create_user(academies=["paris"])
    response = post(client)
    assert response.status_code == 201, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    created = response.get_json()
    assert created["status"] == "submitted" and created["school"]["uai"] == PARIS_UAI
    assert created["followup_token"] and created["followup_url"].endswith(created["followup_token"])
    assert response.headers["Location"].endswith(f"/api/v1/visit-requests/{created['followup_token']}")
    request = db.session.get(VisitRequest, created["id"])
    assert request.school.academie == "paris" and request.contact.email == "sophie.martin@ac-paris.fr"
    assert request.idempotency_key == KEY
    # The contact is emailed their link, as with the form (and the académie's organizer told).
    assert count(db, OutboxEmail) == 2

    followup = client.get(f"/api/v1/visit-requests/{created['followup_token']}")
    assert followup.status_code == 200 and followup.headers["Referrer-Policy"] == "no-referrer"
    seen = followup.get_json()
    assert seen["id"] == created["id"] and seen["event"] is None and seen["can_withdraw"] is True
    assert "followup_token" not in seen and "contact" not in seen


def test_same_idempotency_key_returns_the_request_already_made(client, db):
    first = post(client).get_json()
    again = post(client)
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"] and again.get_json()["followup_token"] is None
    assert count(db, VisitRequest) == 1


def test_same_idempotency_key_with_other_data_is_refused(client, db):
    first = post(client).get_json()
    problem = assert_problem(post(client, body(headcount=30)), 422, "idempotency_key_reused")
    assert "lien de suivi" in problem["detail"]
    request = db.session.get(VisitRequest, first["id"])
    assert count(db, VisitRequest) == 1 and request.headcount == 28  # nothing of the second kept


def test_idempotency_key_is_required_and_bounded(client, db):
    problem = assert_problem(post(client, key=None), 422, "invalid")
    assert error_fields(problem).keys() == {"Idempotency-Key"}
    assert problem["errors"][0]["in"] == "header"
    assert_problem(post(client, key="short"), 422)
    assert count(db, VisitRequest) == 0


def test_schema_errors_name_each_field(client, db):
    data = body(
        headcount=0,
        class_levels=["Terminale S"],
        contact={"name": "", "email": "pas-une-adresse"},
        windows=[{"start_date": "2027-01-11"}],
    )
    problem = assert_problem(post(client, data), 422, "invalid")
    fields = error_fields(problem)
    assert {"headcount", "class_levels.0", "contact.name", "contact.email", "windows.0.end_date"} <= set(
        fields
    )
    assert count(db, VisitRequest) == 0


def test_domain_errors_are_mapped_to_the_api_field_names(client, db):
    unknown = uai("0759876")
    data = body(
        uai=unknown,
        school={},
        girls_count=29,
        consent=False,
        windows=[{"start_date": "2026-01-05", "end_date": "2026-01-09"}],
    )
    problem = assert_problem(post(client, data), 422, "invalid")
    fields = error_fields(problem)
    assert {"school.name", "school.commune", "girls_count", "consent", "windows.0.start_date"} <= set(fields)
    assert "établissement" in fields["school.name"]  # the service's own French message
    assert count(db, School) == 0 and count(db, VisitRequest) == 0


def test_invalid_uai(client):
    problem = assert_problem(post(client, body(uai="0751234A")), 422)
    assert "uai" in error_fields(problem)


def test_unknown_followup_token_is_404(client):
    assert_problem(client.get("/api/v1/visit-requests/not-a-token"), 404, "not_found")


def test_followup_shows_the_event_and_who_said_yes(client, create_request, create_event, create_assignment):
    from app.models import AssignmentStatus

    request, token = create_request(status=RequestStatus.SCHEDULED)
    event = create_event(visit_request=request)
    create_assignment(event=event, status=AssignmentStatus.ACCEPTED)
    create_assignment(event=event, status=AssignmentStatus.INVITED)
    seen = client.get(f"/api/v1/visit-requests/{token}").get_json()
    assert seen["status"] == "scheduled"
    assert seen["event"]["start_at"] == event.start_at.isoformat()
    assert len(seen["role_models"]) == 1 and set(seen["role_models"][0]) == {"first_name", "job_title"}


@pytest.fixture
def app_config():
    # RATELIMIT_ENABLED explicitly: Flask-Limiter keeps the last app's setting as its default,
    # so a test module that turned limits off would otherwise turn them off here too.
    return {"REQUEST_FORM_RATE_LIMIT": "2 per minute", "RATELIMIT_ENABLED": True}


def test_the_same_request_with_another_key_is_the_one_already_made(client, db, create_user):
    create_user(academies=["paris"])
    first = post(client, key="key-number-1-0123456789")
    again = post(client, key="key-number-2-0123456789")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["followup_token"] is None and count(db, VisitRequest) == 1


def test_the_street_address_is_kept(client, db, create_user):
    assert post(client, {**body(), "address": "12 rue Jean Moulin"}).status_code == 201
    assert db.session.scalar(select(VisitRequest)).address == "12 rue Jean Moulin"
    problem = assert_problem(post(client, {**body(), "address": "x" * 301}, key="key-number-3-0123456789"), 422)
    assert "address" in str(problem)


def test_rate_limited_without_a_token_not_with_one(client, create_user):
    from app.extensions import limiter

    limiter.reset()
    for i in range(2):
        post(client, key=f"key-number-{i}-0123456789")
    problem = assert_problem(post(client, key="key-number-9-0123456789"), 429)
    assert problem["title"] == "Too Many Requests"
    # another contact: the same one again within two hours would be the request already made
    other = body()
    other["contact"]["email"] = "autre.collegue@ac-paris.fr"
    assert post(client, other, key="key-number-8-0123456789", **bearer(create_user())).status_code == 201
    limiter.reset()

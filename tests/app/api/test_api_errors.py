"""Every error under /api/ is application/problem+json (RFC 9457): routing (404, 405), bad JSON
(400), domain errors by their status, illegal transitions and lost uniqueness races (409)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.models import EventStatus
from app.models.states import IllegalTransition
from app.services.common.errors import Conflict, NotAllowed
from tests.support.api import assert_problem, bearer


def test_unknown_route_and_wrong_method(client):
    body = assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert body["type"] == "about:blank" and body["title"] == "Not Found"
    response = client.delete("/api/v1/public/events")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_body_that_is_not_json(client, create_user):
    response = client.post(
        "/api/v1/events", data="{not json", content_type="application/json", headers=bearer(create_user())
    )
    assert response.status_code in (400, 422) and response.mimetype == "application/problem+json"


def test_unknown_body_fields_are_refused(client, create_user):
    response = client.post(
        "/api/v1/events/1/cancel", json={"reason": "x", "extra": 1}, headers=bearer(create_user())
    )
    # The event does not exist, but the body is read first: unknown fields are a 422 either way.
    body = assert_problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"extra"}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (IllegalTransition(EventStatus.CANCELLED, EventStatus.SCHEDULED), 409, "illegal_transition"),
        (IntegrityError("INSERT …", {}, Exception("duplicate key")), 409, "conflict"),
        (Conflict("Complet.", code="event_full"), 409, "event_full"),
        (NotAllowed("Hors périmètre."), 403, "not_allowed"),
    ],
)
def test_exceptions_from_services_become_problems(app, db, error, status, code):
    with app.test_request_context("/api/v1/events", method="POST"):
        response = app.handle_user_exception(error)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code and body["type"] == f"tag:rencontres.industrielles.fr,2026:{code}"


def test_html_pages_keep_their_french_error_pages(client):
    response = client.get("/organisation-nothing")
    assert response.status_code == 404 and response.mimetype == "text/html"

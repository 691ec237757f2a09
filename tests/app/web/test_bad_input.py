"""Hostile or absurd input gets a clear 4xx, never a 500: bodies too large, ids past what a
database column holds, days in year 1 or 9999, JSON nested thousands deep."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug.routing import IntegerConverter

from app.web.api.views import MAX_JSON_DEPTH, json_too_deep
from tests.support.api import assert_problem, bearer
from tests.support.factories import PASSWORD
from tests.support.portal import sign_in

HUGE_ID = 2**64
KEY = "bad-input-test-key-0001"


@pytest.fixture
def app_config() -> dict:
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture
def admin(create_user):
    from app.models import UserRole

    return create_user(email="admin@example.org", role=UserRole.ADMIN)


@pytest.fixture
def signed_in(client, auth, admin):
    auth.login(admin.email, PASSWORD)
    return client


def french_page(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# --- request size --------------------------------------------------------------------------------


def test_a_body_larger_than_the_limit_is_a_413_french_page(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    response = client.post("/connexion", data={"email": "x" * (2 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413
    assert "trop volumineux" in french_page(response)


def test_a_body_larger_than_the_limit_is_a_413_problem_on_the_api(client, db):
    big = json.dumps({"remarks": "x" * (2 * 1024 * 1024)})
    response = client.post("/api/v1/visit-requests", data=big, content_type="application/json",
                           headers={"Idempotency-Key": KEY})
    assert_problem(response, 413)


# --- ids -----------------------------------------------------------------------------------------


def _sample(converter) -> object:
    if isinstance(converter, IntegerConverter):
        return HUGE_ID
    if getattr(converter, "items", None):
        return sorted(converter.items)[0]
    return "x"


def int_routes(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def path_of(rule) -> str:
    """The rule's URL with a huge number for each int and a plausible value for the rest."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", lambda m: str(_sample(rule._converters[m.group(1)])), rule.rule)


def test_every_id_in_a_url_past_the_database_range_is_a_404(app, signed_in, db):
    routes = list(int_routes(app))
    assert len(routes) > 20
    for rule in routes:
        path = path_of(rule)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = signed_in.open(path, method=method)
        # Werkzeug answers 405 when a rule of another method matched the path before its id was
        # converted (PATCH /api/v1/events/<id> beside GET): no rule took the id either way.
        expected = 404 if method == "GET" else response.status_code
        assert response.status_code == expected and expected in (404, 405), (path, method, response.status_code)
        if path.startswith("/api/"):
            assert_problem(response, expected)


@pytest.mark.parametrize("event_id", [2**31 - 1, 2**31, 2**63])
def test_ids_around_what_an_integer_column_holds_are_404s(signed_in, db, event_id):
    assert signed_in.get(f"/organisation/evenements/{event_id}").status_code == 404
    assert signed_in.get(f"/organisation/evenements/{event_id}/modifier").status_code == 404


# --- days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("path", [
    "/organisation/evenements/semaine?date={day}",
    "/organisation/evenements/mois?date={day}",
    "/organisation/evenements?du={day}",
    "/organisation/demandes?du={day}",
])
def test_organizer_views_refuse_days_out_of_range(signed_in, db, path, day):
    response = signed_in.get(path.format(day=day))
    assert response.status_code == 400
    assert "entre 2000 et 2100" in french_page(response)


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31")])
@pytest.mark.parametrize("path", [
    "/organisation/exports/evenements.csv", "/organisation/exports/demandes.csv", "/organisation/statistiques",
    "/organisation/statistiques.csv", "/organisation/statistiques/rapport",
])
def test_exports_and_statistics_refuse_days_out_of_range_with_a_field_error(signed_in, db, path, start, end):
    response = signed_in.get(f"{path}?start={start}&end={end}")
    assert response.status_code == 422
    page = french_page(response)
    assert "entre 2000 et 2100" in page and 'aria-invalid="true"' in page


def test_a_slot_suggestion_out_of_range_only_leaves_the_form_blank(signed_in, db, create_request):
    visit, _token = create_request()
    for day in ("0001-01-01T00:00:00+00:00", "9999-12-31T23:30:00+00:00"):
        response = signed_in.get(f"/organisation/demandes/{visit.id}?debut={day}&fin={day}")
        assert response.status_code == 200, day


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_portal_week_refuses_days_out_of_range(client, db, create_role_model, day):
    rm = create_role_model()
    sign_in(client, rm.user)
    response = client.get(f"/espace/semaine?du={day}")
    assert response.status_code == 400
    assert "entre 2000 et 2100" in french_page(response)
    assert client.get("/espace/semaine?du=2027-03-15").status_code == 200


def test_api_period_out_of_range_is_a_422_problem(client, db, admin):
    response = client.get("/api/v1/statistics?start=0001-01-01&end=9999-12-31", headers=bearer(admin))
    assert_problem(response, 422)


# --- JSON nesting --------------------------------------------------------------------------------


def test_json_nested_ten_thousand_deep_is_a_400_problem(client, db):
    deep = "[" * 10_000 + "]" * 10_000
    response = client.post("/api/v1/visit-requests", data=deep, content_type="application/json",
                           headers={"Idempotency-Key": KEY})
    body = assert_problem(response, 400)
    assert "nests deeper" in body["detail"]


def test_json_nesting_is_counted_outside_strings_only():
    assert not json_too_deep(json.dumps({"remarks": "[" * 1000, "a": [[1], {"b": [2]}]}).encode())
    assert not json_too_deep(json.dumps({"q": '\\"[[[' * 100}).encode())
    assert json_too_deep(("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)).encode())
    assert not json_too_deep(("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode())

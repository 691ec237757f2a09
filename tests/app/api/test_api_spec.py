"""The API's own OpenAPI document: valid OpenAPI 3.1, every /api/v1 route in it, docs served
by the app, and Schemathesis driving every operation through WSGI (no network): no 500 and
every response (status, content type, headers, body) as the document says."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.models import AssignmentStatus, EventType
from config import TestConfig
from tests.support.api import bearer

# Endpoints under /api/v1 that serve the documentation itself rather than the API.
DOCS_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "api_assets.docs_asset"}
EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation, read once at collection (no database)."""
    app = create_app(TestConfig)
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_spec_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # openapi-spec-validator picks the 3.1 schema from the document


def test_every_api_route_is_in_the_spec(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    routes = [
        r
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1") and r.endpoint not in DOCS_ENDPOINTS
    ]
    assert len(routes) >= 15
    for rule in routes:
        documented = paths.get(openapi_path(rule.rule), {})
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in documented, f"{method} {rule.rule} is not in the OpenAPI document"


def test_every_operation_documents_its_errors_as_problem_json(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}, (
                method,
                path,
            )
            assert operation.get("summary"), (method, path)
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(default) == ["application/problem+json"]


def test_docs_are_served_by_the_app_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.get_data(as_text=True))
    # Swagger UI from the wheel, and the few lines that start it from /static (no inline script).
    assert sources and all(s.startswith(("/api/v1/docs/assets/", "/static/js/")) for s in sources)
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.data) > 1000 or source.startswith("/static/"), source
    assert '"/api/v1/openapi.json"' in page.get_data(as_text=True)


def test_documented_examples_are_accepted(client, create_user):
    import time_machine

    from app.web.api.schemas.events import EVENT_EXAMPLE, RESCHEDULE_EXAMPLE
    from app.web.api.schemas.visit_requests import VISIT_REQUEST_EXAMPLE
    from tests.support.school_requests import TODAY

    headers = bearer(create_user(academies=["paris"]))
    created = client.post("/api/v1/events", json=EVENT_EXAMPLE, headers=headers)
    assert created.status_code == 201, created.get_json()
    event_id = created.get_json()["id"]
    moved = client.post(
        f"/api/v1/events/{event_id}/reschedule", json=RESCHEDULE_EXAMPLE, headers=headers
    )
    assert moved.status_code == 200
    with time_machine.travel(TODAY, tick=True):
        asked = client.post(
            "/api/v1/visit-requests",
            json=VISIT_REQUEST_EXAMPLE,
            headers={"Idempotency-Key": "4d6f1c2e-0b7a-4c55-9a0e-2f1b8c3d7e90"},
        )
    assert asked.status_code == 201, asked.get_json()


# --- Schemathesis ---------------------------------------------------------------------------------


@pytest.fixture
def app_config():
    # Let the generated requests through the rate limits (the limits have their own tests).
    return {"API_RATE_LIMIT": "100000 per minute", "REQUEST_FORM_RATE_LIMIT": "100000 per minute"}


@pytest.fixture
def api(app, client, create_user, create_event, create_role_model, create_assignment, create_request):
    """The schema as the app serves it, a token, and real ids for a part of the generated cases."""
    organizer = create_user(academies=["paris"])
    start = datetime(2027, 3, 16, 9, tzinfo=UTC)
    events = [
        create_event(departement="75", is_public=True, type=EventType.CONFERENCE, start_at=start),
        create_event(departement="75", role_models_max=2),
        create_event(departement="69"),
    ]
    people = [create_role_model(), create_role_model(departements=["69"])]
    assignments = [create_assignment(event=events[1], role_model=people[0], status=AssignmentStatus.INVITED)]
    _request, token = create_request()
    ids = {
        "event_id": [e.id for e in events],
        "role_model_id": [p.id for p in people],
        "assignment_id": [a.id for a in assignments],
        "token": [token],
    }
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), bearer(organizer), ids


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_the_spec(api, method, path):
    schema, headers, ids = api
    operation = schema[path][method]

    def with_real_ids(pair):
        case, pick = pair
        for name in case.path_parameters or {}:
            if pick is not None and ids.get(name):
                case.path_parameters[name] = ids[name][pick % len(ids[name])]
        return case

    strategy = st.tuples(operation.as_strategy(), st.none() | st.integers(0, 5)).map(with_real_ids)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    check()

"""One JSON line per request: the request id (the load balancer's, or a new one, sent back),
who, what, how it ended and how long it took, and never a secret from the URL."""

from __future__ import annotations

import json
import logging

import pytest

from app.request_log import log as request_logger
from tests.support import access_world


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def lines():
    handler = Lines()
    request_logger.addHandler(handler)
    level = request_logger.level
    request_logger.setLevel(logging.INFO)
    yield handler.lines
    request_logger.removeHandler(handler)
    request_logger.setLevel(level)


def test_one_line_per_request_with_its_figures(client, lines):
    response = client.get("/confidentialite")
    [line] = lines
    assert line["method"] == "GET" and line["path"] == "/confidentialite" and line["status"] == 200
    assert line["endpoint"] == "public.privacy" and line["user_id"] is None
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["ts"].endswith("+00:00")


def test_the_load_balancers_request_id_is_kept_and_a_forged_one_replaced(client, lines):
    kept = client.get("/confidentialite", headers={"X-Request-ID": "lb-7f3a9c1e-0001"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a9c1e-0001" and lines[-1]["request_id"] == "lb-7f3a9c1e-0001"
    forged = client.get("/confidentialite", headers={"X-Request-ID": 'x" injected {"status": 200}'})
    assert len(forged.headers["X-Request-ID"]) == 32 and lines[-1]["request_id"] == forged.headers["X-Request-ID"]


def test_secrets_in_urls_are_masked(app, client, db, lines):
    world = access_world.build()
    secrets = []
    for endpoint in ("public.request_followup", "feeds.school_feed", "feeds.role_model_feed", "feedback.form",
                     "portal.answer", "portal.magic_link"):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        url = access_world.url_for_endpoint(world, rule)
        secrets.append(url.split("/")[-2] if endpoint == "portal.answer"
                       else url.rsplit("/", 1)[-1].removesuffix(".ics"))
        client.get(url)
    client.get("/feeds/schools/" + "A" * 43 + ".ics")  # an unknown (revoked) token: still masked
    client.get("/nowhere/" + "b" * 40)  # no route at all
    logged = json.dumps(lines)
    assert all(secret not in logged for secret in secrets)
    assert "A" * 43 not in logged and "b" * 40 not in logged
    assert {line["path"] for line in lines} >= {"/demandes/suivi/***", "/feeds/schools/***.ics", "/nowhere/***"}


def test_the_signed_in_user_and_errors_are_logged(client, db, auth, create_user, lines):
    user = create_user(email="log.me@example.org")
    auth.login(user.email)
    client.get("/organisation/")
    assert lines[-1]["user_id"] == user.id and lines[-1]["status"] == 200
    client.get("/organisation/evenements/999999")
    assert lines[-1]["status"] == 404 and lines[-1]["path"] == "/organisation/evenements/999999"

"""The feeds' fast path (app/feeds/fast_path.py): feed polls answered in front of Flask, with
the very response, headers and log line the full stack gives; everything else, and any trouble,
handed to the app."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest
from flask import request, request_started, url_for
from sqlalchemy.engine import make_url

from app import create_app, sqlite
from app.extensions import db as _db
from app.feeds.cache import cache
from app.feeds.fast_path import FeedFastPath
from app.links import external_url
from app.request_log import log as request_logger
from config import Config, TestConfig
from tests.app.conftest import FreshContextClient
from tests.support import access_world, factories
from tests.support.feed_exchanges import REQUEST_ID, exchanges, feed_urls
from tests.support.proxied_app import app_behind_proxy


@pytest.fixture
def full_stack_paths(app):
    """Paths of the requests Flask's request handling ran for (the fast path sends no signal)."""
    paths: list[str] = []

    def record(sender, **extra):
        paths.append(request.path)

    request_started.connect(record, app)
    yield paths
    request_started.disconnect(record, app)


@pytest.fixture
def lines():
    class Lines(logging.Handler):
        def emit(self, record):
            found.append(json.loads(record.getMessage()))

    found: list[dict] = []
    handler, level = Lines(), request_logger.level
    request_logger.addHandler(handler)
    request_logger.setLevel(logging.INFO)
    yield found
    request_logger.removeHandler(handler)
    request_logger.setLevel(level)


def without_fast_path(monkeypatch, app) -> None:
    """Send every request through the full stack, as before the fast path existed."""
    holder, name = app, "wsgi_app"
    while not isinstance(getattr(holder, name), FeedFastPath):
        holder, name = getattr(holder, name), "app"  # ProxyFix keeps the app it wraps in .app
    monkeypatch.setattr(holder, name, getattr(holder, name).next_app)


@pytest.mark.parametrize("app_config", [{}, {"BASE_URL": "https://rencontres.example.org"}])
def test_responses_are_those_of_the_full_stack(app, client, db, monkeypatch, full_stack_paths):
    urls = feed_urls(access_world.build())
    db.session.commit()
    fast = exchanges(client, urls)
    assert not full_stack_paths  # every one of them answered by the fast path

    without_fast_path(monkeypatch, app)
    full = exchanges(client, urls)
    assert len(full_stack_paths) == len(full) + len(urls)  # with the first GET of each URL
    assert fast == full
    statuses = {status for _, _, _, status, _, _ in fast}
    assert statuses == {"200 OK", "304 NOT MODIFIED", "404 NOT FOUND"}
    https = app.config["BASE_URL"].startswith("https://")
    for _, url, _, _, headers, _ in fast:
        names = dict(headers)
        assert names["X-Request-ID"] == REQUEST_ID
        assert names["X-Content-Type-Options"] == "nosniff"
        assert names["Referrer-Policy"] == ("same-origin" if "/public" in url else "no-referrer")
        assert ("Strict-Transport-Security" in names) == https
        assert "Vary" not in names and "Set-Cookie" not in names


def test_conditional_requests(client, db, full_stack_paths):
    url = feed_urls(access_world.build())[0]
    db.session.commit()
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    cases = [
        ({"If-None-Match": etag}, 304),
        ({"If-None-Match": f"W/{etag}"}, 304),  # weak comparison
        ({"If-None-Match": f'"older", {etag}'}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-None-Match": '"older"', "If-Modified-Since": modified}, 200),  # the ETag decides alone
        ({"If-None-Match": "", "If-Modified-Since": modified}, 200),  # present: the date is ignored
        ({"If-None-Match": '"a" "b"', "If-Modified-Since": modified}, 200),  # even malformed
        ({"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"}, 200),
        ({"If-Modified-Since": "hier"}, 200),  # not a date: no condition
        ({"If-Modified-Since": "Thu, 01 Jan 2024 99999999999999999999:00:00 GMT"}, 200),  # out of range
    ]
    for headers, status in cases:
        response = client.get(url, headers=headers)
        assert response.status_code == status, headers
        assert response.headers["ETag"] == etag and "Cache-Control" in response.headers
        assert ("Last-Modified" in response.headers) == (status == 200)  # RFC 9110 §15.4.5
    assert not full_stack_paths


def test_the_log_line_is_the_full_stacks(app, client, db, monkeypatch, lines, full_stack_paths):
    world = access_world.build()
    db.session.commit()
    token = world.links["feeds.school_feed"]
    for url in (f"/feeds/schools/{token}.ics", "/feeds/schools/" + "A" * 43 + ".ics", "/feeds/public.ics"):
        client.get(url, headers={"X-Request-ID": REQUEST_ID})
    fast = list(lines)
    without_fast_path(monkeypatch, app)
    lines.clear()
    for url in (f"/feeds/schools/{token}.ics", "/feeds/schools/" + "A" * 43 + ".ics", "/feeds/public.ics"):
        client.get(url, headers={"X-Request-ID": REQUEST_ID})
    assert len(full_stack_paths) == 3 and len(fast) == 3

    def comparable(line):
        return {k: v for k, v in line.items() if k not in ("ts", "duration_ms")}

    assert [comparable(line) for line in fast] == [comparable(line) for line in lines]
    first = fast[0]
    assert first["path"] == "/feeds/schools/***.ics" and first["endpoint"] == "feeds.school_feed"
    assert first["status"] == 200 and first["method"] == "GET" and first["user_id"] is None
    assert first["request_id"] == REQUEST_ID and first["ip"] == "127.0.0.1"
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert fast[1]["status"] == 404 and fast[1]["path"] == "/feeds/schools/***.ics"
    assert token not in json.dumps(fast) and "A" * 43 not in json.dumps(fast)


def test_a_forged_request_id_is_replaced(client, db, lines):
    response = client.get("/feeds/public.ics", headers={"X-Request-ID": 'x" {"status": 200}'})
    assert len(response.headers["X-Request-ID"]) == 32
    assert lines[-1]["request_id"] == response.headers["X-Request-ID"]


def test_everything_else_goes_to_the_app(client, db, full_stack_paths):
    assert client.post("/feeds/public.ics").status_code == 405
    assert client.options("/feeds/public.ics").status_code == 200
    assert client.get("/feeds/nothing-here").status_code == 404
    assert client.get("/feeds/public.ics/").status_code == 404
    assert client.get("/").status_code == 200
    assert full_stack_paths == ["/feeds/public.ics", "/feeds/public.ics", "/feeds/nothing-here",
                                "/feeds/public.ics/", "/"]


def test_feed_urls_are_still_built_by_url_for(app):
    with app.test_request_context():
        assert url_for("feeds.role_model_feed", token="abc") == "/feeds/role-models/abc.ics"
        assert url_for("feeds.school_feed", token="abc") == "/feeds/schools/abc.ics"
        assert url_for("feeds.organizer_feed", token="abc") == "/feeds/organizers/abc.ics"
        assert url_for("feeds.public_feed") == "/feeds/public.ics"
        assert url_for("feeds.public_academie_feed", academie="lyon") == "/feeds/public/lyon.ics"
    assert external_url("feeds.school_feed", token="abc") == "http://localhost/feeds/schools/abc.ics"


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": "1"}])
def test_behind_a_trusted_proxy_the_client_address_and_scheme_count(client, db, lines, full_stack_paths):
    response = client.get("/feeds/public.ics", headers={"X-Forwarded-For": "203.0.113.9",
                                                         "X-Forwarded-Proto": "https"})
    assert response.status_code == 200 and not full_stack_paths
    assert "Strict-Transport-Security" in response.headers
    assert lines[-1]["ip"] == "203.0.113.9"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(client, db, lines):
    response = client.get("/feeds/public.ics", headers={"X-Forwarded-For": "203.0.113.9",
                                                         "X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    assert lines[-1]["ip"] == "127.0.0.1"


@pytest.mark.parametrize("app_config", [{"FEED_CACHE_MAX_BYTES": 0}])
def test_without_a_cache_every_poll_renders(client, db, full_stack_paths):
    factories.create_event(is_public=True, title="Portes ouvertes")
    db.session.commit()
    renders = cache.renders
    bodies = {client.get("/feeds/public.ics").data for _ in range(3)}
    assert cache.renders == renders + 3
    assert len(bodies) == 1 and b"Portes ouvertes" in bodies.pop()
    assert not full_stack_paths


# --- real commits: the pool, SQLite's write lock, the database going away ----------------------


def a_role_model_feed() -> str:
    path, _ = factories.create_role_model_feed()
    _db.session.commit()
    return path


def test_every_connection_and_session_is_given_back(app, committed_db, full_stack_paths):
    path = a_role_model_feed()
    _db.session.remove()
    app.test_client_class = FreshContextClient
    client = app.test_client()
    etag = client.get(path).headers["ETag"]
    for i in range(200):
        headers = {"If-None-Match": etag} if i % 2 else {}
        url = path if i % 5 else "/feeds/schools/unknown.ics"
        response = client.open(url, method="HEAD" if i % 7 == 0 else "GET", headers=headers)
        assert response.status_code in (200, 304, 404)
    assert not full_stack_paths
    assert _db.engine.pool.checkedout() == 0
    assert len(_db.session.registry.registry) == 0  # no session left behind by a finished context


def test_polls_never_take_sqlite_write_lock(app, backend, committed_db, full_stack_paths):
    if backend != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    path = a_role_model_feed()
    _db.session.remove()
    client = app.test_client()
    first = client.get(path)
    writer = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long form submission holds the write lock
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        anew = client.get("/feeds/public.ics")  # a cache miss: renders under the held lock
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert (again.status_code, anew.status_code) == (304, 200)
    assert not full_stack_paths
    assert sqlite.write_intent.get() is True  # the read intent ended with the request


def test_an_unreachable_database_gets_the_apps_503(tmp_path, lines):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3")
    response = app.test_client().get("/feeds/public.ics", headers={"X-Request-ID": REQUEST_ID})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "momentanément indisponible" in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] == REQUEST_ID
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [line] = lines  # the app's own line, once
    assert line["status"] == 503 and line["endpoint"] == "feeds.public_feed"


@pytest.fixture
def behind_a_tcp_proxy(backend, database_url, committed_db):
    """An app with the production engine options (no ping before use) whose connections go
    through a TCP proxy the test cuts and restores (tests/support/tcp_proxy.py)."""
    if backend != "postgresql":
        pytest.skip("a database server to cut: PostgreSQL")
    with app_behind_proxy(database_url, Config.SQLALCHEMY_ENGINE_OPTIONS) as (app, proxy):
        yield app, proxy


def test_the_database_going_away_and_coming_back(behind_a_tcp_proxy, lines):
    app, proxy = behind_a_tcp_proxy
    path = a_role_model_feed()
    client = app.test_client()
    assert client.get(path).status_code == 200

    proxy.cut()
    down = client.get(path)
    assert down.status_code == 503 and down.headers["Retry-After"] == "5"  # the app's answer
    assert "momentanément indisponible" in down.get_data(as_text=True)
    assert (lines[-1]["status"], lines[-1]["endpoint"]) == (503, "feeds.role_model_feed")
    assert lines[-1]["path"] == "/feeds/role-models/***.ics"
    proxy.restore()
    assert client.get(path).status_code == 200

    # Restarted while nobody asked: the pooled connections are dead, and nothing pings them.
    proxy.cut()
    proxy.restore()
    assert client.get("/impact").status_code == 200  # a page: run again on a renewed pool
    proxy.cut()
    proxy.restore()
    assert client.get(path).status_code == 200  # a poll: read again through SQLAlchemy, then the app
    with app.app_context():
        assert _db.engine.pool.checkedout() == 0

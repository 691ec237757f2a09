"""HTTP semantics of the feeds: validators, 304, HEAD, caching headers, tokens, render once per change."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from flask import request, request_started
from sqlalchemy import update
from werkzeug.http import http_date, parse_date

from app.feeds import tokens
from app.feeds.cache import cache
from app.models import AssignmentStatus, EventType, FeedKind, User
from tests.support.ical_parsers import assert_parses_everywhere


@pytest.fixture(autouse=True)
def served_by_the_fast_path(app):
    """Every feed request here is answered by the fast path (app/feeds/fast_path.py), which
    sends no `request_started`: these tests hold for what calendar clients really get."""
    full_stack: list[str] = []

    def record(sender, **extra):
        if request.path.startswith("/feeds/"):
            full_stack.append(request.path)

    request_started.connect(record, app)
    yield
    request_started.disconnect(record, app)
    assert not full_stack, "feed requests answered by the full stack"


@pytest.fixture
def feed(db, create_role_model, create_event, create_assignment):
    """A role model with one confirmed participation and her feed's path."""
    marraine = create_role_model()
    event = create_event(title="Intervention test HTTP")
    create_assignment(event=event, role_model=marraine, status=AssignmentStatus.CONFIRMED,
                      invited_at=datetime.now(UTC))
    create_event(title="Conférence ouverte", type=EventType.CONFERENCE, is_public=True)
    token = tokens.issue(FeedKind.ROLE_MODEL, user=marraine.user)
    db.session.commit()
    return {"path": f"/feeds/role-models/{token}.ics", "event": event, "role_model": marraine, "token": token}


def test_headers_of_a_private_feed(client, feed):
    response = client.get(feed["path"], headers={"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Encoding" not in response.headers  # some calendar clients break on gzip
    assert "Vary" not in response.headers  # one representation for everyone
    assert response.headers["Cache-Control"] == "private, no-cache, no-transform"
    assert response.headers["ETag"] == '"' + hashlib.sha256(response.data).hexdigest()[:32] + '"'
    assert not response.headers["ETag"].startswith("W/")
    assert parse_date(response.headers["Last-Modified"]) is not None
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert "Set-Cookie" not in response.headers
    assert_parses_everywhere(response.data)


def test_public_feed_lets_shared_caches_keep_and_revalidate_it(client, feed):
    response = client.get("/feeds/public.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300, must-revalidate, no-transform"
    assert b"Conf\xc3\xa9rence ouverte" in response.data
    assert_parses_everywhere(response.data)


def test_if_none_match_gives_304_with_the_validators_and_no_body(client, feed):
    first = client.get(feed["path"])
    etag = first.headers["ETag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(feed["path"], headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_if_none_match_wins_over_if_modified_since(client, feed):
    first = client.get(feed["path"])
    future = http_date(datetime.now(UTC) + timedelta(days=365))
    stale = client.get(feed["path"], headers={"If-None-Match": '"not-the-etag"', "If-Modified-Since": future})
    assert stale.status_code == 200 and stale.data == first.data
    fresh = client.get(feed["path"], headers={"If-None-Match": first.headers["ETag"],
                                               "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"})
    assert fresh.status_code == 304


def test_if_modified_since_is_compared_not_just_present(client, feed):
    first = client.get(feed["path"])
    last_modified = parse_date(first.headers["Last-Modified"])
    same = client.get(feed["path"], headers={"If-Modified-Since": first.headers["Last-Modified"]})
    later = client.get(feed["path"], headers={"If-Modified-Since": http_date(last_modified + timedelta(hours=1))})
    earlier = client.get(feed["path"], headers={"If-Modified-Since": http_date(last_modified - timedelta(seconds=1))})
    garbage = client.get(feed["path"], headers={"If-Modified-Since": "yesterday-ish"})
    assert (same.status_code, later.status_code) == (304, 304)
    assert (earlier.status_code, garbage.status_code) == (200, 200)
    assert earlier.data == first.data == garbage.data


def test_head_has_the_headers_of_get_and_no_body(client, feed):
    get = client.get(feed["path"])
    head = client.head(feed["path"])
    assert head.status_code == 200
    assert head.data == b""
    for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Content-Length"):
        assert head.headers[name] == get.headers[name], name
    assert client.head(feed["path"], headers={"If-None-Match": get.headers["ETag"]}).status_code == 304
    assert client.head("/feeds/role-models/unknown.ics").status_code == 404


def test_unknown_revoked_and_wrong_kind_tokens_are_the_same_404(client, db, feed):
    unknown = client.get("/feeds/role-models/" + "x" * 43 + ".ics")
    new_token = tokens.issue(FeedKind.ROLE_MODEL, user=feed["role_model"].user)  # revokes the old one
    db.session.commit()
    revoked = client.get(feed["path"])
    wrong_kind = client.get(f"/feeds/schools/{new_token}.ics")
    assert client.get(f"/feeds/role-models/{new_token}.ics").status_code == 200
    for response in (unknown, revoked, wrong_kind):
        assert response.status_code == 404
        assert response.data == unknown.data  # nothing tells whether the token ever existed
        assert response.headers["Content-Type"] == unknown.headers["Content-Type"]


def test_a_feed_renders_once_per_change(client, db, feed):
    first = client.get(feed["path"])
    renders = cache.renders
    for _ in range(5):
        assert client.get(feed["path"]).data == first.data
    assert client.get(feed["path"], headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert cache.renders == renders  # served from the cache

    feed["event"].title = "Intervention déplacée"
    db.session.commit()
    changed = client.get(feed["path"])
    assert cache.renders == renders + 1
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert parse_date(changed.headers["Last-Modified"]) >= parse_date(first.headers["Last-Modified"])
    assert b"Intervention d\xc3\xa9plac\xc3\xa9e" in changed.data
    assert client.get(feed["path"], headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert_parses_everywhere(first.data, changed.data)


def test_changes_feeds_do_not_show_do_not_invalidate_them(client, db, feed):
    client.get(feed["path"])
    renders = cache.renders
    user = feed["role_model"].user
    user.last_login_at = datetime.now(UTC)
    db.session.commit()
    client.get(feed["path"])
    # A sign-in by link sets it with a bulk compare-and-set (app/services/accounts/magic_links.py).
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=datetime.now(UTC)))
    db.session.commit()
    client.get(feed["path"])
    assert cache.renders == renders
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=datetime.now(UTC),
                                                                      locale="en"))
    db.session.commit()
    client.get(feed["path"])
    assert cache.renders == renders + 1  # a bulk update of a column feeds show


def test_feeds_changed_command_renders_every_feed_again(app, client, db, feed):
    client.get(feed["path"])
    renders = cache.renders
    result = app.test_cli_runner().invoke(args=["feeds-changed"])
    assert result.exit_code == 0 and "rendered again" in result.output
    client.get(feed["path"])
    assert cache.renders == renders + 1


def test_unknown_feed_with_a_remember_me_cookie_is_a_404_not_a_500(client, db, auth, create_user):
    # A person who ticked "stay signed in" opens a revoked feed URL in the same browser.
    create_user(email="claire@example.org")
    page = client.get("/connexion")
    from tests.app.conftest import csrf_token_from

    client.post("/connexion", data={"email": "claire@example.org", "password": "correct horse battery staple",
                                    "remember": "y", "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    client.delete_cookie("session")  # the session ended; only the remember-me cookie is left
    response = client.get("/feeds/role-models/" + "x" * 43 + ".ics")
    assert response.status_code == 404

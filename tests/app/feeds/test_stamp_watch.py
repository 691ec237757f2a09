"""The feeds' stamp watch (app/feeds/stamp_watch.py): on PostgreSQL, web processes hear of
data changes and answer polls of known tokens without reading, until something changes; when
the watch cannot vouch for the stamp, polls read the database as before."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from app import create_app
from app.extensions import db as _db
from app.feeds import cache, stamp_watch, tokens
from app.models import DataVersion, Event, FeedKind
from config import Config, TestConfig
from tests.support import access_world, factories
from tests.support.engine_events import recorded
from tests.support.feed_exchanges import exchanges, feed_urls
from tests.support.proxied_app import app_behind_proxy

WATCHED = {"FEED_STAMP_WATCH": True}


def wait_until(condition, timeout: float = 20.0):
    """Poll `condition` until it holds (the watch hears of commits in milliseconds; the
    generous deadline only bounds a failure)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.02)


def sees(watch, value: str) -> bool:
    stamp = watch.current()
    return stamp is not None and stamp.value == value


def database_stamp() -> str:
    with _db.engine.connect() as connection:
        return connection.execute(
            select(DataVersion.value).where(DataVersion.name == cache.STAMP_NAME)).scalar_one()


def a_role_model_feed() -> tuple[str, Event]:
    path, event_ = factories.create_role_model_feed()
    _db.session.commit()
    return path, event_


@pytest.fixture
def watch(app, backend, committed_db):
    if backend != "postgresql":
        pytest.skip("LISTEN/NOTIFY: PostgreSQL")
    found = stamp_watch.for_app(app)
    found.heartbeat = found.stale_after = 3600.0  # only a notification can tell it of a change
    yield found
    found.stop()


@pytest.fixture
def reads(app):
    """Connections taken from the app's pool: every database read of a poll takes one."""
    with recorded(_db.engine, "checkout") as taken:
        yield taken


def test_only_on_postgresql_and_when_asked(backend, database_url):
    watched = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **WATCHED)
    assert (stamp_watch.for_app(watched) is not None) == (backend == "postgresql")
    assert stamp_watch.for_app(create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)) is None
    assert Config.FEED_STAMP_WATCH is True and TestConfig.FEED_STAMP_WATCH is False


@pytest.mark.parametrize("app_config", [WATCHED])
def test_the_watch_follows_commits(app, watch):
    path, event_ = a_role_model_feed()
    assert wait_until(watch.current).value == database_stamp()
    event_.title = "Intervention déplacée"
    _db.session.commit()
    changed = database_stamp()
    wait_until(lambda: sees(watch, changed))


@pytest.mark.parametrize("app_config", [WATCHED])
def test_polls_of_a_known_token_read_nothing_until_something_changes(app, watch, reads):
    path, event_ = a_role_model_feed()
    wait_until(lambda: sees(watch, database_stamp()))
    client = app.test_client()
    first = client.get(path)  # the token's lookup, and the render
    assert first.status_code == 200 and client.get("/feeds/public.ics").status_code == 200
    reads.clear()
    for _ in range(10):
        assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        assert client.get(path).data == first.data
        assert client.get("/feeds/public.ics").status_code == 200  # the stamp alone: no read either
    assert not reads

    event_.title = "Intervention déplacée"
    _db.session.commit()
    changed = database_stamp()
    wait_until(lambda: sees(watch, changed))
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and b"Intervention d\xc3\xa9plac\xc3\xa9e" in again.data

    # A new URL for her: the old one revoked.
    tokens.issue(FeedKind.ROLE_MODEL, user=event_.assignments[0].role_model.user)
    _db.session.commit()
    revoked = database_stamp()
    wait_until(lambda: sees(watch, revoked))
    assert client.get(path).status_code == 404
    assert client.get("/feeds/role-models/" + "x" * 43 + ".ics").status_code == 404


@pytest.mark.parametrize("app_config", [WATCHED])
def test_answers_are_those_without_a_watch(app, watch, reads, monkeypatch):
    urls = feed_urls(access_world.build())
    _db.session.commit()
    wait_until(lambda: sees(watch, database_stamp()))
    client = app.test_client()
    exchanges(client, urls)  # every feed rendered, every known token's lookup kept
    reads.clear()
    watched = exchanges(client, urls)
    # Only the unknown token and the token of another kind read, at each of their 3 requests.
    assert len(reads) == 2 * 3
    monkeypatch.setitem(app.extensions, "feed_stamp_watch", None)
    assert exchanges(client, urls) == watched


@pytest.mark.parametrize("app_config", [WATCHED])
def test_a_stamp_not_read_again_in_time_is_not_vouched_for(app, watch):
    a_role_model_feed()
    watch.stale_after = 0.5  # and no heartbeat: as if its connection hung without failing
    wait_until(watch.current)
    wait_until(lambda: watch.current() is None)


def test_kept_lookups_last_as_long_as_their_stamp(monkeypatch):
    watch = stamp_watch.StampWatch(engine=None)
    now = datetime.now(UTC)
    first, second = cache.Stamp("a" * 32, now), cache.Stamp("b" * 32, now)
    watch.keep(first, ("token", 1), "row 1")
    assert watch.owner(first, ("token", 1)) == "row 1" and watch.owner(second, ("token", 1)) is None
    watch.keep(second, ("token", 2), "row 2")
    assert watch.owner(first, ("token", 1)) is None and watch.owner(second, ("token", 2)) == "row 2"
    monkeypatch.setattr(stamp_watch, "MAX_OWNERS", 2)
    for n in range(3, 6):
        watch.keep(second, ("token", n), f"row {n}")
    assert sum(watch.owner(second, ("token", n)) is not None for n in range(2, 6)) <= 2  # bounded


@pytest.mark.parametrize("app_config", [WATCHED])
def test_a_token_revoked_by_hand(app, watch):
    path, _ = a_role_model_feed()
    watch.keep_for = 2.0
    wait_until(lambda: sees(watch, database_stamp()))
    client = app.test_client()
    assert client.get(path).status_code == 200
    with _db.engine.begin() as connection:  # SQL typed by an operator: nothing writes a stamp
        connection.execute(text("UPDATE feed_tokens SET revoked_at = now()"))
    wait_until(lambda: client.get(path).status_code == 404)  # the kept lookup expired

    path, _ = a_role_model_feed()
    watch.keep_for = 3600.0
    wait_until(lambda: sees(watch, database_stamp()))
    assert client.get(path).status_code == 200
    with _db.engine.begin() as connection:
        connection.execute(text("UPDATE feed_tokens SET revoked_at = now()"))
    assert app.test_cli_runner().invoke(args=["feeds-changed"]).exit_code == 0  # what the docs say to run
    changed = database_stamp()
    wait_until(lambda: sees(watch, changed))
    assert client.get(path).status_code == 404


def test_a_forked_child_forgets_what_its_parent_heard():
    watch = stamp_watch.StampWatch(engine=None)
    stamp_watch._watches.add(watch)
    watch._state = (cache.Stamp("a" * 32, datetime.now(UTC)), time.monotonic())
    watch._pid = os.getpid()
    reader, writer = os.pipe()
    with watch._lock:  # held by another thread of the parent at the moment of the fork
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            fine = watch._state[0] is None and watch._pid is None and watch._lock.acquire(timeout=2)
            os.write(writer, b"1" if fine else b"0")
            os._exit(0)
    os.waitpid(child, 0)
    assert os.read(reader, 1) == b"1"
    assert watch._state[0] is not None  # the parent's own is untouched


def test_a_lost_watch_stops_vouching_and_comes_back(backend, database_url, committed_db):
    if backend != "postgresql":
        pytest.skip("LISTEN/NOTIFY: PostgreSQL")
    with app_behind_proxy(database_url, Config.SQLALCHEMY_ENGINE_OPTIONS, **WATCHED) as (app, proxy):
        watch = stamp_watch.for_app(app)
        watch.heartbeat, watch.stale_after = 0.2, 1.0
        try:
            with app.app_context():
                path, _ = a_role_model_feed()
            client = app.test_client()
            wait_until(watch.current)
            assert client.get(path).status_code == 200

            proxy.cut()
            wait_until(lambda: watch.current() is None)
            assert client.get(path).status_code == 503  # read from the database, which is gone
            proxy.restore()
            wait_until(watch.current)
            assert client.get(path).status_code == 200
        finally:
            watch.stop()

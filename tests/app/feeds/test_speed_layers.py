"""The feeds' speed layers: each one can be switched off on its own and the answers stay the same
byte for byte; the WSGI layers stand in the documented order; and every table a feed reads is
tracked, so that a change to it renders the feeds again."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.sql.util import find_tables
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.extensions import db as _db
from app.feeds import cache, hot_reads, lookups, rendering
from app.feeds.fast_path import FeedFastPath
from app.http_dates import DropUnreadableDates
from app.models import DataVersion, RoleModel, School, User, UserRole, VisitRequest
from app.wsgi_stack import build_wsgi_stack
from config import TestConfig
from tests.support import access_world
from tests.support.feed_exchanges import exchanges, feed_urls

SWITCHES = {
    "fast path": {"FEED_FAST_PATH": False},
    "hot reads": {"FEED_HOT_READS": False},
    "render cache": {"FEED_CACHE_MAX_BYTES": 0},
}


def layers(app) -> list[type]:
    """The WSGI layers of `app`, outermost first, down to Flask's own."""
    found, layer = [], app.wsgi_app
    while True:
        found.append(type(layer))
        inner = getattr(layer, "next_app", None) or getattr(layer, "app", None)
        if inner is None or inner is app:
            return found
        layer = inner


def test_the_wsgi_layers_stand_in_the_documented_order(database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXIES=1)
    assert layers(app)[:3] == [DropUnreadableDates, ProxyFix, FeedFastPath]
    assert app.extensions["feeds_fast_path"].next_app.__self__ is app  # Flask's wsgi_app, bound

    plain = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    assert layers(plain)[:2] == [DropUnreadableDates, FeedFastPath]

    off = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, FEED_FAST_PATH=False)
    assert FeedFastPath not in layers(off) and "feeds_fast_path" not in off.extensions


@pytest.mark.parametrize("switch", SWITCHES)
def test_each_layer_switched_off_gives_the_same_answers(app, client, db, switch):
    urls = feed_urls(access_world.build())
    db.session.commit()
    with_all = exchanges(client, urls)

    app.config.update(SWITCHES[switch])
    del app.wsgi_app  # Flask's own again, to build the stack anew with the switch off
    app.wsgi_app = build_wsgi_stack(app)
    assert ("feeds_fast_path" in app.extensions) == (switch != "fast path")
    cache.cache.clear()
    renders = cache.cache.renders
    assert exchanges(client, urls) == with_all
    if switch == "render cache":
        assert cache.cache.renders - renders > len(urls)  # every 200 rendered again


def test_hot_reads_switched_off_run_through_the_session(app, db, monkeypatch):
    world = access_world.build()
    db.session.commit()
    token = world.links["feeds.role_model_feed"]
    monkeypatch.setitem(app.config, "FEED_HOT_READS", False)
    monkeypatch.setattr(hot_reads, "_on_pooled_connection", None)  # would fail if called
    assert rendering.role_model_feed(token) is not None


def test_every_table_a_feed_reads_is_tracked(app, db):
    """A table that feeds read but that is missing from cache.TRACKED would leave stale feeds in
    the render cache after it changed: this reads what every kind of feed reads."""
    from app.demo import seed

    seed.seed(seed=3)
    db.session.commit()
    read: set[str] = set()

    def note(conn, cursor, statement, parameters, context, executemany):
        compiled = getattr(context, "compiled", None)
        if compiled is not None and compiled.statement is not None and compiled.statement.is_select:
            read.update(table.name for table in find_tables(compiled.statement, include_joins=True))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        cache.cache.clear()
        rendering.public_feed()
        rendering.public_feed("paris")
        for school_id in db.session.scalars(_db.select(School.id).limit(20)):
            rendering.school_calendar(school_id)
        for request_id in db.session.scalars(_db.select(VisitRequest.id).limit(20)):
            rendering.request_calendar(request_id)
        for role_model_id in db.session.scalars(_db.select(RoleModel.id).limit(20)):
            rendering.role_model_calendar(role_model_id)
        for user in db.session.scalars(_db.select(User).where(User.role.in_((UserRole.ORGANIZER, UserRole.ADMIN)))):
            rendering.organizer_calendar(user.id)
    finally:
        event.remove(engine, "before_cursor_execute", note)

    assert {"events", "assignments", "schools"} <= read  # the recording did see the feeds' reads
    untracked = read - set(cache.TRACKED) - {DataVersion.__tablename__}
    assert not untracked, f"feeds read {sorted(untracked)}: add them to app/feeds/cache.py TRACKED"


def test_token_lookups_read_only_tracked_tables():
    """A poll's lookup is kept per stamp (stamp_watch.py): what it reads must write the stamp."""
    for statement in (lookups.ROLE_MODEL_OWNER, lookups.SCHOOL_OWNER, lookups.ORGANIZER_OWNER):
        tables = {table.name for table in find_tables(statement, include_joins=True)}
        assert tables - {DataVersion.__tablename__} <= set(cache.TRACKED), statement

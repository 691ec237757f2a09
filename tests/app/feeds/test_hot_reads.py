"""Hot reads (app/feeds/hot_reads.py): the feed lookups run on the driver give SQLAlchemy's very rows,
on a pooled connection in autocommit given back at once, inside the session's transaction when
there is one, and survive a dead pooled connection."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db as _db
from app.feeds import hot_reads, lookups, tokens
from app.models import FeedKind
from config import TestConfig
from tests.support import access_world, factories
from tests.support.engine_events import recorded
from tests.support.feed_exchanges import request_feed

LOOKUPS = {
    "feeds.role_model_feed": lookups.ROLE_MODEL_OWNER,
    "feeds.school_feed": lookups.SCHOOL_OWNER,
    "feeds.organizer_feed": lookups.ORGANIZER_OWNER,
}


def test_rows_are_those_sqlalchemy_reads(db):
    world = access_world.build()
    factories.create_event(is_public=True)  # the data stamp, written at commit
    given_with_a_request = request_feed(world)  # its row carries the request's id
    db.session.commit()
    cases = [(lookups.STAMP, {}), (lookups.SCHOOL_OWNER, {"token_hash": tokens.hash_token(given_with_a_request)})]
    for endpoint, statement in LOOKUPS.items():
        cases += [(statement, {"token_hash": tokens.hash_token(world.links[endpoint])}),
                  (statement, {"token_hash": tokens.hash_token("unknown")})]
    db.session.remove()  # a new session, not in a transaction: the driver path
    for statement, params in cases:
        expected = db.session.execute(statement, params).first()
        db.session.remove()
        found = hot_reads.first(statement, params)
        assert (found is None) == (expected is None)
        if found is not None:
            assert tuple(found) == tuple(expected) and found._fields == tuple(expected._fields)
            assert [type(value) for value in found] == [type(value) for value in expected]
    stamp = hot_reads.first(lookups.STAMP, {})
    assert stamp.changed_at.tzinfo is not None  # UTCDateTime's conversion, as SQLAlchemy does it


def test_a_pooled_connection_in_autocommit_given_back_at_once(app, backend, committed_db):
    marraine = factories.create_role_model()
    token = tokens.issue(FeedKind.ROLE_MODEL, user=marraine.user)
    _db.session.commit()
    owner_id = marraine.id
    _db.session.remove()
    with recorded(_db.engine, "before_cursor_execute") as statements:
        row = hot_reads.first(lookups.ROLE_MODEL_OWNER, {"token_hash": tokens.hash_token(token)})
    assert row.owner_id == owner_id
    assert statements == []  # not through SQLAlchemy's execution: no BEGIN, no ROLLBACK either
    assert _db.engine.pool.checkedout() == 0
    if backend == "postgresql":
        with _db.engine.connect() as connection:  # handed back as it was taken: not in autocommit
            assert connection.connection.driver_connection.autocommit is False


def test_inside_a_transaction_the_session_reads_its_own_writes(app, committed_db):
    marraine = factories.create_role_model()
    token = tokens.issue(FeedKind.ROLE_MODEL, user=marraine.user)  # flushed, not committed
    params = {"token_hash": tokens.hash_token(token)}
    assert hot_reads.first(lookups.ROLE_MODEL_OWNER, params).owner_id == marraine.id
    _db.session.rollback()
    assert hot_reads.first(lookups.ROLE_MODEL_OWNER, params) is None


def test_a_dead_pooled_connection_is_replaced(app, committed_db):
    marraine = factories.create_role_model()
    token = tokens.issue(FeedKind.ROLE_MODEL, user=marraine.user)
    _db.session.commit()
    owner_id = marraine.id
    _db.session.remove()
    pooled = _db.engine.raw_connection()
    driver_connection = pooled.driver_connection
    pooled.close()
    driver_connection.close()  # the server dropped it while it sat in the pool
    with recorded(_db.engine, "invalidate") as invalidated:
        row = hot_reads.first(lookups.ROLE_MODEL_OWNER, {"token_hash": tokens.hash_token(token)})
    assert row.owner_id == owner_id
    assert [args[0] for args in invalidated] == [driver_connection]  # thrown away, not back in the pool
    assert _db.engine.pool.checkedout() == 0


def test_an_unreachable_database_raises_sqlalchemys_error(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3")
    with app.app_context(), pytest.raises(OperationalError):  # the app's 503 (app/errors.py)
        hot_reads.first(lookups.STAMP, {})

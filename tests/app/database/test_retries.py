"""A unit of work is retried, a bounded number of times, when the database says trying again
will work: a real PostgreSQL deadlock between two threads ends with both done; other errors
are never retried; on SQLite, reads begin deferred and writes take the write lock at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app import sqlite, transactions
from app.extensions import db
from app.models import Event
from tests.app.conftest import FreshContextClient, csrf_token_from
from tests.support import factories


class FakeDriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


def _failing(times: int, error: Exception):
    calls = []

    def unit():
        calls.append(sqlite.write_intent.get())
        if len(calls) <= times:
            raise error
        return "done"

    return unit, calls


def test_deadlocks_and_serialization_failures_are_retried_then_given_up(app):
    deadlock = OperationalError("UPDATE …", {}, FakeDriverError("deadlock detected", "40P01"))
    unit, calls = _failing(2, deadlock)
    assert transactions.retrying(unit, sleep=lambda s: None)() == "done" and len(calls) == 3

    serialization = OperationalError("UPDATE …", {}, FakeDriverError("could not serialize", "40001"))
    unit, calls = _failing(5, serialization)
    with pytest.raises(OperationalError):
        transactions.retrying(unit, sleep=lambda s: None)()
    assert len(calls) == transactions.ATTEMPTS


@pytest.mark.parametrize("error", [
    IntegrityError("INSERT …", {}, FakeDriverError("duplicate key", "23505")),
    OperationalError("SELECT 1", {}, FakeDriverError("server closed the connection unexpectedly", "08006")),
])
def test_conflicts_and_lost_connections_are_not_retried(app, error):
    unit, calls = _failing(1, error)
    with pytest.raises(type(error)):
        transactions.retrying(unit, sleep=lambda s: None)()
    assert len(calls) == 1


def test_a_sqlite_read_that_had_to_write_runs_again_with_the_write_lock(app):
    locked = OperationalError("UPDATE …", {}, type("OperationalError", (Exception,), {})("database is locked"))
    unit, calls = _failing(1, locked)
    with sqlite.intent(False):
        assert transactions.retrying(unit, sleep=lambda s: None)() == "done"
        assert calls == [False, True]
    with sqlite.intent(True):  # a writer that waited 10 s for the lock is not made to wait again
        unit, calls = _failing(1, locked)
        with pytest.raises(OperationalError):
            transactions.retrying(unit, sleep=lambda s: None)()


def test_sqlite_reads_begin_deferred_and_writes_immediate(backend, app):
    if backend != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    app.test_client_class = FreshContextClient
    begins: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        web = app.test_client()
        web.get("/impact")  # a page that reads
        assert begins and set(begins) == {"BEGIN"}
        token = csrf_token_from(web.get("/connexion").get_data(as_text=True))
        begins.clear()
        web.post("/connexion", data={"email": "x@example.org", "password": "wrong", "csrf_token": token})
        assert begins and set(begins) == {"BEGIN IMMEDIATE"}
        begins.clear()
        db.session.execute(select(Event.id)).all()  # outside a request: jobs, commands
        db.session.rollback()
        assert begins == ["BEGIN IMMEDIATE"]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_real_postgresql_deadlock_is_retried_until_both_are_done(backend, app, committed_db):
    if backend != "postgresql":
        pytest.skip("SQLite serializes writers: no deadlock to have")
    first, second = factories.create_event(title="A"), factories.create_event(title="B")
    ids = (first.id, second.id)
    db.session.commit()
    barrier = threading.Barrier(2, timeout=30)
    attempts = {0: 0, 1: 0}
    errors = []

    def worker(n: int):
        order = ids if n == 0 else ids[::-1]

        def unit():
            attempts[n] += 1
            db.session.execute(text("SET LOCAL deadlock_timeout = '100ms'"))
            db.session.execute(update(Event).where(Event.id == order[0]).values(description=f"by {n}"))
            if attempts[n] == 1:
                barrier.wait()  # both hold their first row: each now wants the other's
            db.session.execute(update(Event).where(Event.id == order[1]).values(description=f"by {n}"))

        with app.app_context():
            try:
                transactions.unit_of_work(unit)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]  # one was the deadlock's victim, and ran again


def test_a_lost_connection_is_retried_once_in_a_read_only_request(app):
    lost = OperationalError("SELECT …", {}, FakeDriverError("server closed the connection", "08006"),
                            connection_invalidated=True)
    with sqlite.intent(False):  # GET, HEAD, OPTIONS: the pool is renewed, the read runs again
        unit, calls = _failing(1, lost)
        assert transactions.retrying(unit, sleep=lambda s: None)() == "done" and len(calls) == 2
        unit, calls = _failing(2, lost)  # lost again: the database is away
        with pytest.raises(OperationalError):
            transactions.retrying(unit, sleep=lambda s: None)()
        assert len(calls) == 2
    with sqlite.intent(True):  # a write: its COMMIT may have landed
        unit, calls = _failing(1, lost)
        with pytest.raises(OperationalError):
            transactions.retrying(unit, sleep=lambda s: None)()
        assert len(calls) == 1

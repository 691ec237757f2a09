"""SQLite connection settings, applied to every SQLite engine the app creates.

- Foreign keys are off by default in SQLite; without them ON DELETE rules would not hold.
- pysqlite begins transactions lazily on its own, which breaks SAVEPOINT and lets two writers
  interleave; SQLAlchemy begins them instead, with BEGIN IMMEDIATE so writes are serialized
  (the SQLite side of "no double booking": a check made inside the transaction cannot be
  invalidated by another writer before the commit).
- Read-only web requests (GET, HEAD, OPTIONS) begin with a plain deferred BEGIN instead: in WAL
  mode readers never wait for the writer and the writer never waits for them, so feed polling
  and page views do not queue behind form submissions. A GET that writes after all (API tokens
  stamp their last use) may then find its snapshot stale and get "database is locked" at once;
  `app.transactions` retries such a request once with `writing()` in force (BEGIN IMMEDIATE).
  Everything outside a request (jobs, CLI, tests) keeps BEGIN IMMEDIATE.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

# True: the unit of work may write, so take the write lock when the transaction begins.
write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=True)


@contextmanager
def intent(writes: bool):
    token = write_intent.set(writes)
    try:
        yield
    finally:
        write_intent.reset(token)


def is_lock_error(error: BaseException) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY), raised through SQLAlchemy or not."""
    orig = getattr(error, "orig", error)
    return type(orig).__name__ == "OperationalError" and "database is locked" in str(orig)


def configure(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")

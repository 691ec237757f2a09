"""SQLite connection settings, applied to every SQLite engine the app creates.

- Foreign keys are off by default in SQLite; without them ON DELETE rules would not hold.
- pysqlite begins transactions lazily on its own, which breaks SAVEPOINT and lets two writers
  interleave; SQLAlchemy begins them instead, with BEGIN IMMEDIATE so writes are serialized
  (the SQLite side of "no double booking").
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
        connection.exec_driver_sql("BEGIN IMMEDIATE")

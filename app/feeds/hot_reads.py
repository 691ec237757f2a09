"""Hot reads: one-statement reads run so often that SQLAlchemy's execution layer would be most of
their cost — the lookup of a calendar feed poll (app/feeds/lookups.py), run for each of
thousands of polls a minute.

For one statement, SQLAlchemy's execution (a Connection, its transaction and BEGIN, an execution
context, a result object, the rollback) costs several times the driver's own work: on the feed
lookup, about 170 µs against 30 µs on SQLite, 330 µs against 160 µs on PostgreSQL (CPU of the
client, bench machine). `first()` keeps what matters of SQLAlchemy — the SQL it compiles (once
per dialect), its type conversions of parameters and columns — and runs the statement on the
driver:

- outside a transaction, on a pooled connection in autocommit, given back at once: on
  PostgreSQL one round trip (no BEGIN, no ROLLBACK); on SQLite the driver's own autocommit
  (app/sqlite.py), a read that never takes the write lock. One statement reads one snapshot;
- inside the session's transaction, through the session (a unit of work reads its own writes);
- with a session bound to an outside connection (the tests' rolled-back transaction), on that
  connection.

Connections come from SQLAlchemy (`engine.connect()`: a failed connect raises its
OperationalError, the app's 503 in app/errors.py). If the driver fails on one, it is invalidated
(never back in the pool as it is) and the statement runs once more through SQLAlchemy, which
recognises a lost connection, renews the pool and raises its own errors.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from flask import current_app
from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect, Engine

from app.extensions import db
from app.private_apis import expanded_statement, session_bind


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    positions: tuple[str, ...] | None  # parameter order, for positional paramstyles
    constants: dict[str, Any]  # the statement's own values, already converted for the driver
    variables: dict[str, Callable | None]  # parameters given at each call, with their converter
    row: type  # a named tuple of the selected columns
    results: tuple[Callable | None, ...]


_prepared: WeakKeyDictionary[Dialect, dict[Select, _Prepared]] = WeakKeyDictionary()
_lock = threading.Lock()


def first(statement: Select, params: dict[str, Any]):
    """The first row of `statement` (a module-level constant) with `params`, or None."""
    scoped = db.session
    if not current_app.config["FEED_HOT_READS"]:  # switched off: as any other read
        return scoped.execute(statement, params).first()
    if scoped.registry.has() and scoped().in_transaction():
        return scoped().connection().execute(statement, params).first()
    bind = session_bind(scoped) or db.engine
    if isinstance(bind, Connection):
        return _run(_prepare(statement, bind.dialect), bind.connection.driver_connection, params)
    return _on_pooled_connection(bind, statement, params)


def _on_pooled_connection(engine: Engine, statement: Select, params: dict[str, Any]):
    prepared = _prepare(statement, engine.dialect)
    # PostgreSQL (psycopg): the driver's autocommit, switched on for the statement and off
    # before check-in, which leaves the connection exactly as it was (and costs a fraction of
    # the same switch through SQLAlchemy's isolation levels). SQLite connections are in the
    # driver's autocommit already (app/sqlite.py).
    switch = engine.dialect.name == "postgresql"
    with engine.connect() as connection:  # a failed connect raises SQLAlchemy's error here
        driver_connection = connection.connection.driver_connection
        try:
            if switch:
                driver_connection.autocommit = True
            row = _run(prepared, driver_connection, params)
            if switch:
                driver_connection.autocommit = False
            return row
        except Exception:
            connection.invalidate()
    # The driver failed on that connection: once more through SQLAlchemy, which recognises a
    # lost connection, renews the pool and raises its own errors.
    with engine.connect() as retried:
        return retried.execute(statement, params).first()


def _run(prepared: _Prepared, driver_connection, params: dict[str, Any]):
    values = dict(prepared.constants)
    for name, convert in prepared.variables.items():
        value = params[name]
        values[name] = convert(value) if convert is not None and value is not None else value
    cursor = driver_connection.cursor()
    try:
        cursor.execute(prepared.sql, tuple(values[name] for name in prepared.positions)
                       if prepared.positions is not None else values)
        found = cursor.fetchone()
    finally:
        cursor.close()
    if found is None:
        return None
    return prepared.row._make(value if convert is None or value is None else convert(value)
                              for value, convert in zip(found, prepared.results))


def _prepare(statement: Select, dialect: Dialect) -> _Prepared:
    known = _prepared.get(dialect, {}).get(statement)
    if known is not None:
        return known
    compiled = statement.compile(dialect=dialect)
    variables = {name: _bind_converter(bind.type, dialect)
                 for name, bind in compiled.binds.items() if bind.required}
    # The expanded form: IN lists of the statement's own values become one parameter each.
    sql, positions, parameters, processors = expanded_statement(compiled, list(variables))
    constants = {}
    for name, value in parameters.items():
        if name not in variables:
            convert = processors.get(name) or _bind_converter(compiled.binds[name].type, dialect)
            constants[name] = convert(value) if convert is not None and value is not None else value
    columns = list(statement.selected_columns)
    prepared = _Prepared(
        sql=sql,
        positions=positions,
        constants=constants,
        variables=variables,
        row=namedtuple("Row", [column.key for column in columns]),
        results=tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns),
    )
    with _lock:
        _prepared.setdefault(dialect, {})[statement] = prepared
    return prepared


def _bind_converter(type_, dialect: Dialect) -> Callable | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)

"""Every use of a library's private API, in one place.

Each function here reaches into something a pinned library does not promise to keep. They are
gathered so that an upgrade has one file to read, and tests/app/web/test_private_apis.py fails
loudly, naming the function, when a new version of Flask, Flask-Login or SQLAlchemy changes one
of them. Nothing else in the app may touch a library's underscored names.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask.globals import request_ctx
from sqlalchemy import Update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import scoped_session
from sqlalchemy.sql.compiler import SQLCompiler


def set_request_session(session) -> None:
    """Give the current request `session` (Flask has no public setter: the feeds use a null
    session so that no extension adds `Vary: Cookie`)."""
    request_ctx._session = session


def signed_in_user_cached():
    """The user Flask-Login loaded for this request, or None if it loaded none yet (reading it
    through `current_user` would load it, from the database)."""
    return g.get("_login_user")


def set_signed_in_user(user) -> None:
    """Make Flask-Login take `user` as this request's user without loading it (pages shown while
    the database is away)."""
    g._login_user = user


def update_set_columns(statement: Update) -> tuple[Any, ...] | None:
    """The columns (or their keys) an UPDATE sets, or None when that is unknown: SQLAlchemy has
    no public accessor for the SET clause (`_values`, 1.4 and 2.x)."""
    values = getattr(statement, "_values", None)
    return tuple(values) if values else None


def session_bind(scoped: scoped_session) -> Engine | Connection | None:
    """The `bind` a scoped session's sessions are made with (the tests bind them to a
    connection whose transaction is rolled back), or None."""
    return scoped.session_factory.kw.get("bind")


def expanded_statement(compiled: SQLCompiler, names: list[str]):
    """SQL of `compiled` with IN lists of its own values expanded, as SQLAlchemy would send it:
    (sql, parameter order for positional paramstyles or None, parameters, bind processors)."""
    expanded = compiled.construct_expanded_state({name: None for name in names})
    positions = tuple(expanded.positiontup) if compiled.positional else None
    return expanded.statement, positions, expanded.parameters, expanded.processors

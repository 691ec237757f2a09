"""Each library-private API the app relies on (app/private_apis.py) still does what the app needs.

When one of these fails after an upgrade of Flask, Flask-Login or SQLAlchemy, the function named
in the test is the one to rewrite; nothing else in the app touches those libraries' internals.
"""

from __future__ import annotations

import sqlalchemy
from flask import g, session
from flask_login import current_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app import private_apis
from app.extensions import db as _db
from app.models import User


def test_set_request_session_replaces_the_session_of_the_request(app):
    with app.test_request_context("/"):
        null = app.session_interface.make_null_session(app)
        private_apis.set_request_session(null)
        assert session._get_current_object() is null, "Flask moved RequestContext._session"


def test_the_signed_in_user_is_read_and_set_without_loading_it(app):
    with app.test_request_context("/"):
        assert private_apis.signed_in_user_cached() is None
        anonymous = app.login_manager.anonymous_user()
        private_apis.set_signed_in_user(anonymous)
        assert "_login_user" in g and current_user._get_current_object() is anonymous, (
            "Flask-Login no longer keeps the request's user in g._login_user")
        assert private_apis.signed_in_user_cached() is anonymous


def test_update_set_columns_names_what_an_update_sets():
    statement = update(User).where(User.id == 1).values(last_login_at=None, locale="fr")
    columns = private_apis.update_set_columns(statement)
    assert columns is not None, f"SQLAlchemy {sqlalchemy.__version__} moved Update._values"
    assert {getattr(c, "key", c) for c in columns} == {"last_login_at", "locale"}
    assert private_apis.update_set_columns(update(User)) is None


def test_session_bind_is_the_bind_sessions_are_made_with(app, db):
    assert private_apis.session_bind(_db.session) is db.session.get_bind(), (
        "Flask-SQLAlchemy/SQLAlchemy changed sessionmaker.kw")


def test_expanded_statement_gives_sql_parameters_and_order(app):
    statement = select(User.id).where(User.email == bindparam("email"), User.id.in_([1, 2, 3]))
    for dialect in (sqlite.dialect(), postgresql.psycopg.dialect()):
        compiled = statement.compile(dialect=dialect)
        sql, positions, parameters, processors = private_apis.expanded_statement(compiled, ["email"])
        assert "email" in parameters and isinstance(processors, dict)
        in_values = sorted(v for k, v in parameters.items() if k != "email")
        assert in_values == [1, 2, 3], "SQLAlchemy changed construct_expanded_state"
        if compiled.positional:
            assert positions is not None and len(positions) == 4 and sql.count("?") == 4
        else:
            assert positions is None and "%(email)s" in sql

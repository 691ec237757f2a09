"""Fixtures for tests of the Flask app: every database test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session

from app import create_app
from app.extensions import db as _db
from config import TestConfig
from tests.support import factories
from tests.support.databases import backends, fresh_database
from tests.support.smtp import SmtpServer


class BoundSession(Session):
    """Flask-SQLAlchemy picks engines by bind key and ignores `bind`; tests need the bind."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind or self.bind or super().get_bind(mapper=mapper, clause=clause, **kwargs)


@pytest.fixture(scope="session", params=backends())
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory):
    """A database with the models' schema, created once per backend per session."""
    with fresh_database(backend, tmp_path_factory.mktemp("db")) as url:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            _db.create_all()
            _db.engine.dispose()
        yield url


@pytest.fixture
def app_config() -> dict:
    """Override to change the app's configuration for one test module."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **app_config)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, inside a transaction rolled back after the test.

    The app's commits become savepoint releases, so views and services behave as in
    production while nothing outlives the test.
    """
    connection = _db.engine.connect()
    transaction = connection.begin()
    original = _db.session
    _db.session = _db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": BoundSession}
    )
    try:
        yield _db
    finally:
        _db.session.remove()
        _db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def committed_db(app):
    """The database with real commits (for tests across threads or processes); emptied after."""
    yield _db
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production: its own `g` and its own
    database session (on the test's connection), not the test's."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db):
    app.test_client_class = FreshContextClient
    return app.test_client()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD, next_url: str | None = None):
        page = self.client.get("/connexion")
        token = csrf_token_from(page.get_data(as_text=True))
        url = "/connexion" + (f"?next={next_url}" if next_url else "")
        return self.client.post(url, data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        page = self.client.get("/organisation/")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/deconnexion", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


# Factories as fixtures (Indico style): create_event(**overrides) and so on.
@pytest.fixture
def create_user(db):
    return factories.create_user


@pytest.fixture
def create_school(db):
    return factories.create_school


@pytest.fixture
def create_contact(db):
    return factories.create_contact


@pytest.fixture
def create_role_model(db):
    return factories.create_role_model


@pytest.fixture
def create_event(db):
    return factories.create_event


@pytest.fixture
def create_request(db):
    return factories.create_request


@pytest.fixture
def create_assignment(db):
    return factories.create_assignment


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free local port, for the tests that send email."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()

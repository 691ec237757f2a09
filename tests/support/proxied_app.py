"""An app whose every database connection goes through a TcpProxy the test can cut and restore."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.app.conftest import FreshContextClient
from tests.support.tcp_proxy import TcpProxy


@contextmanager
def app_behind_proxy(database_url: str, engine_options: dict, **config) -> Iterator[tuple]:
    """(app, proxy) for a PostgreSQL `database_url`, the engine built with `engine_options`,
    the app with `config` over TestConfig."""
    url = make_url(database_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through = url.set(host="127.0.0.1", port=proxy.port, query={**url.query, "connect_timeout": "3"})
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=through.render_as_string(hide_password=False),
                         SQLALCHEMY_ENGINE_OPTIONS=engine_options, **config)
        app.test_client_class = FreshContextClient
        try:
            yield app, proxy
        finally:
            with app.app_context():
                db.engine.dispose()

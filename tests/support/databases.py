"""The databases the suite runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.

Each pytest session gets its own throwaway PostgreSQL database, created on the server that
TEST_DATABASE_URL names and dropped at the end, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def postgres_server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or None


def backends() -> list[str]:
    names = ["sqlite"]
    if postgres_server_url():
        names.append("postgresql")
    elif os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
        pytest.exit("TEST_DATABASE_URL is required in CI: the PostgreSQL pass is never skipped", returncode=3)
    return names


@contextmanager
def fresh_postgres_database(prefix: str = "rencontres_test"):
    """Create an empty database on the test server and yield its URL; drop it afterwards."""
    server = make_url(postgres_server_url())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable server in CI must fail loudly, not skip
        admin.dispose()
        raise RuntimeError(f"cannot create a test database on {server.render_as_string()}: {exc}") from exc
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(backend: str, tmp_dir):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir}/rencontres-{uuid.uuid4().hex[:8]}.sqlite3"
    else:
        with fresh_postgres_database() as url:
            yield url

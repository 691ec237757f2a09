"""A throwaway PostgreSQL database for a benchmark run: created on the server the URL names,
dropped afterwards (even on failure), so runs never see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def temporary_postgres_database(server_url: str, prefix: str = "rencontres_bench") -> Iterator[str]:
    """Yield the URL of an empty database on `server_url`'s server (psycopg driver)."""
    if server_url.startswith("postgresql://"):
        server_url = "postgresql+psycopg://" + server_url[len("postgresql://"):]
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

"""Backups are only as good as a restore: the demo data, written to PostgreSQL, is dumped with
pg_dump (custom format, as docs/deploy.md says), restored with pg_restore into an empty
database, and every table comes back with the same rows; the no-double-booking constraint and
the btree_gist extension come back too, and the app serves from the restored copy."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.demo import seed
from app.extensions import db
from app.models.assignment import NO_OVERLAP_CONSTRAINT
from config import TestConfig
from tests.support.databases import fresh_postgres_database


def _libpq(url: str) -> str:
    """The URL as pg_dump and psql take it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _tools() -> None:
    missing = [t for t in ("pg_dump", "pg_restore", "psql") if shutil.which(t) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (apt-get install postgresql-client)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_a_dump_restores_every_row(backend, app, committed_db, tmp_path):
    if backend != "postgresql":
        pytest.skip("backups with pg_dump are PostgreSQL's (production runs on it)")
    _tools()
    seed.seed()
    db.session.commit()
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    before = _counts(db.engine)
    assert before["events"] > 10 and before["assignments"] > 10

    dump = tmp_path / "rencontres.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={_libpq(source)}"],
                   check=True, capture_output=True, timeout=300)
    assert dump.stat().st_size > 10_000

    with fresh_postgres_database(prefix="rencontres_restore") as target:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(target)}", str(dump)],
                       check=True, capture_output=True, timeout=300)
        restored = create_engine(target)
        try:
            assert _counts(restored) == before
            with restored.connect() as conn:
                constraints = conn.scalars(text("SELECT conname FROM pg_constraint WHERE conrelid = "
                                                "'assignments'::regclass")).all()
                assert NO_OVERLAP_CONSTRAINT in constraints
            # psql, as the runbook checks by hand
            psql = subprocess.run(["psql", "-At", f"--dbname={_libpq(target)}", "-c", "SELECT count(*) FROM events"],
                                  check=True, capture_output=True, text=True, timeout=60)
            assert int(psql.stdout.strip()) == before["events"]
            served = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=target)
            with served.app_context():
                assert served.test_client().get("/healthz").get_json()["database"]["status"] == "ok"
                db.engine.dispose()
        finally:
            restored.dispose()

"""The database goes away during traffic and comes back (PostgreSQL behind a TCP proxy the test
cuts and restores, tests/support/tcp_proxy.py): every request meanwhile gets a clean answer, a
French 503 page, a problem+json 503 or the health check's 503, never a 500; nothing half-saved;
then the app recovers by itself (pooled connections are checked before use).

SMTP down is covered by tests/app/mail/test_outbox_smtp.py; calendar servers that hang or answer
garbage by tests/app/role_models/test_calendar_faults.py.
"""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import VisitRequest
from tests.app.conftest import AuthActions
from tests.support import factories
from tests.support.proxied_app import app_behind_proxy
from tests.support.school_requests import TODAY, form_tokens, valid_form


@pytest.fixture
def proxied(backend, database_url, committed_db):
    """An app of its own whose every database connection goes through the proxy."""
    if backend != "postgresql":
        pytest.skip("a database server to cut: PostgreSQL (SQLite is a file in the same process)")
    with app_behind_proxy(database_url, {"pool_pre_ping": True}) as (app, proxy):
        yield app, proxy


def _requests() -> int:
    return db.session.scalar(select(func.count()).select_from(VisitRequest))


def test_requests_fail_cleanly_while_the_database_is_away_then_recover(proxied):
    # The whole scenario on the school form's day: sessions signed then are read the same day
    # (a cookie signed later than it is read counts as expired).
    with time_machine.travel(TODAY, tick=True):
        _outage_and_recovery(*proxied)


def _outage_and_recovery(app, proxy):
    organizer = factories.create_user(email="outage@example.org")
    db.session.commit()
    web, school, api = app.test_client(), app.test_client(), app.test_client()
    AuthActions(web).login(organizer.email)

    def everything_ok():
        assert web.get("/organisation/").status_code == 200
        assert api.get("/api/v1/public/events").status_code == 200
        assert school.get("/impact").status_code == 200
        assert web.get("/healthz").status_code == 200

    everything_ok()
    form = {**form_tokens(school), **valid_form()}
    assert proxy.accepted >= 1

    proxy.cut()  # the database "restarts"
    page = web.get("/organisation/")
    assert page.status_code == 503 and "momentanément indisponible" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "5"
    assert page.headers["X-Request-ID"] in page.get_data(as_text=True)  # a reference for support
    problem = api.get("/api/v1/public/events")
    assert problem.status_code == 503 and problem.mimetype == "application/problem+json"
    assert problem.get_json()["code"] == "unavailable"
    health = web.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"]["status"] == "error"
    refused = school.post("/demandes/nouvelle", data=form)  # a school sends its request now
    assert refused.status_code == 503
    assert "rien de ce que vous avez envoyé" in refused.get_data(as_text=True)

    proxy.restore()  # back
    everything_ok()
    again = school.post("/demandes/nouvelle", data=form)  # the same form, sent again
    assert again.status_code == 302, again.get_data(as_text=True)[:500]
    db.session.remove()
    assert _requests() == 1


def test_a_connection_dropped_mid_transaction_keeps_nothing_half_done(proxied):
    """The connection dies between the write and the commit of one unit of work: nothing is
    kept, and the next unit of work on the same app runs on a fresh connection."""
    from sqlalchemy.exc import OperationalError

    from app.models import Event

    app, proxy = proxied
    event_id = factories.create_event(title="Avant").id
    db.session.commit()
    with app.app_context():
        db.session.get(Event, event_id).title = "Pendant"
        db.session.flush()
        proxy.cut()
        with pytest.raises(OperationalError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()
        proxy.restore()
        assert db.session.get(Event, event_id).title == "Avant"
        db.session.remove()
    assert db.session.get(Event, event_id).title == "Avant"

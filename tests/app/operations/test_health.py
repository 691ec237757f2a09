from datetime import timedelta

from app.models import SchedulerLease
from app.models.types import utcnow


def test_healthz_reports_database_and_no_scheduler_yet(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["scheduler"]["status"] == "never_seen"


def test_healthz_reports_heartbeat_age(client, db):
    db.session.add(SchedulerLease(name="scheduler", holder="test", heartbeat_at=utcnow() - timedelta(seconds=12)))
    db.session.flush()
    body = client.get("/healthz").get_json()
    assert body["scheduler"]["status"] == "ok"
    assert 11 <= body["scheduler"]["heartbeat_age_seconds"] < 60


def test_healthz_reports_a_stale_scheduler(client, db):
    db.session.add(SchedulerLease(name="scheduler", holder="test", heartbeat_at=utcnow() - timedelta(minutes=10)))
    db.session.flush()
    assert client.get("/healthz").get_json()["scheduler"]["status"] == "stale"


def test_healthz_when_the_database_is_unreachable(tmp_path):
    from app import create_app
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["status"] == "error"

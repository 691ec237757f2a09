"""Health of the service: the database answers, and how old the scheduler's heartbeat is."""

from __future__ import annotations

from sqlalchemy import select, text

from app.extensions import db
from app.models import SchedulerLease
from app.models.types import utcnow

# The heartbeat job runs every 30 s; past this the scheduler is reported stale.
HEARTBEAT_STALE_AFTER = 120


def check() -> dict:
    report: dict = {"status": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
        report["database"] = {"status": "ok", "backend": db.engine.dialect.name}
    except Exception as exc:  # any driver error means "unreachable" to a load balancer
        db.session.rollback()
        report["status"] = "error"
        report["database"] = {"status": "error", "error": type(exc).__name__}
        report["scheduler"] = {"status": "unknown"}
        return report
    lease = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == "scheduler"))
    if lease is None:
        report["scheduler"] = {"status": "never_seen", "heartbeat_age_seconds": None}
    else:
        age = (utcnow() - lease.heartbeat_at).total_seconds()
        report["scheduler"] = {
            "status": "ok" if age <= HEARTBEAT_STALE_AFTER else "stale",
            "heartbeat_age_seconds": round(age, 1),
            "holder": lease.holder,
        }
    return report

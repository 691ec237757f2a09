"""The scheduler's lease: one row that one process holds while it runs the jobs.

Taking or renewing it is one compare-and-set UPDATE, so two schedulers racing can never both
believe they hold it; a holder that stops renewing loses it after LEASE_TTL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SchedulerLease
from app.models.types import utcnow

LEASE_NAME = "scheduler"
LEASE_TTL = timedelta(seconds=90)


def try_acquire(holder: str, *, now: datetime | None = None) -> bool:
    """Take the lease if free or expired, or renew it if `holder` has it. Commits."""
    now = now or utcnow()
    result = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME)
        .where(or_(SchedulerLease.holder == holder, SchedulerLease.heartbeat_at < now - LEASE_TTL))
        .values(holder=holder, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.commit()
        return True
    db.session.rollback()
    if db.session.get(SchedulerLease, LEASE_NAME) is not None:
        return False
    try:
        db.session.add(SchedulerLease(name=LEASE_NAME, holder=holder, acquired_at=now, heartbeat_at=now))
        db.session.commit()
        return True
    except IntegrityError:  # another scheduler inserted it first
        db.session.rollback()
        return False


def release(holder: str) -> None:
    """Let another scheduler take over at once (on clean shutdown)."""
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
        .values(heartbeat_at=utcnow() - LEASE_TTL - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()

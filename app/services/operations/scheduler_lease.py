"""The scheduler's lease: one row that one process holds while it runs the jobs.

Taking or renewing it is one compare-and-set UPDATE, so two schedulers racing can never both
believe they hold it; a holder that stops renewing loses it after LEASE_TTL. The row is also
the heartbeat `/healthz` reads.

On PostgreSQL a session-level advisory lock decides first: it is held on a dedicated connection
for as long as a process leads, and the server frees it the moment that process dies (its
connection closes), so a standby takes over at once instead of waiting for the TTL.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, text, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SchedulerLease
from app.models.types import utcnow

LEASE_NAME = "scheduler"
LEASE_TTL = timedelta(seconds=90)
RELEASED = ""  # the holder of a lease handed back on a clean stop
# pg_advisory_lock key: "RENC" in ASCII, unlikely to clash with another application's locks.
ADVISORY_KEY = 0x52454E43

log = logging.getLogger(__name__)


def try_acquire(holder: str, *, now: datetime | None = None, ttl: timedelta = LEASE_TTL,
                force: bool = False) -> bool:
    """Take the lease if free or expired, or renew it if `holder` has it. Commits.

    `force` takes it whatever its state: for a process holding the advisory lock, which
    proves the previous holder is gone.
    """
    now = now or utcnow()
    free = true() if force else or_(
        SchedulerLease.holder.in_((holder, RELEASED)), SchedulerLease.heartbeat_at < now - ttl
    )
    result = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME)
        .where(free)
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
    """Let another scheduler take over at once (on clean shutdown); the last heartbeat stays."""
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
        .values(holder=RELEASED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, held on its own connection while leading."""

    def __init__(self, engine: Engine, key: int = ADVISORY_KEY):
        self.engine = engine
        self.key = key
        self.connection: Connection | None = None

    def try_hold(self) -> bool:
        """True while this process holds the lock (taking it if free); never blocks."""
        if self.connection is not None:
            try:
                self.connection.execute(text("SELECT 1"))
                self.connection.commit()
                return True
            except Exception:  # connection lost: so is the lock, with it
                log.warning("scheduler advisory lock connection lost")
                self._drop()
                return False
        connection = self.engine.connect()
        try:
            held = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
            connection.commit()  # the lock is session-level: no transaction stays open
        except Exception:
            connection.invalidate()
            connection.close()
            raise
        if held:
            self.connection = connection
            return True
        connection.close()
        return False

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self.connection.commit()
            self.connection.close()
        except Exception:
            self._drop()
        self.connection = None

    def _drop(self) -> None:
        # Never hand a connection that may still hold the lock back to the pool.
        if self.connection is not None:
            try:
                self.connection.invalidate()
                self.connection.close()
            except Exception:
                pass
        self.connection = None

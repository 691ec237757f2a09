"""Scheduled jobs: thin wrappers that call services, run by one `flask scheduler` process.

A process runs jobs only while it holds the scheduler lease (and, on PostgreSQL, an advisory
lock that dies with its connection); a second scheduler started by mistake waits, and takes over
when the first stops renewing or dies. Every job is idempotent on its own as well (compare-and-set
on rows, dedupe keys), so even two leaders at once would not send anything twice.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, current_app

from app import transactions
from app.extensions import db
from app.services.events import lifecycle, reminders
from app.services.mail import delivery
from app.services.operations import retention, scheduler_lease
from app.services.pairing import assignments, reply_mailbox

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30


def heartbeat() -> None:
    """Renewing the lease is the heartbeat `/healthz` reads."""


def expire_invitations() -> None:
    assignments.expire_unanswered(after_days=current_app.config["INVITATION_EXPIRY_DAYS"])


def sync_calendars() -> None:
    from app.services.role_models import calendar_sync

    calendar_sync.sync_due_calendars()


# name -> (function, interval in seconds). Features add their jobs here.
JOBS: dict[str, tuple[Callable[[], object], int]] = {
    "heartbeat": (heartbeat, HEARTBEAT_SECONDS),
    "send_outbox": (delivery.send_outbox, 30),
    "sync_calendars": (sync_calendars, 300),
    "reminders": (reminders.send_reminders, 600),
    "feedback_requests": (reminders.send_feedback_requests, 3600),
    "expire_invitations": (expire_invitations, 3600),
    "calendar_replies": (reply_mailbox.poll_mailbox, 60),
    "complete_past_events": (lifecycle.complete_past_events, 600),
    "retention_purge": (retention.purge_job, 24 * 3600),
}


class Runner:
    """Holds the lease and runs JOBS while it has it."""

    def __init__(
        self,
        app: Flask,
        holder: str | None = None,
        *,
        jobs: dict[str, tuple[Callable[[], object], int]] | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        poll_seconds: float = 10,
        lease_ttl: timedelta = scheduler_lease.LEASE_TTL,
    ):
        self.app = app
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.jobs = JOBS if jobs is None else jobs
        self.heartbeat_seconds = heartbeat_seconds
        self.poll_seconds = poll_seconds
        self.lease_ttl = lease_ttl
        self.stop_event = threading.Event()
        self.has_lease = False
        self.advisory_lock: scheduler_lease.AdvisoryLock | None = None

    def renew(self) -> bool:
        with self.app.app_context():
            try:
                if db.engine.dialect.name == "postgresql":
                    if self.advisory_lock is None:
                        self.advisory_lock = scheduler_lease.AdvisoryLock(db.engine)
                    # Holding the lock proves any previous holder is gone: take its row at once.
                    self.has_lease = self.advisory_lock.try_hold() and scheduler_lease.try_acquire(
                        self.holder, ttl=self.lease_ttl, force=True
                    )
                else:
                    self.has_lease = scheduler_lease.try_acquire(self.holder, ttl=self.lease_ttl)
            except Exception:  # database down: lose the lease rather than run blind
                log.exception("scheduler lease renewal failed")
                db.session.rollback()
                self.has_lease = False
            finally:
                db.session.remove()
        return self.has_lease

    def run_job(self, name: str) -> None:
        if not self.has_lease:
            return
        func, _ = self.jobs[name]
        with self.app.app_context():
            try:
                transactions.unit_of_work(func)  # a deadlock victim runs again (bounded)
            except Exception:
                db.session.rollback()
                log.exception("job %s failed", name)
            finally:
                db.session.remove()

    def serve(self) -> None:
        scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
        for name, (_, seconds) in self.jobs.items():
            if name != "heartbeat":
                scheduler.add_job(self.run_job, "interval", seconds=seconds, args=[name], id=name,
                                  jitter=min(5, seconds // 10))
        scheduler.start(paused=True)
        try:
            while not self.stop_event.is_set():
                was_leader = self.has_lease
                if self.renew() and not was_leader:
                    log.info("scheduler %s holds the lease; running jobs", self.holder)
                    scheduler.resume()
                elif not self.has_lease and was_leader:
                    log.warning("scheduler %s lost the lease; standing by", self.holder)
                    scheduler.pause()
                self.stop_event.wait(self.heartbeat_seconds if self.has_lease else self.poll_seconds)
        finally:
            scheduler.shutdown(wait=True)
            with self.app.app_context():
                if self.has_lease:
                    scheduler_lease.release(self.holder)
                if self.advisory_lock is not None:
                    self.advisory_lock.release()
                db.session.remove()


def start_in_process(app: Flask) -> None:
    """For the single-process dev server (`make run`): run the scheduler in a daemon thread."""
    if os.environ.get("WERKZEUG_RUN_MAIN") == "false":
        return  # the reloader's parent process serves nothing
    runner = Runner(app)
    thread = threading.Thread(target=runner.serve, name="scheduler", daemon=True)
    thread.start()


def serve_forever(app: Flask) -> None:
    """`flask scheduler`: run until SIGTERM or Ctrl-C, then hand the lease over at once."""
    runner = Runner(app)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: runner.stop_event.set())
    log.info("scheduler %s starting", runner.holder)
    runner.serve()

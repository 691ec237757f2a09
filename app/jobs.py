"""Scheduled jobs: thin wrappers that call services, run by one `flask scheduler` process.

A process runs jobs only while it holds the scheduler lease; a second scheduler started by
mistake waits, and takes over when the first stops renewing.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from app.extensions import db
from app.services import scheduler_lease

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30


def heartbeat() -> None:
    """Renewing the lease is the heartbeat `/healthz` reads."""


# name -> (function, interval in seconds). Features add their jobs here.
JOBS: dict[str, tuple[Callable[[], None], int]] = {
    "heartbeat": (heartbeat, HEARTBEAT_SECONDS),
}


class Runner:
    """Holds the lease and runs JOBS while it has it."""

    def __init__(self, app: Flask, holder: str | None = None):
        self.app = app
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.stop_event = threading.Event()
        self.has_lease = False

    def renew(self) -> bool:
        with self.app.app_context():
            try:
                self.has_lease = scheduler_lease.try_acquire(self.holder)
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
        func, _ = JOBS[name]
        with self.app.app_context():
            try:
                func()
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("job %s failed", name)
            finally:
                db.session.remove()

    def serve(self, *, poll_seconds: float = 10) -> None:
        scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
        for name, (_, seconds) in JOBS.items():
            if name != "heartbeat":
                scheduler.add_job(self.run_job, "interval", seconds=seconds, args=[name], id=name, jitter=min(5, seconds // 10))
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
                self.stop_event.wait(HEARTBEAT_SECONDS if self.has_lease else poll_seconds)
        finally:
            scheduler.shutdown(wait=True)
            if self.has_lease:
                with self.app.app_context():
                    scheduler_lease.release(self.holder)
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

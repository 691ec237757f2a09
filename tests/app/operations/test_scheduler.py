"""Two scheduler processes started together: one runs the jobs, the other waits; killing the first
(SIGKILL, no goodbye) lets the second take over. PostgreSQL decides with an advisory lock freed
when the dead process's connection closes; SQLite with the lease row's TTL. Short TTLs and
intervals are given as parameters, so nothing sleeps long.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from datetime import timedelta

from sqlalchemy import select

from app import create_app
from app.extensions import db as _db
from app.jobs import JOBS, Runner
from app.models import SchedulerLease, Setting
from app.services.operations import health, scheduler_lease
from config import TestConfig


def _serve(database_url: str) -> None:
    """A scheduler process (forked, so it starts at once) with short TTLs and a job that leaves
    a trace of who ran it."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)

    def mark() -> None:
        key = f"ran:{os.getpid()}"
        row = _db.session.get(Setting, key)
        if row is None:
            _db.session.add(Setting(key=key, value={"runs": 1}))
        else:
            row.value = {"runs": row.value["runs"] + 1}

    runner = Runner(app, holder=f"pid-{os.getpid()}", jobs={"heartbeat": (lambda: None, 1), "mark": (mark, 1)},
                    heartbeat_seconds=0.2, poll_seconds=0.2, lease_ttl=timedelta(seconds=2))
    signal.signal(signal.SIGTERM, lambda *_: runner.stop_event.set())
    runner.serve()
    os._exit(0)  # skip the parent's inherited cleanup (its database connections are not ours)


def _start(database_url: str):
    process = multiprocessing.get_context("fork").Process(target=_serve, args=(database_url,), daemon=True)
    process.start()
    return process


def _wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _state(db) -> tuple[str | None, set[int]]:
    """Who holds the lease, and which processes ran a job; the transaction ends at once (on
    SQLite every transaction takes the write lock, which the schedulers need)."""
    try:
        holder = db.session.scalar(
            select(SchedulerLease.holder).where(SchedulerLease.name == scheduler_lease.LEASE_NAME)
        )
        keys = db.session.scalars(select(Setting.key).where(Setting.key.like("ran:%"))).all()
    finally:
        db.session.rollback()
    return holder, {int(key.split(":")[1]) for key in keys}


def test_two_schedulers_one_runs_the_other_takes_over_when_it_dies(app, database_url, committed_db):
    db = committed_db
    first, second = _start(database_url), _start(database_url)
    processes = {first.pid: first, second.pid: second}
    try:
        _wait_for(lambda: _state(db)[1], "a scheduler to run a job")
        time.sleep(1)  # both are up and polling by now; the standby must stay idle
        holder, ran = _state(db)
        assert len(ran) == 1, "exactly one scheduler runs jobs"
        leader_pid = ran.pop()
        assert holder == f"pid-{leader_pid}"
        assert health.check()["scheduler"]["status"] == "ok"
        standby_pid = next(pid for pid in processes if pid != leader_pid)
        assert processes[standby_pid].is_alive()  # waiting

        processes[leader_pid].kill()  # SIGKILL: no goodbye, no release
        processes[leader_pid].join(timeout=10)
        _wait_for(lambda: standby_pid in _state(db)[1], "the standby to take over")
        assert _state(db)[0] == f"pid-{standby_pid}"

        processes[standby_pid].terminate()  # SIGTERM: a clean stop hands the lease back
        processes[standby_pid].join(timeout=30)
        assert processes[standby_pid].exitcode == 0
        successor = Runner(app, holder="next", lease_ttl=timedelta(minutes=5))
        assert successor.renew()  # at once, not after the TTL
        if successor.advisory_lock is not None:
            successor.advisory_lock.release()
    finally:
        for process in processes.values():
            if process.is_alive():
                process.kill()
                process.join(timeout=10)


def test_every_job_of_the_issue_is_registered():
    assert {"heartbeat", "send_outbox", "sync_calendars", "reminders", "feedback_requests", "expire_invitations",
            "complete_past_events", "retention_purge"} <= set(JOBS)
    assert all(seconds > 0 for _, seconds in JOBS.values())


def test_jobs_run_only_while_holding_the_lease(app, committed_db):
    calls = []
    runner = Runner(app, holder="solo", jobs={"heartbeat": (lambda: None, 1), "job": (lambda: calls.append(1), 1)},
                    lease_ttl=timedelta(seconds=30))
    other = Runner(app, holder="other", lease_ttl=timedelta(seconds=30))
    runner.run_job("job")
    assert calls == []  # not leader yet
    assert runner.renew() and not other.renew()
    runner.run_job("job")
    assert calls == [1]
    if runner.advisory_lock is not None:
        runner.advisory_lock.release()
    with app.app_context():
        scheduler_lease.release("solo")
    if other.advisory_lock is not None:
        assert other.renew()
        other.advisory_lock.release()
    else:
        assert other.renew()

"""The unit of work of a request or a job, retried a bounded number of times when the database
says that trying again will work.

Retried (the whole view or job runs again from the start, after a rollback):
- PostgreSQL `40001 serialization_failure` and `40P01 deadlock_detected`: the transaction was
  chosen as the victim and nothing of it was kept, so running it again is safe. Row locks
  (`SELECT … FOR UPDATE`) taken in different orders by two requests end this way.
- SQLite "database is locked" in a read-only request (see `app.sqlite`): it ran with a deferred
  BEGIN and wrote after all; it runs again with BEGIN IMMEDIATE.
- A lost connection in a read-only request (GET, HEAD, OPTIONS), once: pooled connections are
  not pinged before use (config.py), so after a database restart the first request of a worker
  may find its connection dead; SQLAlchemy then renews the whole pool and the request runs
  again on a fresh one. Lost again: the database is away (503).

Not retried: a lost connection in a request that writes or a job (a COMMIT may or may not have
landed: the person is told to try again, `app.errors` answers 503) and integrity errors (a real
conflict: 409).

Every view of the app is wrapped (`wrap_views`); jobs call `unit_of_work`. Emails go through the
outbox table in the same transaction, so a retried unit never sends anything twice.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, g, request
from sqlalchemy.exc import DBAPIError

from app import sqlite
from app.extensions import db

log = logging.getLogger(__name__)

ATTEMPTS = 3
RETRYABLE_SQLSTATES = {"40001": "serialization_failure", "40P01": "deadlock_detected"}
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

T = TypeVar("T")


def retry_reason(error: BaseException) -> str | None:
    """Why `error` is worth another attempt, or None."""
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return RETRYABLE_SQLSTATES[sqlstate]
    if sqlite.is_lock_error(error) and not sqlite.write_intent.get():
        return "sqlite_read_upgraded"
    if getattr(error, "connection_invalidated", False) and not sqlite.write_intent.get():
        return "connection_lost"
    return None


def retrying(func: Callable[..., T], *, attempts: int = ATTEMPTS, sleep=time.sleep) -> Callable[..., T]:
    """`func`, run again (after a rollback) when it fails with a retryable database error."""

    @wraps(func)
    def wrapper(*args, **kwargs) -> T:
        for attempt in range(1, attempts + 1):
            try:
                return func(*args, **kwargs)
            except DBAPIError as error:
                reason = retry_reason(error)
                if reason is None or attempt == attempts or (reason == "connection_lost" and attempt > 1):
                    raise
                db.session.rollback()
                log.warning("retrying %s after %s (attempt %d of %d)", func.__name__, reason, attempt + 1, attempts)
                if reason == "sqlite_read_upgraded":
                    sqlite.write_intent.set(True)  # for the rest of this request (reset at teardown)
                # Jittered backoff, so two victims of one deadlock do not collide again.
                sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")

    return wrapper


def unit_of_work(func: Callable[..., T], *args, **kwargs) -> T:
    """Run `func` and commit, as one retried unit (jobs, commands, benchmarks)."""

    def unit() -> T:
        result = func(*args, **kwargs)
        db.session.commit()
        return result

    unit.__name__ = getattr(func, "__name__", "unit_of_work")
    return retrying(unit)()


def set_intent() -> None:
    """Before-request hook: the request's SQLite write intent, by its method. It must run before
    any hook that reads the database (the rate limiter's reads API tokens): create_app puts it
    first."""
    g._sqlite_intent = sqlite.write_intent.set(request.method not in READ_ONLY_METHODS)


def reset_intent(exc=None) -> None:
    token = g.pop("_sqlite_intent", None)
    if token is not None:
        sqlite.write_intent.reset(token)


def wrap_views(app: Flask) -> None:
    """Make every view of `app` a retried unit (call once every blueprint is registered)."""
    app.teardown_request(reset_intent)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = retrying(view)


def rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool replaces it on the next checkout
        db.session.close()

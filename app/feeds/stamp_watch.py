"""The feeds' data stamp, kept current in each web process by PostgreSQL (LISTEN/NOTIFY).

A feed poll asks the database two things: is this token live, and what is the data stamp
(app/feeds/cache.py)? On PostgreSQL that round trip is most of what a poll costs (bench/feeds.py), yet
most polls come while nothing changes: at night, at weekends, in the school holidays. With a
watch, a process knows the stamp without asking, and keeps each token's lookup for as long as
the stamp stays the same (`owner`/`keep`, used by app/feeds/lookups.py): a poll of a known
token then reads nothing at all.

- The transaction that writes a new stamp also sends a NOTIFY on CHANNEL (cache.py), which
  PostgreSQL delivers when it commits. The notification is only a hint: on hearing it the
  watch reads the stamp again, so what it holds is always something it read, newest last.
- Tokens are tracked data (cache.TRACKED): issuing or revoking one writes a new stamp, so
  a kept lookup never outlives a revocation.
- Delivery takes milliseconds; a poll in between is answered as it would have been just before
  the change, as if it had come a moment earlier.
- The watch vouches for a stamp only while it is sure of it: it reads the stamp on connecting
  and whenever it has heard nothing for `heartbeat` seconds; when its last successful read is
  older than `stale_after` (a connection silently cut), or as soon as its connection fails,
  `current()` gives None and polls ask the database as they would without a watch. It
  reconnects by itself, with backoff.
- LISTEN needs a connection of its own for as long as it listens: one per web process, made
  like the pool's (DATABASE_URL, connect options). Behind PgBouncer in transaction mode
  notifications would be lost: turn the watch off there (FEED_STAMP_WATCH=0).
- Data changed outside the ORM (SQL by hand, a data migration) writes no stamp: run
  `flask feeds-changed` after it. Without it a kept lookup still expires after `keep_for` (an
  hour), so a token revoked by hand stops being served within the hour.
- Only on PostgreSQL, only when FEED_STAMP_WATCH is on (off in tests, whose transactions are
  rolled back and never notify), and only where feeds are polled: the listening thread starts
  at the first `current()` in each process. A forked child forgets what its parent heard
  (gunicorn forks its workers; with --preload, after the app was built).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import weakref
from datetime import UTC
from typing import Any

from flask import Flask, current_app
from sqlalchemy.engine import Engine

from app.extensions import db
from app.feeds.cache import CHANNEL, STAMP_NAME, Stamp

log = logging.getLogger(__name__)

# Lookups kept per stamp, at most: a flood of distinct tokens empties the store rather than
# growing it (it refills from the next polls).
MAX_OWNERS = 50_000


class StampWatch:
    """The current data stamp of one database, for the process that asks."""

    def __init__(self, engine: Engine, *, heartbeat: float = 10.0, stale_after: float = 30.0,
                 keep_for: float = 3600.0):
        self._engine = engine
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self.keep_for = keep_for
        self._state: tuple[Stamp | None, float] = (None, -math.inf)  # stamp, when last read
        # The stamp value, and the lookups kept under it: key -> (row, when kept).
        self._owners: tuple[str | None, dict] = (None, {})
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def current(self) -> Stamp | None:
        """The stamp as last read, if read recently enough to vouch for; else None."""
        if self._pid != os.getpid():
            self._start()
        stamp, read_at = self._state
        return stamp if time.monotonic() - read_at <= self.stale_after else None

    def owner(self, stamp: Stamp, key: tuple) -> Any:
        """A lookup kept under `stamp` for less than `keep_for`, or None."""
        value, owners = self._owners
        kept = owners.get(key) if value == stamp.value else None
        if kept is None or time.monotonic() - kept[1] > self.keep_for:
            return None
        return kept[0]

    def keep(self, stamp: Stamp, key: tuple, row: Any) -> None:
        """Keep `row`, read under `stamp`, until the stamp changes (at most `keep_for`: a token
        revoked by hand, with nothing telling feeds, stops being served within that time)."""
        value, owners = self._owners
        if value != stamp.value:
            owners = {}
            self._owners = (stamp.value, owners)
        elif len(owners) >= MAX_OWNERS:
            owners.clear()
        owners[key] = (row, time.monotonic())

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            self._state = (None, -math.inf)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            threading.Thread(target=self._listen, name="feed-stamp-watch", daemon=True).start()

    def _forget_parent(self) -> None:
        """In a forked child: the parent's listener is not here, nor is what it heard, and its
        lock may have been held at the fork. The child's first poll starts its own."""
        self._lock = threading.Lock()
        stopped, self._stopped = self._stopped.is_set(), threading.Event()
        if stopped:
            self._stopped.set()
        self._state = (None, -math.inf)
        self._owners = (None, {})
        self._pid = None

    def _listen(self) -> None:
        backoff = 1.0
        while not self._stopped.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._read(connection)
                    backoff = 1.0
                    while not self._stopped.is_set():
                        # Wake at least once a second, to notice stop() and the heartbeat.
                        heard = any(True for _ in connection.notifies(timeout=min(1.0, self.heartbeat),
                                                                      stop_after=1))
                        if heard or time.monotonic() - self._state[1] >= self.heartbeat:
                            self._read(connection)
            except Exception as error:  # the connection lost or refused: polls ask the database
                self._state = (None, -math.inf)  # at once: a change now would go unheard
                log.warning("feed stamp watch: %s; polls read the database until it is back",
                            type(error).__name__)
                self._stopped.wait(backoff)
                backoff = min(backoff * 2, 30.0)

    def _connect(self):
        # A connection made as the pool makes them (connect_args, connect events), then taken
        # out of it for good: it listens for as long as the process lives.
        pooled = self._engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()
        connection.autocommit = True
        return connection

    def _read(self, connection) -> None:
        row = connection.execute("SELECT value, changed_at FROM data_versions WHERE name = %s",
                                 (STAMP_NAME,)).fetchone()
        with self._lock:
            if not self._stopped.is_set():
                self._state = (Stamp(row[0], row[1].astimezone(UTC)) if row else None, time.monotonic())


_watches: weakref.WeakSet[StampWatch] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for watch in list(_watches):
        watch._forget_parent()


os.register_at_fork(after_in_child=_after_fork_in_child)


def for_app(app: Flask | None = None) -> StampWatch | None:
    """The app's watch, or None where there is none (SQLite, tests, FEED_STAMP_WATCH off)."""
    return (app or current_app).extensions.get("feed_stamp_watch")


def init_app(app: Flask) -> None:
    if not app.config.get("FEED_STAMP_WATCH"):
        return
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        watch = app.extensions["feed_stamp_watch"] = StampWatch(engine)
        _watches.add(watch)

"""Render each feed once per change: a data stamp written with the data, and a cache keyed on it.

Any transaction that changes what feeds show (events, assignments, schools, people...) rewrites
the `data_versions` row as its very last statement, in the same transaction: readers see the new
stamp exactly when they see the new data. The stamp is written at commit rather than at flush so
the row lock on PostgreSQL is held for an instant, never while a transaction does other work
(writers cannot queue or deadlock behind it).

Readers must read the stamp *before* the data: then cached bytes are never older than their key.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import DataVersion
from app.models.types import utcnow
from app.private_apis import update_set_columns

STAMP_NAME = "feeds"
# On PostgreSQL, a new stamp is also announced on this channel (app/feeds/stamp_watch.py).
CHANNEL = "rencontres_feeds"

# Tables whose rows feeds show, with the columns whose changes feeds do not show.
TRACKED: dict[str, frozenset[str]] = {
    "events": frozenset(),
    "event_schools": frozenset(),
    "assignments": frozenset({"score", "explanation"}),
    "role_models": frozenset({"late_cancellations", "monthly_cap", "presentation"}),
    "schools": frozenset(),
    "school_contacts": frozenset(),
    "visit_requests": frozenset({"remarks", "idempotency_key"}),
    "users": frozenset({"last_login_at", "password_hash", "session_version"}),
    "organizer_scopes": frozenset(),
    # Timetables in feeds: a role model's table, a school's groups' paths.
    "programme_parts": frozenset({"explanation", "moves", "planned_at"}),
    "rotation_tables": frozenset(),
    "rotation_hosts": frozenset(),
    "rotation_groups": frozenset(),
    "rotation_cells": frozenset(),
    # Not shown, but a poll's lookup of its token is kept per stamp (stamp_watch.py): issuing or
    # revoking a token must change the stamp.
    "feed_tokens": frozenset(),
}
_CHANGED = "feeds.changed"


@dataclass(frozen=True, slots=True)
class Stamp:
    value: str
    changed_at: datetime


def note_change() -> None:
    """Count the session's current transaction as a change feeds show, whatever it wrote: for
    data changed outside the ORM (SQL typed by hand, a data migration), which nothing notices.
    The commit then writes a new stamp (`flask feeds-changed` does just that)."""
    db.session.info[_CHANGED] = True


def _shows_change(obj) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table not in TRACKED:
        return False
    ignored = TRACKED[table]
    if not ignored:
        return True
    state = db.inspect(obj)
    return any(
        attr.key not in ignored and attr.history.has_changes() for attr in state.attrs
    )


def _note_flushed_changes(session: Session, flush_context, instances) -> None:
    if session.info.get(_CHANGED):
        return
    for obj in chain(session.new, session.deleted):
        if getattr(obj, "__tablename__", None) in TRACKED:
            session.info[_CHANGED] = True
            return
    if any(_shows_change(obj) for obj in session.dirty):
        session.info[_CHANGED] = True


def _note_bulk_changes(state) -> None:
    if (state.is_update or state.is_delete) and not state.session.info.get(_CHANGED):
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in TRACKED and not (
                state.is_update and _sets_only(state.statement, TRACKED[table.name])):
            state.session.info[_CHANGED] = True


def _sets_only(statement, ignored: frozenset[str]) -> bool:
    """Whether an UPDATE sets only columns feeds do not show (a sign-in's compare-and-set of
    last_login_at must not re-render every feed); anything else counts as a change."""
    values = update_set_columns(statement)
    if not ignored or not values:
        return False
    return all(getattr(column, "key", column) in ignored for column in values)


def _write_stamp(session: Session) -> None:
    session.flush()  # pending changes first: the stamp must be the transaction's last write
    if not session.info.pop(_CHANGED, False):
        return
    connection = session.connection()
    values = {"value": uuid.uuid4().hex, "changed_at": utcnow()}
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    if connection.dialect.name in ("postgresql", "sqlite"):
        statement = insert(DataVersion).values(name=STAMP_NAME, **values)
        connection.execute(statement.on_conflict_do_update(index_elements=["name"], set_=values))
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"NOTIFY {CHANNEL}")  # delivered at commit, to every watch
    else:  # pragma: no cover - other backends are not supported, but stay correct
        if not connection.execute(update(DataVersion).where(DataVersion.name == STAMP_NAME).values(**values)).rowcount:
            connection.execute(DataVersion.__table__.insert().values(name=STAMP_NAME, **values))


def _forget_changes(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_CHANGED, None)


# Every ORM session of the process: the app's, the jobs', the tests' bound ones.
_LISTENERS = (
    ("before_flush", _note_flushed_changes),
    ("do_orm_execute", _note_bulk_changes),
    ("before_commit", _write_stamp),
    ("after_soft_rollback", _forget_changes),
)


def track_changes() -> None:
    """Make every transaction that changes what feeds show write a new stamp (create_app calls
    it; calling it again changes nothing)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    """Feed bytes with their validators, computed once when rendered."""

    body: bytes
    etag: str  # strong, quoted
    last_modified: datetime

    @classmethod
    def of(cls, body: bytes, last_modified: datetime) -> RenderedFeed:
        digest = hashlib.sha256(body).hexdigest()[:32]
        return cls(body=body, etag=f'"{digest}"', last_modified=last_modified.replace(microsecond=0))


class FeedCache:
    """A per-process LRU of rendered feeds, bounded by total bytes (FEED_CACHE_MAX_BYTES)."""

    def __init__(self, max_bytes: int | None = None):
        self._max_bytes = max_bytes
        self._entries: OrderedDict[tuple, RenderedFeed] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.renders = 0  # how many times a feed was rendered (for tests and the benchmark)

    @property
    def max_bytes(self) -> int:
        if self._max_bytes is None:
            return int(current_app.config["FEED_CACHE_MAX_BYTES"])
        return self._max_bytes

    def get_or_render(self, key: tuple | None, render) -> RenderedFeed:
        if key is None or self.max_bytes <= 0:  # no stamp yet: nothing safe to key on
            self.renders += 1
            return render()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        rendered = render()  # outside the lock: two threads may render once each, never wrongly
        with self._lock:
            self.renders += 1
            max_bytes = self.max_bytes
            if key not in self._entries and len(rendered.body) <= max_bytes:
                self._entries[key] = rendered
                self._size += len(rendered.body)
                while self._size > max_bytes:
                    _, evicted = self._entries.popitem(last=False)
                    self._size -= len(evicted.body)
        return rendered

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


cache = FeedCache()

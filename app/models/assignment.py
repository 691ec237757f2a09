"""Assignments (participations): one role model on one event, from proposal to confirmation.

No double booking, enforced by the database. A role model never holds two accepted or
confirmed participations whose times overlap:
- PostgreSQL: an exclusion constraint (btree_gist) over (role_model_id, tstzrange(start_at,
  end_at)) for the rows that hold time. `start_at`/`end_at` copy the event's times; the
  services keep them in step when the event moves (`app.services.events.lifecycle.update_event`). Two
  concurrent requests cannot both pass: the second waits for the first's commit, then fails
  with an exclusion violation that the services turn into a Conflict (409), whatever path it
  came through. A row lock and a re-check would need every writer to lock the same rows in the
  same order; the constraint holds even for a code path that forgot.
- SQLite: writes are serialized (BEGIN IMMEDIATE, see app/sqlite.py), so the services'
  re-check inside the transaction cannot be overtaken. The CHECK constraint below, on both
  backends, keeps a row that holds time from ever lacking its times (an unbounded range would
  clash with everything, and a missing one with nothing).
The event's role-model maximum is a count, which no constraint can express: it is re-checked
under a lock on the event row (app/services/pairing/assignments.py).
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.event import Event
from app.models.role_model import RoleModel
from app.models.states import Status, allow, guard_transitions
from app.models.types import UTCDateTime, enum_column_type, utcnow


def new_reply_code() -> str:
    """80 random bits in lower-case base32 (ASCII, immune to mail servers folding case)."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


class AssignmentStatus(Status):
    PROPOSED = "proposed"
    INVITED = "invited"
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the role model stepped back after accepting
    CANCELLED = "cancelled"  # the organizer removed them, or the event was cancelled


_A = AssignmentStatus
allow(
    AssignmentStatus,
    {
        _A.PROPOSED: {_A.INVITED, _A.CANCELLED},
        _A.INVITED: {_A.ACCEPTED, _A.DECLINED, _A.EXPIRED, _A.CANCELLED},
        # → INVITED: only when the event's time changes (app/services/events/lifecycle.py asks again).
        _A.ACCEPTED: {_A.CONFIRMED, _A.WITHDRAWN, _A.CANCELLED, _A.INVITED},
        _A.CONFIRMED: {_A.WITHDRAWN, _A.CANCELLED, _A.INVITED},
        _A.DECLINED: set(),
        _A.EXPIRED: set(),
        _A.WITHDRAWN: set(),
        _A.CANCELLED: set(),
    },
)

# Statuses that hold the role model's time (for conflicts, caps and capacity).
ENGAGED_STATUSES = (_A.INVITED, _A.ACCEPTED, _A.CONFIRMED)
# Statuses that take a seat on the event and hold the time for good: never two that overlap.
HOLDING_STATUSES = (_A.ACCEPTED, _A.CONFIRMED)
_HOLDING_SQL = ", ".join(f"'{s.value}'" for s in HOLDING_STATUSES)
NO_OVERLAP_CONSTRAINT = "ex_assignments_role_model_overlap"


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("event_id", "role_model_id", name="one_per_event"),
        CheckConstraint(f"status NOT IN ({_HOLDING_SQL}) OR (start_at IS NOT NULL AND end_at > start_at)",
                        name="holding_has_times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # RESTRICT: deleting an account anonymises the role model, engagements stay for statistics.
    role_model_id: Mapped[int] = mapped_column(ForeignKey("role_models.id", ondelete="RESTRICT"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column_type(AssignmentStatus, "assignment_status"), default=AssignmentStatus.PROPOSED, index=True
    )
    score: Mapped[float | None] = mapped_column(Float)
    # The matching explanation: preferences met, cost breakdown, alternatives.
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)
    # Bumped when a new invitation is sent, so older email links stop working.
    link_version: Mapped[int] = mapped_column(Integer, default=1)
    # The secret part of the address calendar answers come back to, fixed for the row's life
    # (app/services/pairing/reply_addresses.py).
    reply_code: Mapped[str] = mapped_column(String(16), default=new_reply_code)
    reason: Mapped[str | None] = mapped_column(Text)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set, by compare-and-set, when matching proposed someone in place of this ended participation.
    backfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A copy of the event's times, for the no-overlap constraint (see the module docstring);
    # NULL only on proposals bulk-written by matching, filled when they come to hold time.
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="assignments")
    role_model: Mapped[RoleModel] = relationship()


guard_transitions(Assignment.status)


@event.listens_for(Assignment, "before_insert")
@event.listens_for(Assignment, "before_update")
def _copy_event_times(mapper, connection, target: Assignment) -> None:
    """Every row written through the ORM carries its event's times once it needs them."""
    if target.start_at is not None or (target.status not in HOLDING_STATUSES and target.id is not None):
        return
    loaded = target.__dict__.get("event")
    if loaded is not None:
        target.start_at, target.end_at = loaded.start_at, loaded.end_at
        return
    events = Event.__table__
    row = connection.execute(select(events.c.start_at, events.c.end_at).where(events.c.id == target.event_id)).one()
    target.start_at, target.end_at = row


# PostgreSQL only (SQLite has no exclusion constraints; its writes are serialized instead).
# Attached to every Table named "assignments", so `db.create_all()` (the tests) and Alembic's
# `op.create_table` (the migration, which builds a Table of its own) both create it.
_NO_OVERLAP_DDL = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    (f"ALTER TABLE assignments ADD CONSTRAINT {NO_OVERLAP_CONSTRAINT} EXCLUDE USING gist "
     f"(role_model_id WITH =, tstzrange(start_at, end_at) WITH &&) WHERE (status IN ({_HOLDING_SQL}))"),
)


def _is_assignments(ddl, target, bind, **kw) -> bool:
    return target.name == Assignment.__tablename__


for _statement in _NO_OVERLAP_DDL:
    event.listen(Table, "after_create", DDL(_statement).execute_if(dialect="postgresql", callable_=_is_assignments))

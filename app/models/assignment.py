"""Assignments (participations): one role model on one event, from proposal to confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.event import Event
from app.models.role_model import RoleModel
from app.models.states import Status, allow, guard_transitions
from app.models.types import UTCDateTime, enum_column_type, utcnow


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
        _A.ACCEPTED: {_A.CONFIRMED, _A.WITHDRAWN, _A.CANCELLED},
        _A.CONFIRMED: {_A.WITHDRAWN, _A.CANCELLED},
        _A.DECLINED: set(),
        _A.EXPIRED: set(),
        _A.WITHDRAWN: set(),
        _A.CANCELLED: set(),
    },
)

# Statuses that hold the role model's time (for conflicts, caps and capacity).
ENGAGED_STATUSES = (_A.INVITED, _A.ACCEPTED, _A.CONFIRMED)


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("event_id", "role_model_id", name="one_per_event"),)

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
    reason: Mapped[str | None] = mapped_column(Text)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set, by compare-and-set, when matching proposed someone in place of this ended participation.
    backfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="assignments")
    role_model: Mapped[RoleModel] = relationship()


guard_transitions(Assignment.status)

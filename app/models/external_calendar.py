"""A role model's own calendar (an ICS URL) and the busy intervals imported from it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import limits
from app.models.role_model import RoleModel
from app.models.types import UTCDateTime, utcnow


class ExternalCalendar(db.Model):
    __tablename__ = "external_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int] = mapped_column(ForeignKey("role_models.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(limits.CALENDAR_LABEL_MAX), default="")
    etag: Mapped[str | None] = mapped_column(String(256))
    last_modified: Mapped[str | None] = mapped_column(String(64))  # the server's validator, verbatim
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the server last sent a whole calendar (not a 304): the busy window was rebuilt then.
    last_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A calendars error code (e.g. "forbidden_address"), mapped to a French message in the UI.
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    failure_count: Mapped[int] = mapped_column(Integer, default=0)
    # Events the last imported file had that could not be read (skipped, the others kept), and
    # the first one's `calendars.Problem` code, so the person can fix the event in their calendar.
    skipped_events: Mapped[int] = mapped_column(Integer, default=0)
    skipped_problem_code: Mapped[str | None] = mapped_column(String(64))
    next_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    role_model: Mapped[RoleModel] = relationship()
    busy_intervals: Mapped[list[BusyInterval]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", passive_deletes=True
    )


class BusyInterval(db.Model):
    __tablename__ = "busy_intervals"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        Index("ix_busy_intervals_role_model_start", "role_model_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("external_calendars.id", ondelete="CASCADE"), index=True)
    # Denormalised from the calendar so matching reads busy times per person in one query.
    role_model_id: Mapped[int] = mapped_column(ForeignKey("role_models.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)

    calendar: Mapped[ExternalCalendar] = relationship(back_populates="busy_intervals")

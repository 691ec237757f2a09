"""An event's programme: ordered parts with times (plenary, rotation block, visit, break,
closing) and, for the rotation block, its tables, groups and the grid (group, round) → table.

One rotation block per programme: half-days and forums run one rotation between a plenary
and a closing; a second block would need its own groups and a path across blocks, which no
organizer asked for yet.

Times of rounds are not stored: they follow from the block's start, the rounds' length and the
changeover (`ProgrammePart.round_times`), so moving the block moves every round with it.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models import limits
from app.models.assignment import Assignment
from app.models.event import Event
from app.models.school import School
from app.models.types import UTCDateTime, enum_column_type


class PartKind(enum.StrEnum):
    PLENARY = "plenary"
    ROTATION = "rotation"
    VISIT = "visit"
    BREAK = "break"
    CLOSING = "closing"


class ProgrammePart(db.Model):
    __tablename__ = "programme_parts"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="part_end_after_start"),
        CheckConstraint("round_count IS NULL OR round_count > 0", name="round_count_positive"),
        CheckConstraint("round_minutes IS NULL OR round_minutes > 0", name="round_minutes_positive"),
        CheckConstraint("changeover_minutes >= 0", name="changeover_not_negative"),
        CheckConstraint("grid_version >= 0", name="grid_version_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[PartKind] = mapped_column(enum_column_type(PartKind, "part_kind"))
    title: Mapped[str] = mapped_column(String(limits.PART_TITLE_MAX), default="")
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A rotation block's rounds (None on other parts).
    round_count: Mapped[int | None] = mapped_column(Integer)
    round_minutes: Mapped[int | None] = mapped_column(Integer)
    changeover_minutes: Mapped[int] = mapped_column(Integer, default=0)
    group_size: Mapped[int | None] = mapped_column(Integer)  # target pupils per group
    # The grid's version: 0 while never planned; bumped by every plan, re-plan or move, which is
    # the "published" grid people's timetables show.
    grid_version: Mapped[int] = mapped_column(Integer, default=0)
    # What limited the last plan (codes and parameters, see app/services/programmes/explain.py)
    # and which cells the last re-plan or move changed.
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)
    moves: Mapped[list] = mapped_column(JSON, default=list)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(backref=backref(
        "programme_parts", order_by="ProgrammePart.position", cascade="all, delete-orphan", passive_deletes=True))
    tables: Mapped[list[RotationTable]] = relationship(
        back_populates="part", cascade="all, delete-orphan", order_by="RotationTable.position")
    groups: Mapped[list[RotationGroup]] = relationship(
        back_populates="part", cascade="all, delete-orphan", order_by="RotationGroup.position")
    cells: Mapped[list[RotationCell]] = relationship(
        back_populates="part", cascade="all, delete-orphan", order_by="RotationCell.id")

    def round_times(self) -> list[tuple[datetime, datetime]]:
        """Each round's (start, end): the rounds follow one another from the block's start."""
        if not self.round_count or not self.round_minutes:
            return []
        step = timedelta(minutes=self.round_minutes + (self.changeover_minutes or 0))
        length = timedelta(minutes=self.round_minutes)
        return [(self.start_at + step * n, self.start_at + step * n + length) for n in range(self.round_count)]


class RotationTable(db.Model):
    """A table of the rotation block: held by role models, bringing a job family."""

    __tablename__ = "rotation_tables"
    __table_args__ = (CheckConstraint("capacity > 0", name="table_capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("programme_parts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(limits.TABLE_LABEL_MAX))
    job_family: Mapped[str] = mapped_column(String(limits.JOB_FAMILY_LABEL_MAX), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=1)  # groups at once
    # Rounds (numbered from 1) the table is held; empty: every round.
    rounds: Mapped[list[int]] = mapped_column(JSON, default=list)

    part: Mapped[ProgrammePart] = relationship(back_populates="tables")
    hosts: Mapped[list[RotationHost]] = relationship(
        back_populates="table", cascade="all, delete-orphan", order_by="RotationHost.assignment_id")


class RotationHost(db.Model):
    """A role model (through her participation in the event) holding a table."""

    __tablename__ = "rotation_hosts"

    table_id: Mapped[int] = mapped_column(ForeignKey("rotation_tables.id", ondelete="CASCADE"), primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)

    table: Mapped[RotationTable] = relationship(back_populates="hosts")
    assignment: Mapped[Assignment] = relationship()


class RotationGroup(db.Model):
    """A group of pupils, made from one class registered for the event (no pupil is named)."""

    __tablename__ = "rotation_groups"
    __table_args__ = (CheckConstraint("headcount IS NULL OR headcount > 0", name="group_headcount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("programme_parts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(limits.GROUP_LABEL_MAX))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"), index=True)
    headcount: Mapped[int | None] = mapped_column(Integer)
    # Rounds (numbered from 1) the group is there for; empty: every round.
    rounds: Mapped[list[int]] = mapped_column(JSON, default=list)

    part: Mapped[ProgrammePart] = relationship(back_populates="groups")
    school: Mapped[School | None] = relationship()


class RotationCell(db.Model):
    """One cell of the grid: in round `round` (from 1), group `group_id` sits at table `table_id`."""

    __tablename__ = "rotation_cells"
    __table_args__ = (UniqueConstraint("group_id", "round", name="one_table_per_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("programme_parts.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("rotation_groups.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(ForeignKey("rotation_tables.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)

    part: Mapped[ProgrammePart] = relationship(back_populates="cells")
    group: Mapped[RotationGroup] = relationship()
    table: Mapped[RotationTable] = relationship()

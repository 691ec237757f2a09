"""Role models (marraines, parrains): profile, départements covered and availability."""

from __future__ import annotations

import enum
import unicodedata
from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, Time, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import limits
from app.models.states import Status, allow, guard_transitions
from app.models.types import Code, UTCDateTime, enum_column_type, utcnow
from app.models.user import User


class JobFamily(enum.StrEnum):
    OPERATOR = "operator"
    TECHNICIAN = "technician"
    ENGINEER = "engineer"
    MANAGER = "manager"
    EXECUTIVE = "executive"
    APPRENTICE = "apprentice"


class RoleModelStatus(Status):
    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    DECLINED = "declined"  # an application an organizer turned down, with a reason sent to the person


allow(
    RoleModelStatus,
    {
        RoleModelStatus.PENDING: {RoleModelStatus.ACTIVE, RoleModelStatus.DECLINED},
        RoleModelStatus.DECLINED: set(),
        RoleModelStatus.ACTIVE: {RoleModelStatus.PAUSED},
        RoleModelStatus.PAUSED: {RoleModelStatus.ACTIVE},
    },
)


class RoleModel(db.Model):
    __tablename__ = "role_models"
    __table_args__ = (
        CheckConstraint(f"monthly_cap >= 0 AND monthly_cap <= {limits.MONTHLY_CAP_MAX}", name="monthly_cap_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    first_name: Mapped[str] = mapped_column(String(limits.FIRST_NAME_MAX))
    last_name: Mapped[str] = mapped_column(String(limits.LAST_NAME_MAX))
    phone: Mapped[str | None] = mapped_column(String(limits.PHONE_MAX))
    job_title: Mapped[str] = mapped_column(String(limits.JOB_TITLE_MAX))
    job_family: Mapped[JobFamily] = mapped_column(enum_column_type(JobFamily, "job_family"))
    company: Mapped[str] = mapped_column(String(limits.COMPANY_MAX))
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["fr"])
    # Event types (conference, school_visit, ...) this person is willing to do.
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    accepts_in_person: Mapped[bool] = mapped_column(Boolean, default=True)
    accepts_remote: Mapped[bool] = mapped_column(Boolean, default=False)
    home_departement: Mapped[str | None] = mapped_column(Code)
    monthly_cap: Mapped[int] = mapped_column(Integer, default=2)
    presentation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RoleModelStatus] = mapped_column(
        enum_column_type(RoleModelStatus, "role_model_status"), default=RoleModelStatus.PENDING, index=True
    )
    late_cancellations: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set when the person deleted their account: the row stays, anonymised, for statistics.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written from the fields above on every save (see `_fill_search_columns`): the directory
    # searches without accents or case on any database, and filters sectors in SQL (so it can
    # paginate): "|chimie|aeronautique|".
    search_text: Mapped[str] = mapped_column(Text, default="")
    sector_keys: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
    departements: Mapped[list[RoleModelDepartement]] = relationship(
        back_populates="role_model", cascade="all, delete-orphan"
    )
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="role_model", cascade="all, delete-orphan", order_by="AvailabilityWindow.weekday"
    )
    exceptions: Mapped[list[AvailabilityException]] = relationship(
        back_populates="role_model", cascade="all, delete-orphan", order_by="AvailabilityException.start_date"
    )

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def departement_codes(self) -> list[str]:
        return [d.departement for d in self.departements]


guard_transitions(RoleModel.status)


def fold(value: str) -> str:
    """Lower case without accents nor repeated spaces: "  Hélène  CÔTÉ" -> "helene cote"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@event.listens_for(RoleModel, "before_insert")
@event.listens_for(RoleModel, "before_update")
def _fill_search_columns(mapper, connection, target: RoleModel) -> None:
    words = [target.first_name, target.last_name, target.company, target.job_title, target.home_departement or "",
             *(target.sectors or [])]
    target.search_text = fold(" ".join(w or "" for w in words))
    sectors = [fold(s) for s in target.sectors or [] if fold(s)]
    target.sector_keys = f"|{'|'.join(sectors)}|" if sectors else ""


class RoleModelDepartement(db.Model):
    """A département a role model covers; a table (not a list) so matching can filter in SQL."""

    __tablename__ = "role_model_departements"

    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), primary_key=True
    )
    departement: Mapped[str] = mapped_column(Code, primary_key=True, index=True)

    role_model: Mapped[RoleModel] = relationship(back_populates="departements")


class AvailabilityWindow(db.Model):
    """A weekly window, in Europe/Paris wall time (e.g. Tuesday 14:00–17:00)."""

    __tablename__ = "availability_windows"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int] = mapped_column(ForeignKey("role_models.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # Monday = 0
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    role_model: Mapped[RoleModel] = relationship(back_populates="windows")


class AvailabilityException(db.Model):
    """Dated days off (holidays, "not before March"), inclusive of both ends."""

    __tablename__ = "availability_exceptions"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="end_not_before_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int] = mapped_column(ForeignKey("role_models.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(limits.DAY_OFF_REASON_MAX), default="")

    role_model: Mapped[RoleModel] = relationship(back_populates="exceptions")

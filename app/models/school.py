"""Schools (identified by their UAI) and the staff who contact us on their behalf."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import limits
from app.models.types import Code, UTCDateTime, enum_column_type, utcnow


class HolidayZone(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"
    CORSE = "corse"
    OUTRE_MER = "outre-mer"


class EducationPriority(enum.StrEnum):
    NONE = "none"
    REP = "rep"
    REP_PLUS = "rep_plus"


class SchoolKind(enum.StrEnum):
    COLLEGE = "college"
    LYCEE = "lycee"  # général et technologique
    LYCEE_PRO = "lycee_pro"
    CFA = "cfa"
    OTHER = "other"


class School(db.Model):
    __tablename__ = "schools"
    __table_args__ = (CheckConstraint(f"length(uai) = {limits.UAI_LENGTH}", name="uai_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uai: Mapped[str] = mapped_column(String(limits.UAI_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(limits.SCHOOL_NAME_MAX))
    kind: Mapped[SchoolKind] = mapped_column(enum_column_type(SchoolKind, "school_kind"), default=SchoolKind.COLLEGE)
    commune: Mapped[str] = mapped_column(String(limits.COMMUNE_MAX))
    postal_code: Mapped[str | None] = mapped_column(String(limits.POSTAL_CODE_LENGTH))
    departement: Mapped[str] = mapped_column(Code, index=True)
    academie: Mapped[str] = mapped_column(Code, index=True)
    zone: Mapped[HolidayZone] = mapped_column(enum_column_type(HolidayZone, "holiday_zone"))
    priority: Mapped[EducationPriority] = mapped_column(
        enum_column_type(EducationPriority, "education_priority"), default=EducationPriority.NONE
    )
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list[SchoolContact]] = relationship(back_populates="school", passive_deletes=True,
                                                         order_by="SchoolContact.id")

    @property
    def is_rep(self) -> bool:
        return self.priority != EducationPriority.NONE


class ContactRole(enum.StrEnum):
    TEACHER = "teacher"
    CPE = "cpe"
    PSY_EN = "psy_en"
    HEAD = "head"
    OTHER = "other"


class SchoolContact(db.Model):
    """A member of staff; purged with their requests after the retention period.

    Anyone can name themselves a school's contact (UAIs are public): a contact sees their own
    requests only until an organizer confirms them for the school, by hand or by scheduling one
    of their requests. Only confirmed contacts get the school's calendar and its event emails.
    """

    __tablename__ = "school_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(limits.FULL_NAME_MAX))
    role: Mapped[ContactRole] = mapped_column(enum_column_type(ContactRole, "contact_role"))
    email: Mapped[str] = mapped_column(String(limits.EMAIL_MAX), index=True)
    phone: Mapped[str | None] = mapped_column(String(limits.PHONE_MAX))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    school: Mapped[School] = relationship(back_populates="contacts")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

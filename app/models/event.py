"""Events: dated meetings of the four types, the schools they serve and their feedback."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import local_time
from app.extensions import db
from app.models import limits
from app.models.school import School
from app.models.states import Status, allow, guard_transitions
from app.models.types import Code, UTCDateTime, enum_column_type, utcnow
from app.models.user import User

if TYPE_CHECKING:
    from app.models.assignment import Assignment
    from app.models.visit_request import VisitRequest


class EventType(enum.StrEnum):
    CONFERENCE = "conference"
    DISCOVERY_HALF_DAY = "discovery_half_day"
    SCHOOL_VISIT = "school_visit"
    ROUNDTABLE = "roundtable"


class EventStatus(Status):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


allow(
    EventStatus,
    {
        EventStatus.DRAFT: {EventStatus.SCHEDULED, EventStatus.CANCELLED},
        EventStatus.SCHEDULED: {EventStatus.CONFIRMED, EventStatus.CANCELLED, EventStatus.DRAFT},
        EventStatus.CONFIRMED: {EventStatus.COMPLETED, EventStatus.CANCELLED, EventStatus.SCHEDULED},
        EventStatus.COMPLETED: set(),
        EventStatus.CANCELLED: set(),
    },
)


def new_uid() -> str:
    # Random, never derived from a timestamp, and never changed: calendar clients key on it.
    return f"{uuid.uuid4()}@rencontres.industrielles.fr"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint(
            "role_models_min >= 0 AND role_models_max >= role_models_min", name="role_models_range"
        ),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("sequence >= 0", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(128), unique=True, default=new_uid)
    type: Mapped[EventType] = mapped_column(enum_column_type(EventType, "event_type"))
    title: Mapped[str] = mapped_column(String(limits.EVENT_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EventStatus] = mapped_column(
        enum_column_type(EventStatus, "event_status"), default=EventStatus.DRAFT, index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(limits.TIMEZONE_MAX), default=local_time.DISPLAY_TIMEZONE)
    is_online: Mapped[bool] = mapped_column(Boolean, default=False)
    online_url: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[str] = mapped_column(String(limits.VENUE_MAX), default="")
    address: Mapped[str] = mapped_column(String(limits.ADDRESS_MAX), default="")
    commune: Mapped[str] = mapped_column(String(limits.COMMUNE_MAX), default="")
    departement: Mapped[str] = mapped_column(Code, index=True)
    academie: Mapped[str] = mapped_column(Code, index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    capacity: Mapped[int | None] = mapped_column(Integer)
    role_models_min: Mapped[int] = mapped_column(Integer, default=1)
    role_models_max: Mapped[int] = mapped_column(Integer, default=1)
    topics: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    # RFC 5545 SEQUENCE: bumped on every change attendees must see (time, place, cancellation).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    visit_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("visit_requests.id", ondelete="SET NULL"), index=True
    )
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organizer: Mapped[User | None] = relationship()
    visit_request: Mapped[VisitRequest | None] = relationship()
    # In one order on every backend (schools by school, assignments as they were made): feeds,
    # emails and pages list them so, and a feed rendered twice from the same data gives the same
    # bytes and ETag.
    schools: Mapped[list[EventSchool]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                      order_by="EventSchool.school_id")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True, order_by="Assignment.id"
    )


guard_transitions(Event.status)


class EventSchool(db.Model):
    """A school (and class) taking part in an event; half-days can group several."""

    __tablename__ = "event_schools"
    __table_args__ = (
        CheckConstraint("headcount IS NULL OR headcount > 0", name="headcount_positive"),
        CheckConstraint("girls_count IS NULL OR girls_count >= 0", name="girls_not_negative"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="RESTRICT"), primary_key=True)
    class_level: Mapped[str] = mapped_column(String(limits.CLASS_LEVEL_MAX), default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    girls_count: Mapped[int | None] = mapped_column(Integer)

    event: Mapped[Event] = relationship(back_populates="schools")
    school: Mapped[School] = relationship()


class FeedbackRespondent(enum.StrEnum):
    # One school contact: the link is signed for that person, so it answers for nobody else.
    CONTACT = "contact"
    # The whole school, from links signed before links went to one contact: still honoured
    # once per school until they expire, never signed any more.
    SCHOOL = "school"
    ROLE_MODEL = "role_model"


class EventFeedback(db.Model):
    """What a school or a role model reports after the event; feeds the statistics."""

    __tablename__ = "event_feedback"
    __table_args__ = (
        UniqueConstraint("event_id", "respondent", "respondent_id", name="one_per_respondent"),
        CheckConstraint("satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)", name="satisfaction_range"),
        CheckConstraint(
            "girls_attended IS NULL OR pupils_attended IS NULL OR girls_attended <= pupils_attended",
            name="girls_within_pupils",
        ),
        # The bounds of the event itself are checked by the service and by the statistics,
        # which leave out answers beyond them; these only keep any number within reason.
        CheckConstraint(f"pupils_attended >= 0 AND pupils_attended <= {limits.CAPACITY_MAX}", name="pupils_range"),
        CheckConstraint(f"girls_attended >= 0 AND girls_attended <= {limits.CAPACITY_MAX}", name="girls_range"),
        CheckConstraint("(respondent = 'role_model') = (school_id IS NULL)", name="school_answers_name_school"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    respondent: Mapped[FeedbackRespondent] = mapped_column(enum_column_type(FeedbackRespondent, "respondent"))
    # The contact, school or role model id, by `respondent` (not a foreign key: a contact is
    # purged after the retention period, their answer stays in the figures).
    respondent_id: Mapped[int] = mapped_column(Integer)
    # The school answered for (a contact's, or the school itself); None for role models.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    pupils_attended: Mapped[int | None] = mapped_column(Integer)
    girls_attended: Mapped[int | None] = mapped_column(Integer)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(limits.FEEDBACK_COMMENT_MAX), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

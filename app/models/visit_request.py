"""What a school asks for: a visit, a half-day, a roundtable or a conference seat."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import limits
from app.models.event import EventType
from app.models.school import School, SchoolContact
from app.models.states import Status, allow, guard_transitions
from app.models.types import UTCDateTime, enum_column_type, utcnow


class RequestStatus(Status):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


allow(
    RequestStatus,
    {
        RequestStatus.SUBMITTED: {
            RequestStatus.IN_REVIEW, RequestStatus.SCHEDULED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN
        },
        RequestStatus.IN_REVIEW: {RequestStatus.SCHEDULED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN},
        # Back to review when the organizer cancels the event; withdrawn when the school cancels.
        RequestStatus.SCHEDULED: {RequestStatus.COMPLETED, RequestStatus.IN_REVIEW, RequestStatus.WITHDRAWN},
        RequestStatus.COMPLETED: set(),
        RequestStatus.DECLINED: set(),
        RequestStatus.WITHDRAWN: set(),
    },
)


class Delivery(enum.StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"
    EITHER = "either"


class TimeOfDay(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    FULL_DAY = "full_day"
    ANY = "any"


class VisitRequest(db.Model):
    __tablename__ = "visit_requests"
    __table_args__ = (
        CheckConstraint(f"headcount > 0 AND headcount <= {limits.HEADCOUNT_MAX}", name="headcount_range"),
        CheckConstraint("girls_count >= 0 AND girls_count <= headcount", name="girls_within_headcount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="RESTRICT"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("school_contacts.id", ondelete="SET NULL"))
    format: Mapped[EventType] = mapped_column(enum_column_type(EventType, "request_format"))
    delivery: Mapped[Delivery] = mapped_column(enum_column_type(Delivery, "delivery"), default=Delivery.IN_PERSON)
    # Class levels (e.g. "4e", "2nde_pro", "bts"); never anything about a pupil by name.
    class_levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    headcount: Mapped[int] = mapped_column(Integer)
    girls_count: Mapped[int] = mapped_column(Integer)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    remarks: Mapped[str] = mapped_column(Text, default="")
    # The school's street address ("12 rue Jean Moulin"), which invitations and feeds need to
    # lead people to the door; the school directory keeps name and commune only. Empty if not given.
    address: Mapped[str] = mapped_column(String(limits.ADDRESS_MAX), default="")
    status: Mapped[RequestStatus] = mapped_column(
        enum_column_type(RequestStatus, "request_status"), default=RequestStatus.SUBMITTED, index=True
    )
    followup_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # One per rendered form, so a double submit creates one request.
    idempotency_key: Mapped[str | None] = mapped_column(String(limits.IDEMPOTENCY_KEY_MAX), unique=True)
    # A digest of what was sent with that key: the same key with other data is refused, not
    # answered with a request that says something else.
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))
    status_reason: Mapped[str | None] = mapped_column(Text)
    # When the school last corrected its request from the follow-up page (organizers see it).
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The calendar link given with this request. Its secret is derived from the follow-up
    # token (never stored), so the follow-up page can always show it again without issuing a
    # new one (which would revoke other teachers' links). A token linked here serves this
    # request's events only, or the whole school once an organizer confirmed the contact
    # (app/feeds/lookups.py); indexed for that join, run by every poll.
    feed_token_id: Mapped[int | None] = mapped_column(ForeignKey("feed_tokens.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship()
    contact: Mapped[SchoolContact | None] = relationship()
    windows: Mapped[list[RequestWindow]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestWindow.start_date"
    )


guard_transitions(VisitRequest.status)


class RequestWindow(db.Model):
    """A preferred period for the meeting (at most three per request)."""

    __tablename__ = "request_windows"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="end_not_before_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("visit_requests.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    time_of_day: Mapped[TimeOfDay] = mapped_column(enum_column_type(TimeOfDay, "time_of_day"), default=TimeOfDay.ANY)

    request: Mapped[VisitRequest] = relationship(back_populates="windows")

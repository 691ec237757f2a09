"""The transactional email outbox: written with the change, sent later by a job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models import limits
from app.models.states import Status, allow, guard_transitions
from app.models.types import UTCDateTime, enum_column_type, utcnow


class EmailStatus(Status):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; an organizer can requeue it


allow(
    EmailStatus,
    {
        EmailStatus.PENDING: {EmailStatus.SENDING},
        EmailStatus.SENDING: {EmailStatus.SENT, EmailStatus.PENDING, EmailStatus.FAILED},
        EmailStatus.SENT: set(),
        EmailStatus.FAILED: {EmailStatus.PENDING},
    },
)


class OutboxEmail(db.Model):
    __tablename__ = "outbox_emails"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_positive"),
        Index("ix_outbox_emails_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(limits.EMAIL_MAX))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # An iTIP attachment (text/calendar) and its METHOD, when the email carries one.
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(16))
    # Why this email exists, e.g. "reminder:7d:assignment:42"; unique so a retried job
    # cannot queue the same email twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # What the email is (its template's name, e.g. "request_received"), for the outbox page.
    kind: Mapped[str] = mapped_column(String(60), default="")
    # What it is about, so an organizer sees the emails of their scope: an event, a school's
    # request, a role model (applications, welcome). None of them: a sign-in email.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("visit_requests.id", ondelete="SET NULL"), index=True)
    role_model_id: Mapped[int | None] = mapped_column(ForeignKey("role_models.id", ondelete="SET NULL"), index=True)
    status: Mapped[EmailStatus] = mapped_column(
        enum_column_type(EmailStatus, "email_status"), default=EmailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A sender claims a row until this instant; a crashed sender's claim simply runs out.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


guard_transitions(OutboxEmail.status)

"""Answers that calendar apps mailed back (iTIP REPLY and COUNTER), one row per message received.

Every message is kept, whatever became of it — applied, refused by the rules, stale, forged or
unreadable — so that an organizer can see what arrived and why it changed something or not
(app/services/pairing/calendar_replies.py). The Message-ID is unique: the same message read
twice (a mailbox not yet marked seen, an MTA retrying a pipe) changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import limits
from app.models.assignment import Assignment
from app.models.event import Event
from app.models.types import UTCDateTime, utcnow


class InboundReply(db.Model):
    __tablename__ = "inbound_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The message's Message-ID, or a digest of its bytes when it has none ("sha256:…").
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # "imap" or "pipe"
    sender: Mapped[str] = mapped_column(String(limits.EMAIL_MAX), default="")  # From: shown, never trusted
    subject: Mapped[str] = mapped_column(String(300), default="")
    # The engagement its address names; None when no genuine reply address was found.
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"), index=True)
    # Kept beside the assignment so that the organizers' page filters by scope in one join.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    method: Mapped[str | None] = mapped_column(String(16))  # REPLY, COUNTER
    partstat: Mapped[str | None] = mapped_column(String(16))  # ACCEPTED, DECLINED, TENTATIVE…
    sequence: Mapped[int | None] = mapped_column(Integer)
    stamp: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the answer's DTSTAMP
    # What was done: applied, tentative, counter, refused, stale, forged, unknown, unreadable.
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")

    assignment: Mapped[Assignment | None] = relationship()
    event: Mapped[Event | None] = relationship()

"""The one audit writer: every change a user can see goes through `record`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from app.extensions import db
from app.models import AuditEntry, User
from app.models.types import utcnow

# Subject type names as shown in the audit trail, by model table.
_SUBJECT_TYPES = {
    "events": "event",
    "visit_requests": "visit_request",
    "assignments": "assignment",
    "role_models": "role_model",
    "users": "user",
    "schools": "school",
    "external_calendars": "external_calendar",
}


def _actor_label(actor: User | str | None) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return f"{actor.role.value}:{actor.full_name}"


def record(actor: User | str | None, subject: Any, action: str, **details: Any) -> AuditEntry:
    """Write one audit entry about `subject` (a model instance with an id, flushed)."""
    if subject.id is None:
        db.session.flush()
    entry = AuditEntry(
        actor_user_id=actor.id if isinstance(actor, User) else None,
        actor_label=_actor_label(actor),
        subject_type=_SUBJECT_TYPES.get(subject.__tablename__, subject.__tablename__),
        subject_id=subject.id,
        action=action,
        details={k: _plain(v) for k, v in details.items()},
    )
    db.session.add(entry)
    return entry


def record_many(actor: User | str | None, subject_type: str, action: str, entries: list[tuple[int, dict]]) -> int:
    """`record` for batches (a national plan writes thousands of proposals): one executemany.

    `entries` are (subject id, details) pairs; returns how many were written.
    """
    if not entries:
        return 0
    common = {
        "actor_user_id": actor.id if isinstance(actor, User) else None,
        "actor_label": _actor_label(actor),
        "subject_type": subject_type,
        "action": action,
    }
    now = utcnow()
    rows = [{**common, "subject_id": subject_id, "created_at": now,
             "details": {k: _plain(v) for k, v in details.items()}} for subject_id, details in entries]
    db.session.execute(insert(AuditEntry), rows)
    return len(rows)


def trail(subject: Any) -> list[AuditEntry]:
    subject_type = _SUBJECT_TYPES.get(subject.__tablename__, subject.__tablename__)
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject.id)
            .order_by(AuditEntry.created_at, AuditEntry.id)
        )
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value
    return value

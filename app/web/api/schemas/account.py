"""Who a token acts as."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.models import UserRole
from app.web.api.schemas.common import Enum


class MeSchema(Schema):
    id = fields.Integer()
    full_name = fields.String()
    email = fields.String()
    role = Enum(UserRole)
    academies = fields.Function(
        lambda u: sorted(u.academies) if u.academies is not None else None,
        metadata={
            "type": ["array", "null"],
            "items": {"type": "string"},
            "description": "Null: every académie (admins).",
        },
    )

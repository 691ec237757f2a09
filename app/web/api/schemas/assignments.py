"""Role models on an event (assignments) and the proposals of matching."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.models import AssignmentStatus
from app.web.api.schemas.common import Enum, Id
from app.web.api.schemas.role_models import RoleModelRefSchema


class AssignmentSchema(Schema):
    id = fields.Integer()
    event_id = fields.Integer()
    role_model = fields.Nested(RoleModelRefSchema)
    status = Enum(AssignmentStatus)
    score = fields.Float(allow_none=True, metadata={"description": "Matching score, 1 for a perfect match."})
    explanation = fields.Dict(
        metadata={"description": "Why matching proposed this person (terms, alternatives)."}
    )
    reason = fields.String(allow_none=True)
    proposed_at = fields.DateTime(format="iso")
    invited_at = fields.DateTime(format="iso", allow_none=True)
    responded_at = fields.DateTime(format="iso", allow_none=True)
    confirmed_at = fields.DateTime(format="iso", allow_none=True)
    ended_at = fields.DateTime(format="iso", allow_none=True)
    updated_at = fields.DateTime(format="iso")


class AssignmentListSchema(Schema):
    items = fields.List(fields.Nested(AssignmentSchema))


class AssignmentCreateSchema(Schema):
    role_model_id = Id(required=True)


class CandidateSchema(Schema):
    role_model_id = fields.Integer()
    cost = fields.Integer(metadata={"description": "Lower is better."})
    satisfied = fields.List(fields.String(), metadata={"description": "Preferences met."})
    terms = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Cost breakdown."}
    )


class ProposalRunSchema(Schema):
    created = fields.List(
        fields.Nested(AssignmentSchema), metadata={"description": "Proposals added by this run."}
    )
    seats_missing = fields.Integer(
        allow_none=True, metadata={"description": "Seats to fill before the run; null when none was open."}
    )
    seats_left = fields.Integer(allow_none=True)
    below_min = fields.Boolean(allow_none=True)
    candidates = fields.Integer(allow_none=True)
    reasons = fields.List(fields.String(), metadata={"description": "Why seats stay empty (codes)."})
    ranking = fields.List(
        fields.Nested(CandidateSchema), metadata={"description": "Every candidate, best first."}
    )

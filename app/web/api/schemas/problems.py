"""Errors, as RFC 9457 problems: the schema documented for every error response."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields


class FieldErrorSchema(Schema):
    in_ = fields.String(
        data_key="in",
        metadata={"enum": ["body", "query", "header", "path"], "description": "Where the value was sent."},
    )
    field = fields.String(
        metadata={
            "description": "Dotted path of the value (`windows.0.start_date`); "
            "absent for errors about the whole body."
        }
    )
    message = fields.String()


class ProblemSchema(Schema):
    """An error, as `application/problem+json` (RFC 9457)."""

    class Meta:
        unknown = INCLUDE  # problem types may add members

    type = fields.String(
        metadata={"description": "`about:blank`, or a tag URI naming the problem (its last part is `code`)."}
    )
    title = fields.String(metadata={"description": "The HTTP status phrase."})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "What went wrong, for people (French by default)."})
    code = fields.String(
        metadata={
            "description": "Stable machine code: `invalid`, `not_found`, `not_allowed`, "
            "`conflict`, `event_full`, `event_closed`, `illegal_transition`, …"
        }
    )
    errors = fields.List(fields.Nested(FieldErrorSchema), metadata={"description": "Field details (422)."})


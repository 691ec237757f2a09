"""Field types and arguments shared by the resources' schemas."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.models import limits
from app.services.common import text

FIRST_DAY, LAST_DAY = limits.FIRST_DAY, limits.LAST_DAY
MAX_ID = 2**31 - 1


class Text(fields.String):
    """A single line of text (`app.services.common.text`): no control character, no NUL, no lone
    surrogate, so the database can store it and the mail and calendar layers can write it."""

    kind = text.SINGLE_LINE
    refusals = {
        text.SINGLE_LINE: "Must be a single line without control characters (no NUL, CR, LF, tab, U+2028...).",
        text.FREE_TEXT: "Must not contain control characters other than line breaks and tabs (no NUL).",
        text.EMAIL: "Not a valid email address (an unquoted local part and a domain, e.g. name@example.org).",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if text.problem(value, self.kind) is not None or (self.kind == text.EMAIL and not value):
            raise ValidationError(self.refusals[self.kind])
        return value


class FreeText(Text):
    """Text that may hold line breaks and tabs (descriptions, remarks, reasons)."""

    kind = text.FREE_TEXT


class EmailAddress(Text):
    """An email address the mail and calendar layers accept (no quoted local part)."""

    kind = text.EMAIL

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("format", "email")
        super().__init__(**kwargs)


def Enum(enum_cls, **kwargs) -> fields.Enum:
    return fields.Enum(enum_cls, by_value=fields.String, **kwargs)


def Instant(**kwargs) -> fields.AwareDateTime:
    """An ISO 8601 instant with its UTC offset (naive times are refused)."""
    return fields.AwareDateTime(
        format="iso",
        validate=validate.Range(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 12, 31, tzinfo=UTC)),
        **kwargs,
    )


def Day(**kwargs) -> fields.Date:
    return fields.Date(validate=validate.Range(FIRST_DAY, LAST_DAY), **kwargs)


def Id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


# --- paging and periods -------------------------------------------------------------------------


class PageArgs(Schema):
    cursor = Text(
        validate=validate.Length(max=500),
        metadata={"description": "`next_cursor` of the previous page; absent for the first page."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 100))


class DateRangeMixin:
    @validates_schema
    def _end_after_start(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("Must not be before start.", "end")


class PeriodArgs(DateRangeMixin, Schema):
    start = Day(required=True, metadata={"description": "First day (Europe/Paris), included."})
    end = Day(required=True, metadata={"description": "Last day (Europe/Paris), included."})


class PeriodSchema(Schema):
    start = fields.Date()
    end = fields.Date(metadata={"description": "Last day, included."})


# --- shared by several resources ----------------------------------------------------------------


class SchoolRefSchema(Schema):
    id = fields.Integer()
    uai = fields.String()
    name = fields.String()
    commune = fields.String()
    academie = fields.String()


class ReasonSchema(Schema):
    reason = FreeText(required=True, validate=validate.Length(1, limits.REASON_MAX))


# Shown in the docs and tried first by the Schemathesis tests.
REASON_EXAMPLE = {"reason": "Grève des transports"}

"""Role models as organizers see them, with their availability in the detail."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models import JobFamily, RoleModelStatus, limits
from app.web.api.schemas.common import Enum, PageArgs, Text


class RoleModelArgs(PageArgs):
    q = Text(
        validate=validate.Length(max=100), metadata={"description": "Words in the name, company or job."}
    )
    status = Enum(RoleModelStatus)
    job_family = Enum(JobFamily)
    departement = Text(validate=validate.Length(1, limits.DEPARTEMENT_MAX))


class RoleModelRefSchema(Schema):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    job_title = fields.String()
    job_family = Enum(JobFamily)
    company = fields.String()


class RoleModelSchema(RoleModelRefSchema):
    email = fields.Function(
        lambda rm: rm.user.email if rm.user else None, allow_none=True, metadata={"type": "string"}
    )
    phone = fields.String(allow_none=True)
    status = Enum(RoleModelStatus)
    sectors = fields.List(fields.String())
    languages = fields.List(fields.String())
    event_types = fields.List(fields.String())
    accepts_in_person = fields.Boolean()
    accepts_remote = fields.Boolean()
    home_departement = fields.String(allow_none=True)
    departements = fields.List(fields.String(), attribute="departement_codes")
    monthly_cap = fields.Integer()
    late_cancellations = fields.Integer()
    presentation = fields.String()
    created_at = fields.DateTime(format="iso")


class RoleModelPageSchema(Schema):
    items = fields.List(fields.Nested(RoleModelSchema))
    next_cursor = fields.String(allow_none=True)


_CLOCK = {"type": "string", "pattern": r"^\d{2}:\d{2}$", "description": "Wall time in Europe/Paris (HH:MM)."}


class WeeklyWindowSchema(Schema):
    weekday = fields.Integer(metadata={"description": "Monday = 0."})
    start = fields.Function(lambda w: w.start_time.strftime("%H:%M"), metadata=_CLOCK)
    end = fields.Function(lambda w: w.end_time.strftime("%H:%M"), metadata=_CLOCK)


class DaysOffSchema(Schema):
    start_date = fields.Date()
    end_date = fields.Date()


class RoleModelDetailSchema(RoleModelSchema):
    weekly_windows = fields.List(fields.Nested(WeeklyWindowSchema), attribute="windows")
    days_off = fields.List(fields.Nested(DaysOffSchema), attribute="exceptions")
    engaged_this_month = fields.Integer()

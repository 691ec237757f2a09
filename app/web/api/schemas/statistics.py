"""Impact figures for a period, in full for organizers and as headlines for the public."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.models import EventStatus, EventType
from app.web.api.schemas.common import Enum, PeriodSchema


class ReachSchema(Schema):
    events = fields.Integer()
    pupils = fields.Integer()
    girls = fields.Integer()
    pupils_estimated = fields.Integer(
        metadata={"description": "Part of `pupils` taken from requested headcounts (no school feedback)."}
    )
    girls_estimated = fields.Integer()


class MonthReachSchema(ReachSchema):
    month = fields.String(metadata={"pattern": r"^\d{4}-\d{2}$"})


class AcademieReachSchema(ReachSchema):
    academie = fields.String()


class EventCountSchema(Schema):
    type = Enum(EventType)
    status = Enum(EventStatus)
    count = fields.Integer()


class ReasonCountSchema(Schema):
    reason = fields.String()
    count = fields.Integer()


_COUNTS = {"keys": fields.String(), "values": fields.Integer()}


class RequestFiguresSchema(Schema):
    received = fields.Integer()
    answered = fields.Integer()
    scheduled = fields.Integer()
    completed = fields.Integer()
    declined = fields.Integer()
    withdrawn = fields.Integer()
    pending = fields.Integer()
    median_days_to_schedule = fields.Float(allow_none=True)
    mean_days_to_schedule = fields.Float(allow_none=True)


class RoleModelFiguresSchema(Schema):
    active = fields.Integer(metadata={"description": "With at least one confirmed engagement in the period."})
    new = fields.Integer()
    pool = fields.Integer()
    dormant = fields.Integer()
    hours_given = fields.Float()
    active_by_family = fields.Dict(**_COUNTS)
    active_by_sector = fields.Dict(**_COUNTS)
    new_by_family = fields.Dict(**_COUNTS)
    pool_by_family = fields.Dict(**_COUNTS)
    dormant_by_family = fields.Dict(**_COUNTS)


class StatisticsSchema(Schema):
    period = fields.Nested(PeriodSchema)
    academies = fields.List(
        fields.String(), allow_none=True, metadata={"description": "Null: national figures."}
    )
    events = fields.Integer()
    events_by_type_status = fields.List(fields.Nested(EventCountSchema))
    reach = fields.Nested(ReachSchema)
    feedback_flagged = fields.Integer(metadata={
        "description": "Schools' feedback left out of `reach`: more pupils than the class sizes asked for the school "
                       "(else the event's capacity). The requested headcount is counted instead, as an estimate."
    })
    reach_by_month = fields.List(fields.Nested(MonthReachSchema))
    reach_by_academie = fields.List(fields.Nested(AcademieReachSchema))
    schools = fields.Integer()
    priority_schools = fields.Integer()
    schools_by_kind = fields.Dict(**_COUNTS)
    schools_by_priority = fields.Dict(**_COUNTS)
    requests = fields.Nested(RequestFiguresSchema)
    role_models = fields.Nested(RoleModelFiguresSchema)
    cancellations = fields.List(fields.Nested(ReasonCountSchema))
    withdrawals = fields.List(fields.Nested(ReasonCountSchema))


class HeadlineSchema(Schema):
    period = fields.Nested(PeriodSchema)
    reach = fields.Nested(ReachSchema)
    schools = fields.Integer()
    role_models_active = fields.Integer()

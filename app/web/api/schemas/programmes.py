"""An event's programme: parts with times, the rotation block's tables and groups, the grid."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models import PartKind, limits
from app.web.api.schemas.common import Enum, Id, Instant, Text

_ROUND = fields.Integer(strict=True, validate=validate.Range(1, limits.ROUNDS_MAX))


def _rounds():
    return fields.List(_ROUND, load_default=list, validate=validate.Length(max=limits.ROUNDS_MAX),
                       metadata={"description": "Rounds (from 1) present; empty: every round."})


class TableInSchema(Schema):
    label = Text(required=True, validate=validate.Length(1, limits.TABLE_LABEL_MAX))
    job_family = Text(load_default="", validate=validate.Length(max=limits.JOB_FAMILY_LABEL_MAX),
                      metadata={"description": "The job family the table brings (its label when empty)."})
    capacity = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, limits.TABLE_CAPACITY_MAX),
                              metadata={"description": "Groups received at once."})
    rounds = _rounds()
    assignment_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10),
                                 metadata={"description": "Engaged participations of the event holding the table."})


class GroupInSchema(Schema):
    label = Text(required=True, validate=validate.Length(1, limits.GROUP_LABEL_MAX))
    school_id = Id(load_default=None, allow_none=True)
    headcount = fields.Integer(strict=True, load_default=None, allow_none=True,
                               validate=validate.Range(1, limits.HEADCOUNT_MAX))
    rounds = _rounds()


class PartInSchema(Schema):
    kind = Enum(PartKind, required=True)
    title = Text(required=True, validate=validate.Length(1, limits.PART_TITLE_MAX))
    start_at = Instant(required=True)
    end_at = Instant(required=True)
    round_count = fields.Integer(strict=True, load_default=None, allow_none=True,
                                 validate=validate.Range(1, limits.ROUNDS_MAX))
    round_minutes = fields.Integer(strict=True, load_default=None, allow_none=True,
                                   validate=validate.Range(1, limits.ROUND_MINUTES_MAX))
    changeover_minutes = fields.Integer(strict=True, load_default=0,
                                        validate=validate.Range(0, limits.ROUND_MINUTES_MAX))
    group_size = fields.Integer(strict=True, load_default=None, allow_none=True,
                                validate=validate.Range(1, limits.HEADCOUNT_MAX))
    tables = fields.List(fields.Nested(TableInSchema), load_default=list,
                         validate=validate.Length(max=limits.TABLES_MAX))
    groups = fields.List(fields.Nested(GroupInSchema), load_default=list,
                         validate=validate.Length(max=limits.GROUPS_MAX))


class ProgrammeInSchema(Schema):
    parts = fields.List(fields.Nested(PartInSchema), required=True, validate=validate.Length(max=limits.PARTS_MAX))


class PlanArgsSchema(Schema):
    group_size = fields.Integer(strict=True, load_default=None, allow_none=True,
                                validate=validate.Range(1, limits.HEADCOUNT_MAX),
                                metadata={"description": "Make the groups again from the registered classes first, "
                                                         "with this target size."})


class MoveInSchema(Schema):
    group_id = Id(required=True)
    round = fields.Integer(strict=True, required=True, validate=validate.Range(1, limits.ROUNDS_MAX))
    table_id = Id(required=True, allow_none=True, metadata={"description": "null: the group sits at no table."})


class TableSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    job_family = fields.String()
    capacity = fields.Integer()
    rounds = fields.List(fields.Integer())
    assignment_ids = fields.List(fields.Integer())


class GroupSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    school_id = fields.Integer(allow_none=True)
    headcount = fields.Integer(allow_none=True)
    rounds = fields.List(fields.Integer())


class PartSchema(Schema):
    id = fields.Integer()
    kind = Enum(PartKind)
    title = fields.String()
    start_at = fields.DateTime(format="iso")
    end_at = fields.DateTime(format="iso")
    round_count = fields.Integer(allow_none=True)
    round_minutes = fields.Integer(allow_none=True)
    changeover_minutes = fields.Integer()
    group_size = fields.Integer(allow_none=True)
    tables = fields.List(fields.Nested(TableSchema))
    groups = fields.List(fields.Nested(GroupSchema))


class RoundSchema(Schema):
    round = fields.Integer()
    start_at = fields.DateTime(format="iso")
    end_at = fields.DateTime(format="iso")


class CellSchema(Schema):
    group_id = fields.Integer()
    round = fields.Integer()
    table_id = fields.Integer()


class NoteSchema(Schema):
    code = fields.String(metadata={"description": "Stable code."})
    message = fields.String(metadata={"description": "In French, for people."})
    params = fields.Dict(keys=fields.String())


class MoveSchema(Schema):
    group = fields.Integer()
    round = fields.Integer()
    before = fields.Integer(allow_none=True)
    after = fields.Integer(allow_none=True)
    group_label = fields.String()
    before_label = fields.String()
    after_label = fields.String()


class GridSchema(Schema):
    version = fields.Integer(metadata={"description": "Bumped by every plan, re-plan or change of the grid."})
    planned_at = fields.DateTime(format="iso", allow_none=True)
    optimal = fields.Boolean(metadata={"description": "The planner proved the plan optimal."})
    rounds = fields.List(fields.Nested(RoundSchema))
    cells = fields.List(fields.Nested(CellSchema))
    limits = fields.List(fields.Nested(NoteSchema), metadata={"description": "What limited the last plan."})
    moves = fields.List(fields.Nested(MoveSchema), metadata={"description": "Cells the last change moved."})
    conflicts = fields.List(fields.Nested(NoteSchema), metadata={"description": "Rules the grid breaks."})


class ProgrammeSchema(Schema):
    event_id = fields.Integer()
    parts = fields.List(fields.Nested(PartSchema))
    grid = fields.Nested(GridSchema, allow_none=True)


PROGRAMME_EXAMPLE = {
    "parts": [
        {"kind": "plenary", "title": "Ouverture", "start_at": "2027-03-16T09:00:00+01:00",
         "end_at": "2027-03-16T09:30:00+01:00"},
        {"kind": "rotation", "title": "Tables métiers", "start_at": "2027-03-16T09:30:00+01:00",
         "end_at": "2027-03-16T10:30:00+01:00", "round_count": 2, "round_minutes": 25, "changeover_minutes": 5,
         "tables": [{"label": "Soudure", "job_family": "Soudure"}, {"label": "Qualité", "job_family": "Qualité"}],
         "groups": [{"label": "4e A"}, {"label": "4e B"}]},
        {"kind": "closing", "title": "Clôture", "start_at": "2027-03-16T10:30:00+01:00",
         "end_at": "2027-03-16T11:00:00+01:00"},
    ]
}

"""Schools' visit requests: the request as made, as answered and as followed with its token."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models import (
    ContactRole,
    Delivery,
    EducationPriority,
    EventStatus,
    EventType,
    RequestStatus,
    SchoolKind,
    TimeOfDay,
    limits,
)
from app.services.requests.windows import MAX_WINDOWS
from app.web.api.schemas.common import Day, EmailAddress, Enum, FreeText, SchoolRefSchema, Text
from app.web.public.forms import CLASS_LEVELS, SECTORS, THEMES


class NewSchoolSchema(Schema):
    name = Text(load_default="", validate=validate.Length(max=limits.SCHOOL_NAME_MAX))
    commune = Text(load_default="", validate=validate.Length(max=limits.COMMUNE_MAX))
    postal_code = Text(load_default="", validate=validate.Regexp(rf"^(\d{{{limits.POSTAL_CODE_LENGTH}}})?$"))
    kind = Enum(SchoolKind, load_default=SchoolKind.COLLEGE)
    priority = Enum(EducationPriority, load_default=EducationPriority.NONE)


class ContactSchema(Schema):
    name = Text(required=True, validate=validate.Length(1, limits.FULL_NAME_MAX))
    role = Enum(ContactRole, load_default=ContactRole.TEACHER)
    email = EmailAddress(required=True, validate=validate.Length(max=limits.EMAIL_MAX))
    phone = Text(load_default="", validate=validate.Regexp(rf"^([0-9 +().-]{{6,{limits.PHONE_MAX}}})?$"))


class WindowSchema(Schema):
    start_date = Day(required=True)
    end_date = Day(required=True)
    time_of_day = Enum(TimeOfDay, load_default=TimeOfDay.ANY)


class VisitRequestCreateSchema(Schema):
    uai = Text(
        required=True,
        validate=validate.Length(1, limits.UAI_INPUT_MAX),
        metadata={"description": "The school's UAI (7 digits and a check letter, e.g. 0751234J)."},
    )
    school = fields.Nested(
        NewSchoolSchema,
        load_default=lambda: NewSchoolSchema().load({}),
        metadata={"description": "Needed only when the school is not known yet."},
    )
    contact = fields.Nested(ContactSchema, required=True)
    format = Enum(EventType, load_default=EventType.SCHOOL_VISIT)
    delivery = Enum(Delivery, load_default=Delivery.IN_PERSON)
    class_levels = fields.List(
        fields.String(validate=validate.OneOf(CLASS_LEVELS)),
        required=True,
        validate=validate.Length(1, len(CLASS_LEVELS)),
    )
    headcount = fields.Integer(required=True, strict=True, validate=validate.Range(1, limits.HEADCOUNT_MAX))
    girls_count = fields.Integer(required=True, strict=True, validate=validate.Range(0, limits.HEADCOUNT_MAX))
    topics = fields.List(
        fields.String(validate=validate.OneOf(SECTORS + THEMES)),
        load_default=list,
        validate=validate.Length(max=len(SECTORS + THEMES)),
    )
    windows = fields.List(
        fields.Nested(WindowSchema),
        required=True,
        validate=validate.Length(1, MAX_WINDOWS),
        metadata={"description": "Preferred periods (one to three)."},
    )
    remarks = FreeText(load_default="", validate=validate.Length(max=limits.REMARKS_MAX))
    address = Text(
        load_default="",
        validate=validate.Length(max=limits.ADDRESS_MAX),
        metadata={"description": "The school's street address (\"12 rue Jean Moulin\"): the event's address when "
                  "the request is scheduled."},
    )
    consent = fields.Boolean(
        required=True, metadata={"description": "The contact accepted the privacy notice."}
    )
    locale = fields.String(
        load_default="fr",
        validate=validate.OneOf(["fr", "en"]),
        metadata={"description": "Language of the emails sent to the contact."},
    )


class IdempotencyHeaders(Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key",
        required=True,
        validate=validate.Length(limits.IDEMPOTENCY_KEY_MIN, limits.IDEMPOTENCY_KEY_MAX),
        metadata={
            "description": "One per request you mean to make (e.g. a UUID): sending the "
            "same key with the same body again returns the request already made; with a "
            "different body, a 422 problem of code `idempotency_key_reused`.",
            "example": "4d6f1c2e-0b7a-4c55-9a0e-2f1b8c3d7e90",
        },
    )


class RequestWindowOutSchema(Schema):
    start_date = fields.Date()
    end_date = fields.Date()
    time_of_day = Enum(TimeOfDay)


class VisitRequestSchema(Schema):
    id = fields.Integer()
    status = Enum(RequestStatus)
    school = fields.Nested(SchoolRefSchema)
    format = Enum(EventType)
    delivery = Enum(Delivery)
    class_levels = fields.List(fields.String())
    headcount = fields.Integer()
    girls_count = fields.Integer()
    topics = fields.List(fields.String())
    windows = fields.List(fields.Nested(RequestWindowOutSchema))
    submitted_at = fields.DateTime(format="iso")


class WindowWarningSchema(Schema):
    window = fields.Integer(metadata={"description": "Index in `windows`."})
    messages = fields.List(fields.String())


class VisitRequestCreatedSchema(VisitRequestSchema):
    followup_token = fields.String(
        allow_none=True,
        metadata={
            "description": "The secret of the follow-up link, given once, when the request is created "
            "(null when the same Idempotency-Key was sent again: it went by email)."
        },
    )
    followup_url = fields.String(allow_none=True)
    feed_url = fields.String(allow_none=True, metadata={
        "description": "This request's calendar feed; the whole school's once an organizer confirms the contact."})
    warnings = fields.List(fields.Nested(WindowWarningSchema))


class FollowupEventSchema(Schema):
    title = fields.String()
    type = Enum(EventType)
    status = Enum(EventStatus)
    start_at = fields.DateTime(format="iso")
    end_at = fields.DateTime(format="iso")
    timezone = fields.String()
    is_online = fields.Boolean()
    online_url = fields.String(allow_none=True)
    venue = fields.String()
    address = fields.String()
    commune = fields.String()


class VisibleRoleModelSchema(Schema):
    first_name = fields.String()
    job_title = fields.String()


class VisitRequestFollowupSchema(VisitRequestSchema):
    status_reason = fields.String(allow_none=True)
    updated_at = fields.DateTime(format="iso")
    event = fields.Nested(FollowupEventSchema, allow_none=True)
    role_models = fields.List(
        fields.Nested(VisibleRoleModelSchema),
        metadata={"description": "Who said yes: first name and job only."},
    )
    can_withdraw = fields.Boolean()
    can_cancel = fields.Boolean()


# Shown in the docs and tried first by the Schemathesis tests.
VISIT_REQUEST_EXAMPLE = {
    "uai": "0759001B",
    "school": {"name": "Collège Marie Curie", "commune": "Paris", "postal_code": "75013", "priority": "rep"},
    "contact": {"name": "Sophie Martin", "role": "teacher", "email": "sophie.martin@ac-paris.fr"},
    "format": "school_visit",
    "class_levels": ["4e", "3e"],
    "headcount": 28,
    "girls_count": 13,
    "topics": ["aéronautique"],
    "windows": [{"start_date": "2027-01-11", "end_date": "2027-01-22", "time_of_day": "morning"}],
    "consent": True,
}

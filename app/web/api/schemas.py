"""What goes in and out of the API, as marshmallow schemas: they parse requests and are the
OpenAPI document (one source, so the spec cannot drift from the code).

Inputs are bounded to what the database stores (lengths, integer ranges, years 2000–2100, no
NUL character), so bad input is a 422 with field details, never a database error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from app.models import (
    AssignmentStatus,
    ContactRole,
    Delivery,
    EducationPriority,
    EventStatus,
    EventType,
    JobFamily,
    RequestStatus,
    RoleModelStatus,
    SchoolKind,
    TimeOfDay,
    UserRole,
)
from app.reference.academies import ACADEMIES
from app.services.requests.windows import MAX_WINDOWS
from app.web.public.forms import CLASS_LEVELS, SECTORS, THEMES

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_ID = 2**31 - 1


class Text(fields.String):
    """A string the database can store: no NUL character, no lone surrogate."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise ValidationError("Must not contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("Must be valid Unicode text.") from None
        return value


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


# --- problems (RFC 9457) ------------------------------------------------------------------------


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


# --- events -----------------------------------------------------------------------------------


class PublicEventArgs(DateRangeMixin, PageArgs):
    type = Enum(EventType)
    academie = fields.String(validate=validate.OneOf(sorted(ACADEMIES)))
    start = Day(metadata={"description": "Events starting on or after this day (Europe/Paris)."})
    end = Day(metadata={"description": "Events starting on or before this day (Europe/Paris)."})


class EventArgs(PublicEventArgs):
    status = Enum(EventStatus)
    public = fields.Boolean(metadata={"description": "Only events shown to the public."})


class PublicEventSchema(Schema):
    """An event as anyone may see it: no school, no person, no meeting link."""

    id = fields.Integer()
    uid = fields.String(metadata={"description": "Stable calendar UID (as in the .ics feeds)."})
    type = Enum(EventType)
    status = Enum(EventStatus)
    title = fields.String()
    description = fields.String()
    start_at = fields.DateTime(format="iso")
    end_at = fields.DateTime(format="iso")
    timezone = fields.String()
    is_online = fields.Boolean()
    venue = fields.String()
    address = fields.String()
    commune = fields.String()
    departement = fields.String()
    academie = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    topics = fields.List(fields.String())


class PublicEventPageSchema(Schema):
    items = fields.List(fields.Nested(PublicEventSchema))
    next_cursor = fields.String(
        allow_none=True,
        metadata={"description": "Give it as `cursor` for the next page; null on the last page."},
    )


class SchoolRefSchema(Schema):
    id = fields.Integer()
    uai = fields.String()
    name = fields.String()
    commune = fields.String()
    academie = fields.String()


class EventSchoolSchema(Schema):
    school = fields.Nested(SchoolRefSchema)
    class_level = fields.String()
    headcount = fields.Integer(allow_none=True)
    girls_count = fields.Integer(allow_none=True)


class EventSchema(PublicEventSchema):
    online_url = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    role_models_min = fields.Integer()
    role_models_max = fields.Integer()
    is_public = fields.Boolean()
    sequence = fields.Integer(metadata={"description": "Calendar SEQUENCE: bumped on every visible change."})
    visit_request_id = fields.Integer(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    cancelled_at = fields.DateTime(format="iso", allow_none=True)
    created_at = fields.DateTime(format="iso")
    updated_at = fields.DateTime(format="iso")
    schools = fields.List(fields.Nested(EventSchoolSchema))


class EventPageSchema(Schema):
    items = fields.List(fields.Nested(EventSchema))
    next_cursor = fields.String(allow_none=True)


def _known_zone(value: str) -> None:
    # zoneinfo raises IsADirectoryError for "America" and ValueError for odd keys: all are "unknown".
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError("Unknown time zone.") from None


def _event_input_fields(*, create: bool) -> dict:
    """The fields of an event, required with defaults on create, all optional on update."""

    def need(**kw):
        return {"required": True, **kw} if create else kw

    def default(value, **kw):
        return {"load_default": value, **kw} if create else kw

    return {
        "type": Enum(EventType, **need()),
        "title": Text(**need(validate=validate.Length(1, 200))),
        "description": Text(**default("", validate=validate.Length(max=10000))),
        "start_at": Instant(**need()),
        "end_at": Instant(**need()),
        "timezone": Text(
            **default(
                "Europe/Paris",
                validate=[validate.Length(1, 64), _known_zone],
                metadata={"description": "IANA time zone of the event (`Europe/Paris`, `Indian/Reunion`…)."},
            )
        ),
        "departement": Text(
            **need(
                validate=validate.Length(1, 3),
                metadata={"description": "Département code (`75`, `2A`, `974`); it sets the académie."},
            )
        ),
        "venue": Text(**default("", validate=validate.Length(max=200))),
        "address": Text(**default("", validate=validate.Length(max=300))),
        "commune": Text(**default("", validate=validate.Length(max=120))),
        "is_online": fields.Boolean(**default(False)),
        "online_url": Text(allow_none=True, **default(None, validate=validate.Length(max=2000))),
        "capacity": fields.Integer(
            allow_none=True, strict=True, **default(None, validate=validate.Range(1, 100000))
        ),
        "role_models_min": fields.Integer(strict=True, **default(1, validate=validate.Range(0, 50))),
        "role_models_max": fields.Integer(strict=True, **default(1, validate=validate.Range(1, 50))),
        "is_public": fields.Boolean(**default(False)),
        "topics": fields.List(
            Text(validate=validate.Length(1, 100)), **default([], validate=validate.Length(max=20))
        ),
        "latitude": fields.Float(
            allow_none=True, allow_nan=False, **default(None, validate=validate.Range(-90, 90))
        ),
        "longitude": fields.Float(
            allow_none=True, allow_nan=False, **default(None, validate=validate.Range(-180, 180))
        ),
    }


EventCreateSchema = Schema.from_dict(
    {
        **_event_input_fields(create=True),
        "status": Enum(
            EventStatus,
            load_default=EventStatus.DRAFT,
            validate=validate.OneOf([EventStatus.DRAFT, EventStatus.SCHEDULED]),
            metadata={"description": "`draft` (default) or `scheduled` (published at once)."},
        ),
    },
    name="EventCreate",
)
EventUpdateSchema = Schema.from_dict(_event_input_fields(create=False), name="EventUpdate")


class RescheduleSchema(Schema):
    start_at = Instant(required=True)
    end_at = Instant(required=True)


class ReasonSchema(Schema):
    reason = Text(required=True, validate=validate.Length(1, 2000))


# --- role models and assignments ----------------------------------------------------------------


class RoleModelArgs(PageArgs):
    q = Text(
        validate=validate.Length(max=100), metadata={"description": "Words in the name, company or job."}
    )
    status = Enum(RoleModelStatus)
    job_family = Enum(JobFamily)
    departement = Text(validate=validate.Length(1, 3))


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


# --- visit requests -------------------------------------------------------------------------------


class NewSchoolSchema(Schema):
    name = Text(load_default="", validate=validate.Length(max=200))
    commune = Text(load_default="", validate=validate.Length(max=120))
    postal_code = Text(load_default="", validate=validate.Regexp(r"^(\d{5})?$"))
    kind = Enum(SchoolKind, load_default=SchoolKind.COLLEGE)
    priority = Enum(EducationPriority, load_default=EducationPriority.NONE)


class ContactSchema(Schema):
    name = Text(required=True, validate=validate.Length(1, 200))
    role = Enum(ContactRole, load_default=ContactRole.TEACHER)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    phone = Text(load_default="", validate=validate.Regexp(r"^([0-9 +().-]{6,40})?$"))


class WindowSchema(Schema):
    start_date = Day(required=True)
    end_date = Day(required=True)
    time_of_day = Enum(TimeOfDay, load_default=TimeOfDay.ANY)


class VisitRequestCreateSchema(Schema):
    uai = Text(
        required=True,
        validate=validate.Length(1, 12),
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
    headcount = fields.Integer(required=True, strict=True, validate=validate.Range(1, 1000))
    girls_count = fields.Integer(required=True, strict=True, validate=validate.Range(0, 1000))
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
    remarks = Text(load_default="", validate=validate.Length(max=2000))
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
        validate=validate.Length(16, 64),
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
    feed_url = fields.String(allow_none=True, metadata={"description": "The school's calendar feed."})
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


# --- statistics and account ------------------------------------------------------------------------


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


# --- examples (in the docs, and tried first by the Schemathesis tests) -----------------------------

EVENT_EXAMPLE = {
    "type": "conference",
    "title": "Les métiers de l'aéronautique",
    "start_at": "2027-03-16T10:00:00+01:00",
    "end_at": "2027-03-16T12:00:00+01:00",
    "departement": "75",
    "venue": "Lycée Diderot",
    "commune": "Paris",
    "role_models_max": 2,
    "is_public": True,
    "status": "scheduled",
}
RESCHEDULE_EXAMPLE = {"start_at": "2027-03-18T14:00:00+01:00", "end_at": "2027-03-18T16:00:00+01:00"}
REASON_EXAMPLE = {"reason": "Grève des transports"}
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

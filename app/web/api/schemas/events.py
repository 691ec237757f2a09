"""Events: the public view of published events and the organizers' full view and inputs."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate

from app import local_time
from app.models import EventStatus, EventType, limits
from app.reference.academies import ACADEMIES
from app.web.api.schemas.common import DateRangeMixin, Day, Enum, FreeText, Instant, PageArgs, SchoolRefSchema, Text


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
        "title": Text(**need(validate=validate.Length(1, limits.EVENT_TITLE_MAX))),
        "description": FreeText(**default("", validate=validate.Length(max=limits.EVENT_DESCRIPTION_API_MAX))),
        "start_at": Instant(**need()),
        "end_at": Instant(**need()),
        "timezone": Text(
            **default(
                local_time.DISPLAY_TIMEZONE,
                validate=[validate.Length(1, limits.TIMEZONE_MAX), _known_zone],
                metadata={"description": "IANA time zone of the event (`Europe/Paris`, `Indian/Reunion`…)."},
            )
        ),
        "departement": Text(
            **need(
                validate=validate.Length(1, limits.DEPARTEMENT_MAX),
                metadata={"description": "Département code (`75`, `2A`, `974`); it sets the académie."},
            )
        ),
        "venue": Text(**default("", validate=validate.Length(max=limits.VENUE_MAX))),
        "address": Text(**default("", validate=validate.Length(max=limits.ADDRESS_MAX))),
        "commune": Text(**default("", validate=validate.Length(max=limits.COMMUNE_MAX))),
        "is_online": fields.Boolean(**default(False)),
        "online_url": Text(allow_none=True, **default(None, validate=validate.Length(max=limits.ONLINE_URL_API_MAX))),
        "capacity": fields.Integer(
            allow_none=True, strict=True, **default(None, validate=validate.Range(1, limits.CAPACITY_MAX))
        ),
        "role_models_min": fields.Integer(
            strict=True, **default(1, validate=validate.Range(0, limits.ROLE_MODELS_PER_EVENT_API_MAX))
        ),
        "role_models_max": fields.Integer(
            strict=True, **default(1, validate=validate.Range(1, limits.ROLE_MODELS_PER_EVENT_API_MAX))
        ),
        "is_public": fields.Boolean(**default(False)),
        "topics": fields.List(
            Text(validate=validate.Length(1, limits.TOPIC_MAX)),
            **default([], validate=validate.Length(max=limits.TOPICS_MAX)),
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


# Shown in the docs and tried first by the Schemathesis tests.
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

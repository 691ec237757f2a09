"""Plain values that go in and out of :mod:`calendars`: frozen dataclasses and enums.

Values check themselves when created, so a bad value fails where it is made rather than
in the middle of writing a feed. Sequences given as lists are stored as tuples so the
values stay hashable.

>>> from datetime import datetime, timezone
>>> event = CalendarEvent(
...     uid="event-42@rencontres.example",
...     summary="Table ronde : les métiers de l'industrie",
...     start=datetime(2026, 3, 12, 9, tzinfo=timezone.utc),
...     end=datetime(2026, 3, 12, 11, tzinfo=timezone.utc),
...     last_modified=datetime(2026, 2, 1, 8, tzinfo=timezone.utc),
... )
>>> event.status, event.sequence, event.is_all_day
(<EventStatus.CONFIRMED: 'CONFIRMED'>, 0, False)
>>> Interval(event.start, event.end).duration
datetime.timedelta(seconds=7200)
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from calendars.errors import InvalidEvent
from calendars.timezones import resolve_timezone_name

__all__ = [
    "EventStatus",
    "PartStat",
    "Role",
    "Person",
    "Attendee",
    "CalendarEvent",
    "Interval",
    "FetchResult",
    "SchoolHoliday",
    "PublicHoliday",
]


class EventStatus(enum.StrEnum):
    """STATUS of a published event (:rfc:`5545#section-3.8.1.11`)."""

    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


class PartStat(enum.StrEnum):
    """PARTSTAT of an attendee of an event (:rfc:`5545#section-3.2.12`)."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"
    DELEGATED = "DELEGATED"


class Role(enum.StrEnum):
    """ROLE of an attendee (:rfc:`5545#section-3.2.16`)."""

    CHAIR = "CHAIR"
    REQ_PARTICIPANT = "REQ-PARTICIPANT"
    OPT_PARTICIPANT = "OPT-PARTICIPANT"
    NON_PARTICIPANT = "NON-PARTICIPANT"


def _coerce_enum(enum_class: type[enum.StrEnum], value: object, what: str) -> enum.StrEnum:
    try:
        return enum_class(str(value).upper())
    except ValueError:
        allowed = ", ".join(member.value for member in enum_class)
        raise InvalidEvent(f"{what} must be one of {allowed}, not {value!r}") from None


def _check_single_line(value: str, what: str) -> None:
    if any(char in value for char in "\r\n\x00"):
        raise InvalidEvent(f"{what} must be a single line: {value!r}")


def _check_email(email: str, what: str) -> None:
    _check_single_line(email, what)
    local, at, domain = email.partition("@")
    if not (at and local and domain) or any(char in email for char in ' "<>:;,'):
        raise InvalidEvent(f"{what} is not an email address: {email!r}")


def _check_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidEvent(f"{what} must be timezone-aware: {value!r}")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone identified by an email address: an organizer.

    Attributes:
        email: The address, written as ``mailto:`` in the calendar.
        name: A display name (CN), optional.

    >>> Person("ambassadrice@example.org", "Claire Martin").name
    'Claire Martin'
    >>> Person("not an address")
    Traceback (most recent call last):
    ...
    calendars.errors.InvalidEvent: organizer email is not an email address: 'not an address'
    """

    email: str
    name: str | None = None

    def __post_init__(self) -> None:
        _check_email(self.email, "organizer email")
        if self.name is not None:
            _check_single_line(self.name, "name")


@dataclass(frozen=True, slots=True)
class Attendee:
    """An invited person and their answer.

    Attributes:
        email: The address, written as ``mailto:`` in the calendar.
        name: A display name (CN), optional.
        partstat: Their participation status; ``NEEDS-ACTION`` until they answer.
        role: ``REQ-PARTICIPANT`` by default.
        rsvp: Whether an answer is expected from them.

    >>> Attendee("marraine@example.org", partstat="accepted").partstat
    <PartStat.ACCEPTED: 'ACCEPTED'>
    """

    email: str
    name: str | None = None
    partstat: PartStat = PartStat.NEEDS_ACTION
    role: Role = Role.REQ_PARTICIPANT
    rsvp: bool = True

    def __post_init__(self) -> None:
        _check_email(self.email, "attendee email")
        if self.name is not None:
            _check_single_line(self.name, "name")
        object.__setattr__(self, "partstat", _coerce_enum(PartStat, self.partstat, "partstat"))
        object.__setattr__(self, "role", _coerce_enum(Role, self.role, "role"))


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One meeting as published in feeds and invitations.

    Attributes:
        uid: Stable, globally unique identifier (never derived from a timestamp), such as
            ``"event-42@rencontres.example"``. It must not change when the event changes.
        summary: Title shown by calendar clients.
        start: Aware :class:`~datetime.datetime`, or a :class:`~datetime.date` for an
            all-day event.
        end: Exclusive end, of the same kind as ``start`` and after it. For an all-day
            event on 12 March, ``end`` is 13 March.
        last_modified: Aware instant of the last change of the event's data. It is
            published as LAST-MODIFIED and also as DTSTAMP in feeds, so that unchanged
            data always gives identical bytes.
        timezone: IANA name of the event's own zone (``"Europe/Paris"``,
            ``"America/Cayenne"``...) used for TZID and to place all-day events; a
            Windows name is accepted and mapped. ``"UTC"`` publishes in UTC.
        status: CONFIRMED, TENTATIVE or CANCELLED.
        sequence: Revision number (:rfc:`5546`): raise it whenever date, time or place
            change. A cancelled event is published with ``sequence + 1``; so after
            "un-cancelling" an event, raise ``sequence`` by 2.
        created: Aware instant of creation, optional.
        description: Free text, may contain line breaks.
        location: Free text, such as an address.
        geo: ``(latitude, longitude)`` in degrees, when known.
        url: A link to the event's page.
        organizer: Who organizes it; required to send invitations.
        attendees: Invited people with their answers (used in invitations).
        alarms: Reminders, each a positive :class:`~datetime.timedelta` before start.
        categories: Keywords such as the event type.
    """

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    last_modified: datetime
    timezone: str = "Europe/Paris"
    status: EventStatus = EventStatus.CONFIRMED
    sequence: int = 0
    created: datetime | None = None
    description: str = ""
    location: str = ""
    geo: tuple[float, float] | None = None
    url: str | None = None
    organizer: Person | None = None
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)
    alarms: tuple[timedelta, ...] = field(default_factory=tuple)
    categories: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.uid or not self.uid.strip():
            raise InvalidEvent("uid must not be empty")
        _check_single_line(self.uid, "uid")
        setattr_ = object.__setattr__
        setattr_(self, "status", _coerce_enum(EventStatus, self.status, "status"))
        self._check_times()
        _check_aware(self.last_modified, "last_modified")
        if self.created is not None:
            _check_aware(self.created, "created")
        try:
            setattr_(self, "timezone", resolve_timezone_name(self.timezone))
        except ValueError as error:
            raise InvalidEvent(str(error)) from None
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int) or self.sequence < 0:
            raise InvalidEvent(f"sequence must be a non-negative integer: {self.sequence!r}")
        if self.geo is not None:
            self._check_geo()
        if self.url is not None:
            _check_single_line(self.url, "url")
        setattr_(self, "attendees", _tuple_of(self.attendees, Attendee, "attendees"))
        setattr_(self, "alarms", _tuple_of(self.alarms, timedelta, "alarms"))
        if any(alarm < timedelta(0) for alarm in self.alarms):
            raise InvalidEvent("alarms are durations before the start and must be positive")
        setattr_(self, "categories", _tuple_of(self.categories, str, "categories"))

    def _check_times(self) -> None:
        start, end = self.start, self.end
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise InvalidEvent("start and end must both be datetimes or both be dates")
        if isinstance(start, datetime):
            _check_aware(start, "start")
            _check_aware(end, "end")  # type: ignore[arg-type]
        elif not isinstance(start, date) or not isinstance(end, date):
            raise InvalidEvent("start and end must be dates or datetimes")
        if not end > start:  # type: ignore[operator]
            raise InvalidEvent(f"end {end!r} must be after start {start!r}")

    def _check_geo(self) -> None:
        try:
            latitude, longitude = (float(value) for value in self.geo)  # type: ignore[union-attr]
        except (TypeError, ValueError):
            raise InvalidEvent(f"geo must be (latitude, longitude): {self.geo!r}") from None
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            raise InvalidEvent(f"geo must be finite numbers: {self.geo!r}")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise InvalidEvent(f"geo is out of range: {self.geo!r}")
        object.__setattr__(self, "geo", (latitude, longitude))

    @property
    def is_all_day(self) -> bool:
        """Whether the event spans whole days (``start`` is a date)."""
        return not isinstance(self.start, datetime)


def _tuple_of(values: Iterable[object], kind: type, what: str) -> tuple:
    result = tuple(values)
    for value in result:
        if not isinstance(value, kind):
            raise InvalidEvent(f"{what} must hold {kind.__name__} values, not {value!r}")
    return result


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open span of time ``[start, end)`` in aware UTC datetimes.

    >>> from datetime import datetime, timezone
    >>> a = Interval(datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
    ...              datetime(2026, 1, 5, 10, tzinfo=timezone.utc))
    >>> a.start.isoformat(), a.duration
    ('2026-01-05T09:00:00+00:00', datetime.timedelta(seconds=3600))
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"Interval {name} must be timezone-aware: {value!r}")
            if value.tzinfo is not timezone.utc:
                object.__setattr__(self, name, value.astimezone(timezone.utc))
        if self.end < self.start:
            raise ValueError(f"Interval end {self.end} is before start {self.start}")

    @property
    def duration(self) -> timedelta:
        """``end - start``."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What :func:`calendars.fetch_calendar` got.

    Attributes:
        body: The calendar bytes, or ``None`` when ``not_modified``.
        etag: The ETag validator to send next time, if the server gave one.
        last_modified: The Last-Modified validator (HTTP date text) to send next time.
        final_url: The URL after redirects (``webcal://`` already read as ``https://``).
        not_modified: True when the server answered 304 to a conditional request: keep
            what you have.
        content_type: The Content-Type header as received, for diagnostics.
    """

    body: bytes | None
    etag: str | None
    last_modified: str | None
    final_url: str
    not_modified: bool = False
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class SchoolHoliday:
    """A school holiday period for one zone.

    Attributes:
        zone: ``"A"``, ``"B"`` or ``"C"``.
        name: The official French name, e.g. ``"Vacances de la Toussaint"``.
        start: First day without school.
        end: First day of school again (exclusive end, like iCalendar all-day events).
    """

    zone: str
    name: str
    start: date
    end: date

    @property
    def last_day(self) -> date:
        """The last day of the holiday (``end`` minus one day)."""
        return self.end - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PublicHoliday:
    """A public holiday (jour férié).

    Attributes:
        day: The date.
        name: Its French name, e.g. ``"Lundi de Pâques"``.
    """

    day: date
    name: str

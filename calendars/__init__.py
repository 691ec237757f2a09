"""A framework-free calendar library: publish feeds and invitations, import busy times,
fetch user-given calendar URLs safely, and know French holidays.

This package never imports flask, sqlalchemy or ``app``: it takes and returns plain values
(frozen dataclasses, bytes, datetimes). Every refusal is a :class:`CalendarError`, a
:class:`ValueError` with a stable ``code``.

Modules, each named after what it holds:

- :mod:`calendars.values` — the plain values (:class:`CalendarEvent`, :class:`Interval`...)
- :mod:`calendars.errors` — the errors and their codes
- :mod:`calendars.publish` / :mod:`calendars.invitation` — writing feeds and iTIP messages
- :mod:`calendars.replies` — reading the iTIP answers (REPLY, COUNTER) calendar apps mail back
- :mod:`calendars.busy` / :mod:`calendars.recurrence` — reading busy times, bounded;
  :mod:`calendars.skipping` — what a forgiving import skipped
- :mod:`calendars.fetch` — fetching user-given URLs: which ones, redirects, what counts
- :mod:`calendars.transport` / :mod:`calendars.addresses` — the checked connections, deadline
  and size cap under it
- :mod:`calendars.french_holidays` — school holidays by zone and public holidays
- :mod:`calendars.timezones` / :mod:`calendars.vtimezone` / :mod:`calendars.contentlines`

>>> import calendars
>>> calendars.is_school_day("C", __import__("datetime").date(2026, 12, 25))
False
"""

from calendars.busy import busy_intervals, read_busy
from calendars.errors import (
    ALL_ERRORS,
    CalendarError,
    CalendarTooLarge,
    ConnectionFailed,
    CredentialsInURL,
    FetchError,
    FetchTimeout,
    ForbiddenAddress,
    HolidayDataUnavailable,
    HolidayError,
    HTTPError,
    InvalidCalendar,
    InvalidEvent,
    InvalidURL,
    NotACalendar,
    ResponseTooLarge,
    TooManyRedirects,
    UnknownHolidayArea,
    UnknownTimezone,
    UnsupportedScheme,
)
from calendars.fetch import fetch_calendar
from calendars.french_holidays import is_school_day, public_holidays, school_holidays
from calendars.invitation import render_invitation
from calendars.publish import render_feed
from calendars.skipping import BusyImport, Problem
from calendars.values import (
    Attendee,
    CalendarEvent,
    EventStatus,
    FetchResult,
    Interval,
    PartStat,
    Person,
    PublicHoliday,
    Role,
    SchoolHoliday,
)

__all__ = [
    "ALL_ERRORS",
    "Attendee",
    "CalendarError",
    "CalendarEvent",
    "CalendarTooLarge",
    "ConnectionFailed",
    "CredentialsInURL",
    "EventStatus",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "ForbiddenAddress",
    "HTTPError",
    "HolidayDataUnavailable",
    "HolidayError",
    "Interval",
    "InvalidCalendar",
    "InvalidEvent",
    "InvalidURL",
    "NotACalendar",
    "PartStat",
    "Person",
    "PublicHoliday",
    "ResponseTooLarge",
    "Role",
    "SchoolHoliday",
    "TooManyRedirects",
    "UnknownHolidayArea",
    "UnknownTimezone",
    "UnsupportedScheme",
    "busy_intervals",
    "read_busy",
    "BusyImport",
    "Problem",
    "fetch_calendar",
    "is_school_day",
    "public_holidays",
    "render_feed",
    "render_invitation",
    "school_holidays",
]

"""Errors raised by :mod:`calendars`, named after what went wrong.

Every error derives from :class:`CalendarError`, itself a :class:`ValueError`, so a
caller can catch everything this library refuses with one ``except``. Each class has a
stable machine-readable :attr:`~CalendarError.code` that the web application maps to a
translated message; the English text of the exception is for logs and developers.

>>> try:
...     raise ForbiddenAddress("10.0.0.1 is a private address")
... except CalendarError as error:
...     (error.code, isinstance(error, ValueError), isinstance(error, FetchError))
('forbidden_address', True, True)
"""

from __future__ import annotations

__all__ = [
    "CalendarError",
    "InvalidEvent",
    "InvalidCalendar",
    "CalendarTooLarge",
    "UnknownTimezone",
    "FetchError",
    "InvalidURL",
    "UnsupportedScheme",
    "CredentialsInURL",
    "ForbiddenAddress",
    "TooManyRedirects",
    "FetchTimeout",
    "ResponseTooLarge",
    "HTTPError",
    "NotACalendar",
    "ConnectionFailed",
    "HolidayError",
    "UnknownHolidayArea",
    "HolidayDataUnavailable",
    "ALL_ERRORS",
]


class CalendarError(ValueError):
    """Base class of every error raised by :mod:`calendars`.

    Attributes:
        code: A stable identifier of the kind of error, for programs (never translated).
    """

    code: str = "calendar_error"


class InvalidEvent(CalendarError):
    """A value handed to the library to publish is not valid (naive datetime, end before
    start, unknown status, line breaks in a UID...)."""

    code = "invalid_event"


class InvalidCalendar(CalendarError):
    """Bytes that should be an iCalendar stream cannot be read as one."""

    code = "invalid_calendar"


class CalendarTooLarge(CalendarError):
    """A calendar exceeds a safety limit: input size, number of components, number of
    occurrences in the window, or recurrence rules too costly to expand."""

    code = "calendar_too_large"


class UnknownTimezone(CalendarError):
    """A timezone name given by the caller is neither an IANA nor a Windows name."""

    code = "unknown_timezone"


class FetchError(CalendarError):
    """Base class of the errors raised by :func:`calendars.fetch_calendar`."""

    code = "fetch_error"


class InvalidURL(FetchError):
    """The text is not a usable absolute URL (no host, bad port, bad characters)."""

    code = "invalid_url"


class UnsupportedScheme(FetchError):
    """Only ``http``, ``https`` and ``webcal`` (read as ``https``) URLs are fetched."""

    code = "unsupported_scheme"


class CredentialsInURL(FetchError):
    """The URL embeds a user name or password (``https://user:pass@host/``)."""

    code = "credentials_in_url"


class ForbiddenAddress(FetchError):
    """The host resolves to an address we never connect to: loopback, private,
    link-local (cloud metadata), CGNAT, multicast, reserved, unspecified, IPv6 unique
    local or link-local, or an IPv6 address embedding an IPv4 one."""

    code = "forbidden_address"


class TooManyRedirects(FetchError):
    """The server redirected more times than allowed."""

    code = "too_many_redirects"


class FetchTimeout(FetchError):
    """The server did not answer in time (connect, read, or the total deadline)."""

    code = "fetch_timeout"


class ResponseTooLarge(FetchError):
    """The body is larger than the size cap."""

    code = "response_too_large"


class HTTPError(FetchError):
    """The server answered with an error status (4xx or 5xx, or an unexpected 1xx/3xx).

    Attributes:
        status: The HTTP status code received.
    """

    code = "http_error"

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class NotACalendar(FetchError):
    """The server answered, but the body is not an iCalendar stream (an HTML login
    page, JSON, an image...)."""

    code = "not_a_calendar"


class ConnectionFailed(FetchError):
    """No connection could be made: unknown host, connection refused or reset, TLS
    failure (bad certificate), protocol error."""

    code = "connection_failed"


class HolidayError(CalendarError):
    """Base class of the errors about French holidays."""

    code = "holiday_error"


class UnknownHolidayArea(HolidayError):
    """The school zone or public-holiday area is not one we know at all."""

    code = "unknown_holiday_area"


class HolidayDataUnavailable(HolidayError):
    """We have no data for that zone or date (Corse or outre-mer school calendars,
    years outside the published calendars): we refuse rather than guess."""

    code = "holiday_data_unavailable"


ALL_ERRORS: tuple[type[CalendarError], ...] = (
    CalendarError,
    InvalidEvent,
    InvalidCalendar,
    CalendarTooLarge,
    UnknownTimezone,
    FetchError,
    InvalidURL,
    UnsupportedScheme,
    CredentialsInURL,
    ForbiddenAddress,
    TooManyRedirects,
    FetchTimeout,
    ResponseTooLarge,
    HTTPError,
    NotACalendar,
    ConnectionFailed,
    HolidayError,
    UnknownHolidayArea,
    HolidayDataUnavailable,
)
"""Every error class, for the web application's code → message table."""

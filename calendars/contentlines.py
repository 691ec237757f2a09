"""Writing iCalendar content lines by hand (:rfc:`5545#section-3.1`).

We write feeds ourselves rather than through :mod:`icalendar` objects: it is several
times faster for large feeds and gives exact control over what clients see. Lines are
folded at 75 octets without ever splitting a UTF-8 character, and end in CRLF.

>>> content_line("SUMMARY", escape_text("Forum, atelier; visite\\nlycée"))
'SUMMARY:Forum\\\\, atelier\\\\; visite\\\\nlycée'
>>> fold(("DESCRIPTION:" + "é" * 40).encode()).count(b"\\r\\n ")
1
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

__all__ = [
    "escape_text",
    "param_value",
    "content_line",
    "fold",
    "serialize",
    "format_utc",
    "format_local",
    "format_date",
    "format_duration",
]

_LINE_LIMIT = 75
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # CTL except TAB (RFC 5545 3.1)
_NEEDS_ESCAPE = re.compile("[\\\\;,\x00-\x08\x0a-\x1f\x7f]")


def escape_text(value: str) -> str:
    """Escape a TEXT value (:rfc:`5545#section-3.3.11`).

    Backslash, semicolon and comma are escaped; every kind of line break becomes ``\\n``;
    other control characters, which clients reject, are dropped.

    >>> escape_text('a\\\\b; c, d\\r\\ne')
    'a\\\\\\\\b\\\\; c\\\\, d\\\\ne'
    """
    if not _NEEDS_ESCAPE.search(value):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\n", "\\n")
    return _CONTROL.sub("", value)


def param_value(value: str) -> str:
    """A parameter value, quoted when it holds ``:``, ``;`` or ``,``
    (:rfc:`5545#section-3.2`). Double quotes cannot be escaped, so they become single
    quotes; control characters are dropped.

    >>> print(param_value('Dupont, "Claire"'))
    "Dupont, 'Claire'"
    >>> param_value("Claire")
    'Claire'
    """
    value = _CONTROL.sub("", value.replace("\t", " ")).replace('"', "'")
    if any(char in value for char in ":;,"):
        return f'"{value}"'
    return value


def content_line(name: str, value: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """One unfolded content line ``NAME;PARAM=VALUE:value`` (values already escaped).

    >>> content_line("DTSTART", "20260312T090000", [("TZID", "Europe/Paris")])
    'DTSTART;TZID=Europe/Paris:20260312T090000'
    """
    head = name + "".join(f";{key}={val}" for key, val in params)
    return f"{head}:{value}"


def fold(line: bytes) -> bytes:
    """Fold one UTF-8 encoded line into chunks of at most 75 octets, joined by
    ``CRLF SPACE``, never cutting a multi-byte character in two.

    >>> folded = fold(("X:" + "é" * 80).encode())
    >>> [len(part) for part in folded.split(b"\\r\\n")]
    [74, 75, 15]
    >>> folded.replace(b"\\r\\n ", b"").decode() == "X:" + "é" * 80
    True
    """
    if len(line) <= _LINE_LIMIT:
        return line
    parts = []
    start = 0
    limit = _LINE_LIMIT
    length = len(line)
    while length - start > limit:
        cut = start + limit
        # 0b10xxxxxx is a continuation byte: back up to the start of the character.
        while line[cut] & 0xC0 == 0x80:
            cut -= 1
        parts.append(line[start:cut])
        start = cut
        limit = _LINE_LIMIT - 1  # continuation lines begin with one space
    parts.append(line[start:])
    return b"\r\n ".join(parts)


def serialize(lines: Iterable[str]) -> bytes:
    """Encode, fold and CRLF-terminate content lines.

    >>> serialize(["BEGIN:VCALENDAR", "END:VCALENDAR"])
    b'BEGIN:VCALENDAR\\r\\nEND:VCALENDAR\\r\\n'
    """
    encoded = [line.encode("utf-8") for line in lines]
    if not encoded:
        return b""
    folded = [fold(line) if len(line) > _LINE_LIMIT else line for line in encoded]
    return b"\r\n".join(folded) + b"\r\n"


def format_utc(value: datetime) -> str:
    """An aware datetime as a UTC DATE-TIME (``...Z``), seconds truncated of microseconds.

    >>> from zoneinfo import ZoneInfo
    >>> format_utc(datetime(2026, 7, 1, 10, tzinfo=ZoneInfo("Europe/Paris")))
    '20260701T080000Z'
    """
    value = value.astimezone(timezone.utc)
    return (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}Z"
    )


def format_local(value: datetime) -> str:
    """The wall-clock time of ``value`` without zone, for use with a TZID parameter.

    >>> format_local(datetime(2026, 7, 1, 10, 30))
    '20260701T103000'
    """
    return (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    )


def format_date(value: date) -> str:
    """A DATE value.

    >>> format_date(date(2026, 3, 12))
    '20260312'
    """
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


@functools.lru_cache(maxsize=256)
def format_duration(value: timedelta) -> str:
    """A DURATION value (:rfc:`5545#section-3.3.6`), negative values with ``-``.

    >>> format_duration(-timedelta(hours=1, minutes=30))
    '-PT1H30M'
    >>> format_duration(timedelta(days=1))
    'P1D'
    >>> format_duration(timedelta(0))
    'PT0S'
    """
    sign = "-" if value < timedelta(0) else ""
    seconds = int(abs(value).total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    if hours or minutes or seconds or not days:
        text += "T"
        if hours:
            text += f"{hours}H"
        if minutes:
            text += f"{minutes}M"
        if seconds or not (days or hours or minutes):
            text += f"{seconds}S"
    return text

"""Busy times from a person's own calendar (what Google, Outlook, Apple... publish).

The calendar is read with :mod:`icalendar`, Google's ``X-WR-TIMEZONE`` is applied with
:mod:`x_wr_timezone`, times without a usable zone are placed in the person's zone, and
recurrences are expanded by :mod:`calendars.recurrence` within limits. An occurrence is
*not* busy when it is cancelled (STATUS:CANCELLED on the series or the occurrence), free
(TRANSP:TRANSPARENT, or Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE), or declined by the
calendar's owner (their ATTENDEE line says PARTSTAT=DECLINED).

The import is forgiving, like Google's and Apple's: an event whose dates or recurrence rule
cannot be read is skipped and the others are kept; :func:`read_busy` says how many were
skipped and why (:class:`~calendars.skipping.BusyImport`). A byte-order mark (UTF-8 or
UTF-16) is accepted. An event ending before it starts is read as busy, never as free.

>>> from datetime import datetime, timezone
>>> ics = (b"BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nPRODID:doc\\r\\n"
...        b"BEGIN:VEVENT\\r\\nUID:1\\r\\nDTSTAMP:20260101T000000Z\\r\\n"
...        b"DTSTART:20260105T100000\\r\\nDTEND:20260105T110000\\r\\n"
...        b"RRULE:FREQ=DAILY;COUNT=2\\r\\nEND:VEVENT\\r\\nEND:VCALENDAR\\r\\n")
>>> for interval in busy_intervals(ics, start=datetime(2026, 1, 1, tzinfo=timezone.utc),
...         end=datetime(2026, 2, 1, tzinfo=timezone.utc), default_tz="Europe/Paris"):
...     print(interval.start.isoformat(), interval.end.isoformat())
2026-01-05T09:00:00+00:00 2026-01-05T10:00:00+00:00
2026-01-06T09:00:00+00:00 2026-01-06T10:00:00+00:00
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import icalendar
import x_wr_timezone

from calendars.errors import CalendarError, CalendarTooLarge, InvalidCalendar
from calendars.recurrence import (
    MAX_OCCURRENCES,
    TIME_BUDGET,
    occurrences_between,
    source_component,
)
from calendars.skipping import BusyImport, Problem, problem_of
from calendars.timezones import as_tzinfo, lookup_timezone
from calendars.values import Interval

__all__ = ["busy_intervals", "read_busy", "MAX_BYTES", "MAX_COMPONENTS"]

MAX_BYTES = 10 * 1024 * 1024
"""Largest calendar accepted, in bytes (a busy person's 10-year history is ~5 MB)."""

MAX_COMPONENTS = 50_000
"""Most components (``BEGIN:`` lines) accepted, counted before parsing."""

_MARGIN = timedelta(days=1)  # all-day and floating events are placed after expansion
_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*BEGIN:VCALENDAR", re.IGNORECASE)
_END = re.compile(rb"END:VCALENDAR[\s\x00]*\Z", re.IGNORECASE)


def busy_intervals(ics_bytes: bytes, **options: object) -> list[Interval]:
    """The busy intervals of :func:`read_busy`, for callers that need not know what was skipped.

    Parameters:
        ics_bytes: The calendar as fetched.
        **options: The keyword arguments of :func:`read_busy`.

    Returns:
        ``read_busy(ics_bytes, **options).intervals``.
    """
    return read_busy(ics_bytes, **options).intervals  # type: ignore[arg-type]


def read_busy(
    ics_bytes: bytes,
    *,
    start: datetime,
    end: datetime,
    default_tz: str | tzinfo,
    owner_emails: Iterable[str] = (),
    max_bytes: int = MAX_BYTES,
    max_components: int = MAX_COMPONENTS,
    max_occurrences: int = MAX_OCCURRENCES,
    time_budget: float = TIME_BUDGET,
) -> BusyImport:
    """When the calendar says its owner is busy within ``[start, end)``, and what was skipped.

    Parameters:
        ics_bytes: The calendar as fetched (an iCalendar stream, UTF-8).
        start: Aware start of the window.
        end: Aware end of the window, after ``start``.
        default_tz: The person's zone (IANA or Windows name, or a tzinfo), used for
            floating times, all-day events, and TZIDs that are neither defined by a
            VTIMEZONE nor a known IANA or Windows name.
        owner_emails: The owner's addresses, to recognise invitations they declined.
            When empty and X-WR-CALNAME is an email address (as in Google's secret
            address feeds), that address is used.
        max_bytes: Larger input raises :class:`~calendars.errors.CalendarTooLarge`.
        max_components: More components raise
            :class:`~calendars.errors.CalendarTooLarge` before parsing.
        max_occurrences: More occurrences in the window raise
            :class:`~calendars.errors.CalendarTooLarge`.
        time_budget: Seconds the expansion may take before raising
            :class:`~calendars.errors.CalendarTooLarge` (checked between series).

    Returns:
        A :class:`~calendars.skipping.BusyImport`: sorted, merged, non-overlapping
        intervals in aware UTC, clipped to the window (all-day events cover whole days in
        ``default_tz``), plus the number of unreadable events skipped and the first reason.

    Raises:
        calendars.errors.InvalidCalendar: For bytes that are not a readable calendar.
        calendars.errors.CalendarTooLarge: When a limit is passed. The result is never
            silently truncated: an incomplete answer would show the person as free.
        calendars.errors.UnknownTimezone: When ``default_tz`` is not a known zone.
        ValueError: When ``start`` or ``end`` is naive, or ``end <= start``.
    """
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be a timezone-aware datetime")
    if end <= start:
        raise ValueError("end must be after start")
    zone = as_tzinfo(default_tz)
    calendar = _parse(ics_bytes, max_bytes=max_bytes, max_components=max_components)
    problems = _drop_unreadable_events(calendar)
    calendar = _apply_x_wr_timezone(calendar)
    _place_floating_times(calendar, zone, problems)
    owners = _owner_addresses(calendar, owner_emails)
    try:
        occurrences = occurrences_between(
            calendar,
            start.astimezone(timezone.utc) - _MARGIN,
            end.astimezone(timezone.utc) + _MARGIN,
            max_occurrences=max_occurrences,
            time_budget=time_budget,
        )
    except CalendarError:
        raise
    except Exception as error:  # recurring-ical-events and dateutil raise many kinds
        raise InvalidCalendar(f"cannot expand the calendar: {error}") from error
    low, high = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    spans: list[tuple[datetime, datetime]] = []
    broken: dict[int, Problem] = {}
    for occurrence in occurrences:
        component = source_component(occurrence)
        try:
            if not _is_busy(component, owners):
                continue
            begin = _to_utc(occurrence.start, zone)
            finish = _to_utc(occurrence.end, zone)
        except Exception as error:  # broken ATTENDEE or STATUS values, odd time types
            broken.setdefault(id(component), Problem("unreadable_event", str(component.get("UID", "")), str(error)))
            continue
        begin, finish = max(begin, low), min(finish, high)
        if begin < finish:
            spans.append((begin, finish))
    problems.extend(broken.values())
    intervals = [Interval(begin, finish) for begin, finish in _merge(spans)]
    return BusyImport(intervals, len(problems), problems[0] if problems else None)


def _drop_unreadable_events(calendar: icalendar.Calendar) -> list[Problem]:
    """Remove the events whose dates or rules cannot be read; say why, in file order."""
    problems: list[Problem] = []
    kept = []
    for component in calendar.subcomponents:
        problem = problem_of(component) if component.name == "VEVENT" else None
        if problem is None:
            kept.append(component)
        else:
            problems.append(problem)
    calendar.subcomponents[:] = kept
    return problems


def _without_bom(data: bytes) -> bytes:
    """UTF-8 bytes without a byte-order mark (Windows tools write one; icalendar refuses it)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data  # refused below as not a calendar
    return data


def _parse(ics_bytes: bytes, *, max_bytes: int, max_components: int) -> icalendar.Calendar:
    if not isinstance(ics_bytes, (bytes, bytearray, memoryview)):
        raise TypeError("ics_bytes must be bytes")
    data = bytes(ics_bytes)
    if len(data) > max_bytes:
        raise CalendarTooLarge(f"calendar is {len(data)} bytes, more than {max_bytes}")
    data = _without_bom(data)
    if not _START.match(data[:1024]):
        raise InvalidCalendar("not an iCalendar stream: it does not start with BEGIN:VCALENDAR")
    if not _END.search(data[-256:]):
        raise InvalidCalendar("the calendar is truncated: it does not end with END:VCALENDAR")
    components = data.count(b"BEGIN:") + data.count(b"begin:")
    if components > max_components:
        raise CalendarTooLarge(f"calendar has {components} components, more than {max_components}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Some servers still send Latin-1; every byte sequence decodes as cp1252/latin-1.
        text = data.decode("latin-1")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError...
        raise InvalidCalendar(f"cannot read the calendar: {error}") from error
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise InvalidCalendar("not an iCalendar stream: no VCALENDAR component")
    return calendar


def _apply_x_wr_timezone(calendar: icalendar.Calendar) -> icalendar.Calendar:
    """Google writes UTC times plus X-WR-TIMEZONE; read them in that zone so that
    recurrences keep their wall-clock time across DST changes."""
    value = calendar.get("X-WR-TIMEZONE")
    if value is None:
        return calendar
    zone = lookup_timezone(str(value))
    if zone is None:
        return calendar  # an unknown name cannot improve on UTC
    try:
        return x_wr_timezone.to_standard(calendar, timezone=zone)
    except Exception as error:
        raise InvalidCalendar(f"cannot apply X-WR-TIMEZONE: {error}") from error


def _zone_of(value: icalendar.prop.vDDDTypes, default: tzinfo) -> tzinfo:
    tzid = value.params.get("TZID") if hasattr(value, "params") else None
    if tzid:
        found = lookup_timezone(str(tzid))
        if found is not None:
            return found
    return default


def _localize(value: object, zone: tzinfo) -> object:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


def _place_floating_times(calendar: icalendar.Calendar, default: tzinfo, problems: list[Problem]) -> None:
    """Give every naive datetime a zone: its TZID's if we know it, else ``default``.

    icalendar leaves times naive when they are floating or when their TZID is neither
    defined in the file nor a name it knows; recurrence rules need them aware. An event that
    fails here is removed and added to ``problems``, the others are kept.
    """
    kept = []
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            try:
                _place_event_times(component, default)
            except Exception as error:  # broken properties raise on access in icalendar 7
                problems.append(Problem("unreadable_time", str(component.get("UID", "")), str(error)))
                continue
        kept.append(component)
    calendar.subcomponents[:] = kept


def _place_event_times(event: icalendar.Event, default: tzinfo) -> None:
    start_zone = default
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "DUE"):
        prop = event.get(name)
        if prop is None or not hasattr(prop, "dt"):
            continue
        zone = _zone_of(prop, default)
        if name == "DTSTART":
            start_zone = zone
        prop.dt = _localize(prop.dt, zone)
    for name in ("EXDATE", "RDATE"):
        values = event.get(name)
        for prop in values if isinstance(values, list) else [values]:
            if prop is None or not hasattr(prop, "dts"):
                continue
            zone = _zone_of(prop, start_zone)
            for item in prop.dts:
                if isinstance(item.dt, tuple):
                    item.dt = tuple(_localize(part, zone) for part in item.dt)
                else:
                    item.dt = _localize(item.dt, zone)
    start = event.get("DTSTART")
    _fix_rrule_until(event, start_zone, isinstance(getattr(start, "dt", None), datetime))
    _busy_when_end_before_start(event)


def _fix_rrule_until(event: icalendar.Event, zone: tzinfo, timed: bool) -> None:
    """Make UNTIL an instant dateutil reads like the producer meant it.

    A floating UNTIL is wall-clock time like its DTSTART. A DATE-valued UNTIL on a timed
    series (Google writes it) means "until the end of that day" in the event's zone.
    """
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules]:
        if rule is None or not hasattr(rule, "get"):
            continue
        until = rule.get("UNTIL")
        if not until:
            continue
        fixed: list[object] = []
        for value in until:
            if isinstance(value, datetime) and value.tzinfo is None:
                value = value.replace(tzinfo=zone).astimezone(timezone.utc)
            elif timed and isinstance(value, date) and not isinstance(value, datetime):
                end_of_day = datetime.combine(value, time(23, 59, 59), tzinfo=zone)
                value = end_of_day.astimezone(timezone.utc)
            fixed.append(value)
        rule["UNTIL"] = fixed


DEFAULT_BACKWARDS_DURATION = timedelta(hours=1)
"""Shortest busy time given to a timed event whose DTEND is before its DTSTART."""


def _busy_when_end_before_start(event: icalendar.Event) -> None:
    """Read an event that ends before it starts (RFC 5545 forbids it) as busy, never free.

    Its DTSTART is kept: it is what every client shows, and recurrences and their
    overrides (RECURRENCE-ID) hang on it. Its length is the gap between the two times, the
    only hint the producer gave, at least an hour (a day for dates): dropping DTEND would
    give a timed event no duration, that is, show the person free at a time they wrote down.
    """
    start, end = event.get("DTSTART"), event.get("DTEND")
    if start is None or end is None or not hasattr(start, "dt") or not hasattr(end, "dt"):
        return
    begin, finish = start.dt, end.dt
    if isinstance(begin, datetime) != isinstance(finish, datetime):
        return
    try:
        backwards = finish < begin
    except TypeError:
        return
    if backwards:
        shortest = DEFAULT_BACKWARDS_DURATION if isinstance(begin, datetime) else timedelta(days=1)
        del event["DTEND"]
        event.add("DURATION", max(begin - finish, shortest))


def _owner_addresses(calendar: icalendar.Calendar, owner_emails: Iterable[str]) -> set[str]:
    owners = {email.strip().lower() for email in owner_emails if email and email.strip()}
    if not owners:
        name = str(calendar.get("X-WR-CALNAME", "")).strip().lower()
        if "@" in name and " " not in name:
            owners.add(name)
    return owners


def _address(value: object) -> str:
    text = str(value).strip().lower()
    return text[7:] if text.startswith("mailto:") else text


def _is_busy(component: icalendar.cal.Component, owners: set[str]) -> bool:
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(component.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    if str(component.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "FREE":
        return False
    if owners:
        attendees = component.get("ATTENDEE")
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            if attendee is None:
                continue
            if _address(attendee) in owners:
                partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "")).upper()
                if partstat == "DECLINED":
                    return False
    return True


def _to_utc(value: date | datetime, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=zone)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(timezone.utc)


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for begin, finish in sorted(spans):
        if merged and begin <= merged[-1][1]:
            if finish > merged[-1][1]:
                merged[-1] = (merged[-1][0], finish)
        else:
            merged.append((begin, finish))
    return merged

"""Timezone names: IANA names, Windows names (Outlook, Exchange) and what to do with the
rest.

Outlook and Exchange write Windows zone names such as ``"Romance Standard Time"``;
icalendar ships the Unicode CLDR table that maps them to IANA names, which we reuse.

>>> resolve_timezone_name("Romance Standard Time")
'Europe/Paris'
>>> resolve_timezone_name("W. Europe Standard Time")
'Europe/Berlin'
>>> lookup_timezone("/freeassociation.sourceforge.net/Europe/Paris")
zoneinfo.ZoneInfo(key='Europe/Paris')
>>> lookup_timezone("Customized Time Zone") is None
True
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import timezone, tzinfo

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

__all__ = ["resolve_timezone_name", "lookup_timezone", "as_tzinfo", "UTC_NAMES"]

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Etc/Universal", "Universal"})
"""Names that mean UTC."""


@functools.lru_cache(maxsize=512)
def lookup_timezone(name: str) -> tzinfo | None:
    """The timezone a TZID or X-WR-TIMEZONE value stands for, or ``None`` if unknown.

    Tries, in order: the IANA name, the Windows name, and the trailing IANA name of a
    "globally unique" TZID such as ``/mozilla.org/20050126_1/Europe/Paris``
    (:rfc:`5545#section-3.2.19`).

    Parameters:
        name: The value as found in the calendar; surrounding quotes and spaces are
            ignored.

    Returns:
        A :class:`zoneinfo.ZoneInfo` (or :data:`datetime.timezone.utc`), or ``None``.

    >>> lookup_timezone('"Europe/Paris"')
    zoneinfo.ZoneInfo(key='Europe/Paris')
    >>> lookup_timezone("UTC")
    datetime.timezone.utc
    """
    cleaned = name.strip().strip('"').strip()
    if not cleaned or len(cleaned) > 200:
        return None
    candidates = [cleaned, cleaned.strip("/")]
    if cleaned in WINDOWS_TO_OLSON:
        candidates.insert(0, WINDOWS_TO_OLSON[cleaned])
    parts = cleaned.strip("/").split("/")
    candidates.extend("/".join(parts[index:]) for index in range(1, len(parts)))
    for candidate in candidates:
        if candidate in UTC_NAMES:
            return timezone.utc
        zone = _zoneinfo_or_none(candidate)
        if zone is not None:
            return zone
    return None


def _zoneinfo_or_none(key: str) -> tzinfo | None:
    if not key or key.startswith((".", "/")) or ".." in key or "\\" in key:
        return None
    try:
        return zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def resolve_timezone_name(name: str) -> str:
    """The canonical IANA name for an IANA or Windows zone name.

    Parameters:
        name: ``"Europe/Paris"``, ``"Romance Standard Time"``, ``"UTC"``...

    Returns:
        The IANA name (``"UTC"`` for the UTC aliases).

    Raises:
        calendars.errors.UnknownTimezone: When the name is not a known zone.

    >>> resolve_timezone_name("America/Cayenne")
    'America/Cayenne'
    >>> resolve_timezone_name("Mars/Olympus_Mons")
    Traceback (most recent call last):
    ...
    calendars.errors.UnknownTimezone: unknown timezone: 'Mars/Olympus_Mons'
    """
    from calendars.errors import UnknownTimezone

    zone = lookup_timezone(name) if isinstance(name, str) else None
    if zone is None:
        raise UnknownTimezone(f"unknown timezone: {name!r}")
    if zone is timezone.utc:
        return "UTC"
    return str(getattr(zone, "key"))


def as_tzinfo(value: str | tzinfo) -> tzinfo:
    """A :class:`~datetime.tzinfo` from a name or a tzinfo.

    Parameters:
        value: An IANA or Windows name, or a tzinfo (returned as it is).

    Raises:
        calendars.errors.UnknownTimezone: When a name is not a known zone.

    >>> as_tzinfo("Indian/Reunion")
    zoneinfo.ZoneInfo(key='Indian/Reunion')
    """
    if isinstance(value, tzinfo):
        return value
    resolved = resolve_timezone_name(value)
    return timezone.utc if resolved == "UTC" else zoneinfo.ZoneInfo(resolved)

"""French school holidays by zone (vacances-scolaires-france) and public holidays
(``holidays``).

Outside the published school calendars we raise
:class:`~calendars.errors.HolidayDataUnavailable` rather than answer "school day": a
wrong "yes" would send a role model to a closed school.

>>> from datetime import date
>>> [(h.name, h.start, h.end) for h in school_holidays("A", date(2026, 2, 1), date(2026, 3, 1))]
[("Vacances d'hiver", datetime.date(2026, 2, 7), datetime.date(2026, 2, 23))]
>>> is_school_day("A", date(2026, 2, 10)), is_school_day("A", date(2026, 3, 10))
(False, True)
>>> [h.name for h in public_holidays(date(2026, 12, 24), date(2026, 12, 27), area="alsace-moselle")]
['Noël', 'Saint-Étienne']
>>> school_holidays("Corse", date(2026, 1, 1), date(2026, 2, 1))
Traceback (most recent call last):
...
calendars.errors.HolidayDataUnavailable: no school-holiday data for zone 'Corse'; known zones: A, B, C
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays as holidays_data
from vacances_scolaires_france import SchoolHolidayDates

from calendars.errors import HolidayDataUnavailable, UnknownHolidayArea
from calendars.values import PublicHoliday, SchoolHoliday

__all__ = [
    "SCHOOL_ZONES",
    "PUBLIC_HOLIDAY_AREAS",
    "school_holidays",
    "is_school_day",
    "public_holidays",
    "school_data_coverage",
]

SCHOOL_ZONES = ("A", "B", "C")
"""Zones with school-holiday data."""

_ZONES_WITHOUT_DATA = ("CORSE", "971", "972", "973", "974", "975", "976", "OUTRE-MER")

PUBLIC_HOLIDAY_AREAS: dict[str, str | None] = {
    "metropole": None,
    "alsace-moselle": "6AE",  # Good Friday and 26 December; same days as Moselle ("57")
    "971": "971",  # Guadeloupe
    "972": "972",  # Martinique
    "973": "973",  # Guyane
    "974": "974",  # La Réunion
    "975": "PM",  # Saint-Pierre-et-Miquelon
    "976": "976",  # Mayotte
}
"""Areas for :func:`public_holidays` and the ``holidays`` subdivision each one uses."""


@functools.lru_cache(maxsize=1)
def _school_data() -> SchoolHolidayDates:
    return SchoolHolidayDates()


@functools.lru_cache(maxsize=8)
def school_data_coverage(zone: str) -> tuple[date, date]:
    """The first and last day for which we know whether ``zone`` has school.

    The data covers whole school years: it ends with the last day of the last summer
    holiday it lists.

    >>> school_data_coverage("A")[0]
    datetime.date(1990, 1, 1)
    """
    zone = _check_zone(zone)
    data = _school_data()
    key = data.zone_key(zone)
    days = [day for day, row in data.data.items() if row[key]]
    return date(data.min_year, 1, 1), max(days)


def _check_zone(zone: str) -> str:
    normalized = str(zone).strip().upper()
    if normalized in SCHOOL_ZONES:
        return normalized
    if normalized in _ZONES_WITHOUT_DATA or normalized.startswith("OUTRE"):
        raise HolidayDataUnavailable(
            f"no school-holiday data for zone {zone!r}; known zones: {', '.join(SCHOOL_ZONES)}"
        )
    raise UnknownHolidayArea(f"unknown school zone {zone!r}; known zones: A, B, C")


def _check_covered(zone: str, first: date, last: date) -> None:
    low, high = school_data_coverage(zone)
    if first < low or last > high:
        raise HolidayDataUnavailable(
            f"school holidays of zone {zone} are only known from {low} to {high}"
        )


def school_holidays(zone: str, start: date, end: date) -> list[SchoolHoliday]:
    """The school holidays of ``zone`` that overlap ``[start, end)``.

    Parameters:
        zone: ``"A"``, ``"B"`` or ``"C"``.
        start: First day of the period.
        end: Day after the period (exclusive).

    Returns:
        Holidays in date order, each whole (it may begin before ``start`` or end after
        ``end``), with an exclusive ``end`` (the day school starts again).

    Raises:
        calendars.errors.HolidayDataUnavailable: For Corse and outre-mer, or when the
            period is not fully covered by the data.
        calendars.errors.UnknownHolidayArea: For any other zone name.
        ValueError: When ``end`` is not after ``start``.
    """
    zone = _check_zone(zone)
    if end <= start:
        raise ValueError("end must be after start")
    _check_covered(zone, start, end - timedelta(days=1))
    return [item for item in _all_school_holidays(zone) if item.end > start and item.start < end]


@functools.lru_cache(maxsize=8)
def _all_school_holidays(zone: str) -> tuple[SchoolHoliday, ...]:
    data = _school_data()
    key = data.zone_key(zone)
    result: list[SchoolHoliday] = []
    first: date | None = None
    previous: date | None = None
    name = ""
    for day in sorted(data.data):
        row = data.data[day]
        if not row[key]:
            continue
        if previous is not None and day == previous + timedelta(days=1) and row["nom_vacances"] == name:
            previous = day
            continue
        if first is not None and previous is not None:
            result.append(SchoolHoliday(zone, name, first, previous + timedelta(days=1)))
        first = previous = day
        name = row["nom_vacances"]
    if first is not None and previous is not None:
        result.append(SchoolHoliday(zone, name, first, previous + timedelta(days=1)))
    return tuple(result)


def is_school_day(zone: str, day: date, *, area: str = "metropole") -> bool:
    """Whether schools of ``zone`` have classes on ``day``.

    A school day is a Monday to Friday that is neither a school holiday of the zone nor
    a public holiday of ``area``. Wednesdays count (most collèges and lycées teach on
    Wednesday mornings).

    Parameters:
        zone: ``"A"``, ``"B"`` or ``"C"``.
        day: The day.
        area: Public-holiday area of the school, ``"alsace-moselle"`` for the académies
            of Strasbourg and the Moselle.

    Raises:
        calendars.errors.HolidayDataUnavailable: For Corse and outre-mer, or a day the
            data does not cover.
        calendars.errors.UnknownHolidayArea: For an unknown zone or area.
    """
    zone = _check_zone(zone)
    _check_covered(zone, day, day)
    if day.weekday() >= 5:
        return False
    if _school_data().is_holiday_for_zone(day, zone):
        return False
    return not public_holidays(day, day + timedelta(days=1), area=area)


def public_holidays(start: date, end: date, *, area: str) -> list[PublicHoliday]:
    """The public holidays (jours fériés) in ``[start, end)``.

    Parameters:
        start: First day.
        end: Day after the last (exclusive).
        area: ``"metropole"``, ``"alsace-moselle"`` (adds Good Friday and 26 December),
            or an outre-mer département code ``"971"`` to ``"976"``.

    Returns:
        Holidays in date order, with their French names.

    Raises:
        calendars.errors.UnknownHolidayArea: For another area.
        calendars.errors.HolidayDataUnavailable: Outside the years ``holidays`` covers.
        ValueError: When ``end`` is before ``start``.
    """
    key = str(area).strip().lower()
    if key not in PUBLIC_HOLIDAY_AREAS:
        raise UnknownHolidayArea(
            f"unknown public-holiday area {area!r}; known: {', '.join(PUBLIC_HOLIDAY_AREAS)}"
        )
    if end < start:
        raise ValueError("end must not be before start")
    first_year = getattr(holidays_data.France, "start_year", 1803)
    last_year = getattr(holidays_data.France, "end_year", 2100)
    if start.year < first_year or (end - timedelta(days=1)).year > last_year:
        raise HolidayDataUnavailable(
            f"public holidays are only known from {first_year} to {last_year}"
        )
    days = _public_holidays_of_years(PUBLIC_HOLIDAY_AREAS[key], start.year, end.year)
    return [PublicHoliday(day, name) for day, name in days if start <= day < end]


@functools.lru_cache(maxsize=64)
def _public_holidays_of_years(
    subdivision: str | None, first_year: int, last_year: int
) -> tuple[tuple[date, str], ...]:
    calendar = holidays_data.France(
        subdiv=subdivision, years=range(first_year, last_year + 1), language="fr"
    )
    return tuple(sorted(calendar.items()))

"""The preferred date windows of a request, checked against the school's calendar.

Windows in the past, backwards, too long, or lying wholly in the school's holidays are refused;
windows that touch holidays or public holidays only get a warning (a visit may still fit).
Corse and outre-mer have no school-holiday data in `calendars`, and the data stops after the
last published school year: then we say we cannot check rather than guess "no holidays".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

import calendars
from app.models import TimeOfDay

MAX_WINDOWS = 3
MAX_WINDOW_DAYS = 122  # about four months: a term, not a year
MAX_AHEAD_DAYS = 550  # the current and the next school year


@dataclass(frozen=True)
class Window:
    start: date | None
    end: date | None
    time_of_day: TimeOfDay = TimeOfDay.ANY

    @property
    def is_blank(self) -> bool:
        return self.start is None and self.end is None


@dataclass
class WindowCheck:
    """Per window index: errors (refusals) and warnings; notes are about the whole form."""

    errors: dict[int, str] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        return {
            "errors": {str(i): str(m) for i, m in self.errors.items()},
            "warnings": {str(i): [str(m) for m in ms] for i, ms in self.warnings.items()},
            "notes": [str(n) for n in self.notes],
        }


def check(windows: list[Window], *, zone: str | None, area: str | None, today: date) -> WindowCheck:
    """Check the windows; `zone` and `area` are None while the school is not known yet."""
    result = WindowCheck()
    no_school_data = False
    for index, window in enumerate(windows):
        if window.is_blank:
            continue
        error = _shape_error(window, today)
        if error:
            result.errors[index] = error
            continue
        end = window.end + timedelta(days=1)  # calendars takes exclusive ends
        warnings: list[str] = []
        if zone is not None:
            try:
                holidays = calendars.school_holidays(zone, window.start, end)
            except calendars.HolidayDataUnavailable:
                no_school_data = True
                holidays = []
            if holidays and _all_within(window, holidays):
                result.errors[index] = _l(
                    "Cette période tombe entièrement pendant les vacances scolaires (%(names)s) : "
                    "choisissez des dates où l'établissement a cours.", names=_names(holidays))
                continue
            for holiday in holidays:
                warnings.append(_l(
                    "Attention : %(name)s de la zone %(zone)s, du %(start)s au %(end)s.", name=holiday.name,
                    zone=zone, start=format_date(holiday.start, "d MMMM"),
                    end=format_date(holiday.end - timedelta(days=1), "d MMMM y")))
        if area is not None:
            try:
                public = calendars.public_holidays(window.start, end, area=area)
            except calendars.HolidayError:
                public = []
            for holiday in public:
                warnings.append(_l("Attention : le %(day)s est férié (%(name)s).",
                                   day=format_date(holiday.day, "EEEE d MMMM"), name=holiday.name))
        if warnings:
            result.warnings[index] = warnings
    if no_school_data:
        result.notes.append(_l(
            "Nous ne pouvons pas vérifier les vacances scolaires de votre établissement (calendrier de "
            "Corse, d'outre-mer ou pas encore publié) : vérifiez vous-même que vos dates tombent en "
            "période de cours."))
    return result


def _shape_error(window: Window, today: date) -> str | None:
    if window.start is None:
        return _l("Indiquez la date de début de cette période.")
    if window.end is None:
        return _l("Indiquez la date de fin de cette période.")
    if window.end < window.start:
        return _l("La fin de la période doit être après son début.")
    if window.start < today:
        return _l("Cette période commence dans le passé : choisissez des dates à venir.")
    if (window.end - window.start).days >= MAX_WINDOW_DAYS:
        return _l("Une période dure au plus quatre mois : proposez plutôt plusieurs périodes.")
    if (window.start - today).days > MAX_AHEAD_DAYS:
        return _l("Nous planifions l'année scolaire en cours et la suivante : choisissez des dates plus proches.")
    return None


def _all_within(window: Window, holidays) -> bool:
    day = window.start
    while day <= window.end:
        if not any(h.start <= day < h.end for h in holidays):
            return False
        day += timedelta(days=1)
    return True


def _names(holidays) -> str:
    return ", ".join(dict.fromkeys(h.name for h in holidays))

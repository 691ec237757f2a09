"""French school holidays by zone and public holidays, with clear refusals outside data."""

from __future__ import annotations

from datetime import date

import pytest

from calendars import (
    HolidayDataUnavailable,
    UnknownHolidayArea,
    is_school_day,
    public_holidays,
    school_holidays,
)
from calendars.french_holidays import school_data_coverage


def test_winter_holidays_2026_differ_by_zone():
    february = {zone: [(h.name, h.start, h.end) for h in
                       school_holidays(zone, date(2026, 2, 1), date(2026, 3, 15))]
                for zone in "ABC"}
    assert february["A"] == [("Vacances d'hiver", date(2026, 2, 7), date(2026, 2, 23))]
    assert february["C"] == [("Vacances d'hiver", date(2026, 2, 21), date(2026, 3, 9))]
    assert february["B"][0].__class__ is tuple and february["B"] != february["A"]


def test_holidays_overlapping_the_period_are_returned_whole():
    (christmas,) = school_holidays("B", date(2026, 1, 1), date(2026, 1, 2))
    assert christmas.name == "Vacances de Noël"
    assert christmas.start < date(2026, 1, 1) < christmas.end
    assert christmas.last_day == date(2026, 1, 4)


def test_is_school_day_counts_weekdays_outside_holidays_and_public_holidays():
    assert is_school_day("C", date(2026, 3, 10))  # a Tuesday in term
    assert is_school_day("C", date(2026, 3, 11))  # Wednesdays count
    assert not is_school_day("C", date(2026, 3, 14))  # Saturday
    assert not is_school_day("C", date(2026, 2, 24))  # zone C winter holidays
    assert is_school_day("A", date(2026, 2, 24))  # zone A is back at school
    assert not is_school_day("A", date(2026, 5, 8))  # Victoire 1945, a Friday


def test_alsace_moselle_good_friday_is_not_a_school_day_there():
    good_friday = date(2026, 4, 3)
    assert is_school_day("B", good_friday)
    assert not is_school_day("B", good_friday, area="alsace-moselle")


def test_public_holidays_metropole_and_alsace_moselle():
    metropole = public_holidays(date(2026, 1, 1), date(2027, 1, 1), area="metropole")
    alsace = public_holidays(date(2026, 1, 1), date(2027, 1, 1), area="alsace-moselle")
    assert len(metropole) == 11
    extra = {(h.day, h.name) for h in alsace} - {(h.day, h.name) for h in metropole}
    assert extra == {(date(2026, 4, 3), "Vendredi saint"), (date(2026, 12, 26), "Saint-Étienne")}
    assert metropole[0].name == "Jour de l'an"


@pytest.mark.parametrize("area, day", [("971", date(2026, 5, 27)), ("972", date(2026, 5, 22)),
                                       ("973", date(2026, 6, 10)), ("974", date(2026, 12, 20)),
                                       ("976", date(2026, 4, 27))])
def test_outre_mer_abolition_of_slavery_days(area, day):
    days = [holiday.day for holiday in public_holidays(date(2026, 1, 1), date(2027, 1, 1),
                                                       area=area)]
    assert day in days


def test_beyond_the_published_school_calendars_raises_instead_of_guessing():
    first, last = school_data_coverage("A")
    assert last >= date(2027, 8, 31)
    with pytest.raises(HolidayDataUnavailable):
        is_school_day("A", last.replace(year=last.year + 1))
    with pytest.raises(HolidayDataUnavailable):
        school_holidays("A", date(2026, 1, 1), last.replace(year=last.year + 2))
    with pytest.raises(HolidayDataUnavailable):
        is_school_day("A", date(first.year - 1, 6, 1))


@pytest.mark.parametrize("zone", ["Corse", "971", "974", "outre-mer"])
def test_zones_without_school_data_raise_a_clear_error(zone):
    with pytest.raises(HolidayDataUnavailable, match="no school-holiday data"):
        is_school_day(zone, date(2026, 3, 10))


def test_unknown_zone_or_area_is_refused():
    with pytest.raises(UnknownHolidayArea):
        school_holidays("D", date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(UnknownHolidayArea):
        public_holidays(date(2026, 1, 1), date(2026, 2, 1), area="bretagne")
    with pytest.raises(HolidayDataUnavailable):
        public_holidays(date(2101, 1, 1), date(2101, 2, 1), area="metropole")

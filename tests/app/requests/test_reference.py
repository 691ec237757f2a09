"""UAI check letters and the académie → zone table of SPEC.md."""

import pytest

from app.reference.academies import ACADEMIES, DEPARTEMENTS, academie_for_departement
from app.reference.uai import departement_of_uai, is_valid_uai, normalize_uai


@pytest.mark.parametrize("uai", ["0750654D", "0693446W", "0311902Z", "0750655E", " 0750654d "])
def test_valid_uai(uai):
    assert is_valid_uai(uai)


@pytest.mark.parametrize("uai", ["0750654E", "075065D", "07506544", "", "ABCDEFGH"])
def test_invalid_uai(uai):
    assert not is_valid_uai(uai)


def test_uai_departement():
    assert departement_of_uai("0750654D") == "75"
    assert departement_of_uai("9740001H") == "974"
    assert departement_of_uai("6200001A") == "2A"
    assert normalize_uai(" 0750654d") == "0750654D"


def test_every_metropolitan_departement_has_an_academie():
    metropolitan = [d for d in DEPARTEMENTS if len(d) == 2]
    assert len(metropolitan) == 96


@pytest.mark.parametrize(
    "zone, codes",
    [
        ("A", ["besancon", "bordeaux", "clermont-ferrand", "dijon", "grenoble", "limoges", "lyon", "poitiers"]),
        ("B", ["aix-marseille", "amiens", "lille", "nancy-metz", "nantes", "nice", "normandie", "orleans-tours",
               "reims", "rennes", "strasbourg"]),
        ("C", ["creteil", "montpellier", "paris", "toulouse", "versailles"]),
    ],
)
def test_holiday_zones_match_the_spec(zone, codes):
    assert sorted(a.code for a in ACADEMIES.values() if a.zone == zone) == sorted(codes)


def test_academie_for_departement():
    assert academie_for_departement("93").code == "creteil"
    assert academie_for_departement("2a").code == "corse"
    assert academie_for_departement("974").timezone == "Indian/Reunion"

"""Académies, their holiday zone and région académique, and the départements they cover."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Academie:
    code: str  # URL-safe slug, used in feeds (/feeds/public/<code>.ics)
    name: str
    zone: str  # "A", "B", "C", "corse" or "outre-mer"
    region: str
    departements: tuple[str, ...]
    timezone: str = "Europe/Paris"


_ACADEMIES = (
    Academie("aix-marseille", "Aix-Marseille", "B", "Provence-Alpes-Côte d'Azur", ("04", "05", "13", "84")),
    Academie("amiens", "Amiens", "B", "Hauts-de-France", ("02", "60", "80")),
    Academie("besancon", "Besançon", "A", "Bourgogne-Franche-Comté", ("25", "39", "70", "90")),
    Academie("bordeaux", "Bordeaux", "A", "Nouvelle-Aquitaine", ("24", "33", "40", "47", "64")),
    Academie("clermont-ferrand", "Clermont-Ferrand", "A", "Auvergne-Rhône-Alpes", ("03", "15", "43", "63")),
    Academie("corse", "Corse", "corse", "Corse", ("2A", "2B")),
    Academie("creteil", "Créteil", "C", "Île-de-France", ("77", "93", "94")),
    Academie("dijon", "Dijon", "A", "Bourgogne-Franche-Comté", ("21", "58", "71", "89")),
    Academie("grenoble", "Grenoble", "A", "Auvergne-Rhône-Alpes", ("07", "26", "38", "73", "74")),
    Academie("lille", "Lille", "B", "Hauts-de-France", ("59", "62")),
    Academie("limoges", "Limoges", "A", "Nouvelle-Aquitaine", ("19", "23", "87")),
    Academie("lyon", "Lyon", "A", "Auvergne-Rhône-Alpes", ("01", "42", "69")),
    Academie("montpellier", "Montpellier", "C", "Occitanie", ("11", "30", "34", "48", "66")),
    Academie("nancy-metz", "Nancy-Metz", "B", "Grand Est", ("54", "55", "57", "88")),
    Academie("nantes", "Nantes", "B", "Pays de la Loire", ("44", "49", "53", "72", "85")),
    Academie("nice", "Nice", "B", "Provence-Alpes-Côte d'Azur", ("06", "83")),
    Academie("normandie", "Normandie", "B", "Normandie", ("14", "27", "50", "61", "76")),
    Academie("orleans-tours", "Orléans-Tours", "B", "Centre-Val de Loire", ("18", "28", "36", "37", "41", "45")),
    Academie("paris", "Paris", "C", "Île-de-France", ("75",)),
    Academie("poitiers", "Poitiers", "A", "Nouvelle-Aquitaine", ("16", "17", "79", "86")),
    Academie("reims", "Reims", "B", "Grand Est", ("08", "10", "51", "52")),
    Academie("rennes", "Rennes", "B", "Bretagne", ("22", "29", "35", "56")),
    Academie("strasbourg", "Strasbourg", "B", "Grand Est", ("67", "68")),
    Academie("toulouse", "Toulouse", "C", "Occitanie", ("09", "12", "31", "32", "46", "65", "81", "82")),
    Academie("versailles", "Versailles", "C", "Île-de-France", ("78", "91", "92", "95")),
    Academie("guadeloupe", "Guadeloupe", "outre-mer", "Guadeloupe", ("971",), "America/Guadeloupe"),
    Academie("martinique", "Martinique", "outre-mer", "Martinique", ("972",), "America/Martinique"),
    Academie("guyane", "Guyane", "outre-mer", "Guyane", ("973",), "America/Cayenne"),
    Academie("la-reunion", "La Réunion", "outre-mer", "La Réunion", ("974",), "Indian/Reunion"),
    Academie("mayotte", "Mayotte", "outre-mer", "Mayotte", ("976",), "Indian/Mayotte"),
)

ACADEMIES: dict[str, Academie] = {a.code: a for a in _ACADEMIES}
ACADEMIE_BY_DEPARTEMENT: dict[str, Academie] = {d: a for a in _ACADEMIES for d in a.departements}
DEPARTEMENTS: tuple[str, ...] = tuple(sorted(ACADEMIE_BY_DEPARTEMENT))
REGIONS: dict[str, tuple[str, ...]] = {}
for _a in _ACADEMIES:
    REGIONS.setdefault(_a.region, ())
    REGIONS[_a.region] += (_a.code,)
ZONES = ("A", "B", "C", "corse", "outre-mer")


def academie_for_departement(departement: str) -> Academie:
    """The académie of a département code ("75", "2A", "974"); KeyError if unknown."""
    return ACADEMIE_BY_DEPARTEMENT[departement.upper()]


def academie_name(code: str) -> str:
    """The académie's proper name ("Créteil") for its code ("creteil"); unknown codes as given."""
    academie = ACADEMIES.get(code)
    return academie.name if academie else code

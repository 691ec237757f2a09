"""What the demo data is made of: the demo accounts, French names, places, jobs and companies,
and the small helpers every part of the demo uses (Paris times, school days, slugs)."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta

from app import labels, local_time
from app.models import (
    JobFamily,
    SchoolKind,
)

DEMO_ORGANIZER = ("organisatrice@rencontres.example", "Claire Organisatrice", "rencontres-demo")
DEMO_ADMIN = ("admin@rencontres.example", "Admin Rencontres", "rencontres-admin")

# A few real communes per département used by the demo.
COMMUNES = {
    "75": [("Paris", "75011"), ("Paris", "75013"), ("Paris", "75019")],
    "92": [("Nanterre", "92000"), ("Gennevilliers", "92230")],
    "78": [("Mantes-la-Jolie", "78200"), ("Poissy", "78300")],
    "93": [("Saint-Denis", "93200"), ("Aubervilliers", "93300"), ("Montreuil", "93100")],
    "94": [("Vitry-sur-Seine", "94400"), ("Ivry-sur-Seine", "94200")],
    "69": [("Lyon", "69008"), ("Vénissieux", "69200"), ("Villeurbanne", "69100")],
    "38": [("Grenoble", "38000"), ("Échirolles", "38130")],
    "59": [("Lille", "59000"), ("Roubaix", "59100"), ("Dunkerque", "59140")],
    "31": [("Toulouse", "31200"), ("Blagnac", "31700"), ("Colomiers", "31770")],
    "44": [("Nantes", "44300"), ("Saint-Nazaire", "44600")],
    "33": [("Bordeaux", "33800"), ("Mérignac", "33700")],
    "13": [("Marseille", "13015"), ("Martigues", "13500"), ("Aix-en-Provence", "13090")],
    "35": [("Rennes", "35200"), ("Fougères", "35300")],
    "67": [("Strasbourg", "67100"), ("Haguenau", "67500")],
    "974": [("Saint-Denis", "97400"), ("Le Port", "97420")],
}
COORDS = {
    "75": (48.857, 2.352), "92": (48.892, 2.207), "78": (48.990, 1.717), "93": (48.936, 2.357),
    "94": (48.787, 2.392), "69": (45.750, 4.850), "38": (45.188, 5.724), "59": (50.629, 3.057),
    "31": (43.604, 1.444), "44": (47.218, -1.553), "33": (44.837, -0.579), "13": (43.296, 5.370),
    "35": (48.117, -1.677), "67": (48.573, 7.752), "974": (-20.882, 55.450),
}
NEIGHBOURS = {
    "75": ["92", "93", "94"], "92": ["75", "78"], "78": ["92"], "93": ["75", "94"], "94": ["75", "93"],
    "69": ["38"], "38": ["69"], "59": [], "31": [], "44": ["35"], "33": [], "13": [], "35": ["44"],
    "67": [], "974": [],
}
PATRONS = ["Marie Curie", "Simone Veil", "Louise Michel", "Jean Moulin", "Irène Joliot-Curie", "Olympe de Gouges",
           "Victor Hugo", "Jules Verne", "Sophie Germain", "Ada Lovelace", "Gustave Eiffel", "Rosa Parks",
           "Lucie Aubrac", "Paul Langevin", "Camille Claudel", "Hélène Boucher", "Marie Marvingt", "Joséphine Baker"]
SCHOOL_KINDS = [
    (SchoolKind.COLLEGE, "Collège"), (SchoolKind.COLLEGE, "Collège"), (SchoolKind.LYCEE, "Lycée"),
    (SchoolKind.LYCEE_PRO, "Lycée professionnel"), (SchoolKind.CFA, "CFA de l'industrie"),
]
FIRST_NAMES_F = ["Amina", "Camille", "Chloé", "Émilie", "Fatou", "Inès", "Julie", "Karima", "Léa", "Manon",
                 "Nadia", "Océane", "Pauline", "Sarah", "Sophie", "Yasmine", "Zoé", "Aurélie", "Laura", "Mélanie"]
FIRST_NAMES_M = ["Karim", "Julien", "Mehdi", "Thomas", "Nicolas", "Samuel", "Yanis"]
LAST_NAMES = ["Martin", "Bernard", "Diallo", "Nguyen", "Moreau", "Lefèvre", "Benali", "Garcia", "Petit", "Roux",
              "Fontaine", "Mercier", "Haddad", "Lambert", "Traoré", "Dubois", "Morel", "Girard", "Chevalier", "Perrin"]
JOBS = {
    JobFamily.OPERATOR: ["Opératrice de production", "Conductrice de ligne", "Soudeuse", "Pilote d'installation"],
    JobFamily.TECHNICIAN: ["Technicienne de maintenance", "Technicienne qualité", "Électrotechnicienne",
                           "Technicienne méthodes"],
    JobFamily.ENGINEER: ["Ingénieure procédés", "Ingénieure R&D", "Ingénieure en automatisme", "Ingénieure matériaux"],
    JobFamily.MANAGER: ["Responsable de production", "Cheffe de projet industriel", "Responsable HSE",
                        "Responsable supply chain"],
    JobFamily.EXECUTIVE: ["Directrice d'usine", "Présidente-directrice générale", "Directrice industrielle"],
    JobFamily.APPRENTICE: ["Apprentie en maintenance industrielle", "Apprentie en chaudronnerie"],
}
FAMILY_WEIGHTS = [(JobFamily.OPERATOR, 22), (JobFamily.TECHNICIAN, 26), (JobFamily.ENGINEER, 26),
                  (JobFamily.MANAGER, 14), (JobFamily.EXECUTIVE, 7), (JobFamily.APPRENTICE, 5)]
SECTORS = list(labels.SECTORS)
COMPANIES = ["Aérocomposites du Sud-Ouest", "Forges de l'Est", "Laiterie Coopérative de l'Ouest",
             "Chimie Rhône Process", "Énergies Nouvelles Atlantique", "Métallerie Lilloise",
             "Laboratoires Pharmadelta", "Plastiques Alpins", "Tissages du Nord", "Électronique de Précision",
             "Ateliers Ferroviaires", "Chantiers Navals de l'Estuaire", "Cosmétiques Provence", "Usine Connectée SAS"]
TOPICS = list(labels.THEMES)
CLASS_LEVELS = ["4e", "3e", "2nde", "1re", "Tle", "2nde pro", "1re pro", "Tle pro", "BTS", "CFA"]


def paris(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=local_time.DISPLAY_ZONE).astimezone(UTC)


def school_day(rng: random.Random, start: date, span_days: int) -> date:
    while True:
        day = start + timedelta(days=rng.randrange(span_days))
        if day.weekday() < 5 and day.weekday() != 2 or rng.random() < 0.2 and day.weekday() == 2:
            return day


def token_hash(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(32)).hexdigest()


def ascii_slug(value: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower().replace(" ", "-")

"""Realistic French demo data for `flask seed-demo`, so `make run` shows a living service.

Everything is generated from a seeded random generator: the same seed gives the same data.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from app import labels, local_time
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    AvailabilityException,
    AvailabilityWindow,
    ContactRole,
    Delivery,
    EducationPriority,
    Event,
    EventSchool,
    EventStatus,
    EventType,
    HolidayZone,
    JobFamily,
    RequestStatus,
    RequestWindow,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    School,
    SchoolContact,
    SchoolKind,
    TimeOfDay,
    User,
    UserRole,
    VisitRequest,
)
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT
from app.reference.uai import uai_check_letter

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
    JobFamily.TECHNICIAN: ["Technicienne de maintenance", "Technicienne qualité", "Électrotechnicienne", "Technicienne méthodes"],
    JobFamily.ENGINEER: ["Ingénieure procédés", "Ingénieure R&D", "Ingénieure en automatisme", "Ingénieure matériaux"],
    JobFamily.MANAGER: ["Responsable de production", "Cheffe de projet industriel", "Responsable HSE", "Responsable supply chain"],
    JobFamily.EXECUTIVE: ["Directrice d'usine", "Présidente-directrice générale", "Directrice industrielle"],
    JobFamily.APPRENTICE: ["Apprentie en maintenance industrielle", "Apprentie en chaudronnerie"],
}
FAMILY_WEIGHTS = [(JobFamily.OPERATOR, 22), (JobFamily.TECHNICIAN, 26), (JobFamily.ENGINEER, 26),
                  (JobFamily.MANAGER, 14), (JobFamily.EXECUTIVE, 7), (JobFamily.APPRENTICE, 5)]
SECTORS = list(labels.SECTORS)
COMPANIES = ["Aérocomposites du Sud-Ouest", "Forges de l'Est", "Laiterie Coopérative de l'Ouest", "Chimie Rhône Process",
             "Énergies Nouvelles Atlantique", "Métallerie Lilloise", "Laboratoires Pharmadelta", "Plastiques Alpins",
             "Tissages du Nord", "Électronique de Précision", "Ateliers Ferroviaires", "Chantiers Navals de l'Estuaire",
             "Cosmétiques Provence", "Usine Connectée SAS"]
TOPICS = list(labels.THEMES)
CLASS_LEVELS = ["4e", "3e", "2nde", "1re", "Tle", "2nde pro", "1re pro", "Tle pro", "BTS", "CFA"]


def already_seeded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(School)))


def clear() -> None:
    """Delete all domain data (children first, so foreign keys hold on every backend)."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.flush()


def _paris(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=local_time.DISPLAY_ZONE).astimezone(UTC)


def _school_day(rng: random.Random, start: date, span_days: int) -> date:
    while True:
        day = start + timedelta(days=rng.randrange(span_days))
        if day.weekday() < 5 and day.weekday() != 2 or rng.random() < 0.2 and day.weekday() == 2:
            return day


def _token_hash(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(32)).hexdigest()


def seed(*, seed: int = 2026, today: date | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    today = today or date.today()

    admin = User(email=DEMO_ADMIN[0], full_name=DEMO_ADMIN[1], role=UserRole.ADMIN)
    admin.set_password(DEMO_ADMIN[2])
    from app.models import OrganizerScope

    organizer = User(email=DEMO_ORGANIZER[0], full_name=DEMO_ORGANIZER[1], role=UserRole.ORGANIZER)
    organizer.set_password(DEMO_ORGANIZER[2])
    organizer.scopes = [OrganizerScope(academie=a) for a in ("paris", "creteil", "versailles", "lyon", "grenoble")]
    db.session.add_all([admin, organizer])

    schools = _seed_schools(rng)
    role_models = _seed_role_models(rng)
    db.session.flush()
    requests = _seed_requests(rng, schools, today)
    events = _seed_events(rng, schools, role_models, requests, organizer, today)
    db.session.flush()
    return {
        "users": 2 + len(role_models),
        "schools": len(schools),
        "role models": len(role_models),
        "requests": len(requests),
        "events": len(events),
        "assignments": sum(len(e.assignments) for e in events),
    }


def _seed_schools(rng: random.Random) -> list[School]:
    schools: list[School] = []
    used: set[str] = set()
    departements = list(COMMUNES)
    for i in range(42):
        dep = departements[i % len(departements)]
        academie = ACADEMIE_BY_DEPARTEMENT[dep]
        kind, prefix = rng.choice(SCHOOL_KINDS)
        commune, postal = rng.choice(COMMUNES[dep])
        while True:
            digits = (dep.zfill(3) if len(dep) == 2 else dep) + f"{rng.randrange(10000):04d}"
            if digits not in used:
                used.add(digits)
                break
        lat, lon = COORDS[dep]
        schools.append(
            School(
                uai=digits + uai_check_letter(digits),
                name=f"{prefix} {rng.choice(PATRONS)}",
                kind=kind,
                commune=commune,
                postal_code=postal,
                departement=dep,
                academie=academie.code,
                zone=HolidayZone(academie.zone),
                priority=rng.choices(list(EducationPriority), weights=[6, 3, 1])[0],
                latitude=lat + rng.uniform(-0.05, 0.05),
                longitude=lon + rng.uniform(-0.05, 0.05),
            )
        )
    db.session.add_all(schools)
    return schools


def _seed_role_models(rng: random.Random) -> list[RoleModel]:
    role_models: list[RoleModel] = []
    families, weights = zip(*FAMILY_WEIGHTS)
    for i in range(150):
        woman = rng.random() < 0.8
        first = rng.choice(FIRST_NAMES_F if woman else FIRST_NAMES_M)
        last = rng.choice(LAST_NAMES)
        family = rng.choices(families, weights=weights)[0]
        title = rng.choice(JOBS[family])
        if not woman:
            title = title.replace("Opératrice", "Opérateur").replace("Conductrice", "Conducteur").replace(
                "Soudeuse", "Soudeur").replace("Technicienne", "Technicien").replace("Électrotechnicienne",
                "Électrotechnicien").replace("Ingénieure", "Ingénieur").replace("Cheffe", "Chef").replace(
                "Directrice", "Directeur").replace("Présidente", "Président").replace("Apprentie", "Apprenti")
        home = rng.choice(list(COMMUNES))
        email = f"{_ascii(first)}.{_ascii(last)}.{i}@demo.rencontres.example"
        user = User(email=email, full_name=f"{first} {last}", role=UserRole.ROLE_MODEL)
        status = rng.choices(list(RoleModelStatus), weights=[8, 84, 8])[0]
        rm = RoleModel(
            user=user,
            first_name=first,
            last_name=last,
            job_title=title,
            job_family=family,
            company=rng.choice(COMPANIES),
            sectors=rng.sample(SECTORS, k=rng.randint(1, 3)),
            languages=["fr"] + (["en"] if rng.random() < 0.4 else []),
            event_types=rng.sample([t.value for t in EventType], k=rng.randint(2, 4)),
            accepts_in_person=True,
            accepts_remote=rng.random() < 0.35,
            home_departement=home,
            monthly_cap=rng.choice([1, 2, 2, 3, 4]),
            presentation=f"{title} chez {rng.choice(COMPANIES)}, je raconte mon parcours et mon quotidien.",
            status=status,
        )
        rm.departements = [RoleModelDepartement(departement=d) for d in [home, *NEIGHBOURS[home]]]
        for weekday in rng.sample(range(5), k=rng.randint(1, 3)):
            morning = rng.random() < 0.5
            rm.windows.append(
                AvailabilityWindow(
                    weekday=weekday,
                    start_time=time(8, 30) if morning else time(13, 30),
                    end_time=time(12, 30) if morning else time(17, 30),
                )
            )
        if rng.random() < 0.2:
            start = date.today() + timedelta(days=rng.randrange(10, 80))
            rm.exceptions.append(AvailabilityException(start_date=start, end_date=start + timedelta(days=rng.randint(3, 14)), reason="Congés"))
        role_models.append(rm)
    db.session.add_all(role_models)
    return role_models


def _seed_requests(rng: random.Random, schools: list[School], today: date) -> list[VisitRequest]:
    requests: list[VisitRequest] = []
    statuses = [RequestStatus.SUBMITTED] * 10 + [RequestStatus.IN_REVIEW] * 8 + [RequestStatus.SCHEDULED] * 12 + [
        RequestStatus.COMPLETED] * 5 + [RequestStatus.DECLINED] * 3 + [RequestStatus.WITHDRAWN] * 2
    for i, status in enumerate(statuses):
        school = schools[i % len(schools)]
        contact = SchoolContact(
            school=school,
            full_name=f"{rng.choice(FIRST_NAMES_F + FIRST_NAMES_M)} {rng.choice(LAST_NAMES)}",
            role=rng.choice(list(ContactRole)),
            email=f"contact{i}@ac-demo.example",
        )
        headcount = rng.randint(18, 32)
        submitted = datetime.now(UTC) - timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 23))
        start = today + timedelta(days=rng.randint(7, 70))
        request = VisitRequest(
            school=school,
            contact=contact,
            format=rng.choices(list(EventType), weights=[1, 3, 6, 2])[0],
            delivery=rng.choice([Delivery.IN_PERSON, Delivery.IN_PERSON, Delivery.EITHER]),
            class_levels=rng.sample(CLASS_LEVELS, k=rng.randint(1, 2)),
            headcount=headcount,
            girls_count=rng.randint(headcount // 4, headcount // 2 + 2),
            topics=rng.sample(TOPICS, k=rng.randint(1, 3)),
            remarks=rng.choice(["", "Classe très motivée par les métiers techniques.", "Salle équipée d'un vidéoprojecteur."]),
            status=status,
            followup_token_hash=_token_hash(rng),
            submitted_at=submitted,
        )
        for w in range(rng.randint(1, 3)):
            s = start + timedelta(days=14 * w)
            request.windows.append(RequestWindow(start_date=s, end_date=s + timedelta(days=rng.randint(2, 10)),
                                                 time_of_day=rng.choice(list(TimeOfDay))))
        if status == RequestStatus.DECLINED:
            request.status_reason = "Aucune marraine disponible sur ces dates."
        requests.append(request)
    db.session.add_all(requests)
    return requests


def _seed_events(rng, schools, role_models, requests, organizer, today) -> list[Event]:
    events: list[Event] = []
    active = [rm for rm in role_models if rm.status == RoleModelStatus.ACTIVE]
    held: dict[int, list[tuple[datetime, datetime]]] = {}  # nobody is booked twice at once
    plan = (
        [(EventStatus.DRAFT, 6), (EventStatus.SCHEDULED, 16), (EventStatus.CONFIRMED, 20),
         (EventStatus.COMPLETED, 8), (EventStatus.CANCELLED, 5)]
    )
    scheduled_requests = [r for r in requests if r.status in (RequestStatus.SCHEDULED, RequestStatus.COMPLETED)]
    for status, count in plan:
        for _ in range(count):
            event_type = rng.choices(list(EventType), weights=[2, 3, 6, 2])[0]
            request = None
            if event_type == EventType.SCHOOL_VISIT and scheduled_requests and status != EventStatus.DRAFT:
                request = scheduled_requests.pop()
                if request.status == RequestStatus.COMPLETED:
                    status_for = EventStatus.COMPLETED
                else:
                    status_for = status if status != EventStatus.COMPLETED else EventStatus.CONFIRMED
            else:
                status_for = status
            school = request.school if request else rng.choice(schools)
            if status_for == EventStatus.COMPLETED:
                day = _school_day(rng, today - timedelta(days=40), 35)
            else:
                day = _school_day(rng, today + timedelta(days=3), 88)
            morning = rng.random() < 0.5
            start = _paris(day, time(9, 0) if morning else time(14, 0))
            hours = {EventType.SCHOOL_VISIT: 2, EventType.ROUNDTABLE: 2, EventType.CONFERENCE: 2,
                     EventType.DISCOVERY_HALF_DAY: 3}[event_type]
            seats = {EventType.SCHOOL_VISIT: (1, 2), EventType.ROUNDTABLE: (3, 4), EventType.CONFERENCE: (1, 3),
                     EventType.DISCOVERY_HALF_DAY: (2, 4)}[event_type]
            is_public = event_type in (EventType.CONFERENCE, EventType.DISCOVERY_HALF_DAY) and rng.random() < 0.7
            titles = {
                EventType.SCHOOL_VISIT: f"Intervention au {school.name}",
                EventType.ROUNDTABLE: f"Table ronde « Les filles et l'industrie » — {school.commune}",
                EventType.CONFERENCE: f"Conférence « L'industrie a besoin de vous » — {school.commune}",
                EventType.DISCOVERY_HALF_DAY: f"Demi-journée découverte des métiers — {school.commune}",
            }
            event = Event(
                type=event_type,
                title=titles[event_type],
                description="Rencontre avec des femmes et des hommes de l'industrie : parcours, métiers, questions.",
                status=status_for,
                start_at=start,
                end_at=start + timedelta(hours=hours),
                timezone="Indian/Reunion" if school.departement == "974" else local_time.DISPLAY_TIMEZONE,
                venue=school.name if event_type != EventType.CONFERENCE else f"Salle des fêtes de {school.commune}",
                address=f"{rng.randint(1, 120)} rue de l'Industrie",
                commune=school.commune,
                departement=school.departement,
                academie=school.academie,
                latitude=school.latitude,
                longitude=school.longitude,
                capacity=rng.choice([60, 120, 200]) if is_public else None,
                role_models_min=seats[0],
                role_models_max=seats[1],
                topics=request.topics if request else rng.sample(TOPICS, k=2),
                is_public=is_public,
                sequence=rng.randint(0, 2) if status_for != EventStatus.CANCELLED else rng.randint(1, 3),
                visit_request=request,
                organizer=organizer,
            )
            if status_for == EventStatus.CANCELLED:
                event.cancel_reason = "Grève des transports, reportée à une date ultérieure."
                event.cancelled_at = datetime.now(UTC) - timedelta(days=rng.randint(1, 10))
            event.schools.append(EventSchool(school=school, class_level=rng.choice(CLASS_LEVELS),
                                             headcount=request.headcount if request else rng.randint(20, 30),
                                             girls_count=request.girls_count if request else rng.randint(6, 15)))
            _assign(rng, event, active, held)
            events.append(event)
    db.session.add_all(events)
    return events


_ASSIGNMENT_MIX = {
    EventStatus.DRAFT: [AssignmentStatus.PROPOSED],
    EventStatus.SCHEDULED: [AssignmentStatus.PROPOSED, AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED,
                            AssignmentStatus.DECLINED],
    EventStatus.CONFIRMED: [AssignmentStatus.CONFIRMED],
    EventStatus.COMPLETED: [AssignmentStatus.CONFIRMED],
    EventStatus.CANCELLED: [AssignmentStatus.CANCELLED],
}


def _assign(rng: random.Random, event: Event, active: list[RoleModel],
            held: dict[int, list[tuple[datetime, datetime]]]) -> None:
    local = [rm for rm in active if event.departement in {d.departement for d in rm.departements}]
    pool = local if len(local) >= event.role_models_max else active
    chosen = rng.sample(pool, k=min(len(pool), rng.randint(event.role_models_min, event.role_models_max)))
    now = datetime.now(UTC)
    for rm in chosen:
        status = rng.choice(_ASSIGNMENT_MIX[event.status])
        if status in (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED):
            times = held.setdefault(id(rm), [])
            if any(start < event.end_at and event.start_at < end for start, end in times):
                continue  # the database refuses overlapping engagements (app/models/assignment.py)
            times.append((event.start_at, event.end_at))
        a = Assignment(role_model=rm, status=status, score=round(rng.uniform(0.5, 0.98), 2),
                       explanation={"reasons": ["covers_departement", "sector_match"]})
        if status != AssignmentStatus.PROPOSED:
            a.invited_at = now - timedelta(days=rng.randint(2, 12))
        if status in (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED, AssignmentStatus.DECLINED):
            a.responded_at = now - timedelta(days=1)
        if status == AssignmentStatus.CONFIRMED:
            a.confirmed_at = now - timedelta(hours=12)
        event.assignments.append(a)


def _ascii(value: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower().replace(" ", "-")

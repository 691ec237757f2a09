"""Demo role models: accounts, profiles, départements, availability, some pending or paused."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from app.demo import data
from app.extensions import db
from app.models import (
    AvailabilityException,
    AvailabilityWindow,
    EventType,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    User,
    UserRole,
)


def seed_role_models(rng: random.Random) -> list[RoleModel]:
    role_models: list[RoleModel] = []
    families, weights = zip(*data.FAMILY_WEIGHTS)
    for i in range(150):
        woman = rng.random() < 0.8
        first = rng.choice(data.FIRST_NAMES_F if woman else data.FIRST_NAMES_M)
        last = rng.choice(data.LAST_NAMES)
        family = rng.choices(families, weights=weights)[0]
        title = rng.choice(data.JOBS[family])
        if not woman:
            title = title.replace("Opératrice", "Opérateur").replace("Conductrice", "Conducteur").replace(
                "Soudeuse", "Soudeur").replace("Technicienne", "Technicien").replace("Électrotechnicienne",
                "Électrotechnicien").replace("Ingénieure", "Ingénieur").replace("Cheffe", "Chef").replace(
                "Directrice", "Directeur").replace("Présidente", "Président").replace("Apprentie", "Apprenti")
        home = rng.choice(list(data.COMMUNES))
        email = f"{data.ascii_slug(first)}.{data.ascii_slug(last)}.{i}@demo.rencontres.example"
        user = User(email=email, full_name=f"{first} {last}", role=UserRole.ROLE_MODEL)
        status = rng.choices((RoleModelStatus.PENDING, RoleModelStatus.ACTIVE, RoleModelStatus.PAUSED),
                             weights=[8, 84, 8])[0]
        rm = RoleModel(
            user=user,
            first_name=first,
            last_name=last,
            job_title=title,
            job_family=family,
            company=rng.choice(data.COMPANIES),
            sectors=rng.sample(data.SECTORS, k=rng.randint(1, 3)),
            languages=["fr"] + (["en"] if rng.random() < 0.4 else []),
            event_types=rng.sample([t.value for t in EventType], k=rng.randint(2, 4)),
            accepts_in_person=True,
            accepts_remote=rng.random() < 0.35,
            home_departement=home,
            monthly_cap=rng.choice([1, 2, 2, 3, 4]),
            presentation=f"{title} chez {rng.choice(data.COMPANIES)}, je raconte mon parcours et mon quotidien.",
            status=status,
        )
        rm.departements = [RoleModelDepartement(departement=d) for d in [home, *data.NEIGHBOURS[home]]]
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
            rm.exceptions.append(AvailabilityException(
                start_date=start, end_date=start + timedelta(days=rng.randint(3, 14)), reason="Congés"
            ))
        role_models.append(rm)
    db.session.add_all(role_models)
    return role_models



"""Realistic French demo data for `flask seed-demo`, so `make run` shows a living service.

Everything is generated from a seeded random generator: the same seed gives the same data.
Schools and requests, role models and events are each made by their own module of app/demo.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import delete, func, select

from app.demo import data
from app.demo import events as demo_events
from app.demo import programmes as demo_programmes
from app.demo import role_models as demo_role_models
from app.demo import schools as demo_schools
from app.extensions import db
from app.models import (
    OrganizerScope,
    School,
    User,
    UserRole,
)


def already_seeded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(School)))


def clear() -> None:
    """Delete all domain data (children first, so foreign keys hold on every backend)."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.flush()


def seed(*, seed: int = 2026, today: date | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    today = today or date.today()

    admin = User(email=data.DEMO_ADMIN[0], full_name=data.DEMO_ADMIN[1], role=UserRole.ADMIN)
    admin.set_password(data.DEMO_ADMIN[2])


    organizer = User(email=data.DEMO_ORGANIZER[0], full_name=data.DEMO_ORGANIZER[1], role=UserRole.ORGANIZER)
    organizer.set_password(data.DEMO_ORGANIZER[2])
    organizer.scopes = [OrganizerScope(academie=a) for a in ("paris", "creteil", "versailles", "lyon", "grenoble")]
    db.session.add_all([admin, organizer])

    schools = demo_schools.seed_schools(rng)
    role_models = demo_role_models.seed_role_models(rng)
    db.session.flush()
    requests = demo_schools.seed_requests(rng, schools, today)
    events = demo_events.seed_events(rng, schools, role_models, requests, organizer, today)
    db.session.flush()
    events += demo_programmes.seed_programmes(rng, schools, role_models, organizer, today)
    db.session.flush()
    return {
        "users": 2 + len(role_models),
        "schools": len(schools),
        "role models": len(role_models),
        "requests": len(requests),
        "events": len(events),
        "assignments": sum(len(e.assignments) for e in events),
    }



"""Benchmark of the impact statistics: time and query count of `statistics.compute` for one
school year, national (admin) and for one région's organizer, as the data grows.

Synthetic data per size N: N events over the year (60 % completed, with one or two schools
each and school feedback for half of them), N requests, N/2 role models with N confirmed
assignments. Time is the median of several runs on a warm session; the query count comes
from a `before_cursor_execute` listener and must not change with N.

    .venv/bin/python bench/impact_statistics.py [--sizes 1000 10000] [--runs 5] [--database-url URL]

Prints a table, then one line of JSON with the same figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics as stats
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Assignment,
    AssignmentStatus,
    EducationPriority,
    Event,
    EventFeedback,
    EventSchool,
    EventStatus,
    EventType,
    FeedbackRespondent,
    HolidayZone,
    JobFamily,
    OrganizerScope,
    RequestStatus,
    RoleModel,
    School,
    SchoolKind,
    User,
    UserRole,
    VisitRequest,
)
from app.reference.academies import ACADEMIES  # noqa: E402
from app.services.statistics import impact
from config import TestConfig  # noqa: E402

YEAR = impact.Period(date(2026, 9, 1), date(2027, 9, 1))
NOW = datetime(2027, 9, 15, tzinfo=UTC)
METRO = [a for a in ACADEMIES.values() if a.zone in ("A", "B", "C")]


def populate(n: int, rng: random.Random) -> None:
    start = datetime(2026, 9, 1, 7, tzinfo=UTC)
    schools = []
    for i in range(max(20, n // 5)):
        academie = rng.choice(METRO)
        schools.append({"id": i + 1, "uai": f"{i:07d}A", "name": f"Établissement {i}", "commune": "X",
                        "kind": rng.choice(list(SchoolKind)), "departement": academie.departements[0],
                        "academie": academie.code, "zone": HolidayZone(academie.zone),
                        "priority": rng.choice(list(EducationPriority)), "created_at": start})
    db.session.execute(insert(School), schools)
    statuses = [EventStatus.COMPLETED] * 6 + [EventStatus.CONFIRMED, EventStatus.SCHEDULED, EventStatus.CANCELLED,
                                             EventStatus.DRAFT]
    events, event_schools, feedback, requests = [], [], [], []
    for i in range(n):
        at = start + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        school = rng.choice(schools)
        status = rng.choice(statuses)
        events.append({"id": i + 1, "uid": f"bench-{i}", "type": rng.choice(list(EventType)), "title": f"E{i}",
                       "status": status, "start_at": at, "end_at": at + timedelta(hours=2),
                       "departement": school["departement"], "academie": school["academie"],
                       "cancel_reason": (rng.choice(["Grève", "Intempéries", "Absence"])
                                         if status == "cancelled" else None),
                       "created_at": at - timedelta(days=20), "updated_at": at})
        for s in {school["id"], rng.choice(schools)["id"]} if i % 3 == 0 else {school["id"]}:
            event_schools.append({"event_id": i + 1, "school_id": s, "headcount": 28, "girls_count": 13})
            if i % 2 == 0:
                feedback.append({"event_id": i + 1, "respondent": FeedbackRespondent.SCHOOL, "respondent_id": s,
                                 "pupils_attended": 25, "girls_attended": 12, "submitted_at": at})
        requests.append({"school_id": school["id"], "format": EventType.SCHOOL_VISIT, "headcount": 28,
                         "girls_count": 13, "status": rng.choice(list(RequestStatus)),
                         "followup_token_hash": f"{i:064d}", "submitted_at": at - timedelta(days=30),
                         "updated_at": at, "class_levels": [], "topics": [], "remarks": ""})
    db.session.execute(insert(Event), events)
    db.session.execute(insert(EventSchool), event_schools)
    db.session.execute(insert(EventFeedback), feedback)
    db.session.execute(insert(VisitRequest), requests)
    role_models = [{"id": i + 1, "first_name": "M", "last_name": str(i), "job_title": "T",
                    "job_family": rng.choice(list(JobFamily)), "company": "C",
                    "sectors": rng.sample(["aéronautique", "chimie", "énergie", "automobile"], 2),
                    "home_departement": rng.choice(METRO).departements[0], "status": "active",
                    "created_at": start - timedelta(days=rng.randrange(0, 900)), "updated_at": start}
                   for i in range(max(10, n // 2))]
    db.session.execute(insert(RoleModel), role_models)
    pairs = {(rng.randrange(n) + 1, rng.randrange(len(role_models)) + 1) for _ in range(n)}
    held: dict[int, list[tuple]] = {}  # the database refuses overlapping engagements of one person
    rows = []
    for e, r in sorted(pairs):
        event = events[e - 1]
        if any(s < event["end_at"] and event["start_at"] < t for s, t in held.get(r, [])):
            continue
        held.setdefault(r, []).append((event["start_at"], event["end_at"]))
        rows.append({"event_id": e, "role_model_id": r, "status": AssignmentStatus.CONFIRMED, "explanation": {},
                     "proposed_at": start, "updated_at": start, "start_at": event["start_at"],
                     "end_at": event["end_at"]})
    db.session.execute(insert(Assignment), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # planner statistics, as autovacuum keeps them in production
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def measure(actor, runs: int) -> tuple[float, int]:
    count = 0

    def before(*args):
        nonlocal count
        count += 1

    impact.compute(actor, YEAR, now=NOW)  # warm up
    sa_event.listen(db.engine, "before_cursor_execute", before)
    impact.compute(actor, YEAR, now=NOW)
    sa_event.remove(db.engine, "before_cursor_execute", before)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        impact.compute(actor, YEAR, now=NOW)
        times.append(time.perf_counter() - t)
    return stats.median(times) * 1000, count


def run(url: str, n: int, runs: int) -> dict:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        populate(n, random.Random(n))
        admin = User(email="a@example.org", full_name="A", role=UserRole.ADMIN)
        organizer = User(email="o@example.org", full_name="O", role=UserRole.ORGANIZER,
                         scopes=[OrganizerScope(academie=c) for c in ("paris", "creteil", "versailles")])
        db.session.add_all([admin, organizer])
        db.session.commit()
        national_ms, national_q = measure(admin, runs)
        region_ms, region_q = measure(organizer, runs)
        db.session.remove()  # end the read transaction before dropping the tables
        db.drop_all()
        db.engine.dispose()
    return {"events": n, "national_ms": round(national_ms, 1), "national_queries": national_q,
            "region_ms": round(region_ms, 1), "region_queries": region_q}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        results = [run(url, n, args.runs) for n in args.sizes]
    backend = url.split(":", 1)[0]
    print(f"statistics.compute, one school year, {backend}, median of {args.runs} runs")
    print(f"{'events':>8} {'national ms':>12} {'queries':>8} {'région ms':>10} {'queries':>8}")
    for r in results:
        print(f"{r['events']:>8} {r['national_ms']:>12} {r['national_queries']:>8} {r['region_ms']:>10} "
              f"{r['region_queries']:>8}")
    print(json.dumps({"benchmark": "statistics", "backend": backend, "runs": args.runs, "results": results}))


if __name__ == "__main__":
    main()

"""Whole-plan benchmark: a synthetic national week written to a database, then `plan_period`.

    .venv/bin/python bench/matching.py [--events 5000] [--role-models 20000] [--seed 2026]
                                       [--backends sqlite,postgresql] [--postgres URL]

The week is bench/synthetic_week.py's (same generator, same seed), laid on the real map: the 96
synthetic départements are matched to the 96 metropolitan ones by a min-cost assignment of
positions, so neighbours stay neighbours. Written with executemany: role models, the
départements they cover, weekly windows (morning 08:00-13:30, afternoon 13:30-19:00, Paris),
busy blocks from their own calendar, existing engagements this week and earlier in the month
(confirmed assignments, so they hold time and caps), and past engagements (recent load).

Then, for each backend, in a fresh process: `proposals.plan_period` for the week plus the commit
— reading the database, candidate building, the solve, explanations, writing the proposals —
timed as "whole plan"; peak RSS is that process's high-water mark. Greedy then runs on the very
problem candidate building produced, for comparison. PostgreSQL: a temporary database created
on the server of --postgres or TEST_DATABASE_URL, dropped afterwards.
Targets (issue 7): solver <= 5 s, whole plan <= 60 s, peak <= 1 GiB, seats >= greedy's.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import synthetic_week as sw  # noqa: E402

MONDAY = date(2027, 3, 22)  # Semaine de l'industrie 2027 (before the switch to summer time)
NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)  # the plan runs three weeks ahead
PARIS = ZoneInfo("Europe/Paris")
SECTORS = ("aéronautique", "automobile", "agroalimentaire", "chimie", "énergie", "métallurgie", "pharmacie",
           "plasturgie", "textile", "électronique")
TYPES = ("school_visit", "discovery_half_day", "conference", "roundtable")
FAMILIES = ("operator", "technician", "engineer", "manager", "executive")
BATCH = 10_000


# --- the week on the real map -----------------------------------------------------------------


def real_departements(geo: sw.Geography) -> list[str]:
    """Synthetic index -> metropolitan département, keeping the layout (min-cost assignment)."""
    from ortools.graph.python import linear_sum_assignment

    from app.reference.departements import PREFECTURES

    codes = sorted(c for c in PREFECTURES if len(c) == 2)
    lat = np.array([PREFECTURES[c][0] for c in codes])
    lon = np.array([PREFECTURES[c][1] for c in codes])
    real = np.stack([(lon - 2.5) * 111.32 * math.cos(math.radians(46.5)), (lat - 46.5) * 110.57], 1)
    synth = geo.position.astype(float)
    synth = (synth - synth.min(0)) / np.ptp(synth, 0) * np.ptp(real, 0) + real.min(0)
    cost = np.linalg.norm(synth[:, None] - real[None], axis=-1).round().astype(np.int64)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    n = len(codes)
    solver.add_arcs_with_cost(np.repeat(np.arange(n), n), np.tile(np.arange(n), n), cost.ravel())
    assert solver.solve() == solver.OPTIMAL
    return [codes[solver.right_mate(i)] for i in range(n)]


def generate(n_events: int, n_role_models: int, seed: int) -> dict[str, list[dict]]:
    from app.reference.academies import ACADEMIE_BY_DEPARTEMENT

    rng = np.random.default_rng(seed)  # the same draws, in the same order, as build_week
    geo = sw.build_geography(rng)
    rm = sw._role_models(rng, geo, n_role_models)
    ev = sw._events(rng, geo, n_events)
    extra = np.random.default_rng(seed + 1)
    code = real_departements(geo)
    now = datetime.now(UTC)

    def instant(minutes: int, day: date = MONDAY) -> datetime:
        return datetime.combine(day, datetime.min.time(), PARIS).astimezone(UTC) + timedelta(minutes=int(minutes))

    rows: dict[str, list[dict]] = {k: [] for k in (
        "role_models", "role_model_departements", "availability_windows", "external_calendars", "busy_intervals",
        "events", "assignments")}
    for r in range(n_role_models):
        home = int(rm["home"][r])
        rows["role_models"].append({
            "id": r + 1, "first_name": "Marraine", "last_name": f"N{r + 1}", "job_title": "Métier industriel",
            "job_family": FAMILIES[int(rm["family"][r])], "company": "Entreprise", "status": "active",
            "sectors": [SECTORS[int(rm["sector"][r])]], "languages": ["fr", "en"] if rm["english"][r] else ["fr"],
            "event_types": [], "accepts_in_person": True, "accepts_remote": False,
            # the generator's cap left, plus the engagements written below (they use it up again)
            "home_departement": code[home], "monthly_cap": int(rm["remaining"][r] + (rm["busy_start"][r, -1] >= 0)),
            "late_cancellations": int(round(1 / max(float(rm["reliability"][r]), 0.2) - 1)),
            "presentation": "", "created_at": now, "updated_at": now,
        })
        for d in np.flatnonzero(geo.hops[home] <= rm["radius"][r]).tolist():
            rows["role_model_departements"].append({"role_model_id": r + 1, "departement": code[d]})
        for half in range(sw.HALF_DAYS):
            if (int(rm["window"][r]) >> half) & 1:
                start, end = ((8, 0), (13, 30)) if half % 2 == 0 else ((13, 30), (19, 0))
                rows["availability_windows"].append({
                    "role_model_id": r + 1, "weekday": half // 2,
                    "start_time": datetime(2000, 1, 1, *start).time(), "end_time": datetime(2000, 1, 1, *end).time()})
    event_id = 0
    times: dict[int, tuple[datetime, datetime]] = {}

    def add_event(start: datetime, end: datetime, departement: str, status: str, **kw) -> int:
        nonlocal event_id
        event_id += 1
        rows["events"].append({
            "id": event_id, "uid": f"bench-{event_id}-{uuid.uuid4().hex[:8]}@rencontres.example",
            "type": kw.get("type", "school_visit"), "title": kw.get("title", f"Rencontre {event_id}"),
            "description": "", "status": status, "start_at": start, "end_at": end, "timezone": "Europe/Paris",
            "is_online": False, "venue": "", "address": "", "commune": "", "departement": departement,
            "academie": ACADEMIE_BY_DEPARTEMENT[departement].code, "role_models_min": kw.get("seats_min", 1),
            "role_models_max": kw.get("seats_max", 1), "topics": kw.get("topics", []), "is_public": False,
            "sequence": 0, "created_at": now, "updated_at": now,
        })
        times[event_id] = (start, end)
        return event_id

    def engage(rm_index: int, event: int, status: str = "confirmed") -> None:
        start, end = times[event]  # holding assignments carry their event's times
        rows["assignments"].append({
            "event_id": event, "role_model_id": rm_index + 1, "status": status, "score": None, "explanation": {},
            "link_version": 1, "proposed_at": now, "updated_at": now, "start_at": start, "end_at": end})

    for i in range(n_events):
        topics = ([SECTORS[int(ev["sector"][i])]] if ev["sector"][i] >= 0 else []) + (
            ["anglais"] if ev["english"][i] else [])
        add_event(instant(ev["start"][i]), instant(ev["end"][i]), code[int(ev["departement"][i])], "scheduled",
                  type=TYPES[int(ev["kind"][i])], seats_min=int(ev["seats_min"][i]),
                  seats_max=int(ev["seats_max"][i]), topics=topics)
    calendar_id = 0
    for r in range(n_role_models):
        blocks = [b for b in range(rm["busy_start"].shape[1] - 1) if rm["busy_start"][r, b] >= 0]
        if blocks:
            calendar_id += 1
            rows["external_calendars"].append({"id": calendar_id, "role_model_id": r + 1, "label": "Agenda",
                                               "url": f"https://calendar.example/{r + 1}.ics", "created_at": now,
                                               "failure_count": 0})
            for b in blocks:
                rows["busy_intervals"].append({
                    "calendar_id": calendar_id, "role_model_id": r + 1,
                    "start_at": instant(rm["busy_start"][r, b]), "end_at": instant(rm["busy_end"][r, b])})
        home = code[int(rm["home"][r])]
        if rm["busy_start"][r, -1] >= 0:  # an engagement this week, at that block
            engage(r, add_event(instant(rm["busy_start"][r, -1]), instant(rm["busy_end"][r, -1]), home, "confirmed"))
    # engagements earlier in the month (caps) and over the last 90 days (recent load)
    cap_used = extra.random(n_role_models) < 0.15
    for r in np.flatnonzero(cap_used).tolist():
        day = MONDAY - timedelta(days=int(extra.integers(7, 12)))
        engage(r, add_event(instant(9 * 60, day), instant(11 * 60, day), code[int(rm["home"][r])], "confirmed"))
        rows["role_models"][r]["monthly_cap"] += 1
    # past events: four 2-hour slots a day over the last 88 days; a person's are on distinct days
    past: dict[tuple[int, int], int] = {}
    for r in range(n_role_models):
        for d in extra.choice(np.arange(2, 90), min(int(rm["recent_load"][r]), 5), replace=False).tolist():
            slot = int(extra.integers(0, 4))
            if (d, slot) not in past:
                start = NOW - timedelta(days=d) + timedelta(hours=slot * 2)
                past[d, slot] = add_event(start, start + timedelta(hours=2),
                                          code[int(extra.integers(0, sw.N_DEPARTEMENTS))], "completed", seats_max=4)
            engage(r, past[d, slot])
    return rows


# --- writing and planning ---------------------------------------------------------------------


def write(url: str, rows: dict[str, list[dict]]) -> float:
    from app import create_app
    from app.extensions import db
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        with db.engine.begin() as conn:
            for name in ("role_models", "role_model_departements", "availability_windows", "external_calendars",
                         "busy_intervals", "events", "assignments"):
                table = db.metadata.tables[name]
                for lo in range(0, len(rows[name]), BATCH):
                    conn.execute(table.insert(), rows[name][lo:lo + BATCH])
            if conn.dialect.name == "postgresql":
                for name in ("role_models", "events", "external_calendars"):
                    conn.exec_driver_sql(f"SELECT setval('{name}_id_seq', (SELECT max(id) FROM {name}))")
                conn.exec_driver_sql("ANALYZE")
            else:
                conn.exec_driver_sql("ANALYZE")
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return seconds


def _plan(url: str, queue) -> None:
    from app import create_app
    from app.extensions import db
    from app.matching.costs import evaluate
    from app.matching.greedy import solve_greedy
    from app.matching.preferences import load_weights
    from app.services.pairing import proposals
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        rss_ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = proposals.plan_period(MONDAY, MONDAY + timedelta(days=4), now=NOW)
        db.session.commit()
        whole, whole_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        problem, solution = summary.candidates.problem, summary.solution
        weights = load_weights()
        started, cpu_started = time.perf_counter(), time.process_time()
        greedy = evaluate(problem, weights, solve_greedy(problem, weights))
        greedy_seconds, greedy_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        db.engine.dispose()
    queue.put({
        "whole_plan_seconds": round(whole, 2), "whole_plan_cpu_seconds": round(whole_cpu, 2),
        "stages": summary.timings, "stages_cpu": summary.cpu_timings,
        "solver_seconds": summary.timings.get("solve"), "solver_cpu_seconds": summary.cpu_timings.get("solve"),
        "solver_phases": {k: round(v, 3) for k, v in solution.timings.items()},
        "peak_rss_mib": round(peak, 1), "rss_before_plan_mib": round(rss_ready, 1),
        "events": summary.events, "arcs": len(problem.arcs), "conflicts": len(problem.conflicts),
        "seats_missing": summary.seats_missing, "proposals_written": summary.seats_proposed,
        "events_short": len(summary.unfilled), "short_by_reason": dict(summary.reason_counts),
        "status": solution.status, "method": solution.method, **solution.objective.as_dict(),
        "bound_cost": solution.bound.cost, "violations_repaired": solution.violations_repaired,
        "greedy": {"seconds": round(greedy_seconds, 2), "cpu_seconds": round(greedy_cpu, 2), **greedy.as_dict()},
    })


def plan_in_process(url: str) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_plan, args=(url, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def postgres_database(server_url: str):
    from scratch_database import temporary_postgres_database

    return temporary_postgres_database(server_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--role-models", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"),
                        help="server URL for the temporary database (default: TEST_DATABASE_URL)")
    args = parser.parse_args()

    started = time.perf_counter()
    rows = generate(args.events, args.role_models, args.seed)
    generate_seconds = time.perf_counter() - started
    results: dict[str, dict] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{tmp}/bench.sqlite3"
                setup = write(url, rows)
                load = [round(x, 2) for x in os.getloadavg()]
                results[backend] = {"setup_seconds": round(setup, 1), "load_before": load, **plan_in_process(url)}
        elif backend == "postgresql":
            if not args.postgres:
                print("postgresql: skipped (no --postgres and no TEST_DATABASE_URL)")
                continue
            with postgres_database(args.postgres) as url:
                setup = write(url, rows)
                load = [round(x, 2) for x in os.getloadavg()]
                results[backend] = {"setup_seconds": round(setup, 1), "load_before": load, **plan_in_process(url)}
        else:
            parser.error(f"unknown backend {backend!r}")
    load = [round(x, 2) for x in os.getloadavg()]
    report(args, rows, generate_seconds, results, load)


def report(args, rows, generate_seconds, results, load) -> None:
    counts = {k: len(v) for k, v in rows.items()}
    print(f"Synthetic national week: {args.events} events x {args.role_models} role models over 96 départements; "
          f"{sum(counts.values())} rows written ({counts}); generated in {generate_seconds:.1f} s")
    stages = ("read_events", "candidates", "solve", "explain", "write")
    print(f"{'backend':11} {'clock':5} {'setup':>6} {'plan':>7} {'read':>6} {'cands':>6} {'solve':>6} {'explain':>7} "
          f"{'write':>6} {'peak MiB':>9} {'seats':>6} {'/ max':>6} {'short':>6} {'cost':>8}  status")
    for name, r in results.items():
        for clock, whole, times in (("wall", r["whole_plan_seconds"], r["stages"]),
                                    ("cpu", r["whole_plan_cpu_seconds"], r["stages_cpu"])):
            setup = f"{r['setup_seconds']:6.1f}" if clock == "wall" else " " * 6
            cells = " ".join(f"{times.get(k, 0):{6 if k != 'explain' else 7}.2f}" for k in stages)
            tail = (f"{r['peak_rss_mib']:9.0f} {r['seats']:6d} {r['seats_missing']:6d} {r['events_short']:6d} "
                    f"{r['cost']:8d}  {r['status']} {r['method']}") if clock == "wall" else ""
            print(f"{name if clock == 'wall' else '':11} {clock:5} {setup} {whole:7.1f} {cells} {tail}")
        g = r["greedy"]
        print(f"{'  greedy':11} {'wall':5} {'':6} {'':7} {'':6} {'':6} {g['seconds']:6.2f} {'':7} {'':6} {'':9} "
              f"{g['seats']:6d} {r['seats_missing']:6d} {'':6} {g['cost']:8d}  "
              f"same problem (cpu {g['cpu_seconds']:.2f} s)")
    for name, r in results.items():
        print(f"{name}: load average before the plan {r['load_before']}; {r['arcs']} arcs, "
              f"{r['conflicts']} travel conflicts; solver phases (wall) {r['solver_phases']}; "
              f"flow bound {r['bound_cost']} (gap {r['cost'] - r['bound_cost']}, "
              f"{r['violations_repaired']} conflicts repaired); events short by reason {r['short_by_reason']}")
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    for name, r in results.items():
        print(f"targets on {name}: solver {r['solver_seconds']:.2f} s wall "
              f"({r['solver_cpu_seconds']:.2f} s cpu) <= 5 s "
              f"{ok(r['solver_seconds'] <= 5)}; whole plan {r['whole_plan_seconds']:.1f} s wall "
              f"({r['whole_plan_cpu_seconds']:.1f} s cpu) <= 60 s {ok(r['whole_plan_seconds'] <= 60)}; "
              f"peak {r['peak_rss_mib']:.0f} MiB <= 1024 {ok(r['peak_rss_mib'] <= 1024)}; "
              f"seats {r['seats']} >= greedy {r['greedy']['seats']} {ok(r['seats'] >= r['greedy']['seats'])}")
    print(f"load average at the end: {load} on {os.cpu_count()} cores (other work on the machine inflates wall times)")
    print(json.dumps({
        "benchmark": "matching", "events": args.events, "role_models": args.role_models, "seed": args.seed,
        "rows": counts, "generate_seconds": round(generate_seconds, 1), "load_average": load,
        "cpus": os.cpu_count(), "backends": results,
    }))


if __name__ == "__main__":
    main()

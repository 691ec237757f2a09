"""Benchmark of feed serving: a role model's feed of 200 events under gunicorn (2 workers).

Measured in the same run, with the same load generator (by default Python processes, each one
keep-alive http.client connection, on loopback, for a fixed duration; with `--load wrk`, wrk
with one thread, which leaves more of the machine to the servers):

- cold:  our feed with the render cache off (FEED_CACHE_MAX_BYTES=0): every request renders;
- warm:  our feed, served from the cache (token lookup + data stamp + cached bytes);
- 304:   our feed revalidated with If-None-Match;
- bare:  a bare Flask endpoint under the same gunicorn settings returning the same bytes;
- radicale: Radicale (a CalDAV server, from PyPI) serving the same 200 events, fetched as the
  collection's .ics export.

Targets (issue 4): warm >= 20x Radicale and >= 50% of bare; 304 >= 70% of bare.
Prints a table, then one line of JSON with the same figures.

    .venv/bin/pip install -r bench/requirements.txt      # Radicale
    .venv/bin/python bench/feeds.py [--seconds 2] [--rounds 5] [--connections 4] [--postgres URL]
                                    [--load wrk]                 # apt-get install wrk

The database is a throwaway SQLite file, or with --postgres (a server URL, as
TEST_DATABASE_URL) a throwaway PostgreSQL database, dropped at the end. On PostgreSQL the
servers run as in production, with the feeds' stamp watch (app/feeds/stamp_watch.py): a poll
of a known token reads nothing while the data stays the same. `FEED_STAMP_WATCH=0` in the
environment measures them without it (one query per poll).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- data ------------------------------------------------------------------------------------------


@contextmanager
def database(postgres: str | None, folder: Path):
    if not postgres:
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    from scratch_database import temporary_postgres_database

    with temporary_postgres_database(postgres) as url:
        yield url


def seed(database_url: str, events: int) -> tuple[str, bytes]:
    """A role model confirmed on `events` events; returns her feed token and feed bytes."""
    from app import create_app
    from app.extensions import db
    from app.feeds import rendering, tokens
    from app.models import (
        Assignment,
        AssignmentStatus,
        Event,
        EventSchool,
        EventStatus,
        EventType,
        FeedKind,
        JobFamily,
        RoleModel,
        RoleModelStatus,
        School,
        User,
        UserRole,
    )
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        organizer = User(email="orga@bench.example", full_name="Claire Organisatrice", role=UserRole.ORGANIZER)
        user = User(email="marraine@bench.example", full_name="Inès Diallo", role=UserRole.ROLE_MODEL)
        role_model = RoleModel(user=user, first_name="Inès", last_name="Diallo", job_title="Soudeuse",
                               job_family=JobFamily.TECHNICIAN, company="Chantiers Navals",
                               status=RoleModelStatus.ACTIVE)
        school = School(uai="0750001A", name="Collège Marie Curie", commune="Paris", departement="75",
                        academie="paris", zone="C")
        db.session.add_all([organizer, user, role_model, school])
        start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=2)
        for i in range(events):
            at = start + timedelta(days=i // 2, hours=(i % 2) * 5)
            event = Event(type=EventType.SCHOOL_VISIT, title=f"Intervention n° {i + 1} au collège Marie Curie",
                          description="Rencontre avec des femmes et des hommes de l'industrie : parcours, métiers,"
                                      " questions. Prévoir une salle avec vidéoprojecteur.",
                          status=EventStatus.CONFIRMED, start_at=at, end_at=at + timedelta(hours=2),
                          venue="Collège Marie Curie", address="12 rue de l'École", commune="Paris",
                          departement="75", academie="paris", latitude=48.85, longitude=2.35, organizer=organizer)
            event.schools.append(EventSchool(school=school, class_level="4e", headcount=28, girls_count=13))
            event.assignments.append(Assignment(role_model=role_model, status=AssignmentStatus.CONFIRMED,
                                                invited_at=datetime.now(UTC)))
            db.session.add(event)
        db.session.flush()
        token = tokens.issue(FeedKind.ROLE_MODEL, user=user)
        db.session.commit()
        body = rendering.role_model_feed(token).body
        db.session.remove()
        db.engine.dispose()
    return token, body


# --- servers ---------------------------------------------------------------------------------------


BARE_APP = """
from flask import Flask, Response
BODY = open({path!r}, "rb").read()
app = Flask(__name__)

@app.get("/feed.ics")
def feed():
    return Response(BODY, headers={{"Content-Type": "text/calendar; charset=utf-8"}})
"""


def gunicorn(stack: ExitStack, folder: Path, app: str, port: int, env: dict) -> None:
    command = [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", "2",
               "--bind", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning", app]
    log = open(folder / f"gunicorn-{port}.log", "w")
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    stack.callback(_stop, process)


def radicale(stack: ExitStack, folder: Path, port: int) -> None:
    storage = folder / "radicale"
    command = [str(BIN / "radicale"), "--server-hosts", f"127.0.0.1:{port}", "--auth-type", "none",
               "--rights-type", "owner_only", "--storage-filesystem-folder", str(storage), "--logging-level", "error"]
    log = open(folder / "radicale.log", "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    stack.callback(_stop, process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def wait_ready(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


# Radicale's "none" auth accepts any password; its rights need a user who owns the path.
RADICALE_AUTH = {"Authorization": "Basic " + __import__("base64").b64encode(b"bench:bench").decode()}


def load_radicale(port: int, body: bytes) -> str:
    """Put the same events in a Radicale calendar (one PUT of the whole calendar) and return the
    collection's path, whose GET is the .ics export."""
    path = "/bench/marraine/"
    status, answer, _ = request(port, "PUT", path, body, {"Content-Type": "text/calendar; charset=utf-8",
                                                          **RADICALE_AUTH})
    if status not in (200, 201, 204):
        raise RuntimeError(f"Radicale refused the calendar: {status} {answer[:300]!r}")
    return path


# --- load ------------------------------------------------------------------------------------------


def _client(port: int, path: str, headers: dict, seconds: float, expect: int, queue) -> None:
    latencies: list[float] = []
    errors = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    deadline = time.perf_counter() + seconds
    while True:
        started = time.perf_counter()
        if started >= deadline:
            break
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != expect:
                errors += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.perf_counter() - started)
    conn.close()
    queue.put((latencies, errors))


def measure(port: int, path: str, *, seconds: float, connections: int, headers: dict | None = None,
            expect: int = 200) -> dict:
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_client, args=(port, path, headers or {}, seconds, expect, queue))
               for _ in range(connections)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(lat for lats, _ in results for lat in lats)
    errors = sum(err for _, err in results)
    count = len(latencies)
    return {
        "requests": count,
        "errors": errors,
        "rps": round(count / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p99_ms": round(latencies[min(count - 1, int(count * 0.99))] * 1000, 2) if latencies else None,
    }


def measure_wrk(port: int, path: str, *, seconds: float, connections: int, headers: dict | None = None,
                expect: int = 200) -> dict:
    """The same measure with wrk (C, one thread): the load generator then takes little of the
    machine's two cores, so the figures say more about the servers than about the client."""
    command = ["wrk", "--threads", "1", "--connections", str(connections), "--duration",
               f"{max(1, round(seconds))}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True, timeout=seconds + 60).stdout
    lines = [line.split() for line in output.splitlines()]
    count = next(int(words[0]) for words in lines if words[1:2] == ["requests"])
    errors = sum(int(words[-1]) for words in lines if words[:2] == ["Non-2xx", "or"])
    errors += sum(int(n) for words in lines if words[:2] == ["Socket", "errors:"]
                  for n in " ".join(words[2:]).replace(",", "").split()[1::2])
    percentiles = {words[0]: _milliseconds(words[1]) for words in lines if len(words) == 2 and words[0][-1:] == "%"}
    return {
        "requests": count,
        "errors": errors,
        "rps": next(float(words[1]) for words in lines if words[:1] == ["Requests/sec:"]),
        "p50_ms": percentiles.get("50%"),
        "p99_ms": percentiles.get("99%"),
    }


def _milliseconds(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return round(float(text[: -len(unit)]) * factor, 2)
    raise ValueError(f"not a wrk duration: {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0, help="duration of each measure")
    parser.add_argument("--connections", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the best counts")
    parser.add_argument("--load", choices=("python", "wrk"), default="python",
                        help="load generator: Python processes (default) or wrk (Debian's package)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"),
                        help="PostgreSQL server URL for a throwaway database (default: SQLite)")
    args = parser.parse_args()
    if shutil.which("radicale", path=str(BIN)) is None:
        sys.exit("Radicale is missing: .venv/bin/pip install -r bench/requirements.txt")
    if args.load == "wrk" and shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    load = measure_wrk if args.load == "wrk" else measure

    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        database_url = stack.enter_context(database(args.postgres, folder))
        token, body = seed(database_url, args.events)
        (folder / "feed.ics").write_bytes(body)
        (folder / "bare_app.py").write_text(textwrap.dedent(BARE_APP.format(path=str(folder / "feed.ics"))))

        env = {"DATABASE_URL": database_url, "RENCONTRES_ENV": "production",
               "SECRET_KEY": "bench-only-secret-key-long-enough-for-production",
               "SCHEDULER_IN_PROCESS": "0", "PYTHONPATH": str(ROOT)}
        ports = {name: free_port() for name in ("warm", "cold", "bare", "radicale")}
        gunicorn(stack, folder, "wsgi:app", ports["warm"], env)
        gunicorn(stack, folder, "wsgi:app", ports["cold"], {**env, "FEED_CACHE_MAX_BYTES": "0"})
        gunicorn(stack, folder, "bare_app:app", ports["bare"], {"PYTHONPATH": str(folder)})
        radicale(stack, folder, ports["radicale"])
        feed_path = f"/feeds/role-models/{token}.ics"
        try:
            for name, path in (("warm", feed_path), ("cold", feed_path), ("bare", "/feed.ics"), ("radicale", "/")):
                wait_ready(ports[name], path)
        except RuntimeError:
            for log in folder.glob("*.log"):
                print(f"--- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise
        radicale_path = load_radicale(ports["radicale"], body)

        status, served, headers = request(ports["warm"], "GET", feed_path)
        assert status == 200 and served == body, "the warm server must serve the seeded feed"
        assert request(ports["bare"], "GET", "/feed.ics")[1] == body
        status, exported, _ = request(ports["radicale"], "GET", radicale_path, headers=RADICALE_AUTH)
        assert status == 200 and exported.count(b"BEGIN:VEVENT") == args.events, "Radicale must hold the events"
        etag = headers["ETag"]
        for port in (ports["warm"], ports["cold"]):  # let both workers of each server import and connect
            for _ in range(4):
                request(port, "GET", feed_path)

        run = {"seconds": args.seconds, "connections": args.connections}
        scenarios = {
            "cold": lambda: load(ports["cold"], feed_path, **run),
            "warm": lambda: load(ports["warm"], feed_path, **run),
            "304": lambda: load(ports["warm"], feed_path, headers={"If-None-Match": etag}, expect=304, **run),
            "bare": lambda: load(ports["bare"], "/feed.ics", **run),
            "radicale": lambda: load(ports["radicale"], radicale_path, headers=RADICALE_AUTH, **run),
        }
        # Rounds interleave the systems, so a burst of load from elsewhere on the machine hits
        # them all alike; each system keeps its best round.
        rounds: dict[str, list[dict]] = {name: [] for name in scenarios}
        for _ in range(args.rounds):
            for name, run_once in scenarios.items():
                rounds[name].append(run_once())
        figures = {name: max(results, key=lambda f: f["rps"]) for name, results in rounds.items()}

    bare, warm = figures["bare"]["rps"], figures["warm"]["rps"]
    ratios = {
        "warm_vs_radicale": round(warm / max(figures["radicale"]["rps"], 0.1), 1),
        "warm_vs_bare": round(warm / bare, 2),
        "not_modified_vs_bare": round(figures["304"]["rps"] / bare, 2),
    }
    targets = {"warm_vs_radicale": 20.0, "warm_vs_bare": 0.5, "not_modified_vs_bare": 0.7}
    backend = "postgresql" if args.postgres else "sqlite"
    if args.postgres:
        from config import Config  # what the servers read from the same environment

        backend += " (stamp watch on)" if Config.FEED_STAMP_WATCH else " (stamp watch off)"
    print(f"role model feed: {args.events} events, {len(body):,} bytes; gunicorn 2 workers (gthread, 2 threads); "
          f"{args.connections} keep-alive connections x {args.seconds:g} s ({args.load} load), "
          f"best of {args.rounds} interleaved rounds; "
          f"database: {backend}")
    print(f"{'measure':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    for name, f in figures.items():
        print(f"{name:<10} {f['rps']:>9,.1f} {f['p50_ms']:>8} {f['p99_ms']:>8} {f['requests']:>9} {f['errors']:>7}")
    for name, value in ratios.items():
        verdict = "ok" if value >= targets[name] else "MISSED"
        print(f"{name:<22} {value:>7}  (target >= {targets[name]})  {verdict}")
    print(json.dumps({"bench": "feeds", "events": args.events, "bytes": len(body), "backend": backend,
                      "connections": args.connections, "seconds": args.seconds, "load": args.load,
                      "rounds": args.rounds, "figures": figures,
                      "ratios": ratios, "targets": targets}, sort_keys=True))


if __name__ == "__main__":
    main()

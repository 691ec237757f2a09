"""Load test: gunicorn with 4 workers on a fresh PostgreSQL database, a realistic mix of
requests for a fixed number of requests, then the database and the logs are checked.

    .venv/bin/python bench/load.py [--requests 2000] [--clients 16] [--workers 4]
                                   [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Set-up, as in production (docs/deploy.md): a new database, `flask db upgrade`, the demo data,
then `gunicorn --workers 4 wsgi:app` with RENCONTRES_ENV=production, rate limits in Redis
(127.0.0.1:6379, database 14, keys deleted afterwards) and one trusted proxy: each simulated
school or person comes from an address of its own in X-Forwarded-For, as behind a load balancer.

The mix (shares of requests): calendar feeds polled by calendar apps (role models', schools',
public, a third of them conditional), public pages and API, schools sending the request form
(GET then POST), role models answering invitations from their email (GET then POST accept) on
a few "hot" events where seats are few and each person is invited to overlapping events at
once, organizers working (dashboard and lists through a session, confirmations and moves of
hot events through the API).

Checks afterwards, and the exit status says if one failed:
- no 5xx, and every request got an answer (no connection error, no timeout);
- no lost request: every request's X-Request-ID is in the app's JSON log, every form answered
  302 is a row, every acceptance answered 200 holds its seat;
- no double booking: nobody holds two overlapping engagements, no event above its maximum.

Prints a table (throughput, latency percentiles by kind, statuses) and ends with one JSON line.
Only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
from scratch_database import temporary_postgres_database
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

SECRET_KEY = "load-bench-secret-key-" + "x" * 32
REDIS_URL = "redis://127.0.0.1:6379/14"
PARIS = ZoneInfo("Europe/Paris")
MIX = {  # kind -> share of the tasks; form and answer tasks are two requests each
    "feed": 0.42, "public": 0.14, "form": 0.10, "answer": 0.12, "organizer_page": 0.08, "organizer_api": 0.14,
}
HOT_GROUPS, HOT_PER_GROUP, HOT_PEOPLE, HOT_SEATS = 3, 4, 12, 2


# --- set-up ------------------------------------------------------------------------------------------


def fresh_database(server_url: str):
    return temporary_postgres_database(server_url, prefix="rencontres_load")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class World:
    api_token: str = ""
    organizer: tuple[str, str] = ("", "")
    feeds: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    hot_events: list[int] = field(default_factory=list)
    uais: list[str] = field(default_factory=list)
    requests_before: int = 0


def seed(database_url: str) -> World:
    """Demo data, then the hot spots, written in-process (same SECRET_KEY as the server)."""
    from app import create_app
    from app.demo import data as demo_data
    from app.demo import seed as demo
    from app.extensions import db
    from app.feeds import tokens
    from app.models import (
        Assignment,
        AssignmentStatus,
        Event,
        EventStatus,
        EventType,
        FeedKind,
        RoleModel,
        RoleModelStatus,
        School,
        User,
        VisitRequest,
    )
    from app.services.accounts import api_tokens
    from app.services.pairing import answer_links
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY=SECRET_KEY)
    world = World()
    with app.app_context():
        demo.seed(seed=2026)
        db.session.flush()
        organizer = db.session.scalar(db.select(User).where(User.email == demo_data.DEMO_ORGANIZER[0]))
        world.organizer = (demo_data.DEMO_ORGANIZER[0], demo_data.DEMO_ORGANIZER[2])
        _row, world.api_token = api_tokens.create(organizer, name="load test")
        people = db.session.scalars(db.select(RoleModel).where(RoleModel.status == RoleModelStatus.ACTIVE,
                                                               RoleModel.user_id.is_not(None))).all()
        rng = random.Random(7)
        for rm in rng.sample(people, 15):
            world.feeds.append(f"/feeds/role-models/{tokens.issue(FeedKind.ROLE_MODEL, user=rm.user)}.ics")
        schools = db.session.scalars(db.select(School).where(School.academie == "paris")).all()
        for school in rng.sample(schools, min(15, len(schools))):
            world.feeds.append(f"/feeds/schools/{tokens.issue(FeedKind.SCHOOL, school=school)}.ics")
        world.feeds += ["/feeds/public.ics", "/feeds/public/paris.ics"]
        world.uais = [s.uai for s in schools]
        # Hot spots, far in the future so that no demo engagement is in the way: groups of
        # events at the same time, the same people invited to every event of their group.
        day = date.today() + timedelta(days=300)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        for group in range(HOT_GROUPS):
            start = datetime.combine(day + timedelta(days=group), dtime(10), PARIS).astimezone(UTC)
            invited = rng.sample(people, HOT_PEOPLE)
            for n in range(HOT_PER_GROUP):
                event = Event(type=EventType.SCHOOL_VISIT, title=f"Charge {group}.{n}", status=EventStatus.SCHEDULED,
                              start_at=start + timedelta(minutes=15 * n), end_at=start + timedelta(hours=2),
                              departement="75", academie="paris", role_models_min=1, role_models_max=HOT_SEATS,
                              organizer=organizer)
                db.session.add(event)
                for rm in invited:
                    event.assignments.append(Assignment(role_model=rm, status=AssignmentStatus.INVITED,
                                                        invited_at=datetime.now(UTC)))
                db.session.flush()
                world.hot_events.append(event.id)
                world.answers += [f"/espace/reponse/{answer_links.answer_token(a)}/accept" for a in event.assignments]
        world.requests_before = db.session.scalar(db.select(db.func.count()).select_from(VisitRequest))
        db.session.commit()
        db.engine.dispose()
    return world


def start_gunicorn(stack: ExitStack, env: dict, port: int, workers: int, log: Path) -> None:
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--timeout", "60", "wsgi:app"]
    out = open(log, "w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)

    def stop():
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        out.close()

    stack.callback(stop)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code in (200, 503):
                return
        except requests.RequestException:  # not listening yet, or workers still booting
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not start; see {log}")


# --- the load ----------------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    method: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    request_id: str


class Client:
    """One simulated person at a time: own session cookies, own address behind the proxy."""

    def __init__(self, base: str, world: World, rng: random.Random):
        self.base, self.world, self.rng = base, world, rng
        self.http = requests.Session()  # the browser in use for the current task
        self.anonymous = self.http  # calendar apps and visitors: no sign-in
        self.organizer = requests.Session()  # this client's organizer, signed in once
        self.results: list[Result] = []
        self.etags: dict[str, str] = {}
        self.forms_sent: list[str] = []
        self.accepted: list[str] = []
        self.signed_in = False
        # One address for this person's own requests (a session is bound to it: Flask-Login's
        # strong session protection); a school sending the form gets an address of its own.
        self.home = self.address()

    def call(self, kind: str, method: str, path: str, *, address: str | None = None, **kw) -> requests.Response | None:
        request_id = f"load-{uuid.uuid4().hex}"
        headers = {"X-Request-ID": request_id, "X-Forwarded-For": address or self.home,
                   **kw.pop("headers", {})}
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, headers=headers, timeout=60,
                                         allow_redirects=False, **kw)
            status = response.status_code
        except requests.RequestException:
            response, status = None, 0
        self.results.append(Result(kind, method, status, time.perf_counter() - started, request_id))
        return response

    def address(self) -> str:
        return "198.18.{}.{}".format(self.rng.randrange(256), self.rng.randrange(1, 255))

    def feed(self) -> None:
        path = self.rng.choice(self.world.feeds)
        headers = {"If-None-Match": self.etags[path]} if path in self.etags and self.rng.random() < 0.5 else {}
        response = self.call("feed", "GET", path, headers=headers)
        if response is not None and response.headers.get("ETag"):
            self.etags[path] = response.headers["ETag"]

    def public(self) -> None:
        self.call("public", "GET", self.rng.choice(["/", "/impact", "/api/v1/public/events", "/demandes/nouvelle"]))

    def as_browser(self, browser: requests.Session, task) -> None:
        previous, self.http = self.http, browser
        try:
            task()
        finally:
            self.http = previous

    def form(self) -> None:
        self.as_browser(requests.Session(), self._form)  # each school its own browser

    def _form(self) -> None:
        address = self.address()  # one school: one address for both requests
        page = self.call("form", "GET", "/demandes/nouvelle", address=address)
        if page is None or page.status_code != 200:
            return
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page.text).group(1)
        start = date.today() + timedelta(days=35 + self.rng.randrange(60))
        data = {
            "csrf_token": csrf, "idempotency_key": key, "uai": self.rng.choice(self.world.uais),
            "school_name": "Collège de charge", "commune": "Paris", "postal_code": "75013", "school_kind": "college",
            "priority": "none", "contact_name": "Professeure Charge", "contact_role": "teacher",
            "email": f"prof.{uuid.uuid4().hex[:8]}@ac-paris.fr", "phone": "", "class_levels": ["4e"],
            "headcount": "28", "girls_count": "13", "format": "school_visit", "delivery": "in_person",
            "topics": ["aéronautique"], "windows-0-start_date": start.isoformat(),
            "windows-0-end_date": (start + timedelta(days=20)).isoformat(), "windows-0-time_of_day": "any",
            "remarks": "", "consent": "y",
        }
        response = self.call("form", "POST", "/demandes/nouvelle", address=address, data=data)
        if response is not None and response.status_code == 302:
            self.forms_sent.append(key)

    def answer(self) -> None:
        self.as_browser(requests.Session(), self._answer)  # the person's own browser, from the email

    def _answer(self) -> None:
        path = self.rng.choice(self.world.answers)
        page = self.call("answer", "GET", path)
        if page is None or page.status_code != 200 or 'name="csrf_token"' not in page.text:
            return  # already answered: the page says so
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        response = self.call("answer", "POST", path, data={"csrf_token": csrf, "despite_clashes": "1"})
        if response is not None and response.status_code == 200:
            self.accepted.append(path)

    def organizer_page(self) -> None:
        self.as_browser(self.organizer, self._organizer_page)

    def _organizer_page(self) -> None:
        if not self.signed_in:
            page = self.call("organizer_page", "GET", "/connexion")
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1) if page else ""
            email, password = self.world.organizer
            self.call("organizer_page", "POST", "/connexion", data={"email": email, "password": password,
                                                                    "csrf_token": csrf})
            self.signed_in = True
        self.call("organizer_page", "GET", self.rng.choice(
            ["/organisation/", "/organisation/evenements", "/organisation/demandes", "/organisation/intervenants"]))

    def organizer_api(self) -> None:
        bearer = {"Authorization": f"Bearer {self.world.api_token}"}
        event_id = self.rng.choice(self.world.hot_events)
        roll = self.rng.random()
        if roll < 0.4:
            listing = self.call("organizer_api", "GET", f"/api/v1/events/{event_id}/assignments", headers=bearer)
            accepted = [a["id"] for a in (listing.json().get("items", []) if listing is not None and
                                          listing.status_code == 200 else []) if a.get("status") == "accepted"]
            if accepted:
                self.call("organizer_api", "POST", f"/api/v1/assignments/{self.rng.choice(accepted)}/confirm",
                          headers=bearer, json={})
        elif roll < 0.6:  # move a hot event by a quarter of an hour: may clash with someone's other yes
            shift = timedelta(minutes=15 * self.rng.choice([-2, -1, 1, 2]))
            event = self.call("organizer_api", "GET", f"/api/v1/events/{event_id}", headers=bearer)
            if event is not None and event.status_code == 200:
                body = event.json()
                start = datetime.fromisoformat(body["start_at"]) + shift
                end = datetime.fromisoformat(body["end_at"]) + shift
                self.call("organizer_api", "POST", f"/api/v1/events/{event_id}/reschedule", headers=bearer,
                          json={"start_at": start.isoformat(), "end_at": end.isoformat()})
        else:
            self.call("organizer_api", "GET", "/api/v1/events?limit=20", headers=bearer)


def drive(base: str, world: World, total: int, clients: int, seed: int) -> tuple[list[Client], float]:
    rng = random.Random(seed)
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    plan = rng.choices(kinds, weights, k=total)
    pending = iter(plan)
    lock = threading.Lock()
    sent = Counter()
    pool = [Client(base, world, random.Random(seed + i)) for i in range(clients)]

    def run(client: Client) -> None:
        while True:
            with lock:
                if sum(sent.values()) >= total:
                    return
                kind = next(pending, None)
                if kind is None:
                    return
            before = len(client.results)
            getattr(client, kind)()
            with lock:
                sent[kind] += len(client.results) - before

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as executor:
        list(executor.map(run, pool))
    return pool, time.perf_counter() - started


# --- checks --------------------------------------------------------------------------------------------


def check_database(url: str, world: World, pool: list[Client]) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        overlaps = conn.scalar(text("""
            SELECT count(*) FROM assignments a JOIN assignments b
              ON a.role_model_id = b.role_model_id AND a.id < b.id
            JOIN events ea ON ea.id = a.event_id JOIN events eb ON eb.id = b.event_id
            WHERE a.status IN ('accepted', 'confirmed') AND b.status IN ('accepted', 'confirmed')
              AND ea.start_at < eb.end_at AND eb.start_at < ea.end_at"""))
        over_max = conn.scalar(text("""
            SELECT count(*) FROM (SELECT e.id FROM events e JOIN assignments a ON a.event_id = e.id
              WHERE a.status IN ('accepted', 'confirmed') GROUP BY e.id, e.role_models_max
              HAVING count(*) > e.role_models_max) AS full_up"""))
        requests_now = conn.scalar(text("SELECT count(*) FROM visit_requests"))
        keys = {k for c in pool for k in c.forms_sent}
        saved_keys = set(conn.scalars(
            text("SELECT idempotency_key FROM visit_requests WHERE idempotency_key IS NOT NULL")
        ))
        holding_ids = set(conn.scalars(text("SELECT id FROM assignments WHERE status IN ('accepted', 'confirmed')")))
        hot_holding = conn.scalar(text("SELECT count(*) FROM assignments WHERE status IN ('accepted', 'confirmed') "
                                       "AND event_id = ANY(:ids)"), {"ids": world.hot_events})
    engine.dispose()
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(SECRET_KEY, salt="rencontres.assignment-answer")
    accepted_ids = {serializer.loads(p.split("/")[3])["a"] for c in pool for p in c.accepted}
    return {
        "double_bookings": overlaps,
        "events_over_maximum": over_max,
        "forms_accepted": len(keys),
        "forms_saved": len(keys & saved_keys),
        "forms_lost": len(keys - saved_keys),
        "new_request_rows": requests_now - world.requests_before,
        "acceptances_answered_200": len(accepted_ids),
        "acceptances_lost": len(accepted_ids - holding_ids),
        "hot_seats_taken": hot_holding,
        "hot_seats": len(world.hot_events) * HOT_SEATS,
    }


def logged_request_ids(log: Path) -> set[str]:
    ids = set()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                ids.add(json.loads(line)["request_id"])
            except (ValueError, KeyError):
                pass
    return ids


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL")
                        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if make_url(args.postgres).host not in (None, "127.0.0.1", "localhost"):
        parser.error("the load test only ever runs against 127.0.0.1")
    prefix = f"load-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(args.postgres))
        port = free_port()
        env = {**os.environ, "RENCONTRES_ENV": "production", "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
               "BASE_URL": f"http://127.0.0.1:{port}", "RATELIMIT_STORAGE_URI": REDIS_URL,
               "RATELIMIT_KEY_PREFIX": prefix, "TRUSTED_PROXIES": "1", "SMTP_URL": "", "SCHEDULER_IN_PROCESS": "0",
               "PYTHONPATH": str(ROOT)}
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        world = seed(database_url)
        log = Path(tmp) / "gunicorn.log"
        start_gunicorn(stack, env, port, args.workers, log)
        pool, wall = drive(f"http://127.0.0.1:{port}", world, args.requests, args.clients, args.seed)
        time.sleep(1)  # the last log lines
        checks = check_database(database_url, world, pool)
        results = [r for c in pool for r in c.results]
        missing_in_log = {r.request_id for r in results if r.status} - logged_request_ids(log)
        _clean_redis(prefix)

    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    statuses = Counter(r.status for r in results)
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    unanswered = statuses.get(0, 0)
    print(f"\nbench/load.py — {len(results)} requests, {args.clients} clients, gunicorn {args.workers} workers, "
          f"PostgreSQL, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
    print(f"{'kind':<16}{'requests':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses")
    rows = {}
    for kind in list(MIX):
        items = by_kind.get(kind, [])
        ms = [r.seconds * 1000 for r in items]
        rows[kind] = {"requests": len(items), "p50_ms": round(percentile(ms, 50), 1),
                      "p90_ms": round(percentile(ms, 90), 1), "p99_ms": round(percentile(ms, 99), 1),
                      "max_ms": round(max(ms), 1) if ms else 0.0,
                      "statuses": dict(sorted(Counter(r.status for r in items).items()))}
        row = rows[kind]
        print(f"{kind:<16}{row['requests']:>9}{row['p50_ms']:>9}{row['p90_ms']:>9}{row['p99_ms']:>9}"
              f"{row['max_ms']:>9}  {row['statuses']}")
    all_ms = [r.seconds * 1000 for r in results]
    overall = {"requests": len(results), "seconds": round(wall, 2), "throughput_rps": round(len(results) / wall, 1),
               "p50_ms": round(percentile(all_ms, 50), 1), "p90_ms": round(percentile(all_ms, 90), 1),
               "p99_ms": round(percentile(all_ms, 99), 1), "max_ms": round(max(all_ms), 1),
               "mean_ms": round(statistics.fmean(all_ms), 1)}
    print(f"{'all':<16}{overall['requests']:>9}{overall['p50_ms']:>9}{overall['p90_ms']:>9}{overall['p99_ms']:>9}"
          f"{overall['max_ms']:>9}  {dict(sorted(statuses.items()))}")
    print(f"\nthroughput: {overall['throughput_rps']} requests/s over {overall['seconds']} s")
    failures = {
        "server_errors": server_errors,
        "unanswered": unanswered,
        "missing_from_log": len(missing_in_log),
        "forms_lost": checks["forms_lost"],
        "acceptances_lost": checks["acceptances_lost"],
        "double_bookings": checks["double_bookings"],
        "events_over_maximum": checks["events_over_maximum"],
    }
    print("checks: " + ", ".join(f"{k}={v}" for k, v in {**checks, **failures}.items()))
    ok = not any(failures.values())
    print("result: " + ("OK — no 5xx, nothing lost, no double booking" if ok else "FAILED"))
    print(json.dumps({"bench": "load", "workers": args.workers, "clients": args.clients, "ok": ok, **overall,
                      "kinds": rows, "statuses": {str(k): v for k, v in sorted(statuses.items())},
                      "checks": {**checks, **failures}, "cpus": os.cpu_count(),
                      "loadavg": round(os.getloadavg()[0], 2)}, ensure_ascii=False))
    return 0 if ok else 1


def _clean_redis(prefix: str) -> None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
    except Exception:  # noqa: BLE001 - cleaning up is best effort
        pass


if __name__ == "__main__":
    sys.exit(main())

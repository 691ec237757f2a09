"""A synthetic Semaine de l'industrie: events, role models and candidate arcs for the solver.

Reusable by the whole-plan benchmark (which can write ``Week.events`` / ``Week.role_models`` to
the database and let candidate building find the arcs itself). Everything is vectorised numpy
and seeded, so two runs build the same week.

Synthetic geography: 96 départements on a jittered 12 x 8 grid (~90 km apart), neighbours
closer than 1.3 grid steps, 13 regions around seed points, lognormal populations with four
metropolises. Times are minutes from Monday 00:00; the week is Monday to Friday in one month.

Role models: home département by population; cover their own département (20 %), or also the
neighbouring ones (65 %), or two hops away (15 %); available on each of the 10 half-days with
their own probability (mean ~27 %); 0-4 busy blocks from their own calendar; 10 % already
have an engagement this week (a busy block that also uses their cap); monthly cap 1-4.
Events: school visits (1-2 people), discovery half-days (2-4), conferences (1-3), roundtables
(3-4), starting 8:30-10:30 or 13:30-15:30. Candidate arcs pass every per-pair hard constraint
(coverage, weekly window, busy blocks + 30 min travel buffer, cap left), as candidate building
will. Conflicts: same-day pairs closer than 30 / 60 / 90 / 120 min for 0 / 1 / 2 / 3+ hops.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.matching.conflicts import travel_conflicts  # noqa: E402
from app.matching.problem import FAMILIES, Arcs, Events, Problem, RoleModels  # noqa: E402

N_DEPARTEMENTS, N_REGIONS, N_SECTORS = 96, 13, 10
DAY, HALF_DAYS = 24 * 60, 10
BUFFER = 30  # minutes of travel buffer around busy blocks
FAMILY_SHARE = {"operator": 0.18, "technician": 0.25, "engineer": 0.35, "manager": 0.13, "executive": 0.09}
EVENT_TYPES = {  # share, seats min/max range, duration (min)
    "school_visit": (0.55, (1, 1), (1, 2), (90, 120)),
    "discovery_half_day": (0.20, (1, 2), (2, 4), (180, 180)),
    "conference": (0.15, (1, 1), (1, 3), (90, 90)),
    "roundtable": (0.10, (2, 3), (3, 4), (120, 120)),
}


@dataclass(frozen=True, eq=False)
class Geography:
    position: np.ndarray  # (96, 2) km
    region: np.ndarray
    population: np.ndarray  # weights, sum 1
    hops: np.ndarray  # (96, 96) graph distance between départements


@dataclass(frozen=True, eq=False)
class Week:
    geography: Geography
    event_departement: np.ndarray
    event_type: np.ndarray
    rm_home: np.ndarray
    problem: Problem


def build_geography(rng: np.random.Generator) -> Geography:
    cols, rows, step = 12, 8, 90.0
    grid = np.stack(np.meshgrid(np.arange(cols), np.arange(rows)), -1).reshape(-1, 2) * step
    position = grid + rng.normal(0, step * 0.15, grid.shape)
    distance = np.linalg.norm(position[:, None] - position[None], axis=-1)
    adjacent = (distance < 1.3 * step) & (distance > 0)
    hops = np.where(adjacent, 1, 99)
    np.fill_diagonal(hops, 0)
    for k in range(N_DEPARTEMENTS):  # Floyd-Warshall, 96^3 vectorised per pivot
        hops = np.minimum(hops, hops[:, k : k + 1] + hops[k : k + 1, :])
    seeds = rng.choice(N_DEPARTEMENTS, N_REGIONS, replace=False)
    region = np.argmin(distance[:, seeds], axis=1)
    population = rng.lognormal(0, 0.6, N_DEPARTEMENTS)
    population[rng.choice(N_DEPARTEMENTS, 4, replace=False)] *= 4  # Paris, Lyon, Marseille, Lille
    return Geography(position, region, population / population.sum(), hops)


def _role_models(rng, geo, n):
    home = rng.choice(N_DEPARTEMENTS, n, p=geo.population)
    family = rng.choice(len(FAMILY_SHARE), n, p=list(FAMILY_SHARE.values()))
    radius = rng.choice([0, 1, 2], n, p=[0.20, 0.65, 0.15])
    availability = rng.beta(2.0, 5.4, n)  # mean ~0.27 per half-day
    window = (rng.random((n, HALF_DAYS)) < availability[:, None]) @ (1 << np.arange(HALF_DAYS))
    # busy blocks: up to 4 meetings of 1-3 h, plus an existing engagement for 10 %
    n_blocks = 5
    busy_start = rng.integers(0, 5, (n, n_blocks)) * DAY + rng.integers(8 * 60, 17 * 60, (n, n_blocks))
    busy_end = busy_start + rng.integers(60, 181, (n, n_blocks))
    has_block = np.arange(n_blocks)[None] < rng.integers(0, 5, n)[:, None]
    engaged = rng.random(n) < 0.10
    has_block[:, -1] = engaged
    busy_start = np.where(has_block, busy_start, -1)
    busy_end = np.where(has_block, busy_end, -1)
    cap = rng.choice([1, 2, 3, 4], n, p=[0.3, 0.4, 0.2, 0.1])
    existing = engaged + (rng.random(n) < 0.15)
    remaining = np.maximum(cap - existing, 0)
    return dict(
        home=home, family=family, radius=radius, window=window, busy_start=busy_start, busy_end=busy_end,
        remaining=remaining, sector=rng.integers(0, N_SECTORS, n), english=rng.random(n) < 0.15,
        recent_load=rng.poisson(1.2, n), reliability=np.clip(1 - rng.beta(1, 12, n), 0, 1),
    )


def _events(rng, geo, n):
    names = list(EVENT_TYPES)
    kind = rng.choice(len(names), n, p=[t[0] for t in EVENT_TYPES.values()])
    lo_min = np.array([t[1][0] for t in EVENT_TYPES.values()])[kind]
    hi_min = np.array([t[1][1] for t in EVENT_TYPES.values()])[kind]
    lo_max = np.array([t[2][0] for t in EVENT_TYPES.values()])[kind]
    hi_max = np.array([t[2][1] for t in EVENT_TYPES.values()])[kind]
    seats_max = rng.integers(lo_max, hi_max + 1)
    seats_min = np.minimum(rng.integers(lo_min, hi_min + 1), seats_max)
    d_lo = np.array([t[3][0] for t in EVENT_TYPES.values()])[kind]
    d_hi = np.array([t[3][1] for t in EVENT_TYPES.values()])[kind]
    duration = d_lo + rng.integers(0, (d_hi - d_lo) // 30 + 1) * 30
    day = rng.integers(0, 5, n)
    afternoon = rng.random(n) < 0.45
    start = day * DAY + np.where(afternoon, 13 * 60 + 30, 8 * 60 + 30) + rng.integers(0, 5, n) * 30
    end = start + duration
    half_day = day * 2 + afternoon
    return dict(
        kind=kind, seats_min=seats_min, seats_max=seats_max, start=start, end=end, day=day,
        half_day=half_day, departement=rng.choice(N_DEPARTEMENTS, n, p=geo.population),
        sector=np.where(rng.random(n) < 0.8, rng.integers(0, N_SECTORS, n), -1),
        english=rng.random(n) < 0.05,
    )


def _arcs(geo, ev, rm, chunk=250):
    """Candidate arcs, event chunk by event chunk so intermediates stay small."""
    by_home = np.argsort(rm["home"], kind="stable")
    home_start = np.searchsorted(rm["home"][by_home], np.arange(N_DEPARTEMENTS + 1))
    reach = geo.hops <= 2
    parts = []
    for lo in range(0, len(ev["start"]), chunk):
        events = np.arange(lo, min(lo + chunk, len(ev["start"])))
        d = ev["departement"][events]
        e_rep, home = np.nonzero(reach[d])  # (event in chunk, home département) within 2 hops
        counts = home_start[home + 1] - home_start[home]
        e_idx = events[np.repeat(e_rep, counts)]
        offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        r_idx = by_home[np.repeat(home_start[home], counts) + offs]
        hops = geo.hops[rm["home"][r_idx], ev["departement"][e_idx]]
        ok = hops <= rm["radius"][r_idx]
        ok &= (rm["window"][r_idx] >> ev["half_day"][e_idx]) & 1 == 1
        ok &= rm["remaining"][r_idx] > 0
        for b in range(rm["busy_start"].shape[1]):
            bs, be = rm["busy_start"][r_idx, b], rm["busy_end"][r_idx, b]
            ok &= ~((bs >= 0) & (bs < ev["end"][e_idx] + BUFFER) & (be > ev["start"][e_idx] - BUFFER))
        parts.append((e_idx[ok], r_idx[ok], hops[ok]))
    event = np.concatenate([p[0] for p in parts])
    role_model = np.concatenate([p[1] for p in parts])
    hops = np.concatenate([p[2] for p in parts])
    return event, role_model, hops


def build_week(n_events: int = 5_000, n_role_models: int = 20_000, seed: int = 2026) -> Week:
    rng = np.random.default_rng(seed)
    geo = build_geography(rng)
    rm = _role_models(rng, geo, n_role_models)
    ev = _events(rng, geo, n_events)
    event, role_model, hops = _arcs(geo, ev, rm)
    same_sector = rm["sector"][role_model] == ev["sector"][event]
    related = rm["sector"][role_model] // 3 == ev["sector"][event] // 3
    topic = np.where(ev["sector"][event] < 0, 0.5, np.where(same_sector, 1.0, np.where(related, 0.5, 0.0)))
    same_region = geo.region[rm["home"][role_model]] == geo.region[ev["departement"][event]]
    distance = np.where(hops == 0, 0, np.where(hops == 1, 1, np.where(same_region, 2, 3)))
    language = ~ev["english"][event] | rm["english"][role_model]
    gap = np.choose(np.minimum(geo.hops, 3), [30, 60, 90, 120])
    conflicts = travel_conflicts(ev["start"], ev["end"], ev["day"], ev["departement"], gap)
    problem = Problem(
        events=Events(
            start=ev["start"], end=ev["end"], day=ev["day"], month=np.zeros(n_events, np.int64),
            role_models_min=ev["seats_min"], role_models_max=ev["seats_max"],
        ),
        role_models=RoleModels(
            family=rm["family"], month_cap=rm["remaining"][:, None], recent_load=rm["recent_load"],
            reliability=rm["reliability"],
        ),
        arcs=Arcs(event=event, role_model=role_model, topic=topic, same_region=same_region,
                  distance=distance, language=language),
        conflicts=conflicts,
    )
    assert len(FAMILY_SHARE) <= len(FAMILIES)
    return Week(geo, ev["departement"], ev["kind"], rm["home"], problem)


def save_problem(problem: Problem, path: Path) -> None:
    arrays = {f"events.{k}": v for k, v in problem.events.__dict__.items()}
    arrays |= {f"role_models.{k}": v for k, v in problem.role_models.__dict__.items()}
    arrays |= {f"arcs.{k}": v for k, v in problem.arcs.__dict__.items()}
    np.savez(path, conflicts=problem.conflicts, **arrays)


def load_problem(path: Path) -> Problem:
    data = np.load(path)
    part = lambda prefix: {k.split(".", 1)[1]: data[k] for k in data.files if k.startswith(prefix + ".")}  # noqa: E731
    return Problem(Events(**part("events")), RoleModels(**part("role_models")), Arcs(**part("arcs")), data["conflicts"])


if __name__ == "__main__":
    week = build_week()
    p = week.problem
    print(f"events {len(p.events)}  role models {len(p.role_models)}  arcs {len(p.arcs)}  conflicts {len(p.conflicts)}")
    print(f"seats max {int(p.events.role_models_max.sum())}  min {int(p.events.role_models_min.sum())}")
    print("arcs per event: quartiles",
          np.percentile(np.bincount(p.arcs.event, minlength=len(p.events)), [0, 25, 50, 75, 100]))

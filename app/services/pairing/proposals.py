"""Matching proposals: who to ask for one event, for a whole period, and in place of someone
who stepped back. Proposals only: inviting stays the organizer's decision (app/services/pairing/board.py).

- `propose(event)`: candidates for one event, ranked, the best written as proposals for its
  missing seats;
- `plan_period(start, end)`: every open event of the period solved at once (one global
  optimisation: a person is never proposed twice at the same time, caps hold across events),
  proposals written in bulk, a summary returned with why seats stay empty;
- `backfill(assignment)`: when a participation ends (declined, withdrawn, cancelled), the
  next-best person is proposed, once, and the organizer told.

A seat counts as taken by any proposal, invitation or acceptance already on it, so running any
of these again never adds more proposals than seats.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from time import perf_counter, process_time

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app import local_time
from app.extensions import db
from app.links import external_url
from app.matching import candidates as candidate_building
from app.matching.candidates import OPEN_EVENT_STATUSES, Candidates
from app.matching.explain import EventPlan, rank
from app.matching.preferences import load_weights
from app.matching.problem import Events, Problem
from app.matching.solver import Solution, SolverSettings, solve
from app.models import Assignment, AssignmentStatus, Event, EventStatus, RoleModel, User
from app.models.types import utcnow
from app.services.common import access, audit, scope
from app.services.common.errors import Conflict, NotAllowed
from app.services.mail.outbox import queue_email
from app.services.pairing import assignments

log = logging.getLogger(__name__)

ACTOR = "matching"
PLANNED_STATUSES = (EventStatus.DRAFT, EventStatus.SCHEDULED)  # what a period plan fills
_WRITE_BATCH = 1000
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class EventOutcome:
    event_id: int
    seats_missing: int  # before this run
    proposed: list[int]  # role model ids, best first
    seats_left: int  # still missing afterwards
    below_min: bool
    candidates: int
    reasons: tuple[str, ...] = ()  # why seats stay empty (codes, see app/labels.py)
    dropped: dict[str, int] = field(default_factory=dict)


@dataclass
class EventProposal:
    event: Event
    created: list[Assignment]
    outcome: EventOutcome | None  # None when the event had no seat left to fill
    ranking: list[dict] = field(default_factory=list)  # every candidate, best first


@dataclass
class PlanSummary:
    start: date
    end: date
    events: int  # open events of the period
    already_full: int
    seats_missing: int
    seats_proposed: int
    outcomes: list[EventOutcome]
    status: str = "optimal"
    method: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds by stage
    cpu_timings: dict[str, float] = field(default_factory=dict)
    candidates: Candidates | None = field(default=None, repr=False)
    solution: Solution | None = field(default=None, repr=False)

    @property
    def unfilled(self) -> list[EventOutcome]:
        return [o for o in self.outcomes if o.seats_left > 0]

    @property
    def reason_counts(self) -> Counter:
        """Events with empty seats, by their main reason."""
        return Counter(o.reasons[0] if o.reasons else "unknown" for o in self.unfilled)


def _solver_settings(explain: bool = True) -> SolverSettings:
    return SolverSettings(explain=explain)


def _score(cost: int) -> float:
    """Higher is better (the pairing board sorts by it): 1 for a perfect match."""
    return round(100.0 / (100.0 + max(cost, 0)), 4)


def _explanation(cands: Candidates, index: int, plan: EventPlan, position: int, source: str,
                 solution: Solution) -> dict:
    chosen = plan.assigned[position]
    ids = cands.role_model_ids
    return {
        "version": 1,
        "source": source,
        "cost": int(chosen.cost),
        "terms": {k: int(v) for k, v in chosen.terms.items()},
        "satisfied": list(chosen.satisfied),
        "warnings": list(chosen.warnings),
        "fit": int(chosen.fit),
        "rank": position + 1,
        "alternatives": [
            {"role_model_id": int(ids[c.role_model]), "cost": int(c.cost), "satisfied": list(c.satisfied),
             "blocked": _blocked(c.blocked, plan)}
            for c in plan.alternatives
        ],
        "candidates": int(cands.arc_counts[index]),
        "dropped": cands.dropped_for(index),
        "solver": {"status": solution.status, "method": solution.method},
    }


def _blocked(code: str | None, plan: EventPlan) -> str | None:
    """Why an alternative is not on the event: nothing when every seat is filled (they simply
    cost more); the solver's "free" code only means something while seats stay empty."""
    return None if code == "solver_limit" and plan.seats_missing == 0 else code


def _outcome(cands: Candidates, index: int, plan: EventPlan) -> EventOutcome:
    ids = cands.role_model_ids
    reasons: tuple[str, ...] = ()
    if plan.seats_missing > 0:
        solver_reasons = tuple(r for r in plan.reasons if r != "no_candidate")
        reasons = tuple(dict.fromkeys((*solver_reasons, *cands.why_dropped(index))))
    return EventOutcome(
        event_id=int(cands.event_ids[index]),
        seats_missing=int(cands.problem.events.role_models_max[index]),
        proposed=[int(ids[c.role_model]) for c in plan.assigned],
        seats_left=int(plan.seats_missing),
        below_min=bool(plan.below_min),
        candidates=int(cands.arc_counts[index]),
        reasons=reasons,
        dropped=cands.dropped_for(index),
    )


# --- one event -------------------------------------------------------------------------------


def _lock(event: Event) -> None:
    """Serialize proposals for one event (PostgreSQL row lock; SQLite serializes writers)."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    db.session.refresh(event, attribute_names=["status", "role_models_max", "role_models_min"])


def propose(event: Event, *, actor: User | str | None = ACTOR, now: datetime | None = None,
            source: str = "propose", limit: int | None = None) -> EventProposal:
    """Rank the event's candidates and propose the best for its missing seats (at most `limit`)."""
    if isinstance(actor, User):
        access.require_event_organizer(actor, event)
    _lock(event)
    if event.status not in OPEN_EVENT_STATUSES:
        raise Conflict(_l("Cet événement est clos ou annulé."), code="event_closed")
    cands = candidate_building.build([event], now=now)
    if not len(cands.event_ids):
        return EventProposal(event, [], None)
    problem = cands.problem
    if limit is not None:
        problem = _limit_seats(problem, limit)
    weights = load_weights()
    solution = solve(problem, weights, _solver_settings())
    plan = solution.events[0]
    created = []
    for position, chosen in enumerate(plan.assigned):
        role_model = db.session.get(RoleModel, int(cands.role_model_ids[chosen.role_model]))
        explanation = _explanation(cands, 0, plan, position, source, solution)
        try:
            with db.session.begin_nested():  # a concurrent proposal of the same pair wins
                assignment = assignments.record_proposal(event, role_model, score=_score(chosen.cost),
                                                 explanation=explanation, actor=actor)
        except IntegrityError:
            assignment = None
        if assignment is not None:
            created.append(assignment)
    ranking = [
        {"role_model_id": int(cands.role_model_ids[c.role_model]), "cost": int(c.cost),
         "satisfied": list(c.satisfied), "warnings": list(c.warnings), "fit": int(c.fit),
         "terms": {k: int(v) for k, v in c.terms.items()}}
        for c in rank(problem, 0, weights)
    ]
    return EventProposal(event, created, _outcome(cands, 0, plan), ranking)


def _limit_seats(problem: Problem, limit: int) -> Problem:
    ev = problem.events
    seats_max = np.minimum(ev.role_models_max, limit)
    events = Events(start=ev.start, end=ev.end, day=ev.day, month=ev.month,
                    role_models_min=np.minimum(ev.role_models_min, seats_max), role_models_max=seats_max)
    return Problem(events, problem.role_models, problem.arcs, problem.conflicts)


# --- a period --------------------------------------------------------------------------------


def open_events(start: date, end: date, *, actor: User | str | None = ACTOR, academies=(),
                now: datetime | None = None) -> list[Event]:
    """Draft and scheduled events starting in [start, end] (Paris days), not yet begun."""
    now = now or utcnow()
    query = (
        select(Event)
        .where(Event.status.in_(PLANNED_STATUSES), Event.start_at >= max(local_time.midnight(start), now),
               Event.start_at < local_time.midnight(end + timedelta(days=1)))
        .order_by(Event.start_at, Event.id)
    )
    if academies:
        query = query.where(Event.academie.in_(sorted(academies)))
    if isinstance(actor, User):
        query = scope.restrict(query, actor, Event.academie)
    return list(db.session.scalars(query))


def plan_period(start: date, end: date, *, actor: User | str | None = ACTOR, academies=(),
                progress: Progress | None = None, now: datetime | None = None) -> PlanSummary:
    """Propose role models for every open event of the period in one global solve."""
    if end < start:
        raise ValueError("the period ends before it starts")
    if isinstance(actor, User) and not actor.is_organizer:
        raise NotAllowed(_l("Cette action est réservée aux organisateurs."))
    progress = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}  # the same stages in CPU seconds (the machine may be busy)
    clock, cpu_clock = perf_counter(), process_time()

    def lap(name: str) -> None:
        nonlocal clock, cpu_clock
        timings[name] = round(perf_counter() - clock, 3)
        cpu[name] = round(process_time() - cpu_clock, 3)
        clock, cpu_clock = perf_counter(), process_time()

    events = open_events(start, end, actor=actor, academies=academies, now=now)
    progress("events", len(events), len(events))
    lap("read_events")
    cands = candidate_building.build(events, now=now)
    n = len(cands.event_ids)
    progress("candidates", n, n)
    lap("candidates")
    summary = PlanSummary(start=start, end=end, events=len(events), already_full=len(cands.full_event_ids),
                          seats_missing=int(cands.problem.events.role_models_max.sum()), seats_proposed=0,
                          outcomes=[], timings=timings, cpu_timings=cpu, candidates=cands)
    if not n:
        return summary
    progress("solve", 0, 1)
    solution = solve(cands.problem, load_weights(), _solver_settings())
    progress("solve", 1, 1)
    lap("solve")
    summary.solution, summary.status, summary.method = solution, solution.status, solution.method
    rows = []
    for index, plan in enumerate(solution.events):
        summary.outcomes.append(_outcome(cands, index, plan))
        for position, chosen in enumerate(plan.assigned):
            rows.append({
                "event_id": int(cands.event_ids[index]),
                "role_model_id": int(cands.role_model_ids[chosen.role_model]),
                "score": _score(chosen.cost),
                "explanation": _explanation(cands, index, plan, position, "plan", solution),
            })
    lap("explain")
    summary.seats_proposed = _write_proposals(rows, actor, progress)
    lap("write")
    return summary


def _write_proposals(rows: list[dict], actor, progress: Progress) -> int:
    """Bulk insert, skipping pairs that appeared meanwhile (the one-per-event unique key)."""
    connection = db.session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = Assignment.__table__
    now = utcnow()
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["event_id", "role_model_id"])
        .returning(table.c.id, table.c.event_id, table.c.role_model_id, table.c.score)
    )
    written = 0
    for lo in range(0, len(rows), _WRITE_BATCH):
        batch = [{**row, "status": AssignmentStatus.PROPOSED, "link_version": 1, "proposed_at": now,
                  "updated_at": now} for row in rows[lo:lo + _WRITE_BATCH]]
        inserted = connection.execute(statement, batch).all()
        audit.record_many(actor, "assignment", "assignment.proposed", [
            (a_id, {"event_id": event_id, "role_model_id": rm_id, "score": score, "source": "plan"})
            for a_id, event_id, rm_id, score in inserted
        ])
        written += len(inserted)
        progress("write", min(lo + _WRITE_BATCH, len(rows)), len(rows))
    # proposals are not shown in any calendar feed, so the feed stamp need not change
    return written


# --- backfill --------------------------------------------------------------------------------


def backfill_when_participations_end() -> None:
    """Backfill every participation that ends (`assignments.ended`); create_app connects it."""
    assignments.ended.connect(backfill)


def backfill(ended: Assignment, *, now: datetime | None = None) -> Assignment | None:
    """Propose the next-best person in place of an ended participation, once, and tell the
    organizer. Never fails the caller: a person's "no" must be recorded whatever happens here."""
    try:
        with db.session.begin_nested():
            return _backfill(ended, now=now or utcnow())
    except Exception:  # noqa: BLE001 - logged; the decline/withdrawal itself must go through
        log.exception("backfill failed for assignment %s", ended.id)
        return None


def _backfill(ended: Assignment, *, now: datetime) -> Assignment | None:
    event = ended.event
    if event.status not in OPEN_EVENT_STATUSES or event.start_at <= now:
        return None
    # compare-and-set: of any number of retries or concurrent calls, one goes on
    claimed = db.session.execute(
        update(Assignment)
        .where(Assignment.id == ended.id, Assignment.backfilled_at.is_(None))
        .values(backfilled_at=now)
    ).rowcount
    if claimed != 1:
        return None
    set_committed_value(ended, "backfilled_at", now)  # what the row now holds
    result = propose(event, actor=ACTOR, now=now, source="backfill", limit=1)
    proposed = result.created[0] if result.created else None
    audit.record(ACTOR, ended, "assignment.backfilled", event_id=event.id,
                 proposed_role_model_id=proposed.role_model_id if proposed else None,
                 reasons=list(result.outcome.reasons) if result.outcome else [])
    _tell_organizer(ended, proposed, result)
    return proposed


def _tell_organizer(ended: Assignment, proposed: Assignment | None, result: EventProposal) -> None:
    event = ended.event
    organizer = event.organizer
    if organizer is None or not organizer.is_enabled or result.outcome is None:
        return  # no organizer to tell, or nothing was missing (other proposals pending)
    queue_email(
        to=organizer.email, to_name=organizer.full_name, template="backfill_proposed",
        locale=organizer.locale or "fr", event=event,
        context={
            "event": event, "audience": "organizer", "ended": ended,
            "ended_name": ended.role_model.display_name,
            "proposed": proposed, "proposed_name": proposed.role_model.display_name if proposed else None,
            "explanation": proposed.explanation if proposed else {},
            "reasons": list(result.outcome.reasons) if result.outcome else [],
            "event_url": external_url("organizer.event_detail", event_id=event.id),
        },
        dedupe_key=f"assignment:{ended.id}:backfill",
    )

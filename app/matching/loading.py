"""Reading what candidate building needs, in a fixed handful of set-based queries: the events
as arrays, and everyone who could cover their places with their windows, days off, busy blocks,
engagements, caps and recent load.

Queries go through the session's connection (Core rows, no ORM objects): tens of thousands of
people are read for a national plan. Times become integer minutes from an origin two days
before the first event; weekly windows stay local minutes of the day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Text, and_, cast, func, or_, select

from app import local_time
from app.extensions import db
from app.matching import preferences as prefs
from app.matching.intervals import IntervalSet
from app.models import (
    ENGAGED_STATUSES,
    Assignment,
    AssignmentStatus,
    AvailabilityException,
    AvailabilityWindow,
    BusyInterval,
    Event,
    EventStatus,
    EventType,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    VisitRequest,
)
from app.models.types import utcnow

OPEN_EVENT_STATUSES = (EventStatus.DRAFT, EventStatus.SCHEDULED, EventStatus.CONFIRMED)
# Assignments that take a seat on their event (a pending proposal included: matching fills the
# seats nobody is being asked about yet).
SEAT_HOLDING = (AssignmentStatus.PROPOSED, *ENGAGED_STATUSES)
BUSY_BUFFER = 30  # minutes of travel around a busy block of the person's own calendar
RECENT_LOAD_DAYS = 90
TYPES = tuple(t.value for t in EventType)


def _rows(statement):
    """Plain rows through the session's connection: Core, without the ORM's per-row loading."""
    return db.session.connection().execute(statement)


_JSON_CACHE: dict[str, list] = {}


def _json_list(raw) -> list:
    """A JSON list column read as text: most values repeat (["fr"]), so parse each once."""
    if raw is None:
        return []
    if not isinstance(raw, str):
        return list(raw)
    found = _JSON_CACHE.get(raw)
    if found is None:
        found = json.loads(raw)
        if len(_JSON_CACHE) < 10_000:
            _JSON_CACHE[raw] = found
    return found if isinstance(found, list) else []


# --- the events ------------------------------------------------------------------------------


@dataclass
class EventArrays:
    ids: np.ndarray
    start: np.ndarray  # minutes since the origin (UTC)
    end: np.ndarray
    origin: datetime
    weekday: np.ndarray  # local weekday, Monday = 0
    local_start: np.ndarray  # local minute of the day
    local_end: np.ndarray  # local minute of the day (just after the start for longer events)
    day: np.ndarray  # local date ordinal
    last_day: np.ndarray
    month: np.ndarray  # local year * 12 + month - 1
    place: np.ndarray  # place index (online events: the online place)
    departement: np.ndarray  # place index of the département, online or not (for coverage)
    online: np.ndarray
    type: np.ndarray
    seats_min: np.ndarray
    seats_max: np.ndarray
    topics: list[list[str]]
    language: list[str | None]


def minutes(moment: datetime, origin: datetime) -> int:
    return int((moment - origin).total_seconds() // 60)


def load_events(events: list[Event]) -> EventArrays:
    request_ids = sorted({e.visit_request_id for e in events if e.visit_request_id})
    request_topics = dict(_rows(
        select(VisitRequest.id, VisitRequest.topics).where(VisitRequest.id.in_(request_ids))
    ).all()) if request_ids else {}
    origin = (min((e.start_at for e in events), default=utcnow()) - timedelta(days=2)).replace(second=0, microsecond=0)
    rows = []
    for e in events:
        zone = local_time.zone(e.timezone)
        ls, le = e.start_at.astimezone(zone), e.end_at.astimezone(zone)
        # an event over several days cannot fit a weekly window: being available as it starts is asked
        local_end = le.hour * 60 + le.minute if le.date() == ls.date() else ls.hour * 60 + ls.minute + 1
        topics = prefs.normalise([*(e.topics or []), *(request_topics.get(e.visit_request_id) or [])])
        rows.append((
            minutes(e.start_at, origin), minutes(e.end_at, origin), ls.weekday(), ls.hour * 60 + ls.minute,
            local_end, ls.date().toordinal(), le.date().toordinal(), ls.year * 12 + ls.month - 1,
            prefs.place_index(e.departement, online=e.is_online), prefs.place_index(e.departement),
            bool(e.is_online), TYPES.index(getattr(e.type, "value", e.type)), e.role_models_min,
            e.role_models_max, topics,
        ))
    columns = list(zip(*rows)) if rows else [()] * 15
    ints = [np.array(c, np.int64) for c in columns[:10]]
    return EventArrays(
        ids=np.array([e.id for e in events], np.int64), start=ints[0], end=ints[1], origin=origin,
        weekday=ints[2], local_start=ints[3], local_end=ints[4], day=ints[5], last_day=ints[6], month=ints[7],
        place=ints[8], departement=ints[9], online=np.array(columns[10], bool),
        type=np.array(columns[11], np.int64), seats_min=np.array(columns[12], np.int64),
        seats_max=np.array(columns[13], np.int64), topics=list(columns[14]),
        language=[prefs.asked_language(t) for t in columns[14]],
    )


def existing_assignments(event_ids: list[int]) -> dict:
    """Who is on each event already (never proposed again) and how many seats are held."""
    pairs, held = [], {}
    if event_ids:
        rows = _rows(
            select(Assignment.event_id, Assignment.role_model_id, Assignment.status)
            .where(Assignment.event_id.in_(event_ids))
        ).all()
        for event_id, rm_id, status in rows:
            pairs.append((event_id, rm_id))
            if status in SEAT_HOLDING:
                held[event_id] = held.get(event_id, 0) + 1
    return {"pairs": pairs, "held": held}


# --- the people ------------------------------------------------------------------------------


@dataclass
class People:
    ids: np.ndarray  # RoleModel.id, sorted
    active: np.ndarray
    in_person: np.ndarray
    remote: np.ndarray
    types: np.ndarray  # bit mask over TYPES
    family: np.ndarray
    home: np.ndarray  # place index
    sectors: list[list[str]]
    languages: list[list[str]]
    cap: np.ndarray
    late: np.ndarray
    cover_rm: np.ndarray  # coverage rows (position, place), sorted by place
    cover_place: np.ndarray
    windows: IntervalSet  # group position * 7 + weekday, local minutes
    days_off: IntervalSet  # group position, date ordinals
    busy: IntervalSet  # group position, minutes since origin
    engagements: dict  # arrays sorted by position: rm, event, start, end, day, place
    month_held: dict[tuple[int, int], int]  # (position, month key) -> held that month
    recent_load: np.ndarray

    def positions(self, ids) -> np.ndarray:
        return np.searchsorted(self.ids, np.asarray(ids, np.int64))


def load_people(events: list[Event], ev: EventArrays, now: datetime) -> People:
    departements = sorted({e.departement for e in events})
    covers = select(RoleModelDepartement.role_model_id).where(RoleModelDepartement.departement.in_(departements))
    place = RoleModel.id.in_(covers)
    if ev.online.any():
        place = or_(place, RoleModel.accepts_remote.is_(True))
    population = select(RoleModel.id).where(RoleModel.anonymised_at.is_(None), place)
    rows = _rows(
        select(RoleModel.id, RoleModel.status, RoleModel.accepts_in_person, RoleModel.accepts_remote,
               cast(RoleModel.event_types, Text), RoleModel.job_family, RoleModel.home_departement,
               cast(RoleModel.sectors, Text), cast(RoleModel.languages, Text), RoleModel.monthly_cap,
               RoleModel.late_cancellations)
        .where(RoleModel.id.in_(population)).order_by(RoleModel.id)
    ).all() if events else []
    ids = np.array([r[0] for r in rows], np.int64)
    people = People(
        ids=ids,
        active=np.array([r[1] == RoleModelStatus.ACTIVE for r in rows], bool),
        in_person=np.array([bool(r[2]) for r in rows], bool),
        remote=np.array([bool(r[3]) for r in rows], bool),
        types=np.array([_type_mask(_json_list(r[4])) for r in rows], np.int64),
        family=np.array([prefs.family_index(r[5]) for r in rows], np.int64),
        home=np.array([prefs.place_index(r[6]) for r in rows], np.int64),
        sectors=[prefs.normalise(_json_list(r[7])) for r in rows],
        languages=[prefs.normalise(_json_list(r[8])) for r in rows],
        cap=np.array([r[9] or 0 for r in rows], np.int64),
        late=np.array([r[10] or 0 for r in rows], np.int64),
        cover_rm=np.zeros(0, np.int64), cover_place=np.zeros(0, np.int64),
        windows=IntervalSet([], [], []), days_off=IntervalSet([], [], []), busy=IntervalSet([], [], []),
        engagements={}, month_held={}, recent_load=np.zeros(len(rows), np.int64),
    )
    if not len(ids):
        return people
    _load_coverage(people, departements, population)
    _load_availability(people, ev, population)
    _load_engagements(people, ev, population, now)
    return people


def _type_mask(types) -> int:
    wanted = [t for t in (types or []) if t in TYPES]
    if not wanted:
        return (1 << len(TYPES)) - 1  # no preference given: every type
    return sum(1 << TYPES.index(t) for t in set(wanted))


def _load_coverage(people: People, departements: list[str], population) -> None:
    rows = _rows(
        select(RoleModelDepartement.role_model_id, RoleModelDepartement.departement)
        .where(RoleModelDepartement.departement.in_(departements), RoleModelDepartement.role_model_id.in_(population))
    ).all()
    rm = people.positions([r[0] for r in rows])
    places = {code: prefs.place_index(code) for code in departements}
    place = np.array([places[r[1]] for r in rows], np.int64)
    order = np.argsort(place, kind="stable")
    people.cover_rm, people.cover_place = rm[order], place[order]


def _load_availability(people: People, ev: EventArrays, population) -> None:
    windows = _rows(
        select(AvailabilityWindow.role_model_id, AvailabilityWindow.weekday, AvailabilityWindow.start_time,
               AvailabilityWindow.end_time).where(AvailabilityWindow.role_model_id.in_(population))
    ).all()
    pos = people.positions([w[0] for w in windows])
    people.windows = IntervalSet(
        pos * 7 + np.array([w[1] for w in windows], np.int64),
        [w[2].hour * 60 + w[2].minute for w in windows],
        [w[3].hour * 60 + w[3].minute for w in windows],
    )
    first = datetime.fromordinal(int(ev.day.min())).date()
    last = datetime.fromordinal(int(ev.last_day.max())).date()
    days_off = _rows(
        select(AvailabilityException.role_model_id, AvailabilityException.start_date, AvailabilityException.end_date)
        .where(AvailabilityException.role_model_id.in_(population), AvailabilityException.end_date >= first,
               AvailabilityException.start_date <= last)
    ).all()
    people.days_off = IntervalSet(
        people.positions([x[0] for x in days_off]),
        [x[1].toordinal() for x in days_off], [x[2].toordinal() + 1 for x in days_off],
    )
    horizon = ev.origin + timedelta(minutes=int(ev.end.max()) + BUSY_BUFFER + 1)
    busy = _rows(
        select(BusyInterval.role_model_id, BusyInterval.start_at, BusyInterval.end_at)
        .where(BusyInterval.role_model_id.in_(population), BusyInterval.end_at > ev.origin,
               BusyInterval.start_at < horizon)
    ).all()
    origin = ev.origin.timestamp()
    start = np.array([b[1].timestamp() for b in busy], np.float64) - origin
    end = np.array([b[2].timestamp() for b in busy], np.float64) - origin
    people.busy = IntervalSet(
        people.positions([b[0] for b in busy]),
        np.maximum(np.floor(start / 60), 0).astype(np.int64),
        np.minimum(np.ceil(end / 60), minutes(horizon, ev.origin) + 1).astype(np.int64),
    )


def _month_bounds(ev: EventArrays) -> tuple[datetime, datetime]:
    lo, hi = int(ev.month.min()), int(ev.month.max()) + 1
    # a day of margin on both sides covers every time zone's month edges
    return (datetime(lo // 12, lo % 12 + 1, 1, tzinfo=UTC) - timedelta(days=1),
            datetime(hi // 12, hi % 12 + 1, 1, tzinfo=UTC) + timedelta(days=1))


def _load_engagements(people: People, ev: EventArrays, population, now: datetime) -> None:
    month_start, month_end = _month_bounds(ev)
    # events last up to three days: one starting before the first month may still overlap
    month_start = min(month_start, ev.origin - timedelta(days=3))
    holding = or_(
        Assignment.status.in_(ENGAGED_STATUSES),
        and_(Assignment.status == AssignmentStatus.PROPOSED, Event.status.in_(OPEN_EVENT_STATUSES)),
    )
    rows = _rows(
        select(Assignment.role_model_id, Event.id, Event.start_at, Event.end_at, Event.timezone,
               Event.departement, Event.is_online)
        .join(Assignment.event)
        .where(Assignment.role_model_id.in_(population), holding, Event.status != EventStatus.CANCELLED,
               Event.start_at >= month_start, Event.start_at < month_end)
    ).all()
    month_held: dict[tuple[int, int], int] = {}
    near = []
    first, last = ev.origin, ev.origin + timedelta(minutes=int(ev.end.max()) + 24 * 60)
    positions = people.positions([r[0] for r in rows]).tolist()
    zones: dict[str, ZoneInfo] = {}
    for position, (_, event_id, start, end, tz, departement, online) in zip(positions, rows):
        zone = zones.get(tz) or zones.setdefault(tz, local_time.zone(tz))
        local = start.astimezone(zone)
        key = (position, local.year * 12 + local.month - 1)
        month_held[key] = month_held.get(key, 0) + 1
        if end > first and start < last:
            near.append((position, event_id, minutes(start, ev.origin), minutes(end, ev.origin),
                         local.date().toordinal(), prefs.place_index(departement, online=online)))
    near.sort()
    columns = list(zip(*near)) if near else [()] * 6
    people.engagements = {
        k: np.array(c, np.int64) for k, c in zip(("rm", "event", "start", "end", "day", "place"), columns)
    }
    people.month_held = month_held
    recent = _rows(
        select(Assignment.role_model_id, func.count())
        .join(Assignment.event)
        .where(Assignment.role_model_id.in_(population), Assignment.status.in_(ENGAGED_STATUSES),
               Event.status != EventStatus.CANCELLED, Event.start_at >= now - timedelta(days=RECENT_LOAD_DAYS),
               Event.start_at < now)
        .group_by(Assignment.role_model_id)
    ).all()
    if recent:
        people.recent_load[people.positions([r[0] for r in recent])] = [r[1] for r in recent]

"""Impact statistics: what the collective achieved over a period, in the actor's scope.

Each figure set is one GROUP BY query (or one bounded row set aggregated here when the SQL
would need dialect-specific functions), so a page costs the same number of queries whatever
the data size. Months are bucketed with a CASE over the Europe/Paris month boundaries computed
in Python: the SQL is identical on SQLite and PostgreSQL and DST is handled by zoneinfo.

Pupils and girls come from the schools' own post-event feedback; where a school sent none,
the headcount asked for (event school, else the request) stands in and is counted apart as an
estimate, so the page can say how much of a figure is measured. An answer beyond what the
event allows (more pupils than the class sizes asked, or the capacity: the bounds of
`events.feedback.pupils_limit`) counts as no answer, and is counted as flagged for organizers:
whatever wrote it, it cannot inflate the figures.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, distinct, exists, false, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from app import local_time
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    AuditEntry,
    Event,
    EventFeedback,
    EventSchool,
    EventStatus,
    RequestStatus,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    School,
    User,
    VisitRequest,
    limits,
)
from app.models.types import utcnow
from app.reference.academies import ACADEMIES
from app.services.common import scope
from app.services.statistics.figures import (  # noqa: F401  (re-exported: callers use statistics.X)
    MAX_MONTHS,
    Figures,
    Headline,
    Period,
    Reach,
    RequestFigures,
    RoleModelFigures,
)

DORMANT_AFTER_DAYS = 365
# Events whose role models gave their time (hours given, active role models).
HELD_STATUSES = (EventStatus.CONFIRMED, EventStatus.COMPLETED)


def compute(actor: User | None, period: Period, *, now: datetime | None = None) -> Figures:
    """Every figure for `period`, limited to the actor's académies (national for admins and
    for `actor=None`, which only trusted callers such as commands use). Dormancy is judged at
    the period's end, or `now` when the period is not over."""
    figures = Figures(period=period, academies=actor.academies if actor is not None else None)
    figures.events_by_type_status = _events_by_type_status(actor, period)
    figures.reach_by_month = _reach_by_month(actor, period)
    for _month, reach in figures.reach_by_month:
        figures.reach.add(reach)
    figures.reach_by_academie = _reach_by_academie(actor, period)
    figures.schools_by_kind, figures.schools_by_priority = _schools_reached(actor, period)
    figures.requests = _requests(actor, period)
    figures.role_models = _role_models(actor, period, now or utcnow())
    figures.cancellations = _ranked(_event_cancellations(actor, period))
    figures.withdrawals = _ranked(_withdrawals(actor, period))
    return figures


def headline(period: Period) -> Headline:
    reach = Reach()
    for _month, month_reach in _reach_by_month(None, period):
        reach.add(month_reach)
    by_kind, _ = _schools_reached(None, period)
    return Headline(period, reach, sum(by_kind.values()), len(_active_role_models(None, period)))


# --- queries -------------------------------------------------------------------------------


def _restrict(query: Select, actor: User | None, column) -> Select:
    return query if actor is None else scope.restrict(query, actor, column)


def _in_period(column, period: Period):
    start, end = period.instants()
    return and_(column >= start, column < end)


def _month_index(column, period: Period):
    """0 for the period's first month, 1 for the next…, from the Paris month boundaries."""
    months = period.months()
    if len(months) == 1:
        return literal_column("0")
    whens = [(column < local_time.midnight(m), i) for i, m in enumerate(months[1:])]
    return case(*whens, else_=len(months) - 1)


def _events_by_type_status(actor, period: Period) -> Counter:
    query = (
        select(Event.type, Event.status, func.count(Event.id))
        .where(_in_period(Event.start_at, period))
        .group_by(Event.type, Event.status)
    )
    rows = db.session.execute(_restrict(query, actor, Event.academie))
    return Counter({(t, s): n for t, s, n in rows})


def _school_answers(period: Period):
    """One answer per (completed event, school) in the period: the plausible answer reporting
    the most pupils (several contacts of a school may answer; none can lower another's figure,
    nor raise it past the class sizes asked), its numbers None when no answer is plausible,
    and how many answers of that school were not (`flagged`).

    Plausible: within `events.feedback.pupils_limit`, the same rule in SQL — the class sizes
    asked for the school (the request's when the event lists no school), else the capacity,
    else HEADCOUNT_MAX; girls within pupils."""
    fb = EventFeedback
    listed, any_listed = aliased(EventSchool), aliased(EventSchool)
    # Its own alias, correlated to the answer only: this is nested in _reach_rows, whose FROM has
    # event_schools too.
    event_lists_schools = exists().where(any_listed.event_id == fb.event_id).correlate(fb)
    requested = case((and_(~event_lists_schools, VisitRequest.school_id == fb.school_id), VisitRequest.headcount))
    most = func.coalesce(listed.headcount, requested, Event.capacity, limits.HEADCOUNT_MAX)
    plausible = and_(
        or_(fb.pupils_attended.is_(None), and_(fb.pupils_attended >= 0, fb.pupils_attended <= most)),
        or_(fb.girls_attended.is_(None),
            and_(fb.girls_attended >= 0, fb.girls_attended <= func.coalesce(fb.pupils_attended, most))),
    )
    judged = (
        select(fb.id, fb.event_id, fb.school_id, fb.pupils_attended, fb.girls_attended,
               case((plausible, 1), else_=0).label("ok"))
        .join(Event, Event.id == fb.event_id)
        .outerjoin(listed, and_(listed.event_id == fb.event_id, listed.school_id == fb.school_id))
        .outerjoin(VisitRequest, VisitRequest.id == Event.visit_request_id)
        .where(fb.school_id.is_not(None), Event.status == EventStatus.COMPLETED, _in_period(Event.start_at, period))
        .subquery("judged")
    )
    one_school = {"partition_by": (judged.c.event_id, judged.c.school_id)}
    first = (judged.c.ok.desc(), func.coalesce(judged.c.pupils_attended, -1).desc(), judged.c.id.desc())
    ranked = select(
        judged,
        func.row_number().over(**one_school, order_by=first).label("pick"),
        func.sum(1 - judged.c.ok).over(**one_school).label("flagged"),
    ).subquery("ranked")
    return select(
        ranked.c.event_id, ranked.c.school_id,
        case((ranked.c.ok == 1, ranked.c.pupils_attended)).label("pupils"),
        case((ranked.c.ok == 1, ranked.c.girls_attended)).label("girls"),
        ranked.c.flagged,
    ).where(ranked.c.pick == 1).subquery("answers")


def _reach_rows(actor, period: Period):
    """One row per (completed event, school): measured or estimated pupils and girls."""
    school_id = func.coalesce(EventSchool.school_id, VisitRequest.school_id)
    # The request's numbers stand in only when the event lists no school of its own.
    no_event_school = EventSchool.event_id.is_(None)
    headcount = func.coalesce(EventSchool.headcount, case((no_event_school, VisitRequest.headcount)))
    girls = func.coalesce(EventSchool.girls_count, case((no_event_school, VisitRequest.girls_count)))
    fb = _school_answers(period)
    query = (
        select(
            Event.id.label("event_id"),
            Event.academie.label("academie"),
            _month_index(Event.start_at, period).label("month"),
            school_id.label("school_id"),
            School.kind.label("kind"),
            School.priority.label("priority"),
            func.coalesce(fb.c.pupils, headcount, 0).label("pupils"),
            func.coalesce(fb.c.girls, girls, 0).label("girls"),
            case((fb.c.pupils.is_(None), func.coalesce(headcount, 0)), else_=0).label("pupils_est"),
            case((fb.c.girls.is_(None), func.coalesce(girls, 0)), else_=0).label("girls_est"),
            func.coalesce(fb.c.flagged, 0).label("flagged"),
        )
        .select_from(Event)
        .outerjoin(EventSchool, EventSchool.event_id == Event.id)
        .outerjoin(VisitRequest, VisitRequest.id == Event.visit_request_id)
        .outerjoin(School, School.id == school_id)
        .outerjoin(fb, and_(fb.c.event_id == Event.id, fb.c.school_id == school_id))
        .where(Event.status == EventStatus.COMPLETED, _in_period(Event.start_at, period))
    )
    # A subquery, so the outer GROUP BY names plain columns (PostgreSQL refuses to match
    # expressions holding bound parameters between SELECT and GROUP BY).
    return _restrict(query, actor, Event.academie).subquery("reach")


def _reach_sums(rows):
    return (
        func.count(distinct(rows.c.event_id)), func.sum(rows.c.pupils), func.sum(rows.c.girls),
        func.sum(rows.c.pupils_est), func.sum(rows.c.girls_est), func.sum(rows.c.flagged),
    )


def _reach_by_month(actor, period: Period) -> list[tuple[date, Reach]]:
    rows = _reach_rows(actor, period)
    found = {
        month: Reach(*(int(v or 0) for v in values))
        for month, *values in db.session.execute(select(rows.c.month, *_reach_sums(rows)).group_by(rows.c.month))
    }
    return [(m, found.get(i, Reach())) for i, m in enumerate(period.months())]


def _reach_by_academie(actor, period: Period) -> list[tuple[str, Reach]]:
    rows = _reach_rows(actor, period)
    result = [
        (code, Reach(*(int(v or 0) for v in values)))
        for code, *values in db.session.execute(select(rows.c.academie, *_reach_sums(rows)).group_by(rows.c.academie))
    ]
    return sorted(result, key=lambda item: (-item[1].girls, -item[1].pupils, item[0]))


def _schools_reached(actor, period: Period) -> tuple[Counter, Counter]:
    rows = _reach_rows(actor, period)
    query = (
        select(rows.c.kind, rows.c.priority, func.count(distinct(rows.c.school_id)))
        .where(rows.c.school_id.is_not(None))
        .group_by(rows.c.kind, rows.c.priority)
    )
    by_kind, by_priority = Counter(), Counter()
    for kind, priority, n in db.session.execute(query):
        by_kind[kind] += n
        by_priority[priority] += n
    return by_kind, by_priority


def _requests(actor, period: Period) -> RequestFigures:
    """Requests received in the period, how far they went, and how fast they were scheduled
    (to the first "request.scheduled" audit entry, or the creation of their first event)."""
    scheduled_entry = and_(
        AuditEntry.subject_type == "visit_request", AuditEntry.subject_id == VisitRequest.id,
        AuditEntry.action == "request.scheduled",
    )
    query = (
        select(VisitRequest.id, VisitRequest.submitted_at, VisitRequest.status,
               func.min(AuditEntry.created_at), func.min(Event.created_at))
        .join(School, School.id == VisitRequest.school_id)
        .outerjoin(AuditEntry, scheduled_entry)
        .outerjoin(Event, Event.visit_request_id == VisitRequest.id)
        .where(_in_period(VisitRequest.submitted_at, period))
        .group_by(VisitRequest.id, VisitRequest.submitted_at, VisitRequest.status)
    )
    figures = RequestFigures()
    for _id, submitted_at, status, audited_at, event_at in db.session.execute(_restrict(query, actor, School.academie)):
        figures.received += 1
        moments = [m for m in (audited_at, event_at) if m is not None]
        was_scheduled = bool(moments) or status in (RequestStatus.SCHEDULED, RequestStatus.COMPLETED)
        figures.scheduled += was_scheduled
        figures.completed += status == RequestStatus.COMPLETED
        figures.declined += status == RequestStatus.DECLINED
        figures.withdrawn += status == RequestStatus.WITHDRAWN
        figures.pending += status in (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW) and not was_scheduled
        figures.answered += was_scheduled or status == RequestStatus.DECLINED
        if moments:
            seconds = (min(moments) - submitted_at).total_seconds()
            figures.days_to_schedule.append(max(seconds, 0) / 86400)
    return figures


def _active_role_models(actor, period: Period):
    """Ids of role models with a confirmed engagement on an event held in the period."""
    query = (
        select(Assignment.role_model_id)
        .join(Event, Event.id == Assignment.event_id)
        .where(Assignment.status == AssignmentStatus.CONFIRMED, Event.status.in_(HELD_STATUSES),
               _in_period(Event.start_at, period))
        .distinct()
    )
    return list(db.session.scalars(_restrict(query, actor, Event.academie)))


def _role_models(actor, period: Period, now: datetime) -> RoleModelFigures:
    figures = RoleModelFigures()
    held = and_(Assignment.status == AssignmentStatus.CONFIRMED, Event.status.in_(HELD_STATUSES),
                _in_period(Event.start_at, period))
    active_ids = _restrict(
        select(Assignment.role_model_id).join(Event, Event.id == Assignment.event_id).where(held),
        actor, Event.academie,
    )
    # Sectors are a JSON list: read the (bounded) active set and count in Python.
    for family, sectors in db.session.execute(
        select(RoleModel.job_family, RoleModel.sectors).where(RoleModel.id.in_(active_ids))
    ):
        figures.active_by_family[family] += 1
        for sector in {s.strip().lower() for s in sectors or [] if s and s.strip()}:
            figures.active_by_sector[sector] += 1

    hours = select(Event.start_at, Event.end_at, func.count(Assignment.id)).join(
        Assignment, Assignment.event_id == Event.id
    ).where(held).group_by(Event.id, Event.start_at, Event.end_at)
    figures.hours_given = sum(
        (end - start).total_seconds() / 3600 * n
        for start, end, n in db.session.execute(_restrict(hours, actor, Event.academie))
    )

    new = select(RoleModel.job_family, func.count(RoleModel.id)).where(
        _in_period(RoleModel.created_at, period)
    ).group_by(RoleModel.job_family)
    figures.new_by_family = Counter(dict(db.session.execute(_role_model_scope(new, actor)).all()))

    # Dormant: nothing confirmed in the twelve months before the period's end (or today),
    # nor coming up within the period (someone booked for next month is not dormant).
    period_end = period.instants()[1]
    reference = min(period_end, now)
    cutoff = reference - timedelta(days=DORMANT_AFTER_DAYS)
    engaged_lately = exists().where(
        Assignment.role_model_id == RoleModel.id, Assignment.status == AssignmentStatus.CONFIRMED,
        Assignment.event_id == Event.id, Event.status.in_(HELD_STATUSES),
        Event.start_at >= cutoff, Event.start_at < period_end,
    )
    dormant = and_(RoleModel.created_at < cutoff, ~engaged_lately)
    pool = (
        select(RoleModel.job_family, func.count(RoleModel.id), func.sum(case((dormant, 1), else_=0)))
        .where(RoleModel.status == RoleModelStatus.ACTIVE, RoleModel.anonymised_at.is_(None),
               RoleModel.created_at < reference)
        .group_by(RoleModel.job_family)
    )
    for family, n, n_dormant in db.session.execute(_role_model_scope(pool, actor)):
        figures.pool_by_family[family] = n
        if n_dormant:
            figures.dormant_by_family[family] = int(n_dormant)
    return figures


def _role_model_scope(query: Select, actor: User | None) -> Select:
    """Role models belong to the académies of their home département or of any they cover."""
    academies = actor.academies if actor is not None else None
    if academies is None:
        return query
    departements = sorted({d for code in academies if code in ACADEMIES for d in ACADEMIES[code].departements})
    if not departements:
        return query.where(false())
    covers = exists().where(RoleModelDepartement.role_model_id == RoleModel.id,
                            RoleModelDepartement.departement.in_(departements))
    return query.where(or_(RoleModel.home_departement.in_(departements), covers))


def _event_cancellations(actor, period: Period):
    query = (
        select(Event.cancel_reason, func.count(Event.id))
        .where(Event.status == EventStatus.CANCELLED, _in_period(Event.start_at, period))
        .group_by(Event.cancel_reason)
    )
    return db.session.execute(_restrict(query, actor, Event.academie)).all()


def _withdrawals(actor, period: Period):
    query = (
        select(Assignment.reason, func.count(Assignment.id))
        .join(Event, Event.id == Assignment.event_id)
        .where(Assignment.status == AssignmentStatus.WITHDRAWN, _in_period(Event.start_at, period))
        .group_by(Assignment.reason)
    )
    return db.session.execute(_restrict(query, actor, Event.academie)).all()


UNSPECIFIED = "—"


def _ranked(rows, *, top: int = 8) -> list[tuple[str, int]]:
    """Free-text reasons merged case- and space-insensitively, most frequent first; the tail
    is summed under "Autres"."""
    counts: Counter = Counter()
    spellings: dict[str, Counter] = {}
    for reason, n in rows:
        text = " ".join((reason or "").split())
        key = text.casefold()
        spellings.setdefault(key, Counter())[text or UNSPECIFIED] += n
        counts[key] += n
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    # The most used spelling names the group (ties: "Grève" before "grève").
    result = [(min(spellings[k].items(), key=lambda sv: (-sv[1], sv[0]))[0], n) for k, n in ranked[:top]]
    if len(ranked) > top:
        result.append((str(_l("Autres")), sum(n for _k, n in ranked[top:])))
    return result

"""Impact statistics for a period, in the token's scope (national for admins)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import g

from app.services.statistics import impact
from app.web.api.schemas.common import PeriodArgs
from app.web.api.schemas.statistics import StatisticsSchema
from app.web.api.views import bp, etag, organizer_only

TAG = ["Statistics"]


@bp.route("/statistics", tags=TAG)
@organizer_only
@etag
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, StatisticsSchema)
def statistics_for_period(args):
    """Impact figures

    Everything the impact page shows, for the days from `start` to `end` (both included,
    Europe/Paris), limited to your académies. Pupils and girls come from the schools' feedback;
    the `*_estimated` parts were taken from requested headcounts where no feedback came, or
    where it reported more pupils than the event allows (`feedback_flagged` counts those).
    """
    period = impact.Period(args["start"], args["end"] + timedelta(days=1))
    return figures_json(impact.compute(g.actor, period))


def _reach(reach: impact.Reach, **extra) -> dict:
    return {
        "events": reach.events,
        "pupils": reach.pupils,
        "girls": reach.girls,
        "pupils_estimated": reach.pupils_estimated,
        "girls_estimated": reach.girls_estimated,
        **extra,
    }


def _counts(counter: Counter) -> dict[str, int]:
    return {str(getattr(k, "value", k)): n for k, n in counter.items()}


def _period(period: impact.Period) -> dict:
    return {"start": period.start, "end": period.last_day}


def figures_json(f: impact.Figures) -> dict:
    rm, rq = f.role_models, f.requests
    return {
        "period": _period(f.period),
        "academies": sorted(f.academies) if f.academies is not None else None,
        "events": f.events,
        "events_by_type_status": [
            {"type": t, "status": s, "count": n} for (t, s), n in sorted(f.events_by_type_status.items())
        ],
        "reach": _reach(f.reach),
        "feedback_flagged": f.reach.flagged,
        "reach_by_month": [_reach(r, month=m.strftime("%Y-%m")) for m, r in f.reach_by_month],
        "reach_by_academie": [_reach(r, academie=a) for a, r in f.reach_by_academie],
        "schools": f.schools,
        "priority_schools": f.priority_schools,
        "schools_by_kind": _counts(f.schools_by_kind),
        "schools_by_priority": _counts(f.schools_by_priority),
        "requests": {
            "received": rq.received,
            "answered": rq.answered,
            "scheduled": rq.scheduled,
            "completed": rq.completed,
            "declined": rq.declined,
            "withdrawn": rq.withdrawn,
            "pending": rq.pending,
            "median_days_to_schedule": rq.median_days,
            "mean_days_to_schedule": rq.mean_days,
        },
        "role_models": {
            "active": rm.active,
            "new": rm.new,
            "pool": rm.pool,
            "dormant": rm.dormant,
            "hours_given": float(rm.hours_given),
            "active_by_family": _counts(rm.active_by_family),
            "active_by_sector": _counts(rm.active_by_sector),
            "new_by_family": _counts(rm.new_by_family),
            "pool_by_family": _counts(rm.pool_by_family),
            "dormant_by_family": _counts(rm.dormant_by_family),
        },
        "cancellations": [{"reason": r, "count": n} for r, n in f.cancellations],
        "withdrawals": [{"reason": r, "count": n} for r, n in f.withdrawals],
    }


def headline_json(h: impact.Headline) -> dict:
    return {
        "period": _period(h.period),
        "reach": _reach(h.reach),
        "schools": h.schools,
        "role_models_active": h.role_models_active,
    }

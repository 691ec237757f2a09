"""What the impact statistics are made of: the period (Paris dates) and the figures computed
for it by `app.services.statistics.impact`. Plain values, no database access."""

from __future__ import annotations

import statistics as pystats
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from app import local_time
from app.models import EducationPriority
from app.services.common.errors import Invalid

MAX_MONTHS = 60  # five school years: the month CASE stays small, the charts readable


@dataclass(frozen=True)
class Period:
    """Dates in Europe/Paris, `start` included, `end` excluded."""

    start: date
    end: date

    def __post_init__(self):
        if self.end <= self.start:
            message = _l("La fin de la période doit être après son début.")
            raise Invalid(message, fields={"end": message})
        if len(self.months()) > MAX_MONTHS:
            message = _l("Choisissez une période de cinq ans au plus.")
            raise Invalid(message, fields={"end": message})

    @classmethod
    def school_year(cls, today: date) -> Period:
        """1 September to 31 August, the year `today` falls in."""
        first = today.year if today.month >= 9 else today.year - 1
        return cls(date(first, 9, 1), date(first + 1, 9, 1))

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def instants(self) -> tuple[datetime, datetime]:
        return local_time.midnight(self.start), local_time.midnight(self.end)

    def months(self) -> list[date]:
        """First day of every month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month < self.end:
            months.append(month)
            month = _next_month(month)
            if len(months) > MAX_MONTHS:
                break
        return months




def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


@dataclass
class Reach:
    events: int = 0
    pupils: int = 0
    girls: int = 0
    pupils_estimated: int = 0  # the part of `pupils` taken from requested headcounts
    girls_estimated: int = 0
    flagged: int = 0  # school answers beyond what the event allows, left out (for organizers only)

    def add(self, other: Reach) -> None:
        for name in ("events", "pupils", "girls", "pupils_estimated", "girls_estimated", "flagged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def is_estimated(self) -> bool:
        return bool(self.pupils_estimated or self.girls_estimated)


@dataclass
class RequestFigures:
    received: int = 0
    answered: int = 0  # scheduled at some point, or declined
    scheduled: int = 0  # scheduled at some point (even if the event was later cancelled)
    completed: int = 0
    declined: int = 0
    withdrawn: int = 0
    pending: int = 0  # submitted or in review
    days_to_schedule: list[float] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return pystats.median(self.days_to_schedule) if self.days_to_schedule else None

    @property
    def mean_days(self) -> float | None:
        return pystats.fmean(self.days_to_schedule) if self.days_to_schedule else None


@dataclass
class RoleModelFigures:
    active_by_family: Counter = field(default_factory=Counter)  # ≥1 confirmed engagement
    active_by_sector: Counter = field(default_factory=Counter)
    new_by_family: Counter = field(default_factory=Counter)  # signed up in the period
    pool_by_family: Counter = field(default_factory=Counter)  # active accounts at period end
    dormant_by_family: Counter = field(default_factory=Counter)  # no engagement for 12 months
    hours_given: float = 0.0

    @property
    def active(self) -> int:
        return sum(self.active_by_family.values())

    @property
    def new(self) -> int:
        return sum(self.new_by_family.values())

    @property
    def pool(self) -> int:
        return sum(self.pool_by_family.values())

    @property
    def dormant(self) -> int:
        return sum(self.dormant_by_family.values())


@dataclass
class Figures:
    period: Period
    academies: frozenset[str] | None  # None: national
    events_by_type_status: Counter = field(default_factory=Counter)  # (type, status) → count
    reach: Reach = field(default_factory=Reach)
    reach_by_month: list[tuple[date, Reach]] = field(default_factory=list)
    reach_by_academie: list[tuple[str, Reach]] = field(default_factory=list)  # most girls first
    schools_by_kind: Counter = field(default_factory=Counter)
    schools_by_priority: Counter = field(default_factory=Counter)
    requests: RequestFigures = field(default_factory=RequestFigures)
    role_models: RoleModelFigures = field(default_factory=RoleModelFigures)
    cancellations: list[tuple[str, int]] = field(default_factory=list)  # event cancel reasons
    withdrawals: list[tuple[str, int]] = field(default_factory=list)  # role models stepping back

    @property
    def events(self) -> int:
        return sum(self.events_by_type_status.values())

    def events_with(self, *, type=None, status=None) -> int:
        return sum(n for (t, s), n in self.events_by_type_status.items()
                   if (type is None or t == type) and (status is None or s == status))

    @property
    def schools(self) -> int:
        return sum(self.schools_by_kind.values())

    @property
    def priority_schools(self) -> int:
        return self.schools_by_priority[EducationPriority.REP] + self.schools_by_priority[EducationPriority.REP_PLUS]

    @property
    def is_empty(self) -> bool:
        return not (self.events or self.requests.received or self.role_models.new)


@dataclass
class Headline:
    """The public page's figures: counts only, nothing about a person."""

    period: Period
    reach: Reach
    schools: int
    role_models_active: int

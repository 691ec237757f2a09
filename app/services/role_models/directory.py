"""The organizers' directory of role models: list and filter those working in their scope,
open a profile with its engagement history and calendar sync status. Approving, pausing and
resuming are app/services/role_models/profiles.py's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app import local_time
from app.extensions import db
from app.models import (
    ENGAGED_STATUSES,
    Assignment,
    Event,
    ExternalCalendar,
    JobFamily,
    RoleModel,
    RoleModelDepartement,
    RoleModelStatus,
    User,
)
from app.models.role_model import fold
from app.models.types import utcnow
from app.services.common import access, scope
from app.services.common.errors import NotFound


@dataclass
class RoleModelFilters:
    text: str = ""
    status: str = ""
    sector: str = ""
    job_family: str = ""
    departement: str = ""
    available_this_month: bool = False


@dataclass
class RoleModelRow:
    role_model: RoleModel
    engaged_this_month: int

    @property
    def has_room_this_month(self) -> bool:
        return self.engaged_this_month < self.role_model.monthly_cap


@dataclass
class Profile:
    role_model: RoleModel
    history: list[Assignment] = field(default_factory=list)
    calendars: list[ExternalCalendar] = field(default_factory=list)
    engaged_this_month: int = 0


def _month_bounds(now: datetime) -> tuple[datetime, datetime]:
    local = now.astimezone(local_time.DISPLAY_ZONE).date().replace(day=1)
    following = date(local.year + local.month // 12, local.month % 12 + 1, 1)
    return (datetime.combine(local, time(0), local_time.DISPLAY_ZONE),
            datetime.combine(following, time(0), local_time.DISPLAY_ZONE))


def _engaged_count(now: datetime):
    start, end = _month_bounds(now)
    return (
        select(func.count()).select_from(Assignment).join(Assignment.event)
        .where(Assignment.role_model_id == RoleModel.id, Assignment.status.in_(ENGAGED_STATUSES),
               Event.start_at >= start, Event.start_at < end)
        .correlate(RoleModel).scalar_subquery()
    )


PER_PAGE = 25


@dataclass
class DirectoryPage:
    rows: list[RoleModelRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


def _filtered(query, user: User, f: RoleModelFilters, engaged):
    query = scope.restrict_role_models(query.where(RoleModel.anonymised_at.is_(None)), user)
    if f.status in RoleModelStatus.__members__.values():
        query = query.where(RoleModel.status == RoleModelStatus(f.status))
    if f.job_family in JobFamily.__members__.values():
        query = query.where(RoleModel.job_family == JobFamily(f.job_family))
    if f.departement:
        query = query.where(RoleModel.id.in_(
            select(RoleModelDepartement.role_model_id).where(RoleModelDepartement.departement == f.departement)))
    # Each word, folded like the stored column (no accents, no case), anywhere in name, company,
    # job, sectors or home département; % and _ typed by people match themselves.
    for word in [w for w in fold(f.text).split() if w][:4]:
        query = query.where(RoleModel.search_text.contains(word, autoescape=True))
    sector = fold(f.sector)
    if sector and "|" not in sector:
        query = query.where(RoleModel.sector_keys.contains(f"|{sector}|", autoescape=True))
    if f.available_this_month:
        query = query.where(RoleModel.status == RoleModelStatus.ACTIVE, engaged < RoleModel.monthly_cap)
    return query


def list_role_models(user: User, filters: RoleModelFilters | None = None, *, now: datetime | None = None,
                     limit: int = 200, offset: int = 0) -> list[RoleModelRow]:
    """Two queries whatever the data size (people, then their départements)."""
    f = filters or RoleModelFilters()
    engaged = _engaged_count(now or utcnow())
    query = _filtered(select(RoleModel, engaged), user, f, engaged).options(selectinload(RoleModel.departements))
    query = query.order_by(RoleModel.last_name, RoleModel.first_name, RoleModel.id).limit(limit).offset(offset)
    return [RoleModelRow(rm, n) for rm, n in db.session.execute(query)]


def directory_page(user: User, filters: RoleModelFilters | None = None, *, page: int = 1, per_page: int = PER_PAGE,
                   now: datetime | None = None) -> DirectoryPage:
    """One page of the directory and how many match: three queries whatever the data size."""
    f = filters or RoleModelFilters()
    engaged = _engaged_count(now or utcnow())
    total = db.session.scalar(_filtered(select(func.count(RoleModel.id)), user, f, engaged)) or 0
    last = max(1, -(-total // per_page))
    page = min(max(1, page), last)
    rows = list_role_models(user, f, now=now, limit=per_page, offset=(page - 1) * per_page)
    return DirectoryPage(rows, total, page, per_page)


def get_role_model(user: User, role_model_id: int, *options) -> RoleModel:
    """One role model the user sees; anyone else is answered as a missing id (404)."""
    if not 0 < role_model_id <= access.MAX_ID:
        raise NotFound(access.MISSING_ROLE_MODEL)
    query = select(RoleModel).where(RoleModel.id == role_model_id).options(*options)
    role_model = db.session.scalars(scope.restrict_role_models(query, user)).unique().one_or_none()
    if role_model is None:
        raise NotFound(access.MISSING_ROLE_MODEL)
    return role_model


def get_profile(user: User, role_model_id: int, *, now: datetime | None = None) -> Profile:
    role_model = get_role_model(user, role_model_id, selectinload(RoleModel.departements),
                                selectinload(RoleModel.windows), selectinload(RoleModel.exceptions),
                                joinedload(RoleModel.user))
    history = list(db.session.scalars(
        select(Assignment).join(Assignment.event).options(joinedload(Assignment.event))
        .where(Assignment.role_model_id == role_model.id).order_by(Event.start_at.desc()).limit(100)
    ))
    calendars = list(db.session.scalars(
        select(ExternalCalendar).where(ExternalCalendar.role_model_id == role_model.id).order_by(ExternalCalendar.id)
    ))
    start, end = _month_bounds(now or utcnow())
    engaged = sum(1 for a in history if a.status in ENGAGED_STATUSES and start <= a.event.start_at < end)
    return Profile(role_model, history, calendars, engaged)


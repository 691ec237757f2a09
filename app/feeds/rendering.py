"""Feeds rendered for their subscribers: a feed URL's owner found (app/feeds/lookups.py), its
events collected as its audience sees them (app/feeds/audiences.py), rendered once per data
stamp and kept in the render cache (app/feeds/cache.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask_babel import force_locale

import calendars
from app import local_time
from app.extensions import db
from app.feeds import audiences, cache, lookups, texts
from app.feeds.texts import _
from app.models import RoleModel, School, User, VisitRequest
from app.models.types import utcnow
from app.reference.academies import ACADEMIES
from calendars import CalendarEvent

REFRESH = timedelta(hours=1)


def _render(stamp: cache.Stamp | None, key: tuple, locale: str, name: Callable[[], str],
            collect: Callable[[date], list[CalendarEvent]], *, now: datetime | None = None,
            zone: str = local_time.DISPLAY_TIMEZONE) -> cache.RenderedFeed:
    day = audiences.today(now)

    def render() -> cache.RenderedFeed:
        with force_locale(locale), texts.memoised():
            # `zone`: the time zone an empty feed still describes (a feed needs one component).
            body = calendars.render_feed(collect(day), name=str(name()), refresh_interval=REFRESH,
                                         display_timezone=zone)
        changed = stamp.changed_at if stamp else utcnow()
        # The day is part of the key (cancellations drop out by date), so it bounds Last-Modified.
        return cache.RenderedFeed.of(body, max(changed, audiences.day_start(day)))

    cache_key = (*key, locale, stamp.value, day) if stamp else None
    return cache.cache.get_or_render(cache_key, render)


def role_model_feed(token: str, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    """The feed behind a role model's secret URL, or None (unknown, revoked, anonymised)."""
    row = lookups.owner(lookups.ROLE_MODEL_OWNER, token)
    return role_model_calendar(row.owner_id, row.locale or "fr", stamp=lookups.stamp_of(row), now=now) if row else None


def role_model_calendar(role_model_id: int, locale: str = "fr", *, stamp: cache.Stamp | None = None,
                        now: datetime | None = None) -> cache.RenderedFeed:
    def collect(day: date) -> list[CalendarEvent]:
        return audiences.role_model_events(db.session.get(RoleModel, role_model_id), day=day)

    return _render(stamp, ("role_model", role_model_id), locale, lambda: _("Mes rencontres IndustriElles"),
                   collect, now=now)


def school_feed(token: str, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    """The feed behind a school URL: the whole school's, or one request's (lookups.SCHOOL_OWNER)."""
    row = lookups.owner(lookups.SCHOOL_OWNER, token)
    if row is None:
        return None
    if lookups.serves_whole_school(row):
        return school_calendar(row.owner_id, stamp=lookups.stamp_of(row), now=now)
    return request_calendar(row.request_id, stamp=lookups.stamp_of(row), now=now)


def school_calendar(school_id: int, *, stamp: cache.Stamp | None = None,
                    now: datetime | None = None) -> cache.RenderedFeed:
    def name() -> str:
        return f"Rencontres IndustriElles — {db.session.get(School, school_id).name}"

    def collect(day: date) -> list[CalendarEvent]:
        return audiences.school_events(db.session.get(School, school_id), day=day)

    return _render(stamp, ("school", school_id), "fr", name, collect, now=now)


def request_calendar(request_id: int, *, stamp: cache.Stamp | None = None,
                     now: datetime | None = None) -> cache.RenderedFeed:
    """The events planned for one request, as its school sees them."""
    def name() -> str:
        request = db.session.get(VisitRequest, request_id)
        yours = _("votre demande")
        return f"Rencontres IndustriElles — {request.school.name} ({yours})"

    def collect(day: date) -> list[CalendarEvent]:
        return audiences.request_events(request_id, day=day)

    return _render(stamp, ("request", request_id), "fr", name, collect, now=now)


def organizer_feed(token: str, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    row = lookups.owner(lookups.ORGANIZER_OWNER, token)
    return organizer_calendar(row.owner_id, row.locale or "fr", stamp=lookups.stamp_of(row), now=now) if row else None


def organizer_calendar(user_id: int, locale: str = "fr", *, stamp: cache.Stamp | None = None,
                       now: datetime | None = None) -> cache.RenderedFeed:
    return _render(stamp, ("organizer", user_id), locale, lambda: _("Rencontres IndustriElles — organisation"),
                   lambda day: audiences.organizer_events(db.session.get(User, user_id), day=day), now=now)


def public_feed(academie: str | None = None, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    """All public events, or those of one académie (None for an unknown académie)."""
    if academie is not None and academie not in ACADEMIES:
        return None
    stamp = lookups.current_stamp()
    if academie is None:
        name = "Rencontres IndustriElles"
    else:
        name = f"Rencontres IndustriElles — académie de {ACADEMIES[academie].name}"
    zone = ACADEMIES[academie].timezone if academie is not None else local_time.DISPLAY_TIMEZONE
    return _render(stamp, ("public", academie), "fr", lambda: name,
                   lambda day: audiences.public_events(academie=academie, day=day), now=now, zone=zone)

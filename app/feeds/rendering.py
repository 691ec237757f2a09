"""The one place that maps events and assignments to calendar values, and the feeds built on it.

Audiences and what each may see:
- public: title, type, time, place and description of public events; no person at all.
- role model: their own invitations and participations (TENTATIVE until confirmed), the
  schools, class levels and headcounts, the organizer to contact.
- school: the school's events, the role models coming (name, job, company), the organizer.
- organizer: the events of their académies with schools, school contacts and role models.

Cancelled events (and participations that ended after an invitation) stay in feeds as
CANCELLED, SEQUENCE bumped, for CANCELLED_KEPT_FOR, then disappear.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

import calendars
from app import labels
from app.extensions import db
from app.feeds import cache, hot_reads, stamp_watch, tokens
from app.models import (
    Assignment,
    AssignmentStatus,
    DataVersion,
    Event,
    EventSchool,
    EventStatus,
    FeedKind,
    FeedToken,
    RoleModel,
    School,
    SchoolContact,
    User,
    UserRole,
    VisitRequest,
)
from app.models.types import utcnow
from app.reference.academies import ACADEMIES
from calendars import Attendee, CalendarEvent, PartStat, Person, Role
from calendars import EventStatus as CalStatus

CANCELLED_KEPT_FOR = timedelta(days=30)
PRIVATE_PAST = timedelta(days=365)
PUBLIC_PAST = timedelta(days=90)
REFRESH = timedelta(hours=1)

_ENDED = (AssignmentStatus.DECLINED, AssignmentStatus.EXPIRED, AssignmentStatus.WITHDRAWN, AssignmentStatus.CANCELLED)
_TENTATIVE = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)
_PUBLISHED = (EventStatus.SCHEDULED, EventStatus.CONFIRMED, EventStatus.COMPLETED, EventStatus.CANCELLED)


# Translated texts memoised for the duration of one feed render: a feed of 200 events asks for
# the same dozen strings thousands of times, and each Flask-Babel lookup walks the contexts.
_render_texts: ContextVar[dict | None] = ContextVar("feed_render_texts", default=None)


def _(msgid: str, **variables) -> str:
    texts = _render_texts.get()
    if texts is None:
        return gettext(msgid, **variables)
    text = texts.get(msgid)
    if text is None:
        text = texts[msgid] = gettext(msgid)
    return text % variables if variables else text


def _label(mapping: dict, value) -> str:
    texts = _render_texts.get()
    if texts is None:
        return labels.label(mapping, value)
    key = (id(mapping), getattr(value, "value", value))
    text = texts.get(key)
    if text is None:
        text = texts[key] = labels.label(mapping, value)
    return text


class Audience(enum.StrEnum):
    PUBLIC = "public"
    ROLE_MODEL = "role_model"
    SCHOOL = "school"
    ORGANIZER = "organizer"


# --- one event as a calendar value -------------------------------------------------------------


def calendar_event(
    event: Event, audience: Audience = Audience.ROLE_MODEL, *, assignment: Assignment | None = None
) -> CalendarEvent:
    """The calendar value of `event` as `audience` may see it; with `assignment`, as that role
    model sees it (TENTATIVE while invited or accepted, CANCELLED once their part ended).

    Text is in the current locale: call inside `flask_babel.force_locale` for someone else's.
    """
    last_modified = event.updated_at
    if assignment is not None:
        last_modified = max(last_modified, assignment.updated_at)
    elif audience in (Audience.SCHOOL, Audience.ORGANIZER) and event.assignments:
        last_modified = max(last_modified, *(a.updated_at for a in event.assignments))
    geo = None
    if event.latitude is not None and event.longitude is not None and not event.is_online:
        geo = (event.latitude, event.longitude)
    return CalendarEvent(
        uid=event.uid,
        summary=event.title,
        start=event.start_at,
        end=event.end_at,
        last_modified=last_modified,
        created=event.created_at,
        timezone=event.timezone or "Europe/Paris",
        status=_status(event, audience, assignment),
        sequence=event.sequence,
        description=_description(event, audience),
        location=_location(event, audience),
        geo=geo,
        categories=(_label(labels.EVENT_TYPES, event.type),),
    )


def _status(event: Event, audience: Audience, assignment: Assignment | None) -> CalStatus:
    if event.status == EventStatus.CANCELLED:
        return CalStatus.CANCELLED
    if assignment is not None:
        if assignment.status in _ENDED:
            return CalStatus.CANCELLED
        if assignment.status in _TENTATIVE:
            return CalStatus.TENTATIVE
        return CalStatus.CONFIRMED
    if audience == Audience.ORGANIZER and event.status == EventStatus.SCHEDULED:
        return CalStatus.TENTATIVE  # date set, role models not all confirmed yet
    return CalStatus.CONFIRMED


def _location(event: Event, audience: Audience) -> str:
    if event.is_online:
        online = _("En ligne")
        return f"{online} : {event.online_url}" if event.online_url and audience != Audience.PUBLIC else online
    return ", ".join(part for part in (event.venue, event.address, event.commune) if part)


def _description(event: Event, audience: Audience) -> str:
    lines = [_label(labels.EVENT_TYPES, event.type)]
    if event.description:
        lines.append(event.description.strip())
    if audience == Audience.PUBLIC:
        return "\n\n".join(lines)
    for link in event.schools:
        school = link.school
        detail = ", ".join(
            part
            for part in (
                link.class_level,
                _("%(n)d élèves", n=link.headcount) if link.headcount else "",
                _("dont %(n)d filles", n=link.girls_count) if link.girls_count is not None and link.headcount else "",
            )
            if part
        )
        lines.append(_("Établissement : %(name)s (%(commune)s)", name=school.name, commune=school.commune)
                     + (f" — {detail}" if detail else ""))
    if audience in (Audience.SCHOOL, Audience.ORGANIZER):
        lines.extend(_role_model_lines(event, audience))
    if audience == Audience.ORGANIZER:
        contact = event.visit_request.contact if event.visit_request is not None else None
        if contact is not None:
            reach = ", ".join(part for part in (contact.email, contact.phone) if part)
            lines.append(_("Contact de l'établissement : %(name)s (%(reach)s)", name=contact.full_name, reach=reach))
    elif event.organizer is not None:
        lines.append(_("Votre contact IndustriElles : %(name)s <%(email)s>",
                       name=event.organizer.full_name, email=event.organizer.email))
    if event.is_online and event.online_url:
        lines.append(_("Lien de la réunion : %(url)s", url=event.online_url))
    return "\n\n".join(lines)


def _role_model_lines(event: Event, audience: Audience) -> list[str]:
    shown = (AssignmentStatus.CONFIRMED,) if audience == Audience.SCHOOL else (*_TENTATIVE, AssignmentStatus.CONFIRMED)
    lines = []
    for assignment in sorted(event.assignments, key=lambda a: a.id or 0):
        if assignment.status not in shown or assignment.role_model.anonymised_at is not None:
            continue
        rm = assignment.role_model
        line = f"{rm.display_name} — {rm.job_title}, {rm.company}"
        if audience == Audience.ORGANIZER:
            line += f" ({_label(labels.ASSIGNMENT_STATUSES, assignment.status)})"
        lines.append(line)
    if not lines:
        return []
    return [_("Intervenant·es :") + "\n" + "\n".join(f"- {line}" for line in lines)]


# --- invitations (iTIP), used by notifications.py and invitations.py ---------------------------


def organizer_person(event: Event) -> Person:
    """The ORGANIZER of iTIP messages: the event's organizer, or the service's sender."""
    if event.organizer is not None and event.organizer.email:
        return Person(event.organizer.email, event.organizer.full_name or None)
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return Person(address, name or None)


def role_model_attendee(assignment: Assignment) -> Attendee | None:
    """The role model as an ATTENDEE; None when they have no email (anonymised account)."""
    user = assignment.role_model.user
    if user is None or assignment.role_model.anonymised_at is not None:
        return None
    partstat = {
        AssignmentStatus.ACCEPTED: PartStat.ACCEPTED,
        AssignmentStatus.CONFIRMED: PartStat.ACCEPTED,
        AssignmentStatus.DECLINED: PartStat.DECLINED,
    }.get(assignment.status, PartStat.NEEDS_ACTION)
    return Attendee(user.email, assignment.role_model.display_name, partstat=partstat)


def contact_attendee(contact: SchoolContact) -> Attendee:
    return Attendee(contact.email, contact.full_name, partstat=PartStat.ACCEPTED, rsvp=False)


def organizer_attendee(user: User) -> Attendee:
    return Attendee(user.email, user.full_name, partstat=PartStat.ACCEPTED, role=Role.CHAIR, rsvp=False)


def invitation_ics(
    event: Event,
    method: str,
    attendees: Iterable[Attendee],
    *,
    audience: Audience = Audience.ROLE_MODEL,
    assignment: Assignment | None = None,
) -> bytes:
    """An iTIP message (REQUEST or CANCEL) about `event` for `attendees`, as `audience` sees it.

    Send one message per recipient listing only them, so nobody learns other people's addresses.
    """
    value = calendar_event(event, audience, assignment=assignment)
    if method.upper() == "REQUEST" and value.status == CalStatus.CANCELLED:
        method = "CANCEL"
    return calendars.render_invitation(value, method=method, organizer=organizer_person(event), attendees=attendees)


# --- feeds ---------------------------------------------------------------------------------------


def _today(now: datetime | None) -> date:
    return (now or utcnow()).astimezone(UTC).date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _cancelled_at(event: Event) -> datetime:
    return event.cancelled_at or event.updated_at


def _ended_at(assignment: Assignment) -> datetime:
    return assignment.ended_at or assignment.responded_at or assignment.updated_at


def _event_options(audience: Audience) -> list:
    """Load what `audience`'s view of an event reads, in a few queries, and nothing more."""
    options = [selectinload(Event.schools).selectinload(EventSchool.school), selectinload(Event.organizer)]
    if audience in (Audience.SCHOOL, Audience.ORGANIZER):
        options.append(selectinload(Event.assignments).selectinload(Assignment.role_model))
    if audience == Audience.ORGANIZER:
        options.append(selectinload(Event.visit_request).selectinload(VisitRequest.contact))
    return options


def _visible_events(events: Iterable[Event], audience: Audience, day: date) -> list[CalendarEvent]:
    keep_since = _day_start(day) - CANCELLED_KEPT_FOR
    return [
        calendar_event(e, audience)
        for e in events
        if e.status != EventStatus.CANCELLED or _cancelled_at(e) >= keep_since
    ]


def role_model_events(role_model: RoleModel, *, day: date) -> list[CalendarEvent]:
    query = (
        select(Assignment)
        .join(Assignment.event)
        .where(
            Assignment.role_model_id == role_model.id,
            Assignment.invited_at.is_not(None),
            Event.status.in_(_PUBLISHED),
            Event.end_at >= _day_start(day) - PRIVATE_PAST,
        )
        .options(selectinload(Assignment.event).options(*_event_options(Audience.ROLE_MODEL)))
    )
    keep_since = _day_start(day) - CANCELLED_KEPT_FOR
    values = []
    for assignment in db.session.scalars(query):
        value = calendar_event(assignment.event, Audience.ROLE_MODEL, assignment=assignment)
        if value.status == CalStatus.CANCELLED:
            ended = _cancelled_at(assignment.event) if assignment.event.status == EventStatus.CANCELLED else _ended_at(assignment)
            if ended < keep_since:
                continue
        values.append(value)
    return values


def school_events(school: School, *, day: date) -> list[CalendarEvent]:
    query = (
        select(Event)
        .join(EventSchool)
        .where(EventSchool.school_id == school.id, Event.status.in_(_PUBLISHED),
               Event.end_at >= _day_start(day) - PRIVATE_PAST)
        .options(*_event_options(Audience.SCHOOL))
    )
    return _visible_events(db.session.scalars(query), Audience.SCHOOL, day)


def organizer_events(user: User, *, day: date) -> list[CalendarEvent]:
    query = (
        select(Event)
        .where(Event.status.in_(_PUBLISHED), Event.end_at >= _day_start(day) - PRIVATE_PAST)
        .options(*_event_options(Audience.ORGANIZER))
    )
    if user.academies is not None:
        query = query.where(Event.academie.in_(sorted(user.academies) or [""]))
    return _visible_events(db.session.scalars(query), Audience.ORGANIZER, day)


def public_events(*, academie: str | None = None, day: date) -> list[CalendarEvent]:
    query = (
        select(Event)
        .where(Event.is_public.is_(True), Event.status.in_(_PUBLISHED),
               Event.end_at >= _day_start(day) - PUBLIC_PAST)
    )
    if academie is not None:
        query = query.where(Event.academie == academie)
    return _visible_events(db.session.scalars(query), Audience.PUBLIC, day)


def _render(stamp: cache.Stamp | None, key: tuple, locale: str, name: Callable[[], str],
            collect: Callable[[date], list[CalendarEvent]], *, now: datetime | None = None) -> cache.RenderedFeed:
    day = _today(now)

    def render() -> cache.RenderedFeed:
        with force_locale(locale):
            texts = _render_texts.set({})
            try:
                body = calendars.render_feed(collect(day), name=str(name()), refresh_interval=REFRESH)
            finally:
                _render_texts.reset(texts)
        changed = stamp.changed_at if stamp else utcnow()
        # The day is part of the key (cancellations drop out by date), so it bounds Last-Modified.
        return cache.RenderedFeed.of(body, max(changed, _day_start(day)))

    cache_key = (*key, locale, stamp.value, day) if stamp else None
    return cache.cache.get_or_render(cache_key, render)


# Polling is the hot path: one prebuilt statement resolves the token, checks its owner and reads
# the data stamp in the same snapshot (the stamp is never older than the data rendered after it,
# see feed_cache); on a cache hit nothing else is read. It runs as a hot read (app/feeds/hot_reads.py):
# compiled once, executed on the driver.
def _owner_statement(kind: FeedKind, *columns, joins=(), where=()):
    statement = select(*columns, DataVersion.value.label("stamp"), DataVersion.changed_at).select_from(FeedToken)
    for target, on in joins:
        statement = statement.join(target, on)
    return statement.outerjoin(DataVersion, DataVersion.name == cache.STAMP_NAME).where(
        FeedToken.token_hash == bindparam("token_hash"), FeedToken.kind == kind, FeedToken.revoked_at.is_(None),
        *where,
    )


_ROLE_MODEL_OWNER = _owner_statement(
    FeedKind.ROLE_MODEL, RoleModel.id.label("owner_id"), User.locale,
    joins=[(User, User.id == FeedToken.user_id), (RoleModel, RoleModel.user_id == User.id)],
    where=[RoleModel.anonymised_at.is_(None)],
)
_SCHOOL_OWNER = _owner_statement(FeedKind.SCHOOL, FeedToken.school_id.label("owner_id"))
_ORGANIZER_OWNER = _owner_statement(
    FeedKind.ORGANIZER, User.id.label("owner_id"), User.locale,
    joins=[(User, User.id == FeedToken.user_id)],
    where=[User.is_enabled.is_(True), User.role.in_((UserRole.ADMIN, UserRole.ORGANIZER))],
)
_STAMP = select(DataVersion.value.label("stamp"), DataVersion.changed_at).where(
    DataVersion.name == cache.STAMP_NAME
)


def _lookup(statement, token: str):
    """The row of a live token's owner with the data stamp, or None (unknown, revoked...).

    Where a stamp watch vouches for the current stamp (PostgreSQL, app/feeds/stamp_watch.py),
    a token's row read under that stamp is kept until it changes.
    """
    if not token or len(token) > 100:
        return None
    params = {"token_hash": tokens.hash_token(token)}
    key = (statement, params["token_hash"])
    watch, stamp = _watched()
    if stamp is not None and (kept := watch.owner(stamp, key)) is not None:
        return kept
    row = hot_reads.first(statement, params)
    if stamp is not None and row is not None and row.stamp == stamp.value:
        watch.keep(stamp, key, row)
    return row


def _current_stamp() -> cache.Stamp | None:
    """The data stamp: from the stamp watch where it vouches for one, else read."""
    _, stamp = _watched()
    return stamp if stamp is not None else _stamp_of(hot_reads.first(_STAMP, {}))


def _watched() -> tuple[stamp_watch.StampWatch | None, cache.Stamp | None]:
    """This app's stamp watch and the stamp it vouches for now (None, None without one)."""
    watch = stamp_watch.for_app()
    return (watch, watch.current()) if watch is not None else (None, None)


def _stamp_of(row) -> cache.Stamp | None:
    return cache.Stamp(row.stamp, row.changed_at) if row is not None and row.stamp else None


def role_model_feed(token: str, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    """The feed behind a role model's secret URL, or None (unknown, revoked, anonymised)."""
    row = _lookup(_ROLE_MODEL_OWNER, token)
    return role_model_calendar(row.owner_id, row.locale or "fr", stamp=_stamp_of(row), now=now) if row else None


def role_model_calendar(role_model_id: int, locale: str = "fr", *, stamp: cache.Stamp | None = None,
                        now: datetime | None = None) -> cache.RenderedFeed:
    def collect(day: date) -> list[CalendarEvent]:
        return role_model_events(db.session.get(RoleModel, role_model_id), day=day)

    return _render(stamp, ("role_model", role_model_id), locale, lambda: _("Mes rencontres IndustriElles"),
                   collect, now=now)


def school_feed(token: str, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    row = _lookup(_SCHOOL_OWNER, token)
    return school_calendar(row.owner_id, stamp=_stamp_of(row), now=now) if row else None


def school_calendar(school_id: int, *, stamp: cache.Stamp | None = None,
                    now: datetime | None = None) -> cache.RenderedFeed:
    def name() -> str:
        return f"Rencontres IndustriElles — {db.session.get(School, school_id).name}"

    def collect(day: date) -> list[CalendarEvent]:
        return school_events(db.session.get(School, school_id), day=day)

    return _render(stamp, ("school", school_id), "fr", name, collect, now=now)


def organizer_feed(token: str, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    row = _lookup(_ORGANIZER_OWNER, token)
    return organizer_calendar(row.owner_id, row.locale or "fr", stamp=_stamp_of(row), now=now) if row else None


def organizer_calendar(user_id: int, locale: str = "fr", *, stamp: cache.Stamp | None = None,
                       now: datetime | None = None) -> cache.RenderedFeed:
    return _render(stamp, ("organizer", user_id), locale, lambda: _("Rencontres IndustriElles — organisation"),
                   lambda day: organizer_events(db.session.get(User, user_id), day=day), now=now)


def public_feed(academie: str | None = None, *, now: datetime | None = None) -> cache.RenderedFeed | None:
    """All public events, or those of one académie (None for an unknown académie)."""
    if academie is not None and academie not in ACADEMIES:
        return None
    stamp = _current_stamp()
    if academie is None:
        name = "Rencontres IndustriElles"
    else:
        name = f"Rencontres IndustriElles — académie de {ACADEMIES[academie].name}"
    return _render(stamp, ("public", academie), "fr", lambda: name,
                   lambda day: public_events(academie=academie, day=day), now=now)

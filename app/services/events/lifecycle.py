"""Events: reading them and their lifecycle (create, schedule a school's slot, reschedule,
cancel, confirm, complete). Every change is audited and notifies through the outbox.

What a change means for the role models is decided here, and the invitations say exactly that:
- A new start or end asks again. A yes was given for a time, not for the event: every accepted
  or confirmed role model goes back to invited, with a new invitation (new answer links, the
  old ones stop working; the expiry delay starts again) whose ATTENDEE is
  PARTSTAT=NEEDS-ACTION;RSVP=TRUE. Sending "already accepted" would let calendar apps show a
  yes the person never gave for that time, while the app could not count on them. Someone the
  organizer had confirmed keeps `confirmed_at`: if they accept the new time they are confirmed
  again at once (the organizer already chose them). The event goes back to scheduled until
  enough are confirmed again. The organizer cannot move an event onto a time one of them
  already gave to another event (they could not say yes).
- A new place only (venue, address, online link) changes nobody's answer: the update carries
  each person's real PARTSTAT, and RSVP=TRUE only for those still invited.
- The event becomes confirmed once enough role models are (`refresh_status`): the school is
  told, with an updated invitation (SEQUENCE bumped, STATUS:CONFIRMED). Falling back to
  scheduled (a withdrawal) is not emailed: the organizer is looking for someone, the school's
  feed and follow-up page show TENTATIVE / "en attente", and a cancellation would be told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from app import local_time
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    Event,
    EventSchool,
    EventStatus,
    EventType,
    RequestStatus,
    School,
    User,
    VisitRequest,
)
from app.models.types import utcnow
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT
from app.services.common import access, audit, text
from app.services.common.errors import Conflict, Invalid
from app.services.events import emails
from app.services.pairing import bookings, invitations
from app.services.programmes import editing as programme_editing
from app.services.requests import contacts

# Changes attendees must see in their calendars; anything else does not bump SEQUENCE.
_CALENDAR_FIELDS = ("start_at", "end_at", "timezone", "venue", "address", "commune", "is_online", "online_url")


def upcoming_public_events(*, limit: int = 20, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    query = (
        select(Event)
        .where(Event.is_public.is_(True), Event.end_at >= now)
        .where(Event.status.in_((EventStatus.SCHEDULED, EventStatus.CONFIRMED)))
        .order_by(Event.start_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


@dataclass
class EventData:
    """What an organizer gives to create or edit an event."""

    type: EventType
    title: str
    start_at: datetime
    end_at: datetime
    departement: str
    timezone: str = local_time.DISPLAY_TIMEZONE
    description: str = ""
    venue: str = ""
    address: str = ""
    commune: str = ""
    is_online: bool = False
    online_url: str | None = None
    capacity: int | None = None
    role_models_min: int = 1
    role_models_max: int = 1
    is_public: bool = False
    topics: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None


def validate(data: EventData) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _l("Indiquez un titre.")
    if data.start_at.tzinfo is None or data.end_at.tzinfo is None:
        raise ValueError("event instants must be timezone-aware")
    if data.end_at <= data.start_at:
        errors["end_at"] = _l("La fin doit être après le début.")
    elif data.end_at - data.start_at > timedelta(days=3):
        errors["end_at"] = _l("Un événement dure au plus trois jours.")
    if data.departement.upper() not in ACADEMIE_BY_DEPARTEMENT:
        errors["departement"] = _l("Département inconnu.")
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "America" is a directory, not a zone
        errors["timezone"] = _l("Fuseau horaire inconnu.")
    if data.role_models_min < 0 or data.role_models_max < max(1, data.role_models_min):
        errors["role_models_max"] = _l("Le maximum d'intervenant·es doit être au moins égal au minimum (et à 1).")
    if data.capacity is not None and data.capacity <= 0:
        errors["capacity"] = _l("La capacité doit être positive.")
    if data.is_online and not (data.online_url or "").startswith(("https://", "http://")):
        errors["online_url"] = _l("Indiquez le lien de la réunion en ligne (https://…).")
    single = {name: (getattr(data, name), text.SINGLE_LINE)
              for name in ("title", "departement", "timezone", "venue", "address", "commune", "online_url")}
    errors.update(text.problems({**single, "topics": (" ".join(data.topics), text.SINGLE_LINE),
                                 "description": (data.description, text.FREE_TEXT)}))
    if errors:
        raise Invalid(_l("Certains champs sont à corriger."), fields=errors)


def create_event(
    actor: User,
    data: EventData,
    *,
    status: EventStatus = EventStatus.DRAFT,
    schools: list[tuple[School, str, int | None, int | None]] = (),
    visit_request: VisitRequest | None = None,
) -> Event:
    """Create an event; `schools` lists (school, class level, headcount, girls) taking part."""
    validate(data)
    pupils = sum(headcount or 0 for _school, _level, headcount, _girls in schools)
    if data.capacity is not None and pupils > data.capacity:
        raise Invalid(_l("Certains champs sont à corriger."),
                      fields={"capacity": lazy_ngettext("Les classes inscrites comptent déjà %(num)d élève.",
                                                  "Les classes inscrites comptent déjà %(num)d élèves.", pupils)})
    departement = data.departement.upper()
    academie = ACADEMIE_BY_DEPARTEMENT[departement]
    access.require_organizer_of(actor, academie.code)
    event = Event(**{**data.__dict__, "departement": departement}, academie=academie.code, status=status,
                  organizer=actor, visit_request=visit_request)
    for school, class_level, headcount, girls in schools:
        event.schools.append(EventSchool(school=school, class_level=class_level, headcount=headcount,
                                         girls_count=girls))
    db.session.add(event)
    db.session.flush()
    audit.record(actor, event, "event.created", type=data.type, status=status, start_at=data.start_at)
    return event


def schedule_request(actor: User, request: VisitRequest, data: EventData) -> Event:
    """Confirm a slot for a school's request: the event is created, the school told, and the
    request's contact confirmed for the school (its calendar and event emails)."""
    access.require_request_organizer(actor, request)
    if not request.status.can_become(RequestStatus.SCHEDULED):
        raise Conflict(_l("Cette demande ne peut plus être programmée."), code="request_not_open")
    class_level = ", ".join(request.class_levels)
    event = create_event(
        actor, data, status=EventStatus.SCHEDULED, visit_request=request,
        schools=[(request.school, class_level, request.headcount, request.girls_count)],
    )
    request.status = RequestStatus.SCHEDULED
    if request.contact is not None and request.contact.school_id == request.school_id:
        # Planning a visit with this contact is an organizer's judgement that they speak for the school.
        contacts.confirm(actor, request, via=contacts.BY_SCHEDULING)
    audit.record(actor, request, "request.scheduled", event_id=event.id, start_at=data.start_at)
    emails.event_scheduled(event, actor)
    return event


def update_event(actor: User, event: Event, data: EventData) -> Event:
    """Edit an event. A change of time or place bumps SEQUENCE and tells everyone concerned; a
    new time asks the role models again (module docstring).
    Under the event's lock: never fewer seats than people holding one, never fewer places than
    pupils expected, never a new time that one of its role models already gave elsewhere."""
    access.require_event_organizer(actor, event)
    bookings.lock_event(event)
    _require_open(event)
    validate(data)
    _require_room_for_current(event, data)
    old_start, old_end = event.start_at, event.end_at
    departement = data.departement.upper()
    changes = {k: v for k, v in {**data.__dict__, "departement": departement}.items() if getattr(event, k) != v}
    if "departement" in changes:
        academie = ACADEMIE_BY_DEPARTEMENT[departement].code
        access.require_organizer_of(actor, academie)
        event.academie = academie
    for key, value in changes.items():
        setattr(event, key, value)
    moved = any(k in changes for k in _CALENDAR_FIELDS)
    retimed = "start_at" in changes or "end_at" in changes
    if retimed:
        bookings.follow_event_times(event)
        bookings.flush_or_conflict()
        programme_editing.follow_event(event, old_start)  # the programme moves with the event
    if changes:
        event.sequence += 1  # every visible change reaches calendars (summary, description too)
        audit.record(actor, event, "event.updated", fields=sorted(changes))
    if retimed:
        asked = _ask_again(actor, event)
        refresh_status(event, actor)
        for assignment in asked:
            invitations.invitation_renewed(assignment, old_start=old_start, old_end=old_end)
    if moved:
        emails.event_rescheduled(event, actor, old_start=old_start, old_end=old_end, retimed=retimed)
    return event


def _ask_again(actor: User, event: Event) -> list[Assignment]:
    """A new time: every role model who said yes (or was confirmed) is invited again, and every
    one still invited gets a fresh invitation (see the module docstring)."""
    now = utcnow()
    asked = []
    for assignment in sorted(event.assignments, key=lambda a: a.id):
        if assignment.status in (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED):
            was = assignment.status
            assignment.status = AssignmentStatus.INVITED
            audit.record(actor, assignment, "assignment.asked_again", event_id=event.id, was=was.value)
        if assignment.status == AssignmentStatus.INVITED:
            assignment.invited_at = now  # the expiry delay starts again
            assignment.link_version += 1  # links for the old time stop working
            asked.append(assignment)
    db.session.flush()
    return asked


def reschedule_event(actor: User, event: Event, *, start_at: datetime, end_at: datetime) -> Event:
    data = EventData(**{k: getattr(event, k) for k in EventData.__dataclass_fields__})
    data.start_at, data.end_at = start_at, end_at
    return update_event(actor, event, data)


def cancel_event(actor: User | str, event: Event, *, reason: str, by_school: bool = False) -> Event:
    """Cancel: feeds show it as CANCELLED, everyone gets a CANCEL, the request goes back to
    review (or is withdrawn when the school itself cancelled)."""
    if not isinstance(actor, str):
        access.require_event_organizer(actor, event)
    if not reason or not reason.strip():
        raise Invalid(_l("Indiquez la raison de l'annulation."),
                      fields={"reason": _l("Indiquez la raison de l'annulation.")})
    text.check({"reason": (reason, text.FREE_TEXT)})
    if not event.status.can_become(EventStatus.CANCELLED):
        raise Conflict(_l("Cet événement ne peut plus être annulé."), code="event_not_open")
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason.strip()
    event.cancelled_at = utcnow()
    # No SEQUENCE bump here: calendars publishes a CANCELLED event with its sequence + 1, so
    # clients see the cancellation supersede the last version they were sent, exactly once.
    for assignment in event.assignments:
        if assignment.status.can_become(AssignmentStatus.CANCELLED):
            assignment.status = AssignmentStatus.CANCELLED
            assignment.ended_at = utcnow()
            assignment.reason = "event_cancelled"
    request = event.visit_request
    if request is not None and request.status == RequestStatus.SCHEDULED:
        request.status = RequestStatus.WITHDRAWN if by_school else RequestStatus.IN_REVIEW
        request.status_reason = event.cancel_reason
        audit.record(actor, request, "request.withdrawn" if by_school else "request.back_to_review",
                     event_id=event.id, reason=event.cancel_reason)
    audit.record(actor, event, "event.cancelled", reason=event.cancel_reason, by_school=by_school)
    emails.event_cancelled(event, actor, reason=event.cancel_reason)
    return event


def refresh_status(event: Event, actor: User | str | None) -> None:
    """Scheduled ⇄ confirmed by how many role models are confirmed against the minimum."""
    confirmed = sum(1 for a in event.assignments if a.status == AssignmentStatus.CONFIRMED)
    needed = max(1, event.role_models_min)
    if event.status == EventStatus.SCHEDULED and confirmed >= needed:
        event.status = EventStatus.CONFIRMED
        event.sequence += 1  # the school's updated invitation (STATUS:CONFIRMED) supersedes the last
        audit.record(actor, event, "event.confirmed", confirmed=confirmed)
        emails.event_confirmed(event, actor)
    elif event.status == EventStatus.CONFIRMED and confirmed < needed:
        event.status = EventStatus.SCHEDULED
        audit.record(actor, event, "event.short_of_role_models", confirmed=confirmed, needed=needed)


def publish_event(actor: User, event: Event) -> Event:
    """Draft → scheduled: the event now exists for everyone (feeds, invitations)."""
    access.require_event_organizer(actor, event)
    if not event.status.can_become(EventStatus.SCHEDULED) or event.status != EventStatus.DRAFT:
        raise Conflict(_l("Seul un brouillon peut être programmé."), code="event_not_draft")
    event.status = EventStatus.SCHEDULED
    audit.record(actor, event, "event.scheduled")
    return event


def complete_past_events(*, now: datetime | None = None) -> int:
    """Job: events that ended are completed (their requests too). Idempotent."""
    now = now or utcnow()
    done = 0
    events = db.session.scalars(
        select(Event)
        .where(Event.status == EventStatus.CONFIRMED, Event.end_at <= now)
        .with_for_update(skip_locked=True)
    )
    for event in events:
        event.status = EventStatus.COMPLETED
        audit.record("system", event, "event.completed")
        request = event.visit_request
        if request is not None and request.status == RequestStatus.SCHEDULED:
            request.status = RequestStatus.COMPLETED
            audit.record("system", request, "request.completed", event_id=event.id)
        done += 1
    db.session.flush()
    return done


def _require_room_for_current(event: Event, data: EventData) -> None:
    errors = {}
    holding = bookings.seats_taken(event)
    if data.role_models_max < holding:
        errors["role_models_max"] = lazy_ngettext(
            "%(num)d personne a déjà accepté ou est confirmée : retirez-la avant de réduire le maximum.",
            "%(num)d personnes ont déjà accepté ou sont confirmées : retirez-en avant de réduire le maximum.", holding)
    pupils = bookings.pupils_expected(event)
    if data.capacity is not None and data.capacity < pupils:
        errors["capacity"] = lazy_ngettext("Les classes inscrites comptent déjà %(num)d élève.",
                                                  "Les classes inscrites comptent déjà %(num)d élèves.", pupils)
    if errors:
        raise Invalid(_l("Certains champs sont à corriger."), fields=errors)


def _require_open(event: Event) -> None:
    if event.status in (EventStatus.CANCELLED, EventStatus.COMPLETED):
        raise Conflict(_l("Cet événement est clos : il ne peut plus être modifié."), code="event_closed")

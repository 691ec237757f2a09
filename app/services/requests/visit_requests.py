"""Visit requests from schools: submitting one (from the public form), following it by a
private link, withdrawing it or cancelling the visit it led to. The organizers' queue is
`triage`.

Nothing about a pupil is ever stored by name: a request carries class levels and counts only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import local_time
from app.extensions import db
from app.feeds import tokens
from app.models import (
    Assignment,
    AssignmentStatus,
    ContactRole,
    Delivery,
    Event,
    EventStatus,
    EventType,
    FeedKind,
    FeedToken,
    RequestStatus,
    RequestWindow,
    School,
    SchoolContact,
    TimeOfDay,
    User,
    VisitRequest,
    limits,
)
from app.models.types import utcnow
from app.services.common import audit, text
from app.services.common.errors import Conflict, FieldKey, Invalid
from app.services.events import lifecycle
from app.services.requests import contacts, emails, schools
from app.services.requests import windows as request_windows
from app.services.requests.windows import Window

OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW)
SCHOOL_ACTOR = "school"  # the audit trail's name for whoever holds the follow-up link
# Error code when an idempotency key comes back with other data (API problem type, form message).
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
# The same school, contact address and periods sent again within this time is the same request
# sent twice (Back, then "Envoyer" on a form the browser rebuilt with a new idempotency key),
# not a second one: long enough to cover a hesitant evening, short enough that a teacher who
# asks again next week for another class is not refused.
DUPLICATE_WITHIN = timedelta(hours=2)


@dataclass
class RequestData:
    """What the public form gives, already parsed (types right, lengths bounded)."""

    uai: str
    contact_name: str
    contact_role: ContactRole
    email: str
    format: EventType
    class_levels: list[str]
    headcount: int
    girls_count: int
    windows: list[Window]
    consent: bool
    school: schools.NewSchool = field(default_factory=schools.NewSchool)
    phone: str = ""
    delivery: Delivery = Delivery.IN_PERSON
    topics: list[str] = field(default_factory=list)
    remarks: str = ""
    locale: str = "fr"
    address: str = ""


@dataclass
class Submission:
    request: VisitRequest
    # The secret of the follow-up link, known only when this call created the request.
    followup_token: str | None
    created: bool
    warnings: dict[int, list[str]] = field(default_factory=dict)
    # True when another form (another idempotency key) had already sent the same request.
    duplicate: bool = False


def followup_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def school_feed_token(followup_token: str) -> str:
    """The secret of the calendar link given with a request, derived from its follow-up token.
    It serves the request's events only until an organizer confirms its contact for the school
    (app/services/requests/contacts.py), then the school's.

    Why derived: `app.feeds.tokens.issue` revokes the school's older links, so issuing one per
    request would cut off the other teachers of the school; storing the secret (even
    encrypted) would tie it to SECRET_KEY. Derived, it is rebuilt from the follow-up link
    whenever that page is shown, is independent per request (one leak revokes one link),
    and reveals nothing about the follow-up token (HMAC is one-way).
    """
    digest = hmac.new(followup_token.encode("utf-8"), b"rencontres/school-feed/v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_windows(uai: str, windows: list[Window], *, today: date) -> request_windows.WindowCheck:
    """The holiday check for a school given by UAI (known or not); no zone while it is invalid."""
    try:
        placement = schools.place_uai(uai)
    except Invalid:
        return request_windows.check(windows, zone=None, area=None, today=today)
    return request_windows.check(windows, zone=placement.zone.value, area=placement.public_holiday_area,
                                 today=today)


def validate(data: RequestData, *, today: date) -> request_windows.WindowCheck:
    """Raise Invalid with every field's message at once; return the window warnings otherwise."""
    errors: dict[FieldKey, str] = {}
    try:
        placement = schools.place_uai(data.uai)
    except Invalid as exc:
        errors.update(exc.fields)
    else:
        if schools.find_by_uai(placement.uai) is None:
            errors.update(schools.new_school_errors(data.school))
    if 0 < data.headcount and data.girls_count > data.headcount:
        errors["girls_count"] = _l("Le nombre de filles ne peut pas dépasser l'effectif.")
    if not 0 < data.headcount <= limits.HEADCOUNT_MAX:
        errors["headcount"] = _l("Indiquez un effectif entre 1 et %(max)s élèves.", max=limits.HEADCOUNT_MAX)
    if not data.class_levels:
        errors["class_levels"] = _l("Choisissez au moins un niveau de classe.")
    errors.update(text.problems({
        "contact_name": (data.contact_name, text.SINGLE_LINE), "email": (data.email, text.EMAIL),
        "phone": (data.phone, text.SINGLE_LINE), ("school", "name"): (data.school.name, text.SINGLE_LINE),
        ("school", "commune"): (data.school.commune, text.SINGLE_LINE), "remarks": (data.remarks, text.FREE_TEXT),
        "address": (data.address, text.SINGLE_LINE),
    }))
    if len(data.address.strip()) > limits.ADDRESS_MAX:
        errors["address"] = _l("%(max)s caractères au plus.", max=limits.ADDRESS_MAX)
    if not data.consent:
        errors["consent"] = _l("Merci d'accepter la notice de confidentialité pour envoyer la demande.")
    windows = data.windows[: request_windows.MAX_WINDOWS]
    if all(w.is_blank for w in windows):
        errors["windows", 0, "start_date"] = _l("Proposez au moins une période.")
    result = check_windows(data.uai, windows, today=today)
    for index, message in result.errors.items():
        errors["windows", index, "start_date"] = message
    if errors:
        raise Invalid(_l("Certains champs sont à corriger."), fields=errors)
    return result


def submit(data: RequestData, *, idempotency_key: str, today: date | None = None) -> Submission:
    """Record a school's request, once per idempotency key (one per rendered form).

    Submitting the same form again (double click, back and resubmit, network retry) returns
    the request already made, with `created=False` and no token: the link went by email. The
    same key with different data is refused (Invalid, code IDEMPOTENCY_KEY_REUSED): answering
    with the first request would silently drop what changed.
    """
    key = (idempotency_key or "").strip()
    if not limits.IDEMPOTENCY_KEY_MIN <= len(key) <= limits.IDEMPOTENCY_KEY_MAX:
        raise Invalid(_l("Le formulaire est incomplet : rechargez la page et réessayez."), code="idempotency_key")
    fingerprint = _fingerprint(data)
    existing = _by_idempotency_key(key)
    if existing is not None:
        return _replayed(existing, fingerprint)
    checked = validate(data, today=today or local_time.today())
    school, _created = schools.find_or_create(data.uai, data.school)
    # Two sends of the same request with different keys, at the same instant, wait for each
    # other here; the second then finds the first below (SQLite's writes are serialized anyway).
    db.session.execute(select(School.id).where(School.id == school.id).with_for_update())
    duplicate = find_duplicate(school, data)
    if duplicate is not None:
        return Submission(duplicate, None, created=False, duplicate=True)
    token = secrets.token_urlsafe(32)  # 256 bits
    request = VisitRequest(
        school=school,
        contact=SchoolContact(
            school_id=school.id, full_name=" ".join(data.contact_name.split())[:limits.FULL_NAME_MAX],
            role=data.contact_role, email=data.email.strip().lower()[:limits.EMAIL_MAX],
            phone=data.phone.strip()[:limits.PHONE_MAX] or None, locale=data.locale,
        ),
        format=data.format,
        delivery=data.delivery,
        class_levels=list(dict.fromkeys(data.class_levels)),
        headcount=data.headcount,
        girls_count=data.girls_count,
        topics=list(dict.fromkeys(data.topics)),
        remarks=data.remarks.strip(),
        address=" ".join(data.address.split()),
        followup_token_hash=followup_token_hash(token),
        idempotency_key=key,
        idempotency_fingerprint=fingerprint,
    )
    for window in data.windows[: request_windows.MAX_WINDOWS]:
        if not window.is_blank:
            request.windows.append(RequestWindow(start_date=window.start, end_date=window.end,
                                                 time_of_day=window.time_of_day))
    feed = FeedToken(token_hash=tokens.hash_token(school_feed_token(token)), kind=FeedKind.SCHOOL,
                     school_id=school.id)
    try:
        # A concurrent retry of the same form loses the race on the unique key: return the winner.
        with db.session.begin_nested():
            db.session.add_all([feed, request])
            db.session.flush()
            request.feed_token_id = feed.id
            db.session.flush()
    except IntegrityError:
        existing = _by_idempotency_key(key)
        if existing is None:
            raise
        return _replayed(existing, fingerprint)
    audit.record(SCHOOL_ACTOR, request, "request.submitted", format=data.format, windows=len(request.windows))
    emails.request_received(request, followup_token=token, feed_token=school_feed_token(token))
    emails.organizers_told(request, "request_new")
    return Submission(request, token, created=True, warnings=checked.warnings)


def find_duplicate(school: School, data: RequestData, *, now: datetime | None = None) -> VisitRequest | None:
    """The open request this school's same contact made for the same periods within
    DUPLICATE_WITHIN, if any: sending it again means the first send was not seen, not that a
    second visit is wanted. Other differences (a class level, a count) do not make it another
    request: the school corrects the first from its follow-up page."""
    email = data.email.strip().lower()[:limits.EMAIL_MAX]
    wanted = _window_set((w.start, w.end, w.time_of_day)
                         for w in data.windows[: request_windows.MAX_WINDOWS] if not w.is_blank)
    since = (now or utcnow()) - DUPLICATE_WITHIN
    candidates = db.session.scalars(
        select(VisitRequest)
        .join(SchoolContact, VisitRequest.contact_id == SchoolContact.id)
        .options(joinedload(VisitRequest.windows))
        .where(VisitRequest.school_id == school.id, SchoolContact.email == email,
               VisitRequest.submitted_at >= since, VisitRequest.status.in_(OPEN_STATUSES))
        .order_by(VisitRequest.submitted_at.desc(), VisitRequest.id.desc())
    ).unique()
    for candidate in candidates:
        if _window_set((w.start_date, w.end_date, w.time_of_day) for w in candidate.windows) == wanted:
            return candidate
    return None


def _window_set(rows) -> frozenset:
    return frozenset((start, end, TimeOfDay(time_of_day)) for start, end, time_of_day in rows)


def find_by_followup_token(token: str) -> VisitRequest | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(VisitRequest)
        .options(joinedload(VisitRequest.school), joinedload(VisitRequest.contact))
        .where(VisitRequest.followup_token_hash == followup_token_hash(token))
    )


def live_feed_token(request: VisitRequest, followup_token: str) -> str | None:
    """The calendar secret to show on the follow-up page, or None once it was revoked. It serves
    this request's events, or the school's once its contact is confirmed (`shows_whole_school`)."""
    if request.feed_token_id is None:
        return None
    row = db.session.get(FeedToken, request.feed_token_id)
    token = school_feed_token(followup_token)
    if row is None or row.revoked_at is not None or row.token_hash != tokens.hash_token(token):
        return None
    return token


def shows_whole_school(request: VisitRequest) -> bool:
    """Whether the request's calendar link shows the whole school (app/feeds/lookups.py)."""
    return request.contact is not None and request.contact.is_confirmed


def current_event(request: VisitRequest) -> Event | None:
    """The event planned for this request: the latest one not cancelled, else the latest."""
    found = list(db.session.scalars(
        select(Event).where(Event.visit_request_id == request.id).order_by(Event.created_at.desc(), Event.id.desc())
    ))
    live = [e for e in found if e.status != EventStatus.CANCELLED]
    return (live or found or [None])[0]


# What the school's history shows of its events (app/services/events/lifecycle.py writes them).
_EVENT_HISTORY = ("event.confirmed", "event.short_of_role_models", "event.updated", "event.cancelled")
# An edit the school notices: its time or place (the same fields that reach calendars).
_RESCHEDULING_FIELDS = {"start_at", "end_at", "timezone", "venue", "address", "commune", "is_online", "online_url"}


def followup_history(request: VisitRequest) -> list:
    """The request's history as its school sees it: the request's own steps, then what happened
    to its events (role models confirmed, replanned, short of role models again, cancelled).
    Audit entries, oldest first; an event edit counts only when its time or place changed."""
    entries = audit.trail(request)
    for event in db.session.scalars(select(Event).where(Event.visit_request_id == request.id)):
        for entry in audit.trail(event):
            if entry.action not in _EVENT_HISTORY:
                continue
            if entry.action == "event.updated" and not _RESCHEDULING_FIELDS & set(entry.details.get("fields", [])):
                continue
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.created_at, e.id))


def visible_role_models(event: Event) -> list[tuple[str, str]]:
    """(first name, job title) of the role models who said yes: nothing else before the day."""
    assignments = db.session.scalars(
        select(Assignment)
        .options(joinedload(Assignment.role_model))
        .where(Assignment.event_id == event.id,
               Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)))
        .order_by(Assignment.id)
    )
    return [(a.role_model.first_name, a.role_model.job_title) for a in assignments]


@dataclass
class Correction:
    """What a school may correct in its request while nothing is scheduled: the school itself,
    the contact's name and address stay (they decide who may follow the request)."""

    format: EventType
    class_levels: list[str]
    headcount: int
    girls_count: int
    windows: list[Window]
    delivery: Delivery = Delivery.IN_PERSON
    topics: list[str] = field(default_factory=list)
    remarks: str = ""
    phone: str = ""
    address: str = ""

    @classmethod
    def of(cls, request: VisitRequest) -> Correction:
        """The request as it stands, to prefill the correction form."""
        return cls(
            format=request.format, class_levels=list(request.class_levels), headcount=request.headcount,
            girls_count=request.girls_count, delivery=request.delivery, topics=list(request.topics),
            windows=[Window(w.start_date, w.end_date, w.time_of_day) for w in request.windows],
            remarks=request.remarks, phone=(request.contact.phone if request.contact else None) or "",
            address=request.address,
        )


def can_correct(request: VisitRequest) -> bool:
    """A request can be corrected until it is scheduled: after that the event is what counts
    (and role models were told about it), so changes go through the organizers."""
    return request.status in OPEN_STATUSES


def _windows_changed(request: VisitRequest, data: Correction) -> bool:
    wanted = _window_set((w.start, w.end, w.time_of_day)
                         for w in data.windows[: request_windows.MAX_WINDOWS] if not w.is_blank)
    return wanted != _window_set((w.start_date, w.end_date, w.time_of_day) for w in request.windows)


def check_correction(request: VisitRequest, data: Correction, *, today: date | None = None) -> None:
    """Raise Invalid with every field's message, by the rules of a new request."""
    windows_changed = _windows_changed(request, data)
    contact = request.contact
    # The contact is not corrected here: stand-ins when it was erased, so that only what the
    # school sends now is judged.
    checked = RequestData(
        uai=request.school.uai, contact_name=contact.full_name if contact else "-",
        contact_role=contact.role if contact else ContactRole.OTHER,
        email=contact.email if contact else "contact@example.org",
        format=data.format, class_levels=data.class_levels, headcount=data.headcount, girls_count=data.girls_count,
        windows=data.windows, consent=True, phone=data.phone, delivery=data.delivery, topics=data.topics,
        remarks=data.remarks, address=data.address,
    )
    try:
        validate(checked, today=today or local_time.today())
    except Invalid as exc:
        # Periods left as they were are not judged again (one may have started since it was sent).
        fields = {k: v for k, v in exc.fields.items()
                  if windows_changed or not (isinstance(k, tuple) and k[0] == "windows")}
        if fields:
            raise Invalid(exc.message, fields=fields) from None


def correct(request: VisitRequest, data: Correction, *, today: date | None = None,
            actor: User | str = SCHOOL_ACTOR) -> list[str]:
    """Apply the school's correction; return the names of the fields that changed (audited as
    `request.corrected`, with the date shown to organizers). All or nothing: Invalid with every
    field's message leaves the request as it was."""
    _lock(request)
    if not can_correct(request):
        raise Conflict(_l("Cette demande ne peut plus être corrigée en ligne (elle est programmée ou close) : "
                          "écrivez à l'équipe de votre académie."), code="request_not_open")
    windows = [w for w in data.windows[: request_windows.MAX_WINDOWS] if not w.is_blank]
    windows_changed = _windows_changed(request, data)
    check_correction(request, data, today=today)
    contact = request.contact
    wanted = {
        "format": data.format, "delivery": data.delivery, "class_levels": list(dict.fromkeys(data.class_levels)),
        "headcount": data.headcount, "girls_count": data.girls_count, "topics": list(dict.fromkeys(data.topics)),
        "remarks": data.remarks.strip(), "address": " ".join(data.address.split()),
    }
    changed = [name for name, value in wanted.items() if getattr(request, name) != value]
    for name in changed:
        setattr(request, name, wanted[name])
    phone = data.phone.strip()[:limits.PHONE_MAX] or None
    if contact is not None and contact.phone != phone:
        contact.phone = phone
        changed.append("phone")
    if windows_changed:
        request.windows.clear()
        db.session.flush()
        request.windows.extend(RequestWindow(start_date=w.start, end_date=w.end, time_of_day=w.time_of_day)
                               for w in windows)
        changed.append("windows")
    if changed:
        request.corrected_at = utcnow()
        db.session.flush()
        audit.record(actor, request, "request.corrected", fields=sorted(changed))
        # Once per request (the outbox's dedupe key): a teacher fixing two typos in a row does
        # not send two emails; later corrections show on the request page and in its history.
        emails.organizers_told(request, "request_corrected")
    return changed


def can_withdraw(request: VisitRequest) -> bool:
    return request.status in OPEN_STATUSES


def can_cancel_visit(request: VisitRequest, event: Event | None, *, now: datetime | None = None) -> bool:
    return (
        request.status == RequestStatus.SCHEDULED
        and event is not None
        and event.status in (EventStatus.SCHEDULED, EventStatus.CONFIRMED)
        and event.start_at > (now or utcnow())
    )


def withdraw(request: VisitRequest, *, reason: str = "", actor: User | str = SCHOOL_ACTOR) -> VisitRequest:
    """The school no longer wants the visit (before anything was scheduled)."""
    _lock(request)
    if not can_withdraw(request):
        raise Conflict(_l("Cette demande ne peut plus être retirée (elle est déjà close ou programmée)."),
                       code="request_not_open")
    request.status = RequestStatus.WITHDRAWN
    request.status_reason = reason.strip()[:limits.REASON_MAX] or None
    contacts.revoke_feed(request)
    audit.record(actor, request, "request.withdrawn", reason=request.status_reason)
    emails.organizers_told(request, "request_withdrawn", reason=request.status_reason or "")
    return request


def cancel_visit(request: VisitRequest, *, reason: str, actor: User | str = SCHOOL_ACTOR,
                 now: datetime | None = None) -> Event:
    """The school cancels the visit planned for its request: the event is cancelled for
    everyone (role models get a CANCEL) and the request is withdrawn."""
    _lock(request)
    event = current_event(request)
    if not can_cancel_visit(request, event, now=now):
        raise Conflict(_l("Cette rencontre ne peut plus être annulée en ligne (elle est passée ou déjà annulée)."),
                       code="visit_not_open")
    reason = (reason or "").strip()[:limits.REASON_MAX]
    if not reason:
        message = _l("Indiquez la raison de l'annulation : elle aide l'équipe et les intervenant·es.")
        raise Invalid(message, fields={"reason": message})
    lifecycle.cancel_event(actor, event, reason=reason, by_school=True)
    emails.organizers_told(request, "request_cancelled", reason=reason, event=event)
    return event


def _fingerprint(data: RequestData) -> str:
    canonical = json.dumps(asdict(data), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replayed(existing: VisitRequest, fingerprint: str) -> Submission:
    """The request already made with this key, if it was made with the same data."""
    if existing.idempotency_fingerprint not in (None, fingerprint):
        raise Invalid(
            _l("Cette demande a déjà été envoyée avec d'autres informations : pour la modifier, "
               "utilisez le lien de suivi reçu par email."),
            code=IDEMPOTENCY_KEY_REUSED,
        )
    return Submission(existing, None, created=False)


def _by_idempotency_key(key: str) -> VisitRequest | None:
    return db.session.scalar(select(VisitRequest).where(VisitRequest.idempotency_key == key))


def _lock(request: VisitRequest) -> None:
    """Serialize changes to one request, so a double click changes its state (and mails) once."""
    db.session.execute(select(VisitRequest.id).where(VisitRequest.id == request.id).with_for_update())
    db.session.refresh(request, attribute_names=["status"])

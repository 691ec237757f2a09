"""A role model's own calendar (an ICS URL they paste) turned into busy intervals.

One sync: `calendars.fetch_calendar` with the stored ETag / Last-Modified, then
`calendars.busy_intervals` over the coming months, then that calendar's BusyInterval rows are
replaced in one transaction. A failed or unreadable fetch keeps the previous rows (stale busy
times are safer than none: "free" would let matching propose a time the person cannot make),
records the error code and backs off exponentially, with jitter so calendars added together
do not all hit their servers together forever.

The scheduled job claims each due calendar by a compare-and-set on `next_sync_at` and commits
before fetching: no database transaction (on SQLite, no write lock) is held while a remote
server takes its time, and a second scheduler never fetches the same calendar at once.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

import calendars
from app import local_time
from app.extensions import db
from app.models import BusyInterval, ExternalCalendar, RoleModel, User, limits
from app.models.types import utcnow
from app.reference.academies import ACADEMIE_BY_DEPARTEMENT
from app.services.common import audit
from app.services.common.errors import Invalid
from app.services.role_models.profiles import require_can_edit
from calendars.fetch import normalize_url

log = logging.getLogger(__name__)

SYNC_AHEAD = timedelta(days=120)
SYNC_BEHIND = timedelta(days=1)
REFRESH_EVERY = timedelta(hours=2)
# Past this, validators are not sent: a 304 keeps old rows, whose window stops moving forward.
REBUILD_EVERY = timedelta(days=1)
BACKOFF_FIRST = timedelta(minutes=10)
BACKOFF_MAX = timedelta(hours=24)
CLAIM_FOR = timedelta(minutes=10)
MAX_CALENDARS = 5
JOB_SECONDS = 300

# A name that resolves to a private address and a name that does not resolve (or a server that
# refuses) get one answer, code and words: telling them apart would let whoever types internal
# host names learn which of them exist inside our network.
_UNREACHABLE = _l("Impossible de consulter cette adresse : le serveur est inconnu, injoignable, ou sur un réseau "
                  "privé ou local où nous n'allons pas. Utilisez l'adresse publique ou secrète de votre agenda.")
_SAME_ANSWER = {"forbidden_address": "unreachable", "connection_failed": "unreachable"}

# Every `calendars` error code, in words for the person who pasted the URL.
ERROR_MESSAGES = {
    "invalid_url": _l("Cette adresse n'est pas une adresse web valide. Copiez-la à nouveau depuis votre agenda."),
    "unsupported_scheme": _l("L'adresse doit commencer par https://, http:// ou webcal://."),
    "credentials_in_url": _l("L'adresse contient un identifiant ou un mot de passe : utilisez plutôt "
                             "l'adresse secrète ou publique que donne votre agenda."),
    "forbidden_address": _UNREACHABLE,
    "too_many_redirects": _l("Cette adresse redirige trop de fois. Copiez l'adresse finale de votre agenda."),
    "fetch_timeout": _l("Le serveur de votre agenda n'a pas répondu à temps. Réessayez plus tard."),
    "response_too_large": _l("Cet agenda est trop volumineux pour être importé (plus de 10 Mo)."),
    "http_error": _l("Le serveur de votre agenda a refusé la demande ou l'adresse n'existe plus. Vérifiez "
                     "qu'elle est bien publiée ou partagée."),
    "not_a_calendar": _l("Cette adresse ne renvoie pas un agenda (fichier .ics) mais une autre page, souvent une "
                         "page de connexion. Utilisez l'adresse « secrète » ou « publique » au format iCal."),
    "connection_failed": _UNREACHABLE,
    "fetch_error": _l("Impossible de récupérer cet agenda."),
    "invalid_calendar": _l("Ce fichier d'agenda est illisible ou incomplet. Nous gardons les dernières "
                           "disponibilités connues."),
    "calendar_too_large": _l("Cet agenda contient trop d'événements ou de répétitions pour être importé."),
    "unknown_timezone": _l("Cet agenda utilise un fuseau horaire inconnu."),
    "invalid_event": _l("Cet agenda contient un événement illisible."),
    "calendar_error": _l("Cet agenda n'a pas pu être lu."),
    "holiday_error": _l("Cet agenda n'a pas pu être lu."),
    "unknown_holiday_area": _l("Cet agenda n'a pas pu être lu."),
    "holiday_data_unavailable": _l("Cet agenda n'a pas pu être lu."),
    "unexpected_error": _l("Une erreur inattendue a empêché la mise à jour. Nous réessaierons automatiquement."),
}


def message_for(code: str | None) -> str:
    return str(ERROR_MESSAGES.get(code or "", ERROR_MESSAGES["calendar_error"]))


# Every `calendars.skipping.PROBLEM_CODES` entry: why the first skipped event could not be read.
SKIP_MESSAGES = {
    "missing_start": _l("un événement n'a pas de date de début."),
    "unreadable_time": _l("une date ou une heure d'un événement est écrite dans un format que nous ne savons pas "
                          "lire."),
    "unreadable_rule": _l("la règle de répétition d'un événement est inconnue ou mal écrite (par exemple une "
                          "fréquence « toutes les deux semaines » inventée par un logiciel)."),
    "unreadable_event": _l("un événement contient une valeur illisible."),
}


def skip_message_for(code: str | None) -> str:
    return str(SKIP_MESSAGES.get(code or "", SKIP_MESSAGES["unreadable_event"]))


@dataclass(frozen=True)
class Outcome:
    """What one fetch gave: new intervals, "not modified", or an error code."""

    intervals: list[calendars.Interval] | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error_code: str | None = None
    skipped: int = 0
    skipped_problem_code: str | None = None


@dataclass(frozen=True)
class _Request:
    url: str
    etag: str | None
    last_modified: str | None
    owner_emails: tuple[str, ...]
    timezone: str


def _allow_loopback() -> bool:
    # Only tests set this, to reach their local HTTP server; every other address check stays.
    return bool(current_app.config["CALENDAR_FETCH_ALLOW_LOOPBACK"])


def _fetch_timeouts() -> dict[str, float]:
    # A server that hangs costs the sync job at most this long (tests shorten it).
    config = current_app.config
    return {"read_timeout": float(config["CALENDAR_FETCH_READ_TIMEOUT"]),
            "total_timeout": float(config["CALENDAR_FETCH_TOTAL_TIMEOUT"])}


def fetch_busy(request: _Request, now: datetime) -> Outcome:
    """The network and parsing part, with no database access."""
    try:
        result = calendars.fetch_calendar(request.url, etag=request.etag, last_modified=request.last_modified,
                                          allow_loopback=_allow_loopback(), **_fetch_timeouts())
        if result.not_modified:
            return Outcome(etag=result.etag, last_modified=result.last_modified, not_modified=True)
        read = calendars.read_busy(result.body, start=now - SYNC_BEHIND, end=now + SYNC_AHEAD,
                                   default_tz=request.timezone, owner_emails=request.owner_emails)
        problem = read.first_problem
        return Outcome(intervals=read.intervals, etag=result.etag, last_modified=result.last_modified,
                       skipped=read.skipped, skipped_problem_code=problem.code if problem else None)
    except calendars.CalendarError as error:
        return Outcome(error_code=error.code)
    except Exception:  # a bug must not stop the other calendars' syncs
        log.exception("calendar sync failed unexpectedly for %s", request.url.split("?", 1)[0])
        return Outcome(error_code="unexpected_error")


def _request_for(calendar: ExternalCalendar, now: datetime) -> _Request:
    rm = calendar.role_model
    fresh = calendar.last_changed_at is not None and now - calendar.last_changed_at < REBUILD_EVERY
    home = ACADEMIE_BY_DEPARTEMENT.get(rm.home_departement or "")
    return _Request(
        url=calendar.url,
        etag=calendar.etag if fresh else None,
        last_modified=calendar.last_modified if fresh else None,
        owner_emails=(rm.user.email,) if rm.user is not None else (),
        timezone=home.timezone if home else local_time.DISPLAY_TIMEZONE,
    )


def backoff(failures: int) -> timedelta:
    """10 min, 20 min, 40 min... up to a day, each ±20 % so failing calendars spread out."""
    delay = min(BACKOFF_FIRST * 2 ** max(failures - 1, 0), BACKOFF_MAX)
    return delay * random.uniform(0.8, 1.2)


def _apply(calendar: ExternalCalendar, outcome: Outcome, now: datetime) -> None:
    calendar.last_attempt_at = now
    if outcome.error_code:
        calendar.last_error_code = outcome.error_code
        calendar.failure_count = (calendar.failure_count or 0) + 1
        calendar.next_sync_at = now + backoff(calendar.failure_count)
        return
    if not outcome.not_modified:
        db.session.execute(delete(BusyInterval).where(BusyInterval.calendar_id == calendar.id))
        db.session.add_all(
            BusyInterval(calendar_id=calendar.id, role_model_id=calendar.role_model_id, start_at=i.start, end_at=i.end)
            for i in outcome.intervals or () if i.end > i.start
        )
        calendar.last_changed_at = now
        # Only a whole file says what was skipped: a 304 or a failure keeps what the last one said.
        calendar.skipped_events = outcome.skipped
        calendar.skipped_problem_code = outcome.skipped_problem_code
    calendar.etag, calendar.last_modified = outcome.etag, outcome.last_modified
    calendar.last_success_at = now
    calendar.last_error_code = None
    calendar.failure_count = 0
    calendar.next_sync_at = now + REFRESH_EVERY * random.uniform(0.9, 1.1)
    db.session.flush()


def sync(calendar: ExternalCalendar, *, now: datetime | None = None) -> Outcome:
    """Sync one calendar in the caller's transaction (a button, a test)."""
    now = now or utcnow()
    outcome = fetch_busy(_request_for(calendar, now), now)
    _apply(calendar, outcome, now)
    return outcome


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise Invalid(fields={"url": _l("Collez l'adresse de votre agenda.")})
    try:
        return normalize_url(url)
    except calendars.CalendarError as error:
        raise Invalid(fields={"url": message_for(error.code)}, code=_SAME_ANSWER.get(error.code, error.code)) from None


def connect(actor: User, rm: RoleModel, url: str, *, label: str = "", now: datetime | None = None) -> ExternalCalendar:
    """Add a calendar and import it at once; a URL that fails now is refused with its reason
    (nothing is saved), so the person can fix it while the page is in front of them."""
    require_can_edit(actor, rm)
    now = now or utcnow()
    normalized = _check_url(url)
    existing = db.session.scalars(select(ExternalCalendar).where(ExternalCalendar.role_model_id == rm.id)).all()
    if any(c.url == normalized for c in existing):
        raise Invalid(fields={"url": _l("Cet agenda est déjà connecté.")})
    if len(existing) >= MAX_CALENDARS:
        raise Invalid(fields={"url": _l("%(n)s agendas au plus.", n=MAX_CALENDARS)})
    calendar = ExternalCalendar(role_model=rm, url=normalized, label=(label or "").strip()[:limits.CALENDAR_LABEL_MAX])
    outcome = fetch_busy(_request_for(calendar, now), now)
    if outcome.error_code:
        raise Invalid(fields={"url": message_for(outcome.error_code)},
                      code=_SAME_ANSWER.get(outcome.error_code, outcome.error_code))
    db.session.add(calendar)
    db.session.flush()
    _apply(calendar, outcome, now)
    audit.record(actor, calendar, "external_calendar.connected", role_model_id=rm.id,
                 busy_intervals=len(outcome.intervals or ()))
    return calendar


def disconnect(actor: User, calendar: ExternalCalendar) -> None:
    require_can_edit(actor, calendar.role_model)
    audit.record(actor, calendar, "external_calendar.disconnected", role_model_id=calendar.role_model_id)
    db.session.delete(calendar)
    db.session.flush()


def sync_now(actor: User, calendar: ExternalCalendar) -> Outcome:
    require_can_edit(actor, calendar.role_model)
    return sync(calendar)


def calendars_of(rm: RoleModel) -> list[ExternalCalendar]:
    return list(db.session.scalars(
        select(ExternalCalendar).where(ExternalCalendar.role_model_id == rm.id).order_by(ExternalCalendar.created_at)))


def busy_between(rm: RoleModel, start: datetime, end: datetime) -> list[BusyInterval]:
    return list(db.session.scalars(
        select(BusyInterval)
        .where(BusyInterval.role_model_id == rm.id, BusyInterval.start_at < end, BusyInterval.end_at > start)
        .order_by(BusyInterval.start_at)))


# The scheduled job and `flask sync-calendars`.

def due_calendar_ids(*, now: datetime | None = None, include_all: bool = False) -> list[int]:
    now = now or utcnow()
    query = select(ExternalCalendar.id).order_by(
        ExternalCalendar.next_sync_at.is_not(None), ExternalCalendar.next_sync_at
    )
    if not include_all:
        query = query.where(or_(ExternalCalendar.next_sync_at.is_(None), ExternalCalendar.next_sync_at <= now))
    return list(db.session.scalars(query))


def sync_committed(calendar_id: int, *, now: datetime | None = None, force: bool = False) -> str:
    """Claim, fetch and store one calendar, committing around the fetch.

    Returns "synced", "not_modified", "failed" or "skipped" (claimed by someone else, or gone).
    """
    now = now or utcnow()
    due = or_(ExternalCalendar.next_sync_at.is_(None), ExternalCalendar.next_sync_at <= now)
    claimed = db.session.execute(
        update(ExternalCalendar)
        .where(ExternalCalendar.id == calendar_id, *(() if force else (due,)))
        .values(next_sync_at=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    ).rowcount
    calendar = db.session.get(ExternalCalendar, calendar_id) if claimed else None
    request = _request_for(calendar, now) if calendar is not None else None
    db.session.commit()
    if request is None:
        return "skipped"
    outcome = fetch_busy(request, now)
    calendar = db.session.get(ExternalCalendar, calendar_id, populate_existing=True)
    if calendar is None or calendar.url != request.url:
        db.session.rollback()
        return "skipped"  # disconnected or changed while we were fetching
    _apply(calendar, outcome, now)
    db.session.commit()
    return "failed" if outcome.error_code else "not_modified" if outcome.not_modified else "synced"


def sync_due_calendars(*, now: datetime | None = None, include_all: bool = False,
                       each: Callable[[str], None] | None = None) -> dict[str, int]:
    """Job: sync every calendar that is due. Idempotent: a calendar synced by one run is not
    due for the next, and a claimed one is skipped by any other runner."""
    now = now or utcnow()
    counts = {"synced": 0, "not_modified": 0, "failed": 0, "skipped": 0}
    for calendar_id in due_calendar_ids(now=now, include_all=include_all):
        result = sync_committed(calendar_id, now=now, force=include_all)
        counts[result] += 1
        if each is not None:
            each(result)
    return counts

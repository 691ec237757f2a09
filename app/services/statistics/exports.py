"""CSV exports of events and requests for a period, for spreadsheets (app/services/statistics/
spreadsheet.py writes them as French Excel opens them). Dates are dd/mm/yyyy HH:MM in the
event's zone.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import labels, local_time
from app.extensions import db
from app.models import (
    AssignmentStatus,
    Event,
    EventSchool,
    School,
    User,
    VisitRequest,
)
from app.services.common import scope
from app.services.statistics import spreadsheet

EVENT_HEADERS = [
    "Identifiant", "Type", "Titre", "Statut", "Début", "Fin", "Fuseau horaire", "Lieu", "Commune", "Département",
    "Académie", "En ligne", "Public", "Capacité", "Intervenant·es confirmé·es", "Intervenant·es (min)",
    "Intervenant·es (max)", "Établissements", "Élèves", "Dont filles", "Raison d'annulation",
]
REQUEST_HEADERS = [
    "Identifiant", "Reçue le", "Statut", "Format", "Établissement", "UAI", "Commune", "Département", "Académie",
    "REP/REP+", "Niveaux", "Effectif", "Dont filles", "Créneaux souhaités", "Thèmes",
]


def _local(value, zone: str) -> str:
    return value.astimezone(ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M") if value else ""


def events_csv(user: User, start: date, end: date) -> bytes:
    """Events starting in [start, end] (inclusive, Paris days) in the user's scope."""
    query = (
        select(Event)
        .where(Event.start_at >= local_time.midnight(start),
               Event.start_at < local_time.midnight(date.fromordinal(end.toordinal() + 1)))
        .options(selectinload(Event.schools).joinedload(EventSchool.school), selectinload(Event.assignments))
        .order_by(Event.start_at, Event.id)
    )
    rows = []
    for e in db.session.scalars(scope.restrict(query, user, Event.academie)).unique():
        confirmed = sum(1 for a in e.assignments if a.status == AssignmentStatus.CONFIRMED)
        headcount = sum(s.headcount or 0 for s in e.schools)
        girls = sum(s.girls_count or 0 for s in e.schools)
        rows.append([
            e.id, labels.label(labels.EVENT_TYPES, e.type), e.title, labels.label(labels.EVENT_STATUSES, e.status),
            _local(e.start_at, e.timezone), _local(e.end_at, e.timezone), e.timezone, e.venue, e.commune,
            e.departement, e.academie, e.is_online, e.is_public, e.capacity, confirmed, e.role_models_min,
            e.role_models_max, " | ".join(f"{s.school.name} ({s.school.uai})" for s in e.schools),
            headcount or None, girls if e.schools else None, e.cancel_reason,
        ])
    return spreadsheet.write_csv([EVENT_HEADERS, *rows])


def requests_csv(user: User, start: date, end: date) -> bytes:
    """Requests received in [start, end] (inclusive, Paris days) in the user's scope."""
    query = (
        select(VisitRequest).join(VisitRequest.school)
        .where(VisitRequest.submitted_at >= local_time.midnight(start),
               VisitRequest.submitted_at < local_time.midnight(date.fromordinal(end.toordinal() + 1)))
        .options(joinedload(VisitRequest.school), selectinload(VisitRequest.windows))
        .order_by(VisitRequest.submitted_at, VisitRequest.id)
    )
    rows = []
    for r in db.session.scalars(scope.restrict(query, user, School.academie)).unique():
        s = r.school
        windows = " | ".join(f"{w.start_date:%d/%m/%Y}–{w.end_date:%d/%m/%Y}" for w in r.windows)
        priority = {"rep": "REP", "rep_plus": "REP+"}.get(s.priority.value, "")
        rows.append([
            r.id, _local(r.submitted_at, local_time.DISPLAY_TIMEZONE), labels.label(labels.REQUEST_STATUSES, r.status),
            labels.label(labels.EVENT_TYPES, r.format), s.name, s.uai, s.commune, s.departement, s.academie, priority,
            ", ".join(r.class_levels), r.headcount, r.girls_count, windows, ", ".join(r.topics),
        ])
    return spreadsheet.write_csv([REQUEST_HEADERS, *rows])

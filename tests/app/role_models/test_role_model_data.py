"""Personal data: the export holds every table's rows about the person; deleting the account
leaves no personal data anywhere, while past engagements still count in the statistics."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import JSON, String, Text, select

from app.extensions import db as _db
from app.feeds import personal_urls, tokens
from app.models import (
    Assignment,
    AssignmentStatus,
    BusyInterval,
    EventFeedback,
    EventStatus,
    ExternalCalendar,
    FeedbackRespondent,
    FeedKind,
    RoleModel,
    User,
    UserRole,
)
from app.services.pairing import assignments
from app.services.role_models import personal_data, profiles
from tests.support.portal import csrf_token_of, sign_in

PAST = datetime(2025, 11, 18, 9, tzinfo=UTC)
FUTURE = datetime.now(UTC) + timedelta(days=30)


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"], email="orga@example.org")


@pytest.fixture
def person(db, organizer, create_user, create_role_model, create_event, create_assignment):
    """A role model with something in every table that can hold data about them."""
    user = create_user(role=UserRole.ROLE_MODEL, email="ines.diallo@example.org", full_name="Inès Diallo",
                       password=None)
    rm = create_role_model(user=user, first_name="Inès", last_name="Diallo", phone="+33 6 12 34 56 78",
                           company="Safran Landing Systems", job_title="Ingénieure méthodes",
                           presentation="Je m'appelle Inès et je conçois des trains d'atterrissage.")
    profiles.add_exception(user, rm, date(2027, 7, 1), date(2027, 7, 31), "Vacances à Dakar")
    calendar = ExternalCalendar(role_model=rm, url="https://calendar.google.com/calendar/ical/ines.diallo%40gmail.com/private-abc/basic.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(BusyInterval(calendar_id=calendar.id, role_model_id=rm.id, start_at=FUTURE,
                                end_at=FUTURE + timedelta(hours=1)))
    personal_urls.regenerate(user, user)
    past = create_event(title="Intervention passée", status=EventStatus.COMPLETED, start_at=PAST, organizer=organizer)
    done = create_assignment(event=past, role_model=rm, status=AssignmentStatus.CONFIRMED,
                             reason="Ravie, Inès")
    db.session.add(EventFeedback(event_id=past.id, respondent=FeedbackRespondent.ROLE_MODEL, respondent_id=rm.id,
                                 satisfaction=5, comment="Les élèves de Mme Martin étaient passionnées — Inès"))
    ahead = create_event(title="Intervention à venir", start_at=FUTURE, organizer=organizer)
    coming = create_assignment(event=ahead, role_model=rm)
    assignments.invite(organizer, coming)
    assignments.accept(coming)
    db.session.flush()
    return rm, done, coming


def _user_tables() -> set[str]:
    """Every table with a foreign key to users or role_models, found from the schema."""
    found = set()
    for table in _db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in ("users", "role_models"):
                found.add(table.name)
    return found | {"users", "role_models"}


def test_export_holds_every_tables_rows_about_the_person(db, person):
    rm, done, coming = person
    data = personal_data.export(rm.user, rm)
    json.dumps(data)  # plain JSON
    missing = _user_tables() - set(data)
    assert not missing, f"tables about a person missing from the export: {missing}"
    assert data["users"][0]["email"] == "ines.diallo@example.org"
    assert data["role_models"][0]["phone"] == "+33 6 12 34 56 78"
    assert {a["id"] for a in data["assignments"]} == {done.id, coming.id}
    assert data["availability_exceptions"][0]["reason"] == "Vacances à Dakar"
    assert data["external_calendars"][0]["url"].startswith("https://calendar.google.com/")
    assert len(data["busy_intervals"]) == 1 and len(data["availability_windows"]) == 5
    assert data["event_feedback"][0]["satisfaction"] == 5
    assert data["feed_tokens"] and "token_hash" not in data["feed_tokens"][0]
    assert "sealed_token" not in data["feed_tokens"][0] and "password_hash" not in data["users"][0]
    assert any(e["action"] == "assignment.accepted" for e in data["audit_entries"])
    assert any("Invitation" in e["subject"] for e in data["outbox_emails"])


def test_export_download_from_the_portal(db, client, person):
    rm, _, _ = person
    sign_in(client, rm.user)
    response = client.get("/espace/mes-donnees.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.json["role_models"][0]["last_name"] == "Diallo"


PERSONAL = ["Inès", "Diallo", "ines.diallo", "+33 6 12", "Safran", "Dakar", "private-abc", "trains d'atterrissage",
            "Mme Martin", "Ingénieure méthodes"]


def _all_text(db) -> list[tuple[str, str, str]]:
    """Every text or JSON value in the database, with where it is."""
    found = []
    for table in _db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row):
                if value is not None:
                    found.append((table.name, column.name, json.dumps(value, ensure_ascii=False)
                                  if not isinstance(value, str) else value))
    return found


def test_deletion_leaves_no_personal_data_and_keeps_the_statistics(db, client, person, organizer):
    rm, done, coming = person
    rm_id, user_id, past_event = rm.id, rm.user.id, done.event_id
    sign_in(client, rm.user)
    page = client.get("/espace/mes-donnees")
    refused = client.post("/espace/supprimer-mon-compte",
                          data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), "confirm": "oui"})
    assert refused.status_code == 422 and db.session.get(User, user_id) is not None
    deleted = client.post("/espace/supprimer-mon-compte",
                          data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), "confirm": "supprimer"})
    assert deleted.status_code == 200
    db.session.expire_all()

    leaks = [(t, c, v) for t, c, v in _all_text(db) if any(p.lower() in v.lower() for p in PERSONAL)]
    assert leaks == []
    assert db.session.get(User, user_id) is None
    assert tokens.current(FeedKind.ROLE_MODEL, user=type("U", (), {"id": user_id})()) is None

    anonymous = db.session.get(RoleModel, rm_id)
    assert anonymous.anonymised_at is not None and anonymous.user_id is None
    # Statistics keep the past engagement and its satisfaction score.
    kept = db.session.scalar(select(Assignment).where(Assignment.event_id == past_event))
    assert kept.status == AssignmentStatus.CONFIRMED and kept.role_model_id == rm_id
    assert db.session.scalar(select(EventFeedback.satisfaction).where(EventFeedback.respondent_id == rm_id)) == 5
    # The engagement to come is released, and the organizer told (without a name).
    db.session.refresh(coming)
    assert coming.status == AssignmentStatus.WITHDRAWN
    # Signed out, and the account cannot be signed in to again.
    assert client.get("/espace/").status_code == 302
    assert db.session.scalars(select(BusyInterval)).all() == []
    assert profiles.send_sign_in_link("ines.diallo@example.org") is False

"""The text rules (app/services/common/text.py) at each edge: web forms, API bodies, services."""

from __future__ import annotations

import doctest
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import EventType, RoleModel, School, VisitRequest
from app.services.common import text
from app.services.common.errors import Invalid
from app.services.events import lifecycle
from app.services.requests import schools
from tests.app.conftest import csrf_token_from
from tests.support.api import assert_problem, bearer, error_fields
from tests.support.portal import sign_in

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": False}


def test_the_rules_as_the_module_documents_them():
    assert doctest.testmod(text).failed == 0


@pytest.mark.parametrize(("value", "kind", "ok"), [
    ("Inès Diallo", text.SINGLE_LINE, True),
    ("عائشة\u200f", text.SINGLE_LINE, True),  # a right-to-left mark belongs to the name
    ("Inès\nDiallo", text.SINGLE_LINE, False),
    ("Inès\tDiallo", text.SINGLE_LINE, False),
    ("x\x00", text.SINGLE_LINE, False),
    ("x\x85", text.SINGLE_LINE, False),  # C1 (NEL)
    ("x\u2028y", text.SINGLE_LINE, False),
    ("x\ud800", text.SINGLE_LINE, False),
    ("Ligne\r\n\tsuite", text.FREE_TEXT, True),
    ("Ligne\u2028suite", text.FREE_TEXT, False),
    ("x\x0b", text.FREE_TEXT, False),
    ("x\x00", text.FREE_TEXT, False),
    ("prenom.nom+tag@ac-lyon.fr", text.EMAIL, True),
    ('"x;y"@example.org', text.EMAIL, False),
    ("x@example.org\n", text.EMAIL, False),
    ("x y@example.org", text.EMAIL, False),
    (".x@example.org", text.EMAIL, False),
    ("x@-example.org", text.EMAIL, False),
    ("x@example", text.EMAIL, False),
    ("é@example.org", text.EMAIL, False),
    ("a" * 250 + "@example.org", text.EMAIL, False),
])
def test_kinds_of_text(value, kind, ok):
    assert (text.problem(value, kind) is None) is ok


def test_one_line_is_for_showing_stored_text():
    assert text.one_line("Inès\r\n Diallo\x00") == "Inès Diallo"


# --- web forms -----------------------------------------------------------------------------------


def _profile(client, **changes):
    page = client.get("/espace/profil")
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), "first_name": "Inès", "last_name": "Diallo",
            "job_title": "Ingénieure", "job_family": "engineer", "company": "Safran", "departements": "75",
            "accepts_in_person": "y", "event_types": "school_visit", "languages": "fr", "monthly_cap": "2",
            "presentation": "Bonjour"}
    return client.post("/espace/profil", data={**data, **changes})


def test_a_name_on_two_lines_is_refused_next_to_its_field(client, create_role_model, db):
    rm = create_role_model(first_name="Inès")
    sign_in(client, rm.user)

    response = _profile(client, first_name="Inès\r\nBcc: x@example.org")

    assert response.status_code == 422
    assert "Ce champ tient sur une ligne" in response.get_data(as_text=True)
    db.session.refresh(rm)
    assert rm.first_name == "Inès"


def test_free_text_keeps_its_line_breaks_but_no_nul(client, create_role_model, db):
    rm = create_role_model()
    sign_in(client, rm.user)

    assert _profile(client, presentation="Bonjour\r\n\r\nJe suis ingénieure.").status_code == 302
    db.session.refresh(rm)
    assert rm.presentation == "Bonjour\r\n\r\nJe suis ingénieure."

    response = _profile(client, presentation="Bonjour\x00")
    assert response.status_code == 422
    assert "caractère de contrôle non autorisé" in response.get_data(as_text=True)


def test_an_application_with_a_quoted_address_is_refused(client, db):
    page = client.get("/espace/devenir-marraine-parrain")
    before = db.session.scalar(select(func.count()).select_from(RoleModel))
    response = client.post("/espace/devenir-marraine-parrain", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "email": '"x;y"@example.org',
        "first_name": "Inès", "last_name": "Diallo", "job_title": "Ingénieure", "job_family": "engineer",
        "company": "Safran", "departements": "75", "accepts_in_person": "y", "event_types": "school_visit",
        "languages": "fr", "monthly_cap": "2", "consent": "y"})

    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(RoleModel)) == before


def test_the_school_search_with_a_nul_finds_nothing(client, create_school):
    create_school(name="Collège Curie")
    page = client.get("/demandes/nouvelle")
    response = client.post("/demandes/nouvelle", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "action": "search",
        "school_query": "Curie\x00"})
    assert response.status_code < 500
    assert client.get("/demandes/etablissements.json?q=Cu%00rie").status_code == 200
    assert schools.find_by_uai("0751\x00234J") is None


# --- the API -------------------------------------------------------------------------------------


def _request_body(**contact):
    return {"uai": "0759001B", "school": {"name": "Collège Marie Curie", "commune": "Paris", "postal_code": "75013"},
            "contact": {"name": "Sophie Martin", "email": "sophie.martin@ac-paris.fr", **contact},
            "class_levels": ["4e"], "headcount": 25, "girls_count": 12,
            "windows": [{"start_date": "2027-03-15", "end_date": "2027-03-19"}], "consent": True}


@pytest.mark.parametrize(("contact", "field"), [
    ({"email": '"x;y"@example.org'}, "contact.email"),
    ({"name": "Sophie\nMartin"}, "contact.name"),
    ({"name": "Sophie\ud800"}, "contact.name"),
])
def test_the_api_refuses_what_mail_and_calendars_would_refuse(client, db, contact, field):
    before = db.session.scalar(select(func.count()).select_from(VisitRequest))
    response = client.post("/api/v1/visit-requests", json=_request_body(**contact),
                            headers={"Idempotency-Key": str(uuid.uuid4())})

    body = assert_problem(response, 422)
    assert field in error_fields(body)
    assert db.session.scalar(select(func.count()).select_from(VisitRequest)) == before
    assert db.session.scalar(select(func.count()).select_from(School).where(School.uai == "0759001B")) == 0


def test_the_api_takes_line_breaks_in_a_reason_and_not_a_nul(client, create_user, create_event):
    organizer = create_user(academies=["paris"])
    event = create_event(organizer=organizer)
    headers = bearer(organizer)
    response = client.post(f"/api/v1/events/{event.id}/cancel", json={"reason": "Grève\x00"}, headers=headers)
    assert "reason" in error_fields(assert_problem(response, 422))
    response = client.post(f"/api/v1/events/{event.id}/cancel", json={"reason": "Grève\r\ndes transports"},
                           headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)


# --- services that take text directly ------------------------------------------------------------


def test_services_refuse_control_characters_with_field_names(db, create_user):
    organizer = create_user(academies=["paris"])
    data = lifecycle.EventData(type=EventType.CONFERENCE, title="Forum\x00", start_at=START,
                               end_at=START + timedelta(hours=2), departement="75", venue="CDI\n2e étage",
                               description="Ligne 1\nLigne 2")
    with pytest.raises(Invalid) as refused:
        lifecycle.create_event(organizer, data)
    assert set(refused.value.fields) == {"title", "venue"}

"""The public request form: happy path, every validation error in French with what was typed
kept, idempotency, honeypot, rate limit, CSRF, and holiday warnings on real dates."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from sqlalchemy import func, select

from app.feeds import tokens as feed_tokens
from app.models import (
    AuditEntry,
    EducationPriority,
    FeedKind,
    FeedToken,
    HolidayZone,
    OutboxEmail,
    RequestStatus,
    School,
    SchoolContact,
    UserRole,
    VisitRequest,
)
from app.services.requests import visit_requests
from tests.support.school_requests import (
    PARIS_UAI,
    TODAY,
    followup_token_from,
    form_tokens,
    submit,
    uai,
    valid_form,
)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_form_is_french_accessible_and_has_what_it_needs(client):
    response = client.get("/demandes/nouvelle")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<legend>1. Votre établissement</legend>" in page
    assert 'for="uai"' in page and 'aria-describedby="uai-hint"' in page
    assert '<fieldset class="choices' in page and "Niveau(x) de classe</legend>" in page
    assert 'class="hp-field" aria-hidden="true"' in page and 'name="website"' in page
    assert 'name="idempotency_key"' in page and 'name="csrf_token"' in page
    assert 'href="/confidentialite"' in page
    assert "aucun nom d" in html.unescape(page)  # the hint about pupils' names
    # Nothing about a pupil can be typed: the fields are exactly these.
    names = set(re.findall(r'name="([^"]+)"', page)) - {"viewport", "robots"}
    assert names == {
        "csrf_token", "idempotency_key", "website", "school_query", "action", "pick_uai", "uai", "school_name",
        "commune", "postal_code", "address", "school_kind", "priority", "contact_name", "contact_role", "email",
        "phone",
        "class_levels", "headcount", "girls_count", "format", "delivery", "topics", "remarks", "consent",
        *(f"windows-{i}-{f}" for i in range(3) for f in ("start_date", "end_date", "time_of_day")),
    } - {"pick_uai"}
    assert '<script src="/static/js/request_form.js" defer>' in page


def test_happy_path_creates_one_request_with_the_school_placed_by_its_uai(client, db, create_user):
    organizer = create_user(email="paris@example.org", academies=["paris"])
    create_user(email="lyon@example.org", academies=["lyon"])
    response, data = submit(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/demandes/merci")

    request = db.session.scalar(select(VisitRequest).where(VisitRequest.idempotency_key == data["idempotency_key"]))
    assert request.status == RequestStatus.SUBMITTED
    school = request.school
    assert (school.uai, school.academie, school.zone, school.departement) == (PARIS_UAI, "paris", HolidayZone.C, "75")
    assert school.priority == EducationPriority.REP and school.postal_code == "75013"
    assert request.contact.full_name == "Sophie Martin" and request.contact.email == "sophie.martin@ac-paris.fr"
    assert request.class_levels == ["4e", "3e"] and (request.headcount, request.girls_count) == (28, 13)
    assert request.topics == ["aéronautique", "robotique"]
    assert [(w.start_date.isoformat(), w.time_of_day.value) for w in request.windows] == [("2027-01-11", "morning")]
    assert [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == request.id, AuditEntry.subject_type == "visit_request")
    )] == ["request.submitted"]

    emails = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert [e.to_address for e in emails] == ["sophie.martin@ac-paris.fr", organizer.email]
    confirmation = emails[0]
    assert "bien reçue" in confirmation.subject
    token = followup_token_from(confirmation.body_text)
    assert visit_requests.find_by_followup_token(token).id == request.id
    assert "/feeds/schools/" in confirmation.body_text and "webcal://" in confirmation.body_html

    thanks = client.get("/demandes/merci")
    assert "Merci, votre demande est envoyée" in page_text(thanks)
    assert f"/demandes/suivi/{token}" in page_text(thanks)
    assert thanks.headers["Referrer-Policy"] == "no-referrer"


def test_a_known_school_is_reused_and_keeps_its_data(client, db, create_school):
    school = create_school(name="Lycée Jean Jaurès", departement="69", commune="Lyon")
    response, _ = submit(client, uai=school.uai.lower(), school_name="", commune="", postal_code="")
    assert response.status_code == 302
    assert count(db, School) == 1
    request = db.session.scalar(select(VisitRequest))
    assert request.school_id == school.id and request.school.name == "Lycée Jean Jaurès"


ERROR_CASES = {
    "missing UAI": ({"uai": ""}, "uai", "Indiquez le numéro UAI"),
    "wrong check letter": ({"uai": "0759001" + ("A" if uai("0759001")[-1] != "A" else "B")}, "uai",
                           "lettre de contrôle"),
    "UAI of no département": ({"uai": uai("0999001")}, "uai", "aucun département connu"),
    "unknown school without a name": ({"school_name": ""}, "school_name", "indiquez son nom"),
    "unknown school without a commune": ({"commune": ""}, "commune", "Indiquez la commune"),
    "bad postal code": ({"postal_code": "7501"}, "postal_code", "cinq chiffres"),
    "no name": ({"contact_name": ""}, "contact_name", "Indiquez vos prénom et nom"),
    "bad email": ({"email": "sophie@"}, "email", "adresse e-mail n'est pas valide"),
    "bad phone": ({"phone": "appelez-moi"}, "phone", "numéro de téléphone n'est pas valide"),
    "no class level": ({"class_levels": None}, "class_levels", "au moins un niveau"),
    "headcount not a number": ({"headcount": "vingt"}, "headcount", "nombre entier, en chiffres"),
    "headcount zero": ({"headcount": "0"}, "headcount", "entre 1 et 1000"),
    "more girls than pupils": ({"girls_count": "30"}, "girls_count", "ne peut pas dépasser l'effectif"),
    "unknown format": ({"format": "rave"}, "format", "choix valide"),
    "no window": ({"windows-0-start_date": "", "windows-0-end_date": ""}, "windows-0-start_date",
                  "au moins une période"),
    "unreadable date": ({"windows-0-start_date": "2027-02-31"}, "windows-0-start_date", "date n'est pas valide"),
    "end before start": ({"windows-0-end_date": "2027-01-04"}, "windows-0-start_date", "après son début"),
    "window in the past": ({"windows-0-start_date": "2026-11-02", "windows-0-end_date": "2026-12-04"},
                           "windows-0-start_date", "dans le passé"),
    "window all in holidays": ({"windows-0-start_date": "2026-12-21", "windows-0-end_date": "2026-12-31"},
                               "windows-0-start_date", "entièrement pendant les vacances scolaires"),
    "window too long": ({"windows-0-end_date": "2027-06-30"}, "windows-0-start_date", "au plus quatre mois"),
    "no consent": ({"consent": None}, "consent", "accepter la notice de confidentialité"),
}


@pytest.mark.parametrize("overrides, field, message", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_each_error_is_shown_next_to_its_field_in_french_with_everything_kept(client, db, overrides, field, message):
    response, data = submit(client, **overrides)
    assert response.status_code == 422
    page = page_text(response)
    error = re.search(rf'<p class="error" id="{re.escape(field)}-error">([^<]+)</p>', page)
    assert error and message in error.group(1), page[:0]
    assert f'href="#{field}' in page  # the summary at the top links to it
    if field not in ("class_levels", "format"):
        tag = re.search(rf'<input[^>]*id="{re.escape(field)}"[^>]*>|<textarea[^>]*id="{re.escape(field)}"', page)
        if tag:
            assert 'aria-invalid="true"' in tag.group(0) and f"{field}-error" in tag.group(0)
    # Everything typed is still there.
    assert 'value="Sophie Martin"' in page or overrides.get("contact_name") == ""
    assert "Salle équipée d'un vidéoprojecteur." in page
    assert 'value="robotique" checked' in page or 'checked type="checkbox" value="robotique"' in page \
        or re.search(r'<input[^>]*checked[^>]*value="robotique"', page)
    assert count(db, VisitRequest) == 0 and count(db, OutboxEmail) == 0


def test_all_errors_are_reported_at_once(client, db):
    response, _ = submit(client, uai="123", headcount="", consent=None, class_levels=None)
    page = page_text(response)
    for field in ("uai", "headcount", "consent", "class_levels"):
        assert f'id="{field}-error"' in page
    assert "4 points sont à corriger" in page


def test_submitting_the_same_form_twice_creates_one_request(client, db):
    tokens = form_tokens(client)
    data = {**tokens, **valid_form()}
    first = client.post("/demandes/nouvelle", data=data)
    second = client.post("/demandes/nouvelle", data=data)
    assert first.status_code == second.status_code == 302
    assert count(db, VisitRequest) == 1 and count(db, SchoolContact) == 1
    assert count(db, OutboxEmail, OutboxEmail.to_address == "sophie.martin@ac-paris.fr") == 1
    assert "déjà envoyée" in page_text(client.get("/demandes/merci"))
    # A new form gets a new key: a second request for other periods is accepted.
    third, _ = submit(client, **{"windows-0-start_date": "2027-01-25", "windows-0-end_date": "2027-02-05"})
    assert third.status_code == 302 and count(db, VisitRequest) == 2


def test_a_form_changed_after_it_was_sent_is_refused_then_sent_as_a_new_request(client, db):
    data = {**form_tokens(client), **valid_form()}
    assert client.post("/demandes/nouvelle", data=data).status_code == 302
    changed = client.post("/demandes/nouvelle", data={**data, "headcount": "30"})
    text = page_text(changed)
    assert changed.status_code == 422 and "déjà été envoyée" in text and "lien de suivi" in text
    assert 'value="30"' in changed.get_data(as_text=True)  # what was typed is kept
    assert count(db, VisitRequest) == 1
    assert db.session.scalar(select(VisitRequest)).headcount == 28
    # the page came back with a fresh key: sending it again is a deliberate second request
    fresh = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', changed.get_data(as_text=True)).group(1)
    assert fresh != data["idempotency_key"]
    # the same periods again is the same request (corrected from its follow-up page), other
    # periods a second one
    same = client.post("/demandes/nouvelle", data={**data, **form_tokens(client), "headcount": "30",
                                                    "idempotency_key": fresh})
    assert same.status_code == 302 and count(db, VisitRequest) == 1
    other = {"windows-0-start_date": "2027-01-25", "windows-0-end_date": "2027-02-05"}
    again = client.post("/demandes/nouvelle", data={**data, **form_tokens(client), "headcount": "30", **other})
    assert again.status_code == 302 and count(db, VisitRequest) == 2


def test_a_missing_or_forged_idempotency_key_is_refused_not_crashed(client, db):
    data = {**form_tokens(client), **valid_form(), "idempotency_key": "x"}
    response = client.post("/demandes/nouvelle", data=data)
    assert response.status_code == 422 and "rechargez la page" in page_text(response)
    assert count(db, VisitRequest) == 0


def test_the_honeypot_saves_nothing_but_looks_like_success(client, db):
    response, _ = submit(client, website="http://spam.example")
    assert response.status_code == 302 and response.headers["Location"].endswith("/demandes/merci")
    assert count(db, VisitRequest) == 0 and count(db, OutboxEmail) == 0 and count(db, School) == 0


def test_a_post_without_csrf_token_is_rejected(client, db):
    data = {**form_tokens(client), **valid_form()}
    del data["csrf_token"]
    response = client.post("/demandes/nouvelle", data=data)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in page_text(response)
    assert count(db, VisitRequest) == 0


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"REQUEST_FORM_RATE_LIMIT": "3 per minute"}

    def test_posts_beyond_the_limit_get_429(self, client, db):
        tokens = form_tokens(client)
        statuses = [client.post("/demandes/nouvelle", data={**tokens, "uai": ""}).status_code for _ in range(4)]
        assert statuses == [422, 422, 422, 429]
        assert client.get("/demandes/nouvelle").status_code == 200  # reading the form is never limited
        limited = client.post("/demandes/nouvelle", data={**tokens, **valid_form()})
        assert limited.status_code == 429 and "Trop de tentatives" in page_text(limited)
        assert count(db, VisitRequest) == 0


# Winter holidays 2027 from vacances-scolaires-france: A 13 Feb–1 Mar, B 20 Feb–8 Mar, C 6–22 Feb.
ZONES = {
    "A": (uai("0699001"), ("2027-02-08", "2027-02-19"), ("2027-02-15", "2027-02-26")),
    "B": (uai("0599001"), ("2027-02-15", "2027-02-26"), ("2027-02-22", "2027-03-05")),
    "C": (PARIS_UAI, ("2027-02-01", "2027-02-12"), ("2027-02-08", "2027-02-19")),
}


@pytest.mark.parametrize("zone", ZONES)
def test_holiday_warnings_use_each_zones_real_dates(client, db, zone):
    school_uai, touching, inside = ZONES[zone]
    warned = client.get("/demandes/verification.json", query_string={
        "uai": school_uai, "windows-0-start_date": touching[0], "windows-0-end_date": touching[1],
        "windows-1-start_date": inside[0], "windows-1-end_date": inside[1]}).get_json()
    assert warned["placement"]["zone"] == zone
    assert any("Vacances d'hiver" in w and f"zone {zone}" in w for w in warned["warnings"]["0"])
    assert "0" not in warned["errors"]
    assert "entièrement pendant les vacances" in warned["errors"]["1"]
    # Without JavaScript, "Vérifier les dates" shows the same warning and keeps the form.
    data = {**form_tokens(client), **valid_form(uai=school_uai, action="check", **{
        "windows-0-start_date": touching[0], "windows-0-end_date": touching[1]})}
    page = page_text(client.post("/demandes/nouvelle", data=data))
    assert re.search(rf'<p class="warning">Attention : Vacances d.hiver de la zone {zone}', page)
    # A warning does not stop the request.
    response, _ = submit(client, uai=school_uai, **{"windows-0-start_date": touching[0],
                                                    "windows-0-end_date": touching[1]})
    assert response.status_code == 302
    assert "Vacances d'hiver" in page_text(client.get("/demandes/merci"))


def test_a_public_holiday_warns_and_alsace_moselle_has_its_own(client, db):
    def warnings(school_uai, start, end):
        body = client.get("/demandes/verification.json", query_string={
            "uai": school_uai, "windows-0-start_date": start, "windows-0-end_date": end}).get_json()
        return " ".join(body["warnings"].get("0", []))

    assert "11 novembre est férié (Armistice)" in warnings(PARIS_UAI, "2027-11-08", "2027-11-12")
    # Vendredi saint (26 March 2027) is a holiday in Strasbourg, not in Paris.
    assert "Vendredi saint" in warnings(uai("0679001"), "2027-03-22", "2027-03-26")
    assert "Vendredi saint" not in warnings(PARIS_UAI, "2027-03-22", "2027-03-26")


@pytest.mark.parametrize("school_uai", [uai("6209001"), uai("9749001")], ids=["corse", "la-reunion"])
def test_zones_without_holiday_data_say_so_instead_of_guessing(client, db, school_uai):
    body = client.get("/demandes/verification.json", query_string={
        "uai": school_uai, "windows-0-start_date": "2026-12-21", "windows-0-end_date": "2026-12-31"}).get_json()
    assert body["errors"] == {}
    assert not any("Vacances" in w for w in body["warnings"].get("0", []))
    assert "ne pouvons pas vérifier les vacances" in body["notes"][0]
    response, _ = submit(client, uai=school_uai, **{"windows-0-start_date": "2026-12-21",
                                                    "windows-0-end_date": "2026-12-31"})
    assert response.status_code == 302  # accepted: we cannot tell it is a holiday


def test_the_json_check_is_harmless_on_nonsense(client, db):
    body = client.get("/demandes/verification.json?uai=%00&windows-0-start_date=zz&windows-9-end_date=1").get_json()
    assert body == {"errors": {}, "warnings": {}, "notes": [], "placement": None, "school": None}


def test_school_search_without_javascript_fills_the_school_and_keeps_the_rest(client, db, create_school):
    school = create_school(name="Lycée Gustave Eiffel", commune="Bordeaux", departement="33", postal_code="33000")
    create_school(name="Collège Victor Hugo", commune="Paris")
    tokens = form_tokens(client)
    data = {**tokens, **valid_form(uai="", school_name="", commune="", school_query="eiffel bordeaux",
                                   action="search")}
    found = page_text(client.post("/demandes/nouvelle", data=data))
    assert f'name="pick_uai" value="{school.uai}"' in found and "Victor Hugo" not in found
    assert 'value="Sophie Martin"' in found and 'id="uai-error"' not in found
    data.pop("action")
    picked = page_text(client.post("/demandes/nouvelle", data={**data, "pick_uai": school.uai}))
    assert f'value="{school.uai}"' in picked and 'value="Lycée Gustave Eiffel"' in picked
    assert "académie de Bordeaux, zone A, département 33" in picked


def test_school_search_json(client, db, create_school):
    school = create_school(name="Collège Émile Zola", commune="Rennes", departement="35")
    assert client.get("/demandes/etablissements.json?q=zola").get_json()[0]["uai"] == school.uai
    assert client.get("/demandes/etablissements.json?q=%25").get_json() == []
    assert client.get("/demandes/etablissements.json?q=" + "x" * 5000).status_code == 200


def test_privacy_notice_is_linked_and_states_the_retention(client, db):
    page = page_text(client.get("/confidentialite"))
    assert "Notice de confidentialité" in page and "3 ans" in page and "Aucune donnée sur les élèves" in page
    assert 'href="/confidentialite"' in client.get("/").get_data(as_text=True)  # footer


def test_organizers_are_told_and_admins_stand_in_when_nobody_covers_the_academie(client, db, create_user):
    admin = create_user(email="admin@example.org", role=UserRole.ADMIN)
    create_user(email="disabled@example.org", academies=["paris"], is_enabled=False)
    submit(client)
    told = db.session.scalars(select(OutboxEmail.to_address).where(OutboxEmail.subject.like("Nouvelle demande%")))
    assert list(told) == [admin.email]


def test_the_school_feed_link_of_a_request_does_not_revoke_the_others(client, db):
    submit(client)
    submit(client, email="autre.prof@ac-paris.fr", contact_name="Karim Benali")
    rows = db.session.scalars(select(FeedToken).where(FeedToken.kind == FeedKind.SCHOOL)).all()
    assert len(rows) == 2 and all(r.revoked_at is None for r in rows)
    school_id = db.session.scalar(select(School.id))
    for email in db.session.scalars(select(OutboxEmail).where(OutboxEmail.subject.like("Votre demande%"))):
        feed = re.search(r"/feeds/schools/([A-Za-z0-9_-]+)\.ics", email.body_text).group(1)
        assert feed_tokens.resolve(FeedKind.SCHOOL, feed).school_id == school_id

"""The school's pages around a request: sending it again says so and leads back to it, the UAI
messages tell a wrong check letter from a wrong shape, the street address reaches the
organizers, and a correction from the follow-up page keeps what was saved until it passes."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from sqlalchemy import func, select

from app.models import AuditEntry, OutboxEmail, RequestStatus, VisitRequest
from app.reference.uai import is_valid_uai
from tests.app.conftest import csrf_token_from
from tests.support.school_requests import PARIS_UAI, TODAY, followup_token_from, form_tokens, submit, valid_form


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\u00a0", " ")


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def sent_token(db) -> str:
    email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "sophie.martin@ac-paris.fr"))
    return followup_token_from(email.body_text)


def test_back_and_send_again_with_a_new_form_shows_the_first_request(client, db):
    first, _ = submit(client, address="12 rue Jean Moulin")
    assert first.status_code == 302
    client.get("/demandes/merci")
    # Back: the browser rebuilt the form (a new key); she sends it again.
    again, _ = submit(client, address="12 rue Jean Moulin")
    assert again.status_code == 302 and again.headers["Location"].endswith("/demandes/merci")
    page = text(client.get("/demandes/merci"))
    assert "Vous avez déjà envoyé cette demande le 30 novembre 2026" in page and "Voici son suivi" in page
    assert f"/demandes/suivi/{sent_token(db)}" in page  # this browser kept the link
    assert count(db, VisitRequest) == 1
    assert count(db, OutboxEmail, OutboxEmail.to_address == "sophie.martin@ac-paris.fr") == 1


def test_from_another_browser_the_notice_points_to_the_email(app, client, db):
    submit(client)
    other = app.test_client()
    again, _ = submit(other)
    assert again.status_code == 302
    page = text(other.get("/demandes/merci"))
    assert "Vous avez déjà envoyé cette demande" in page and "envoyé par e-mail" in page
    assert "/demandes/suivi/" not in page and count(db, VisitRequest) == 1


def test_the_uai_keeps_its_value_and_is_not_autocomplete_off(client, db):
    response, _ = submit(client, headcount="")
    page = response.get_data(as_text=True)
    tag = re.search(r'<input[^>]*id="uai"[^>]*>', page).group(0)
    assert f'value="{PARIS_UAI}"' in tag and "autocomplete" not in tag


def test_a_wrong_check_letter_is_named_and_the_hint_example_is_valid(client, db):
    wrong = PARIS_UAI[:-1] + ("A" if PARIS_UAI[-1] != "A" else "B")
    page = text(submit(client, uai=wrong)[0])
    assert "La lettre de contrôle ne correspond pas aux chiffres" in page
    shape = text(submit(client, uai="075123J")[0])
    assert "n'a pas la bonne forme" in shape and "La lettre de contrôle ne correspond pas" not in shape
    hint = re.search(r'id="uai-hint">([^<]+)<', text(client.get("/demandes/nouvelle"))).group(1)
    examples = re.findall(r"\b\d{7}[A-Z]\b", hint)
    assert examples and all(is_valid_uai(e) for e in examples)


def test_the_address_is_kept_shown_to_organizers_and_put_on_the_event_form(client, db, auth, create_user):
    create_user(email="paris@example.org", academies=["paris"])
    submit(client, address="12 rue Jean Moulin")
    request = db.session.scalar(select(VisitRequest))
    assert request.address == "12 rue Jean Moulin"
    auth.login("paris@example.org")
    page = text(client.get(f"/organisation/demandes/{request.id}"))
    assert "12 rue Jean Moulin, 75013 Paris" in page
    assert re.search(r'<input[^>]*id="address"[^>]*value="12 rue Jean Moulin"', page)


def correction_form(**overrides) -> dict:
    keep = ("phone", "class_levels", "headcount", "girls_count", "format", "delivery", "topics", "remarks")
    data = {k: v for k, v in valid_form().items() if k in keep or k.startswith("windows-")}
    data["address"] = ""
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_school_corrects_its_request_from_the_follow_up_page(client, db, auth, create_user):
    create_user(email="paris@example.org", academies=["paris"])
    submit(client)
    token = sent_token(db)
    followup = text(client.get(f"/demandes/suivi/{token}"))
    assert f"/demandes/suivi/{token}/correction" in followup and "Corriger ma demande" in followup
    url = f"/demandes/suivi/{token}/correction"
    form_page = client.get(url)
    assert form_page.status_code == 200 and 'value="28"' in form_page.get_data(as_text=True)
    csrf = csrf_token_from(form_page.get_data(as_text=True))

    # A mistake: shown next to its field, and nothing saved changes.
    wrong = client.post(url, data={"csrf_token": csrf, **correction_form(headcount="10", address="14 rue Neuve")})
    page = text(wrong)
    assert wrong.status_code == 422 and re.search(r'id="girls_count-error">[^<]*dépasser', page)
    assert 'value="14 rue Neuve"' in page  # what was typed stays on the page
    db.session.expire_all()
    assert db.session.scalar(select(VisitRequest)).headcount == 28

    done = client.post(url, data={"csrf_token": csrf, **correction_form(headcount="26", address="14 rue Neuve",
                                                                        phone="01 23 45 67 89")})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/demandes/suivi/{token}")
    followup = text(client.get(f"/demandes/suivi/{token}"))
    assert "Votre demande est corrigée" in followup and "14 rue Neuve" in followup
    request = db.session.scalar(select(VisitRequest))
    db.session.refresh(request)
    assert request.headcount == 26 and request.contact.phone == "01 23 45 67 89"
    assert count(db, AuditEntry, AuditEntry.action == "request.corrected") == 1

    auth.login("paris@example.org")
    organizer_page = text(client.get(f"/organisation/demandes/{request.id}"))
    assert "L'établissement a corrigé sa demande le 30 novembre 2026" in organizer_page


def test_a_scheduled_request_is_not_corrected_online(client, db):
    submit(client)
    token = sent_token(db)
    request = db.session.scalar(select(VisitRequest))
    request.status = RequestStatus.SCHEDULED
    db.session.commit()
    assert "Corriger ma demande" not in text(client.get(f"/demandes/suivi/{token}"))
    response = client.get(f"/demandes/suivi/{token}/correction")
    assert response.status_code == 302
    assert "ne peut plus être corrigée" in text(client.get(response.headers["Location"]))


def test_the_follow_up_page_offers_a_copy_button_that_needs_javascript(client, db):
    submit(client)
    page = client.get(f"/demandes/suivi/{sent_token(db)}").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="feed-url"[^>]*readonly', page)
    assert re.search(r'<button[^>]*data-copy="feed-url"[^>]*hidden', page)  # shown by the script
    assert '<script src="/static/js/copy.js" defer></script>' in page


def test_the_form_keeps_its_tokens_between_tries(client, db):
    tokens = form_tokens(client)
    assert len(tokens["idempotency_key"]) >= 16


def test_picking_a_known_school_prefills_its_last_known_address(client, db, create_school, create_request):
    school = create_school(name="Collège Jean Moulin", commune="Paris", departement="75")
    create_request(school=school, address="12 rue Jean Moulin")
    create_request(school=school)  # a later one without an address does not hide it
    data = {**form_tokens(client), **valid_form(uai="", school_name="", commune=""), "pick_uai": school.uai}
    page = client.post("/demandes/nouvelle", data=data).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="address"[^>]*value="12 rue Jean Moulin"', page)
    found = client.get(f"/demandes/verification.json?uai={school.uai}").get_json()
    assert found["school"]["address"] == "12 rue Jean Moulin"

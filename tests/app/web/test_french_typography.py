"""French pages never let a colon (or ; ! ? ») wrap alone to the next line: the space before it
is non-breaking in translated strings, flashed messages and field errors, while what people
typed, the English pages and the emails keep their ordinary spaces."""

from __future__ import annotations

import html

import pytest
import time_machine
from sqlalchemy import select

from app.i18n import NBSP, NNBSP, french_spaces
from app.models import OutboxEmail, RequestStatus, VisitRequest
from tests.support.school_requests import PARIS_UAI, TODAY, followup_token_from, submit


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.mark.parametrize("before, after", [
    ("Raison : %(reason)s", f"Raison{NBSP}: %(reason)s"),
    ("Vous enseignez ?", f"Vous enseignez{NNBSP}?"),
    ("Merci ! Oui ; non", f"Merci{NNBSP}! Oui{NNBSP}; non"),
    ("« Autres agendas »", f"«{NBSP}Autres agendas{NBSP}»"),
    ("https://example.org/?a=1 http://x:80", "https://example.org/?a=1 http://x:80"),
    ("déjà\u00a0: ok", "déjà\u00a0: ok"),
])
def test_french_spaces(before, after):
    assert french_spaces(before) == after


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_translated_strings_of_french_pages_get_non_breaking_spaces(client, db):
    form = page(client.get("/demandes/nouvelle"))
    assert f"0691234S{NBSP}: il figure" in form
    assert " : dites-nous" not in form
    assert f"{NBSP}: dites-nous" in form


def test_field_errors_and_the_summary_too_but_not_what_was_typed(client, db):
    wrong = PARIS_UAI[:-1] + ("A" if PARIS_UAI[-1] != "A" else "B")
    response, _ = submit(client, uai=wrong, remarks="Salle : B12 ; merci !")
    text = page(response)
    assert f"ne correspond pas aux chiffres{NBSP}: vérifiez" in text
    assert "ne correspond pas aux chiffres :" not in text
    assert "\nSalle : B12 ; merci !</textarea>" in text


def test_flashed_messages_too(client, db):
    submit(client)
    token = followup_token_from(db.session.scalar(select(OutboxEmail)).body_text)
    request = db.session.scalar(select(VisitRequest))
    request.status = RequestStatus.SCHEDULED
    db.session.commit()
    followup = page(client.get(f"/demandes/suivi/{token}/correction", follow_redirects=True))
    assert f"(elle est programmée ou close){NBSP}: écrivez" in followup


def test_english_pages_and_emails_keep_ordinary_spaces(client, db):
    english = page(client.get("/demandes/nouvelle?lang=en"))
    assert NBSP + ":" not in english and NNBSP not in english
    client.get("/?lang=fr")
    submit(client)
    email = db.session.scalar(select(OutboxEmail))
    assert NBSP not in email.body_text and NNBSP not in email.body_text and NBSP not in email.subject

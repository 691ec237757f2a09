"""A teacher after sending: Back then "Envoyer" again finds the first request, she corrects it
from its follow-up page and copies its calendar address; and no page a school contact sees
scrolls sideways on a 390 px phone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxEmail, VisitRequest
from tests.e2e.conftest import PHONE
from tests.e2e.test_school_request import fill_request, school_week
from tests.support import factories
from tests.support.school_requests import PARIS_UAI

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


def counts(live_app) -> tuple[int, int]:
    with live_app.app_context():
        requests = db.session.scalar(select(func.count()).select_from(VisitRequest))
        emails = db.session.scalar(select(func.count()).select_from(OutboxEmail)
                                   .where(OutboxEmail.to_address == "sophie.martin@ac-paris.fr"))
        return requests, emails


def send(page) -> None:
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/demandes/merci")


def test_back_and_send_again_makes_one_request_and_says_so(live_app, live_server, page):
    start, end = school_week()
    page.goto(live_server.url + "/demandes/nouvelle")
    fill_request(page, uai=PARIS_UAI, start=start, end=end)
    # The end of the form by keyboard: the consent with Space, Tab past the notice's link to the
    # button, Enter.
    consent = page.get_by_label("J'ai lu la notice de confidentialité", exact=False)
    consent.uncheck()
    consent.focus()
    page.keyboard.press("Space")
    assert consent.is_checked()
    page.keyboard.press("Tab")
    assert "notice de confidentialité" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send-request"
    page.keyboard.press("Enter")
    page.wait_for_url("**/demandes/merci")
    page.get_by_role("heading", name="Merci, votre demande est envoyée").wait_for()

    # Back: whatever the browser restores, the UAI is there (or typed again) and she sends again.
    page.go_back()
    page.wait_for_url("**/demandes/nouvelle")
    if not page.get_by_label("Numéro UAI (ex-RNE)").input_value():
        fill_request(page, uai=PARIS_UAI, start=start, end=end)
    if not page.get_by_label("J'ai lu la notice de confidentialité", exact=False).is_checked():
        page.get_by_label("J'ai lu la notice de confidentialité", exact=False).check()
    send(page)
    page.get_by_role("heading", name="Cette demande était déjà envoyée").wait_for()

    # A fresh form (a new idempotency key) with the same request: the same answer.
    page.goto(live_server.url + "/demandes/nouvelle")
    fill_request(page, uai=PARIS_UAI, start=start, end=end)
    send(page)
    notice = page.locator("#already-sent").inner_text()
    assert "Vous avez déjà envoyé cette demande le" in notice and "Voici son suivi" in notice
    page.get_by_role("link", name="Suivre ma demande").click()
    page.get_by_role("heading", name="Suivi de votre demande").wait_for()
    assert counts(live_app) == (1, 1)


def test_a_school_corrects_its_request_and_copies_its_calendar_address(live_app, live_server, browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="fr-FR", timezone_id="Europe/Paris")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        with live_app.app_context():
            factories.create_user(email="ambassadrice@example.org", academies=["paris"])
            db.session.commit()
        start, end = school_week()
        page.goto(live_server.url + "/demandes/nouvelle")
        fill_request(page, uai=PARIS_UAI, start=start, end=end)
        send(page)
        page.get_by_role("link", name="Suivre ma demande").click()
        page.get_by_role("heading", name="Suivi de votre demande").wait_for()
        assert page.evaluate(NO_SIDEWAYS_SCROLL)

        page.get_by_role("button", name="Copier l'adresse").click()
        page.get_by_text("Adresse copiée").wait_for()
        assert "/feeds/schools/" in page.evaluate("navigator.clipboard.readText()")

        page.get_by_role("link", name="Corriger ma demande").click()
        page.get_by_role("heading", name="Corriger votre demande").wait_for()
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert page.get_by_label("Nombre d'élèves").input_value() == "28"
        page.get_by_label("Nombre d'élèves").fill("12")  # fewer pupils than the 13 girls: refused
        page.get_by_label("Adresse de l'établissement (facultatif)").fill("12 rue Jean Moulin")
        page.get_by_role("button", name="Enregistrer les corrections").click()
        page.locator("#error-summary").wait_for()
        page.wait_for_function("document.activeElement.id === 'error-summary'")
        assert "ne peut pas dépasser l'effectif" in page.locator("#girls_count-error").inner_text()
        assert page.get_by_label("Adresse de l'établissement (facultatif)").input_value() == "12 rue Jean Moulin"

        page.get_by_label("Nombre d'élèves").fill("26")
        page.get_by_role("button", name="Enregistrer les corrections").click()
        page.wait_for_url("**/demandes/suivi/*")
        page.get_by_text("Votre demande est corrigée").wait_for()
        assert "26 élèves dont 13 filles" in page.locator("main").inner_text()
        assert "12 rue Jean Moulin" in page.locator("main").inner_text()
        with live_app.app_context():
            request = db.session.scalar(select(VisitRequest))
            assert (request.headcount, request.address) == (26, "12 rue Jean Moulin")
            assert request.corrected_at is not None
    finally:
        context.close()


def test_no_school_page_scrolls_sideways_on_a_phone(live_app, live_server, phone_page):
    page = phone_page
    with live_app.app_context():
        factories.create_event(is_public=True, title="Conférence « L'industrie a besoin de vous » — Rennes")
        db.session.commit()
    for path in ("/", "/impact", "/demandes/nouvelle", "/confidentialite"):
        page.goto(live_server.url + path)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), path

    # The form: compact enough to fill on a phone, with a consent box easy to touch.
    page.goto(live_server.url + "/demandes/nouvelle")
    assert page.evaluate("document.scrollingElement.scrollHeight") < 4800
    box = page.get_by_label("J'ai lu la notice de confidentialité", exact=False).bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    # And with every error shown.
    page.get_by_role("button", name="Envoyer la demande").click()
    page.locator("#error-summary").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_the_home_page_invites_both_audiences(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Devenir marraine ou parrain").click()
    page.wait_for_url("**/devenir-marraine-parrain")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="notre impact").click()
    page.wait_for_url("**/impact")
    page.get_by_role("link", name="Devenez marraine ou parrain").click()
    page.wait_for_url("**/devenir-marraine-parrain")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Demander une intervention").click()
    page.wait_for_url("**/demandes/nouvelle")

"""The organizer's whole cycle in a real browser: a school's request becomes a confirmed event
with its role models, shows in the week view, is cancelled, and the school sees it."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxEmail, RoleModel
from tests.support import factories

pytestmark = pytest.mark.e2e


def _school_week(today: date) -> tuple[date, date]:
    """A week of classes in zone C after today (not the Christmas, winter or spring holidays)."""
    from calendars import french_holidays

    day = today + timedelta(days=14 - today.weekday())
    while not all(french_holidays.is_school_day("C", day + timedelta(days=i)) for i in (0, 1, 3, 4)):
        day += timedelta(days=7)
    return day, day + timedelta(days=4)


def _seed(live_app):
    with live_app.app_context():
        factories.create_user(email="claire@example.org", full_name="Claire Organisatrice", academies=["paris"])
        school = factories.create_school(name="Collège Sophie Germain", commune="Paris")
        request, token = factories.create_request(school=school, windows=[_school_week(date.today())])
        for first in ("Amina", "Chloé", "Inès"):
            factories.create_role_model(first_name=first, last_name="Industrie",
                                        windows=[(d, time(8), time(18)) for d in range(5)])
        db.session.commit()
        return request.id, token


def _invitation_link(live_app, first_name: str) -> str:
    with live_app.app_context():
        rm = db.session.scalar(select(RoleModel).where(RoleModel.first_name == first_name))
        mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == rm.user.email,
                                                           OutboxEmail.ics_method == "REQUEST"))
        return re.search(r"https?://\S+/accept\b", mail.body_text).group(0)


def test_request_to_confirmed_event_to_cancellation(live_app, live_server, browser, page):
    request_id, followup_token = _seed(live_app)
    url = live_server.url

    # Sign in and open the new request from the dashboard.
    page.goto(url + "/organisation/")
    page.get_by_label("Adresse e-mail").fill("claire@example.org")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Collège Sophie Germain").click()
    expect(page.get_by_role("heading", name="Collège Sophie Germain")).to_be_visible()

    # Confirm the first suggested slot, for two role models.
    page.locator("ul.slots a").first.click()
    page.get_by_label("Intervenant·es : maximum").fill("2")
    page.get_by_role("button", name="Confirmer ce créneau").click()
    expect(page.get_by_text("Créneau confirmé")).to_be_visible()
    event_url = page.url.split("#")[0]

    # Ask matching for proposals and invite both in one click.
    page.get_by_role("button", name="Proposer des intervenant·es").click()
    expect(page.get_by_text("2 propositions ajoutées.")).to_be_visible()
    boxes = page.locator("ul.proposals input[type=checkbox]")
    assert boxes.count() == 2
    invited = [page.locator(f"label[for={boxes.nth(i).get_attribute('id')}] strong").inner_text() for i in range(2)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Inviter les personnes cochées").click()
    expect(page.get_by_text("2 invitations envoyées.")).to_be_visible()

    # One of them accepts from the link in her email (her own browser, not signed in).
    first_name = invited[0].split()[0]
    role_model = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    role_model.goto(_invitation_link(live_app, first_name))
    role_model.get_by_role("button", name="Je confirme : j'accepte").click()
    assert role_model.get_by_role("heading").first.is_visible()
    role_model.context.close()

    # The organizer confirms her: the event is confirmed.
    page.goto(event_url)
    page.get_by_role("button", name=f"Confirmer {first_name}").click()
    expect(page.get_by_text("Participation confirmée.")).to_be_visible()
    assert page.locator(".event-head .status").inner_text() == "Confirmé"

    # It is in the week view.
    title = page.get_by_role("heading", level=1).inner_text()
    day = page.locator(".event-head time").get_attribute("datetime")[:10]
    page.goto(f"{url}/organisation/evenements/semaine?date={day}")
    chip = page.locator("a.chip", has_text=title)
    assert chip.is_visible()

    # Cancel it, with a reason.
    chip.click()
    page.get_by_label("Raison de l'annulation").fill("Grève des transports")
    page.get_by_role("button", name="Annuler l'événement").click()
    expect(page.get_by_text("Événement annulé").first).to_be_visible()

    # The school's follow-up page shows the cancellation.
    school = browser.new_context(locale="fr-FR").new_page()
    school.goto(f"{url}/demandes/suivi/{followup_token}")
    assert school.get_by_text("Grève des transports").first.is_visible()
    school.context.close()


def test_organizer_pages_fit_a_small_screen(live_app, live_server, phone_page):
    request_id, _ = _seed(live_app)
    page = phone_page
    page.goto(live_server.url + "/connexion")
    page.get_by_label("Adresse e-mail").fill("claire@example.org")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/organisation/")
    for path in ("/organisation/", f"/organisation/demandes/{request_id}", "/organisation/evenements/semaine",
                 "/organisation/intervenants"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"] + 1, (path, width)

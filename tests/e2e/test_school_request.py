"""A teacher asks for a visit on her phone: a field error, corrected, then the follow-up link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import calendars
from app.extensions import db
from app.models import OutboxEmail, VisitRequest
from tests.support import factories
from tests.support.school_requests import PARIS_UAI

pytestmark = pytest.mark.e2e


def school_week(zone: str = "C", *, after_days: int = 21) -> tuple[date, date]:
    """The first Monday–Friday after `after_days` with classes every day (real holiday data)."""
    day = date.today() + timedelta(days=after_days)
    day += timedelta(days=-day.weekday() % 7)
    for _ in range(60):
        try:
            if all(calendars.is_school_day(zone, day + timedelta(days=i)) for i in range(5)):
                return day, day + timedelta(days=4)
        except calendars.HolidayDataUnavailable:
            return day, day + timedelta(days=4)  # beyond the data: any week is accepted
        day += timedelta(days=7)
    raise AssertionError("no school week found")


def fill_request(page, *, uai: str, start: date, end: date) -> None:
    page.get_by_label("Numéro UAI (ex-RNE)").fill(uai)
    page.get_by_label("Nom de l'établissement").fill("Collège Marie Curie")
    page.get_by_label("Commune").fill("Paris")
    page.get_by_label("Vos prénom et nom").fill("Sophie Martin")
    page.get_by_label("Adresse e-mail professionnelle").fill("sophie.martin@ac-paris.fr")
    page.get_by_label("4e", exact=True).check()
    page.get_by_label("Nombre d'élèves").fill("28")
    page.get_by_label("Dont filles").fill("13")
    topics = page.locator("details.topics")
    if topics.get_attribute("open") is None:
        topics.locator("summary").click()  # the optional topics are folded away
    page.get_by_label("aéronautique").check()
    page.locator("#windows-0-start_date").fill(start.isoformat())
    page.locator("#windows-0-end_date").fill(end.isoformat())
    page.get_by_label("Remarques (facultatif)").fill("Salle équipée d'un vidéoprojecteur.")
    page.get_by_label("J'ai lu la notice de confidentialité", exact=False).check()


def test_a_teacher_asks_for_a_visit_on_her_phone(live_app, live_server, phone_page):
    page = phone_page
    with live_app.app_context():
        factories.create_user(email="ambassadrice@example.org", academies=["paris"])
        db.session.commit()
    start, end = school_week()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Demander une rencontre").first.click()
    page.wait_for_url("**/demandes/nouvelle")
    wrong = PARIS_UAI[:-1] + ("A" if PARIS_UAI[-1] != "A" else "B")
    fill_request(page, uai=wrong, start=start, end=end)
    page.get_by_role("button", name="Envoyer la demande").click()

    # The error: in the summary (focused) and next to the field, with everything typed kept.
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "lettre de contrôle" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    uai = page.get_by_label("Numéro UAI (ex-RNE)")
    assert uai.get_attribute("aria-invalid") == "true"
    assert "uai-error" in uai.get_attribute("aria-describedby")
    assert "lettre de contrôle" in page.locator("#uai-error").inner_text()
    assert page.get_by_label("Vos prénom et nom").input_value() == "Sophie Martin"
    assert page.get_by_label("4e", exact=True).is_checked()
    assert page.locator("#windows-0-start_date").input_value() == start.isoformat()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "uai"
    uai.fill(PARIS_UAI)
    page.locator("#placement").get_by_text("académie de Paris").wait_for()
    page.get_by_role("button", name="Envoyer la demande").click()

    page.wait_for_url("**/demandes/merci")
    expect(page.get_by_role("heading", name="Merci, votre demande est envoyée")).to_be_visible()
    page.get_by_role("link", name="Suivre ma demande").click()
    page.wait_for_url("**/demandes/suivi/**")
    expect(page.get_by_role("heading", name="Suivi de votre demande")).to_be_visible()
    assert page.locator("#request-status").inner_text() == "Reçue"
    assert "/feeds/schools/" in page.locator("#feed-url").input_value()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    with live_app.app_context():
        assert len(db.session.scalars(select(VisitRequest)).all()) == 1
        confirmation = db.session.scalar(
            select(OutboxEmail).where(OutboxEmail.to_address == "sophie.martin@ac-paris.fr")
        )
        assert page.url.split("/demandes/suivi/")[1] in confirmation.body_text


def test_live_warnings_and_school_search_with_javascript(live_app, live_server, page):
    with live_app.app_context():
        factories.create_school(name="Lycée Gustave Eiffel", commune="Bordeaux", departement="33")
        db.session.commit()
    page.goto(live_server.url + "/demandes/nouvelle")
    assert page.locator("#check-dates").is_hidden()  # the no-JS button gives way to live checks
    page.get_by_label("Rechercher votre établissement").fill("eiffel")
    page.get_by_role("button", name="Lycée Gustave Eiffel — Bordeaux").click()
    assert page.get_by_label("Commune").input_value() == "Bordeaux"
    page.locator("#placement").get_by_text("zone A").wait_for()
    assert page.locator("#new-school").is_hidden()
    # A window over the Christmas holidays of zone A (real dates from the data package).
    christmas = next(h for h in calendars.school_holidays("A", date.today(), date.today() + timedelta(days=400))
                     if h.name == "Vacances de Noël")
    page.locator("#windows-0-start_date").fill((christmas.start - timedelta(days=5)).isoformat())
    page.locator("#windows-0-end_date").fill((christmas.start + timedelta(days=3)).isoformat())
    page.locator("#windows-0-end_date").dispatch_event("change")
    warning = page.locator("#windows-0-feedback .warning").first
    warning.wait_for()
    assert "Vacances de Noël de la zone A" in warning.inner_text()

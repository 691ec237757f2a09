"""The impact page in a real browser: charts drawn with data, the empty state for a quiet
period, and the printable report on one A4 page. Screenshots land in pytest's tmp_path."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import UserRole
from tests.support import factories
from tests.support.impact import World

pytestmark = pytest.mark.e2e


@pytest.fixture
def signed_in(live_app, live_server, page):
    with live_app.app_context():
        World(factories)
        factories.create_user(email="admin@example.org", full_name="Nadia", role=UserRole.ADMIN)
        db.session.commit()
    page.goto(live_server.url + "/connexion")
    page.get_by_label("Adresse e-mail").fill("admin@example.org")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r".*/organisation/$"))
    return page


def test_charts_render_with_data_then_an_empty_period(signed_in, live_server, tmp_path):
    page = signed_in
    page.get_by_role("link", name="Impact").click()
    page.get_by_label("Du", exact=True).fill("2026-09-01")
    page.get_by_label("Au (inclus)").fill("2027-08-31")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r".*start=2026-09-01.*"))

    months = page.locator("#chart-months svg")
    assert months.is_visible()
    assert page.locator("#chart-months rect.part").count() == 12
    tallest = max(page.locator("#chart-months rect.whole").evaluate_all("rs => rs.map(r => r.getBBox().height)"))
    assert tallest > 100  # November, the busiest month, is drawn at full height
    assert page.locator("#chart-academies rect").count() == 2
    assert page.locator("#chart-funnel rect").count() == 4
    assert page.locator("#chart-families svg").get_attribute("role") == "img"
    assert page.locator("#chart-months title").first.text_content() == "Élèves rencontrés par mois"
    assert page.locator(".chart-empty").count() == 0
    page.screenshot(path=tmp_path / "statistiques-avec-donnees.png", full_page=True)

    page.locator("#chart-academies summary").click()
    expect(page.locator("#chart-academies table").get_by_text("Paris")).to_be_visible()

    page.get_by_label("Du", exact=True).fill("2030-01-01")
    page.get_by_label("Au (inclus)").fill("2030-01-31")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r".*start=2030-01-01.*"))
    expect(page.get_by_text("Aucune activité enregistrée sur cette période")).to_be_visible()
    assert page.locator(".chart-empty").count() == 4
    assert page.locator("figure.chart svg").count() == 0
    page.screenshot(path=tmp_path / "statistiques-periode-vide.png", full_page=True)
    assert (tmp_path / "statistiques-avec-donnees.png").stat().st_size > 10_000


def test_a_wrong_period_is_explained_in_the_browser(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/organisation/statistiques?start=2027-03-02&end=2027-03-01")
    end = page.get_by_label("Au (inclus)")
    assert end.get_attribute("aria-invalid") == "true"
    assert "après son début" in page.locator("#end-error").inner_text()


def test_the_report_prints_on_one_a4_page(signed_in, live_server, tmp_path):
    page = signed_in
    page.goto(live_server.url + "/organisation/statistiques/rapport?start=2026-09-01&end=2027-08-31")
    page.emulate_media(media="print")
    assert not page.locator(".site-header nav").is_visible()
    expect(page.locator("#chart-months svg")).to_be_visible()
    page.screenshot(path=tmp_path / "rapport-impression.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1

"""An organizer signs in through a real browser and reaches the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.support import factories

pytestmark = pytest.mark.e2e


def test_organizer_signs_in_and_sees_the_dashboard(live_app, live_server, page):
    with live_app.app_context():
        factories.create_user(email="claire@example.org", full_name="Claire", academies=["paris"])
        db.session.commit()
    page.goto(live_server.url + "/organisation/")
    assert "/connexion" in page.url
    page.get_by_label("Adresse e-mail").fill("claire@example.org")
    page.get_by_label("Mot de passe").fill("wrong")
    page.get_by_role("button", name="Se connecter").click()
    error = page.locator("#password-error")
    assert "incorrect" in error.inner_text()
    assert page.get_by_label("Mot de passe").get_attribute("aria-describedby") == "password-error"
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/organisation/")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()

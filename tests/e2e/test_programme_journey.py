"""An organizer builds a half-day programme in a real browser, plans it, moves a group by hand,
prints the group pages; the role model's feed then shows her table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.feeds import tokens
from app.models import FeedKind
from tests.e2e import axe
from tests.support import factories, programmes

pytestmark = pytest.mark.e2e


def _seed(live_app):
    with live_app.app_context():
        organizer = factories.create_user(email="claire@example.org", full_name="Claire Organisatrice",
                                          academies=["paris"])
        event, assignments, _schools = programmes.half_day(organizer)
        feed = tokens.issue(FeedKind.ROLE_MODEL, user=assignments[0].role_model.user)
        db.session.commit()
        return event.id, f"/feeds/role-models/{feed}.ics"


def _add_part(page, kind: str, title: str, start: str, end: str, rounds: tuple = ()):
    page.get_by_text("Ajouter une partie").click()
    page.get_by_label("Type", exact=True).select_option(kind)
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Début").fill(start)
    page.get_by_label("Fin", exact=True).fill(end)
    if rounds:
        page.get_by_label("Nombre de tours").fill(str(rounds[0]))
        page.get_by_label("Durée d'un tour (minutes)").fill(str(rounds[1]))
        page.get_by_label("Changement de table (minutes)").fill(str(rounds[2]))
    page.get_by_role("button", name="Ajouter la partie").click()
    expect(page.get_by_text("Partie ajoutée.")).to_be_visible()


def test_an_organizer_plans_a_half_day_and_the_role_model_sees_her_table(live_app, live_server, page):
    event_id, feed_path = _seed(live_app)
    url = live_server.url
    page.goto(url + "/organisation/")
    page.get_by_label("Adresse e-mail").fill("claire@example.org")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{url}/organisation/evenements/{event_id}")
    page.get_by_role("link", name="Programme").click()
    expect(page.get_by_role("heading", name="Programme", exact=True)).to_be_visible()

    _add_part(page, "plenary", "Ouverture", "09:00", "09:30")
    _add_part(page, "rotation", "Tables métiers", "09:30", "11:30", rounds=(4, 25, 5))
    for n, job in enumerate(("Soudure", "Maintenance", "Qualité", "Logistique")):
        page.get_by_text("Ajouter une table").click()
        page.get_by_label("Nom de la table").fill(f"Table {n + 1}")
        page.get_by_label("Tenue par").select_option(label=f"Marraine{n} Test — Technicienne {job}")
        page.get_by_role("button", name="Ajouter la table").click()
        expect(page.get_by_text("Table ajoutée.")).to_be_visible()
    page.get_by_label("Élèves par groupe").fill("14")
    page.get_by_role("button", name="Faire les groupes depuis les classes").click()
    expect(page.get_by_text("Collège Curie 3e – B").first).to_be_visible()

    page.get_by_role("button", name="Planifier").click()
    expect(page.get_by_text("Grille planifiée.")).to_be_visible()
    grid = page.locator("table.programme-grid")
    expect(grid.locator(".grid-group")).to_have_count(16)

    # Move the first group of round 1 to the table it already visits in round 2: conflicts show.
    first = grid.locator("tbody tr").nth(0).locator(".grid-group").first
    label = first.locator("span").inner_text()
    cell_round_2 = grid.locator("tbody tr").nth(1).locator(".grid-group", has_text=label)
    current = cell_round_2.locator("select option[selected]").inner_text()
    first_select = first.locator("select")
    first_select.select_option(label=current)
    first.get_by_role("button", name="Déplacer").click()
    expect(page.get_by_text("Groupe déplacé.")).to_be_visible()
    expect(page.get_by_role("heading", name="Conflits")).to_be_visible()
    expect(page.get_by_text(f"Le groupe {label} passe deux fois à la table {current}.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ce qui a bougé")).to_be_visible()

    found = axe.violations(page)
    assert not found, axe.describe(found)

    page.get_by_role("link", name="Imprimer les parcours des groupes").click()
    expect(page.locator("section.sheet")).to_have_count(4)
    expect(page.get_by_role("heading", name=label)).to_be_visible()
    found = axe.violations(page)
    assert not found, axe.describe(found)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    feed = page.request.get(url + feed_path)
    assert feed.ok
    body = feed.text().replace("\r\n ", "")
    assert "Votre table : Table 1" in body

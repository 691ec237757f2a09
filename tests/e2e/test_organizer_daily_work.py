"""An organizer's morning in a real browser, from what the screen shows: the dashboard says who
accepted and waits for confirmation, an application is declined with a reason that reaches the
person, and the outbox page shows the emails without any secret link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import AssignmentStatus, OutboxEmail, RoleModelStatus
from app.services.pairing import answer_links
from app.services.pairing import board as pairing
from app.services.requests import emails as request_emails
from tests.support import factories

pytestmark = pytest.mark.e2e

FEED_TOKEN = "feed-secret-0123456789abcdefghij"


def _seed(live_app) -> dict:
    with live_app.app_context():
        claire = factories.create_user(email="claire@example.org", full_name="Claire Organisatrice",
                                       academies=["paris"])
        event = factories.create_event(title="Découverte des métiers de l'énergie", organizer=claire,
                                       start_at=datetime.now(UTC) + timedelta(days=10))
        amina = factories.create_role_model(first_name="Amina", last_name="Industrie")
        factories.create_assignment(event=event, role_model=amina, status=AssignmentStatus.ACCEPTED,
                                    invited_at=datetime.now(UTC) - timedelta(days=2),
                                    responded_at=datetime.now(UTC) - timedelta(days=1))
        invited = factories.create_assignment(event=event)
        pairing.invite_many(claire, [invited.id], event=event)
        answer_token = answer_links.answer_token(invited)
        request, followup = factories.create_request()
        request_emails.request_received(request, followup_token=followup, feed_token=FEED_TOKEN)
        applicant = factories.create_role_model(first_name="Zoé", last_name="Candidate",
                                                status=RoleModelStatus.PENDING)
        db.session.commit()
        return {"answer": answer_token, "followup": followup, "applicant": applicant.user.email}


def _sign_in(page, url: str) -> None:
    page.goto(url + "/organisation/")
    page.get_by_label("Adresse e-mail").fill("claire@example.org")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_dashboard_applications_and_outbox(live_app, live_server, browser, page):
    secrets = _seed(live_app)
    url = live_server.url
    _sign_in(page, url)

    # The dashboard says who accepted; confirming from there stays on the dashboard.
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    expect(page.get_by_text("Amina Industrie a accepté — à confirmer")).to_be_visible()
    page.get_by_role("button", name="Confirmer Amina Industrie").click()
    expect(page.get_by_text("Participation confirmée.")).to_be_visible()
    expect(page.get_by_text("Aucune participation acceptée en attente de votre confirmation.")).to_be_visible()
    # The message sits below the section menu, next to the page it is about.
    order = page.evaluate("""() => {
        const nav = document.querySelector('nav.subnav'), flash = document.querySelector('.flash-success');
        return nav.compareDocumentPosition(flash) & Node.DOCUMENT_POSITION_FOLLOWING;
    }""")
    assert order

    # The pending application, from the dashboard to its decline with a reason.
    page.get_by_role("link", name="1 candidature à examiner").click()
    expect(page.get_by_role("heading", name="Candidatures de marraines et parrains")).to_be_visible()
    expect(page.get_by_role("navigation", name="Espace organisateurs")).to_be_visible()
    expect(page.get_by_role("link", name="Zoé Candidate", exact=True)).to_be_visible()
    page.get_by_role("link", name="Refuser… Zoé Candidate").click()
    page.get_by_role("button", name="Refuser et envoyer la raison").click()
    expect(page.get_by_text("Indiquez la raison : elle est envoyée à la personne.").first).to_be_visible()
    page.get_by_label("Raison du refus, envoyée à la personne").fill("Nous cherchons des métiers de l'industrie.")
    page.get_by_role("button", name="Refuser et envoyer la raison").click()
    expect(page.get_by_text("Candidature de Zoé Candidate refusée")).to_be_visible()
    expect(page.get_by_text("Aucune candidature en attente dans votre périmètre.")).to_be_visible()
    with live_app.app_context():
        [email] = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == secrets["applicant"]))
        assert "Nous cherchons des métiers de l'industrie." in email.body_text

    # The outbox: every email of the scope in plain words, and no secret link anywhere.
    page.get_by_role("navigation", name="Espace organisateurs").get_by_role("link", name="Courriels").click()
    expect(page.get_by_role("heading", name="Courriels", exact=True)).to_be_visible()
    expect(page.get_by_text("Accusé de réception de demande")).to_be_visible()
    expect(page.get_by_text("Invitation d'agenda").first).to_be_visible()
    expect(page.get_by_text("Candidature refusée").first).to_be_visible()
    assert "REQUEST" not in page.inner_text("main")
    links = [a.get_attribute("href") for a in page.locator("table a").all()]
    assert len(links) >= 4
    for href in links:
        page.goto(url + href)
        content = page.content()
        for secret in (secrets["answer"], secrets["followup"], FEED_TOKEN):
            assert secret not in content, href

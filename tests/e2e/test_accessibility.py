"""Every page a school contact or an organizer reaches, on demo data, checked by axe-core for
WCAG 2.1 A/AA violations and its best practices (headings, landmarks), and at 390 px for
sideways scrolling: wide tables may scroll inside their own labelled region, the page itself
must not. The role model's pages are checked in test_role_model_pages.py; the school pages
already walked on a phone in test_school_followups.py are not walked again here."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.demo import data as demo_data
from app.demo import seed as demo_seed
from app.extensions import db
from app.models import (
    AssignmentStatus,
    EventSchool,
    FeedbackRespondent,
    OutboxEmail,
    RequestStatus,
    RoleModelStatus,
    User,
)
from app.services.events import feedback
from app.services.requests import emails as request_emails
from tests.e2e import axe
from tests.e2e.test_school_request import fill_request, school_week
from tests.support import factories
from tests.support.school_requests import PARIS_UAI

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"
BEST_PRACTICE = [*axe.WCAG_21_AA, "best-practice"]
SOON = (datetime.now(UTC) + timedelta(days=20)).replace(hour=8, minute=0, second=0, microsecond=0)
PAST = (datetime.now(UTC) - timedelta(days=5)).replace(hour=8, minute=0, second=0, microsecond=0)


def _world(live_app) -> dict:
    """The demo data, plus what the demo does not give: known follow-up and feedback links, a
    pending application, an email in the outbox."""
    with live_app.app_context():
        demo_seed.seed()
        organizer = db.session.scalar(select(User).where(User.email == demo_data.DEMO_ORGANIZER[0]))
        school = factories.create_school(name="Collège Jean Moulin", commune="Paris")
        contact = factories.create_contact(school=school, full_name="Sophie Martin")
        window = [(date.today() + timedelta(days=30), date.today() + timedelta(days=40))]
        open_request, open_token = factories.create_request(school=school, contact=contact, windows=window)
        request_emails.request_received(open_request, followup_token=open_token, feed_token="feed-0123456789abcdef")
        scheduled, scheduled_token = factories.create_request(school=school, contact=contact, windows=window,
                                                              status=RequestStatus.SCHEDULED)
        event = factories.create_event(title="Les métiers de la maintenance", organizer=organizer, start_at=SOON,
                                       visit_request_id=scheduled.id, venue="Collège Jean Moulin", commune="Paris")
        event.schools.append(EventSchool(school=school, class_level="4e", headcount=26))
        factories.create_assignment(event=event, status=AssignmentStatus.CONFIRMED, invited_at=PAST)
        factories.create_assignment(event=event, status=AssignmentStatus.ACCEPTED, invited_at=PAST)
        past = factories.create_event(title="Visite d'usine", organizer=organizer, start_at=PAST, commune="Paris")
        past.schools.append(EventSchool(school=school, class_level="3e", headcount=24))
        applicant = factories.create_role_model(first_name="Zoé", last_name="Candidate", status=RoleModelStatus.PENDING)
        db.session.flush()
        email = db.session.scalar(select(OutboxEmail).order_by(OutboxEmail.id.desc()))
        db.session.commit()
        return {
            "open": open_token, "scheduled": scheduled_token, "request": open_request.id, "event": event.id,
            "role_model": event.assignments[0].role_model_id, "applicant": applicant.id, "email": email.id,
            "feedback": feedback.sign(past.id, FeedbackRespondent.CONTACT, contact.id),
            "organizer": organizer.email,
        }


def _sign_in(page, url: str) -> None:
    page.goto(url + "/connexion")
    page.get_by_label("Adresse e-mail").fill(demo_data.DEMO_ORGANIZER[0])
    page.get_by_label("Mot de passe").fill(demo_data.DEMO_ORGANIZER[2])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r".*/organisation/$"))


def _organizer_pages(world) -> list[str]:
    return [
        "/organisation/", "/organisation/demandes", f"/organisation/demandes/{world['request']}",
        "/organisation/planification", "/organisation/evenements", "/organisation/evenements/semaine",
        "/organisation/evenements/mois", f"/organisation/evenements/{world['event']}",
        f"/organisation/evenements/{world['event']}/modifier", "/organisation/evenements/nouveau",
        "/organisation/intervenants", f"/organisation/intervenants/{world['role_model']}",
        "/organisation/intervenants/candidatures", f"/organisation/intervenants/{world['applicant']}",
        f"/organisation/intervenants/{world['applicant']}/refuser", "/organisation/courriels",
        f"/organisation/courriels/{world['email']}", "/organisation/courriels/reponses-agenda",
        f"/organisation/evenements/{world['event']}/programme", "/organisation/statistiques",
        "/organisation/statistiques/rapport",
        "/organisation/exports",
        "/organisation/api", "/organisation/agenda",
    ]


def _violations(page) -> list[dict]:
    """WCAG 2.1 A/AA, and axe's best practices too: heading order, one main landmark, all content
    in landmarks, unique landmarks — what a screen reader user navigates by."""
    return axe.violations(page, tags=BEST_PRACTICE)


def _report(found: dict[str, list[dict]]) -> str:
    return "\n".join(f"{where}:\n{axe.describe(v)}" for where, v in found.items() if v)


def test_axe_finds_no_wcag_violation_on_the_pages_an_organizer_reaches(live_app, live_server, page):
    world = _world(live_app)
    found = {}
    page.goto(live_server.url + "/connexion")
    found["sign-in"] = _violations(page)
    page.get_by_label("Adresse e-mail").fill(demo_data.DEMO_ORGANIZER[0])
    page.get_by_label("Mot de passe").fill("not the password")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    found["sign-in refused"] = _violations(page)
    _sign_in(page, live_server.url)
    for path in _organizer_pages(world):
        response = page.goto(live_server.url + path)
        assert response.ok, path
        found[path] = _violations(page)
    # Scheduling a slot: the slot chosen, then the form sent without a title; declining without a reason.
    page.goto(live_server.url + f"/organisation/demandes/{world['request']}")
    if page.locator("a.slot").count():
        page.locator("a.slot").first.click()
        page.wait_for_load_state()
        found["slot chosen"] = _violations(page)
    page.get_by_label("Titre").fill("")
    page.get_by_role("button", name="Confirmer ce créneau").click()
    page.wait_for_load_state()
    found["schedule with errors"] = _violations(page)
    page.get_by_role("button", name="Décliner").click()
    page.wait_for_load_state()
    found["request decline with errors"] = _violations(page)
    # The forms with their errors shown.
    page.goto(live_server.url + "/organisation/evenements/nouveau")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    found["new event with errors"] = _violations(page)
    page.goto(live_server.url + f"/organisation/intervenants/{world['applicant']}/refuser")
    page.get_by_role("button", name="Refuser et envoyer la raison").click()
    page.wait_for_load_state()
    found["decline with errors"] = _violations(page)
    assert not any(found.values()), _report(found)


def test_no_organizer_page_scrolls_sideways_on_a_phone(live_app, live_server, phone_page):
    """Nor does axe find a violation at that width, where a table scrolling in its own region
    must be reachable by keyboard and named (scrollable-region-focusable)."""
    world = _world(live_app)
    _sign_in(phone_page, live_server.url)
    wide, found = [], {}
    for path in _organizer_pages(world):
        phone_page.goto(live_server.url + path)
        if not phone_page.evaluate(NO_SIDEWAYS_SCROLL):
            wide.append((path, phone_page.evaluate("document.scrollingElement.scrollWidth")))
        found[path] = _violations(phone_page)
    phone_page.goto(live_server.url + "/organisation/evenements/nouveau")
    phone_page.locator("main form button[type=submit]").last.click()
    phone_page.wait_for_load_state()
    if not phone_page.evaluate(NO_SIDEWAYS_SCROLL):
        wide.append(("new event with errors", phone_page.evaluate("document.scrollingElement.scrollWidth")))
    assert wide == []
    assert not any(found.values()), _report(found)
    phone_page.goto(live_server.url + "/organisation/demandes")
    region = phone_page.get_by_role("region", name="Demandes", exact=True)
    assert region.get_attribute("tabindex") == "0"
    assert phone_page.evaluate("(el) => el.scrollWidth > el.clientWidth", region.element_handle())


def test_axe_finds_no_wcag_violation_on_the_pages_a_school_contact_reaches(live_app, live_server, page):
    world = _world(live_app)
    url = live_server.url
    found = {}
    for path in ("/", "/impact", "/confidentialite", "/demandes/nouvelle"):
        page.goto(url + path)
        found[path] = _violations(page)
    page.get_by_role("button", name="Envoyer la demande").click()
    page.locator("#error-summary").wait_for()
    found["request form with errors"] = _violations(page)
    start, end = school_week()
    for sent in ("request sent", "request already sent"):
        page.goto(url + "/demandes/nouvelle")
        fill_request(page, uai=PARIS_UAI, start=start, end=end)
        page.get_by_role("button", name="Envoyer la demande").click()
        page.wait_for_url("**/demandes/merci")
        found[sent] = _violations(page)
    assert page.locator("#already-sent").is_visible()

    for name in ("open", "scheduled"):
        page.goto(f"{url}/demandes/suivi/{world[name]}")
        found[f"follow-up ({name})"] = _violations(page)
    page.get_by_role("button", name=re.compile("Annuler la rencontre")).click()
    page.wait_for_load_state()
    found["cancel with errors"] = _violations(page)
    page.goto(f"{url}/demandes/suivi/{world['open']}/correction")
    found["correction"] = _violations(page)
    page.get_by_label("Nombre d'élèves").fill("1")
    page.get_by_role("button", name="Enregistrer les corrections").click()
    page.locator("#error-summary").wait_for()
    found["correction with errors"] = _violations(page)
    page.goto(f"{url}/demandes/suivi/{world['open']}")
    page.get_by_role("button", name=re.compile("Retirer ma demande")).click()
    page.get_by_text("Votre demande est retirée").wait_for()
    found["withdrawn"] = _violations(page)

    page.goto(f"{url}/avis/{world['feedback']}")
    found["feedback form"] = _violations(page)
    page.get_by_label("Nombre d'élèves présents").fill("-3")
    page.get_by_role("button").last.click()
    page.wait_for_load_state()
    found["feedback with errors"] = _violations(page)
    page.get_by_label("Nombre d'élèves présents").fill("20")
    page.get_by_role("button").last.click()
    page.wait_for_load_state()
    found["feedback thanks"] = _violations(page)
    assert not any(found.values()), _report(found)


def test_school_pages_not_walked_elsewhere_do_not_scroll_sideways_on_a_phone(live_app, live_server, phone_page):
    world = _world(live_app)
    page, url = phone_page, live_server.url
    found = {}
    for path in (f"/demandes/suivi/{world['scheduled']}", f"/avis/{world['feedback']}"):
        page.goto(url + path)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), path
        found[path] = _violations(page)
    page.get_by_label("Nombre d'élèves présents").fill("-3")
    page.get_by_role("button").last.click()
    page.wait_for_load_state()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "feedback with errors"
    found["feedback with errors"] = _violations(page)
    start, end = school_week()
    page.goto(url + "/demandes/nouvelle")
    fill_request(page, uai=PARIS_UAI, start=start, end=end)
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/demandes/merci")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "request sent"
    found["request sent"] = _violations(page)
    assert not any(found.values()), _report(found)

"""A role model's pages in a real browser, at laptop and phone (390 px) widths, read from what
the screen shows: her home asks for her availability, she opens a meeting, answers an invitation
from its email and goes on to her space without another email; the application form shows what
to correct and a reload after sending sends nothing again; no page scrolls sideways on a phone,
and axe-core finds no WCAG 2.1 A/AA violation on any of them (nor on the impact statistics)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import AssignmentStatus, EventSchool, OutboxEmail, RoleModel, User, UserRole
from app.services.accounts import magic_links
from app.services.pairing import assignments
from tests.e2e import axe
from tests.support import factories

pytestmark = pytest.mark.e2e

# Well ahead, so that the meeting is still to come whenever the suite runs.
START = (datetime.now(UTC) + timedelta(days=60)).replace(hour=8, minute=0, second=0, microsecond=0)


def _world(live_app) -> dict:
    """Inès, invited to one meeting and confirmed on another; Karim confirmed beside her."""
    with live_app.app_context():
        organizer = factories.create_user(email="claire@example.org", full_name="Claire Organisatrice",
                                          academies=["paris"])
        user = factories.create_user(role=UserRole.ROLE_MODEL, email="ines@example.org", full_name="Inès Diallo",
                                     password=None)
        ines = factories.create_role_model(user=user, first_name="Inès", last_name="Diallo", windows=[])
        karim = factories.create_role_model(first_name="Karim", last_name="Haddad", job_title="Ingénieur procédés")
        school = factories.create_school(name="Collège Jean Moulin", commune="Paris")
        confirmed = factories.create_event(
            title="Les métiers de la maintenance", organizer=organizer, start_at=START,
            end_at=START + timedelta(hours=2), venue="Collège Jean Moulin", address="12 rue des Écoles",
            commune="Paris", role_models_max=3,
            description="Présentation du métier, puis questions des élèves.")
        confirmed.schools.append(EventSchool(school=school, class_level="4e", headcount=26))
        mine = factories.create_assignment(event=confirmed, role_model=ines, status=AssignmentStatus.CONFIRMED,
                                           invited_at=START - timedelta(days=30))
        factories.create_assignment(event=confirmed, role_model=karim, status=AssignmentStatus.CONFIRMED,
                                    invited_at=START - timedelta(days=30))
        later = factories.create_event(title="Table ronde « Les filles et l'industrie »", organizer=organizer,
                                       start_at=START + timedelta(days=7), commune="Paris", venue="Lycée Colbert")
        invitation = factories.create_assignment(event=later, role_model=ines)
        assignments.invite(organizer, invitation)
        db.session.commit()
        return {"user_id": user.id, "meeting": mine.id, "invitation": invitation.id}


def _sign_in(live_app, live_server, page, user_id: int, check=None) -> None:
    """As from the sign-in email: open the link, (`check` the page,) press the button."""
    with live_app.app_context():
        token = magic_links.make_token(db.session.get(User, user_id))
    page.goto(f"{live_server.url}/espace/connexion/{token}")
    if check is not None:
        check()
    page.get_by_role("button", name="Me connecter").click()
    page.get_by_role("heading", name="Bonjour Inès").wait_for()


def _no_sideways_scroll(page) -> None:
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url} scrolls sideways: {width} px for {inner} px"


def _emails_to(live_app, address: str) -> int:
    with live_app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.to_address == address))


@pytest.mark.parametrize("width", ["laptop", "phone"])
def test_she_is_asked_for_her_availability_then_opens_her_meeting(live_app, live_server, page, phone_page, width):
    page = phone_page if width == "phone" else page
    world = _world(live_app)
    _sign_in(live_app, live_server, page, world["user_id"])

    # Without weekly availability she is never proposed: her home says so first.
    call = page.get_by_role("heading", name=re.compile("Indiquez vos disponibilités"))
    assert call.is_visible()
    expect(page.get_by_text("Profil actif — vous pouvez être proposé·e")).to_be_visible()
    page.get_by_role("link", name="Indiquer mes disponibilités").click()
    day = page.get_by_label("Jour (créneau 1)")
    assert day.input_value() == "" and day.locator("option:checked").inner_text() == "Choisir un jour"
    day.select_option(label="Mercredi")
    box = day.bounding_box()
    assert box["width"] >= 120  # "Mercredi" is read whole, not "Me"
    page.get_by_label("De (créneau 1)").fill("13:30")
    page.get_by_label("À (créneau 1)").fill("17:00")
    page.get_by_label("De (créneau 2)").fill("09:00")  # a time without a day: said, not saved
    page.get_by_label("À (créneau 2)").fill("12:00")
    page.get_by_role("button", name="Enregistrer mes créneaux").click()
    assert page.locator("#windows-1-weekday-error").inner_text() == "Choisissez le jour de ce créneau."
    page.get_by_label("Jour (créneau 2)").select_option(label="Vendredi")
    page.get_by_role("button", name="Enregistrer mes créneaux").click()
    page.get_by_text("Vos créneaux sont enregistrés.").wait_for()
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Accueil").click()
    assert page.get_by_role("heading", name=re.compile("Indiquez vos disponibilités")).count() == 0
    _no_sideways_scroll(page)
    card = page.locator(".engagement").filter(has_text="Les métiers de la maintenance")
    assert card.get_by_text("Confirmé·e").is_visible()  # the status is on screen, even at 390 px

    card.get_by_role("link", name="Les métiers de la maintenance").click()
    page.get_by_role("heading", name="Les métiers de la maintenance", level=1).wait_for()
    _no_sideways_scroll(page)
    expect(page.get_by_text("Collège Jean Moulin, 12 rue des Écoles, Paris")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("OpenStreetMap"))).to_be_visible()
    expect(page.get_by_text("Présentation du métier, puis questions des élèves.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"4e — 26 élèves"))).to_be_visible()
    expect(page.get_by_role("link", name="claire@example.org")).to_be_visible()
    expect(page.get_by_text("Karim — Ingénieur procédés")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    assert "BEGIN:VCALENDAR" in open(download.value.path(), encoding="utf-8").read()

    # She can no longer come: she says so, the page says it is done.
    page.get_by_label("Pourquoi vous retirez-vous ? (facultatif)").fill("Un déplacement imprévu")
    page.get_by_role("button", name="Me retirer de cette rencontre").click()
    page.get_by_text("vous vous êtes retiré·e").wait_for()
    expect(page.get_by_text("S'est retiré·e")).to_be_visible()


def test_answering_from_the_email_then_going_to_her_space_needs_no_other_email(live_app, live_server, page):
    _world(live_app)
    with live_app.app_context():
        email = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "ines@example.org")).one()
        accept = re.search(r"(http://127\.0\.0\.1:\d+/espace/reponse/\S+/accept)", email.body_text).group(1)
    before = _emails_to(live_app, "ines@example.org")

    page.goto(accept)
    page.get_by_role("button", name="Je confirme : j'accepte").click()
    page.get_by_role("heading", name="Réponse enregistrée").wait_for()
    page.get_by_role("button", name="Aller à mon espace").click()
    page.get_by_role("heading", name="Bonjour Inès").wait_for()
    expect(page.locator(".engagement").filter(has_text="Table ronde").get_by_text("A accepté")).to_be_visible()
    assert _emails_to(live_app, "ines@example.org") == before  # no sign-in email was needed

    # Back: the answer's address again (not the browser's "resend the form?"), saying it is done.
    page.go_back()
    page.get_by_text("Vous avez déjà accepté cette invitation : merci !").wait_for()
    page.get_by_role("link", name="Aller à mon espace").click()
    page.get_by_role("heading", name="Bonjour Inès").wait_for()


def test_application_form_summary_then_thanks_page_that_a_reload_does_not_resend(live_app, live_server, page):
    page.goto(live_server.url + "/espace/devenir-marraine-parrain")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    assert page.title().startswith("Erreur")
    summary.get_by_role("link", name=re.compile("^Prénom")).click()
    page.wait_for_function("location.hash === '#first_name'")

    page.get_by_label("Adresse e-mail").fill("nadia@example.org")
    page.get_by_label("Prénom", exact=True).fill("Nadia")
    page.get_by_label("Nom", exact=True).fill("Benali")
    page.get_by_label("Métier", exact=True).fill("Technicienne de maintenance")
    page.get_by_label("Entreprise", exact=True).fill("Airbus")
    page.get_by_label("Départements où vous pouvez intervenir").fill("31")
    page.get_by_label("Intervention en établissement").check()
    page.get_by_label(re.compile("J'accepte que l'équipe IndustriElles")).check()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.get_by_role("heading", name="Merci, votre candidature est envoyée").wait_for()
    assert page.url.endswith("/espace/devenir-marraine-parrain/merci")

    page.reload()
    page.get_by_role("heading", name="Merci, votre candidature est envoyée").wait_for()
    page.go_back()
    page.get_by_role("heading", name="Devenir marraine ou parrain IndustriElles").wait_for()
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RoleModel)) == 1
    assert _emails_to(live_app, "nadia@example.org") == 1


def _portal_pages(world) -> list[str]:
    return ["/espace/", "/espace/profil", "/espace/disponibilites", "/espace/semaine", "/espace/agendas",
            "/espace/mon-agenda", "/espace/mes-donnees", f"/espace/rencontres/{world['meeting']}",
            f"/espace/rencontres/{world['invitation']}"]


def test_no_portal_page_scrolls_sideways_on_a_phone(live_app, live_server, phone_page):
    world = _world(live_app)
    for path in ("/espace/connexion", "/espace/devenir-marraine-parrain"):
        phone_page.goto(live_server.url + path)
        _no_sideways_scroll(phone_page)
    phone_page.get_by_role("button", name="Envoyer ma candidature").click()  # with its error summary
    phone_page.locator("#error-summary").wait_for()
    _no_sideways_scroll(phone_page)

    _sign_in(live_app, live_server, phone_page, world["user_id"])
    for path in _portal_pages(world):
        phone_page.goto(live_server.url + path)
        _no_sideways_scroll(phone_page)
    phone_page.goto(live_server.url + "/espace/")
    phone_page.get_by_role("link", name="Accepter « Table ronde").click()
    phone_page.get_by_role("heading", name="Accepter l'invitation").wait_for()
    _no_sideways_scroll(phone_page)


def test_axe_finds_no_wcag_violation_on_the_pages_a_role_model_reaches(live_app, live_server, page):
    world = _world(live_app)
    found = {}
    for path in ("/espace/connexion", "/espace/devenir-marraine-parrain"):
        page.goto(live_server.url + path)
        found[path] = axe.violations(page)
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.locator("#error-summary").wait_for()
    found["application with errors"] = axe.violations(page)
    page.goto(live_server.url + "/espace/devenir-marraine-parrain/merci")
    found["thank-you page"] = axe.violations(page)
    page.goto(live_server.url + "/espace/connexion")
    page.get_by_label("Adresse e-mail").fill("ines@example.org")
    page.get_by_role("button", name="Recevoir mon lien de connexion").click()
    page.get_by_text("vient d'y être envoyé").wait_for()
    found["link sent"] = axe.violations(page)

    _sign_in(live_app, live_server, page, world["user_id"], check=lambda: found.update(
        {"sign-in link": axe.violations(page)}))
    for path in _portal_pages(world):
        page.goto(live_server.url + path)
        found[path] = axe.violations(page)
    page.goto(live_server.url + "/espace/")
    page.get_by_role("link", name="Accepter « Table ronde").click()
    page.get_by_role("heading", name="Accepter l'invitation").wait_for()
    found["answer page"] = axe.violations(page)
    page.get_by_role("button", name="Je confirme : j'accepte").click()
    page.get_by_role("heading", name="Réponse enregistrée").wait_for()
    found["answered page"] = axe.violations(page)
    problems = {where: axe.describe(v) for where, v in found.items() if v}
    assert problems == {}, "\n".join(f"{where}:\n{text}" for where, text in problems.items())


def test_axe_finds_no_wcag_violation_on_the_statistics_pages(live_app, live_server, page):
    from tests.support.impact import World

    with live_app.app_context():
        World(factories)
        factories.create_user(email="admin@example.org", full_name="Nadia", role=UserRole.ADMIN)
        db.session.commit()
    page.goto(live_server.url + "/impact")
    public = axe.violations(page)
    page.goto(live_server.url + "/connexion")
    page.get_by_label("Adresse e-mail").fill("admin@example.org")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r".*/organisation/$"))
    page.goto(live_server.url + "/organisation/statistiques?start=2026-09-01&end=2027-08-31")
    organizer = axe.violations(page)
    assert (public, organizer) == ([], []), axe.describe(public + organizer)
    assert page.locator(".headline dd.estimate").count() >= 1  # the estimates are part of the list


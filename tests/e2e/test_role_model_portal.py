"""A role model, in a real browser: signs in with the link from their email (read from the
outbox row), sets two weekly windows, connects their calendar (served by a real local HTTP
server) and sees the busy blocks imported from it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxEmail, UserRole
from tests.support import factories

pytestmark = pytest.mark.e2e
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def e2e_config():
    return {"CALENDAR_FETCH_ALLOW_LOOPBACK": True}


def _calendar_with_a_meeting(day: datetime) -> bytes:
    start = day.replace(hour=10, minute=0, second=0, microsecond=0)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "X-WR-CALNAME:ines@example.org", "X-WR-TIMEZONE:Europe/Paris",
        "BEGIN:VEVENT", "UID:copil@google.com", "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Paris:{start + timedelta(hours=2):%Y%m%dT%H%M%S}",
        "SUMMARY:Comité de pilotage", "END:VEVENT", "END:VCALENDAR", "",
    ]
    return "\r\n".join(lines).encode()


def test_role_model_signs_in_sets_windows_and_connects_a_calendar(live_app, live_server, page, httpserver):
    with live_app.app_context():
        user = factories.create_user(role=UserRole.ROLE_MODEL, email="ines@example.org",
                                     full_name="Inès Diallo", password=None)
        factories.create_role_model(user=user, first_name="Inès", last_name="Diallo", windows=[])
        db.session.commit()

    page.goto(live_server.url + "/espace/")
    assert "/espace/connexion" in page.url
    page.get_by_label("Adresse e-mail").fill("ines@example.org")
    page.get_by_role("button", name="Recevoir mon lien de connexion").click()
    page.get_by_text("vient d'y être envoyé").wait_for()

    with live_app.app_context():
        email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "ines@example.org"))
        link = re.search(r"(http://127\.0\.0\.1:\d+/espace/connexion/\S+)", email.body_text).group(1)
    page.goto(link)
    page.get_by_role("button", name="Me connecter").click()
    page.get_by_role("heading", name="Bonjour Inès").wait_for()

    # Two weekly windows: Tuesday and Thursday afternoons.
    page.get_by_role("link", name="Disponibilités", exact=True).click()
    page.get_by_label("Jour (créneau 1)").select_option(label="Mardi")
    page.get_by_label("De (créneau 1)").fill("14:00")
    page.get_by_label("À (créneau 1)").fill("17:00")
    page.get_by_label("Jour (créneau 2)").select_option(label="Jeudi")
    page.get_by_label("De (créneau 2)").fill("13:30")
    page.get_by_label("À (créneau 2)").fill("17:30")
    page.get_by_role("button", name="Enregistrer mes créneaux").click()
    page.get_by_text("Vos créneaux sont enregistrés.").wait_for()

    # A calendar URL the server refuses gives a clear message, next to the field.
    page.get_by_role("link", name="Mes agendas").click()
    page.get_by_label("Adresse de votre agenda (iCal, .ics)").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_role("button", name="Connecter cet agenda").click()
    error = page.locator("#url-error")
    assert "réseau privé ou local" in error.inner_text()
    assert page.get_by_label("Adresse de votre agenda (iCal, .ics)").get_attribute(
        "aria-describedby"
    ).endswith("url-error")

    # Their real calendar, two days from now, 10:00–12:00 in Paris.
    day = (datetime.now(UTC) + timedelta(days=2)).astimezone(PARIS)
    httpserver.expect_request("/ines.ics").respond_with_data(_calendar_with_a_meeting(day),
                                                             content_type="text/calendar")
    page.get_by_label("Adresse de votre agenda (iCal, .ics)").fill(httpserver.url_for("/ines.ics"))
    page.get_by_label("Nom pour vous y retrouver (facultatif)").fill("Agenda pro")
    page.get_by_role("button", name="Connecter cet agenda").click()
    page.get_by_text("Agenda connecté : 1 créneau occupé importé.").wait_for()
    busy = page.locator(".busy-list li")
    assert busy.count() == 1 and "10:00 – 12:00" in busy.first.inner_text()
    assert "Dernière mise à jour réussie" in page.content()

    # The week view shows windows and the busy block together.
    page.get_by_role("link", name="Ma semaine").click()
    page.get_by_role("link", name="Semaine suivante →").wait_for()
    page.goto(f"{live_server.url}/espace/semaine?du={day.date().isoformat()}")
    assert page.locator(".block.busy").filter(has_text="10:00–12:00").count() == 1
    assert page.locator(".block.available").count() == 2

"""The impact pages: access, the period form and its errors, the CSV export, the printable
report, the public page (no personal data), and a page cost that does not grow with the data."""

from __future__ import annotations

import csv
import io
import re

import pytest
import time_machine
from sqlalchemy import event as sa_event

from app.extensions import db as _db
from app.models import EventFeedback, EventStatus, FeedbackRespondent, UserRole
from tests.support import factories
from tests.support.api import bearer
from tests.support.impact import World, paris

YEAR_ARGS = "start=2026-09-01&end=2027-08-31"


@pytest.fixture
def world(db):
    return World(factories)


@pytest.fixture
def organizer(db, auth):
    factories.create_user(email="claire@example.org", academies=["paris"])
    auth.login("claire@example.org")


@pytest.fixture
def admin(db, auth):
    factories.create_user(email="admin@example.org", role=UserRole.ADMIN)
    auth.login("admin@example.org")


def test_sign_in_is_required(client):
    response = client.get("/organisation/statistiques")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


@pytest.fixture
def march_2027():
    with time_machine.travel(paris(2027, 3, 1, 12), tick=False):
        yield


def test_the_current_school_year_by_default(march_2027, client, organizer, world):
    html = client.get("/organisation/statistiques").get_data(as_text=True)
    assert 'value="2026-09-01"' in html and 'value="2027-08-31"' in html
    assert "du 1 septembre 2026 au 31 août 2027" in html
    assert 'href="/organisation/statistiques"' in html  # the nav link


def test_page_with_data(client, admin, world):
    response = client.get(f"/organisation/statistiques?{YEAR_ARGS}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for chart in ("chart-months", "chart-academies", "chart-families", "chart-funnel"):
        assert f'id="{chart}"' in html and f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert html.count('class="part"') == 12  # one column per month
    assert "dont 29 estimées*" in html and "* Estimation" in html
    assert "Grève" in html and "Déplacement professionnel" in html
    assert "Aucune donnée sur cette période." not in html
    headline = re.search(r'<dl class="headline">(.*?)</dl>', html, re.S).group(1)
    assert re.search(r"Filles rencontrées</dt><dd>50<", headline)


def test_an_organizer_sees_their_scope(client, organizer, world):
    html = client.get(f"/organisation/statistiques?{YEAR_ARGS}").get_data(as_text=True)
    assert "Vos académies\u00a0: Paris" in html  # a colon never wraps alone on French pages
    assert re.search(r"Filles rencontrées</dt><dd>40<", html) and "Lyon" not in html


def test_an_empty_period_says_so(client, admin, world):
    html = client.get("/organisation/statistiques?start=2030-01-01&end=2030-01-31").get_data(as_text=True)
    assert "Aucune activité enregistrée sur cette période" in html
    assert html.count("Aucune donnée sur cette période.") == 4
    assert "<svg" not in html


@pytest.mark.parametrize("query, field, message", [
    ("start=2027-02-30&end=2027-03-01", "start", "Date invalide"),
    ("start=hier&end=2027-03-01", "start", "Date invalide"),
    ("start=2027-03-01&end=", "end", "Indiquez une date de fin valide."),
    ("start=2027-03-02&end=2027-03-01", "end", "La fin de la période doit être après son début."),
    ("start=2001-01-01&end=2027-03-01", "end", "cinq ans au plus"),
])
def test_bad_periods_are_explained_next_to_the_field(client, admin, query, field, message):
    for url in ("/organisation/statistiques", "/organisation/statistiques.csv", "/organisation/statistiques/rapport"):
        response = client.get(f"{url}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
        assert error and message in error.group(1)
        assert f'aria-describedby="{field}-error"' in html
    start_typed = re.search(r"start=([^&]*)", query).group(1)
    assert f'value="{start_typed}"' in html  # what was typed is kept


def test_french_typed_dates_are_understood(client, admin, world):
    html = client.get("/organisation/statistiques?start=01/09/2026&end=31/08/2027").get_data(as_text=True)
    assert "du 1 septembre 2026 au 31 août 2027" in html


def test_csv_export(client, admin, world):
    world.e5.cancel_reason = "=HYPERLINK(\"http://example.org\")"
    _db.session.flush()
    response = client.get(f"/organisation/statistiques.csv?{YEAR_ARGS}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="statistiques-rencontres_2026-09-01_2027-08-31.csv"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Rubrique", "Indicateur", "Valeur", "Dont estimation"]
    by_key = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert by_key[("Période", "Début")] == ["2026-09-01", ""]
    assert by_key[("Public rencontré", "Filles")] == ["50", "29"]
    assert by_key[("Public rencontré", "Élèves")] == ["107", "64"]
    assert by_key[("Filles par mois", "2026-11")] == ["23", "14"]
    assert by_key[("Établissements", "REP+")] == ["1", ""]
    assert by_key[("Demandes", "Délai médian de programmation (jours)")] == ["3,0", ""]
    assert by_key[("Marraines et parrains", "Heures données")] == ["12,0", ""]
    assert by_key[("Actives et actifs par secteur", "aéronautique")] == ["2", ""]
    assert by_key[("Annulations d'événements", "'=HYPERLINK(\"http://example.org\")")] == ["1", ""]
    assert by_key[("Événements", "Intervention en établissement : Terminé")] == ["3", ""]


def test_printable_report(client, admin, world):
    html = client.get(f"/organisation/statistiques/rapport?{YEAR_ARGS}").get_data(as_text=True)
    assert "bilan d'impact" in html and "css/statistics.css" in html
    assert 'id="chart-months"' in html and "France entière" in html


def test_statistics_css_has_a_print_layout(client):
    css = client.get("/static/css/statistics.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css


def test_public_impact_page_has_figures_and_no_personal_data(march_2027, client, world):
    public = factories.create_event(title="Forum des métiers industriels", is_public=True,
                                    start_at=paris(2027, 4, 2, 9), status=EventStatus.SCHEDULED)
    _db.session.flush()
    response = client.get("/impact")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    assert re.search(r"Filles rencontrées</dt><dd>50<", html)
    assert re.search(r"Marraines et parrains engagés</dt><dd>3<", html)
    assert public.title in html
    assert world.e6.title not in html  # not a public event
    for secret in (world.rm1.first_name, world.rm1.user.email, world.a.name, "Grève", "Déplacement"):
        assert secret not in html


def test_an_implausible_answer_stays_out_of_public_figures_and_is_flagged(march_2027, client, auth, world):
    # 900 pupils of school A at e2, which asked for 30: as if written straight into the table.
    _db.session.add(EventFeedback(event_id=world.e2.id, respondent=FeedbackRespondent.SCHOOL,
                                  respondent_id=world.a.id, school_id=world.a.id,
                                  pupils_attended=900, girls_attended=400))
    _db.session.flush()
    html = client.get("/impact").get_data(as_text=True)
    assert re.search(r"Élèves rencontrés</dt><dd>107<", html) and re.search(r"Filles rencontrées</dt><dd>50<", html)
    public = client.get(f"/api/v1/public/statistics?{YEAR_ARGS}").get_json()
    assert (public["reach"]["pupils"], public["reach"]["girls"]) == (107, 50)
    assert "flagged" not in str(public)

    admin = factories.create_user(email="admin@example.org", role=UserRole.ADMIN)
    full = client.get(f"/api/v1/statistics?{YEAR_ARGS}", headers=bearer(admin)).get_json()
    assert (full["reach"]["pupils"], full["feedback_flagged"]) == (107, 1)
    auth.login("admin@example.org")
    assert "Bilans écartés\u00a0: 1." in client.get(f"/organisation/statistiques?{YEAR_ARGS}").get_data(as_text=True)


def _page_queries(client) -> int:
    count = 0

    def before(*args):
        nonlocal count
        count += 1

    engine = _db.engine
    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(f"/organisation/statistiques?{YEAR_ARGS}").status_code == 200
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
    return count


def test_page_queries_do_not_grow_with_the_data(client, admin, world):
    small = _page_queries(client)
    for i in range(15):
        school = factories.create_school()
        event = factories.create_event(start_at=paris(2026, 10, 1 + i, 9), status=EventStatus.COMPLETED)
        factories.create_request(school=school, submitted_at=paris(2026, 10, 1 + i, 8))
        factories.create_role_model(sectors=[f"secteur {i}"])
        event.visit_request = None
    _db.session.flush()
    assert _page_queries(client) == small

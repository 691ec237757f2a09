"""The organizers' directory of role models: paginated, searched without accents or case,
filters kept across pages."""

from __future__ import annotations

import html

from app.services.role_models import directory
from app.services.role_models.directory import RoleModelFilters


def test_search_ignores_accents_and_case_and_pages_hold_25(db, create_user, create_role_model):
    organizer = create_user(academies=["paris"])
    helene = create_role_model(first_name="Hélène", last_name="Côté", company="Thalès", sectors=["Aéronautique"])
    for n in range(30):
        create_role_model(first_name=f"Personne{n:02d}", last_name="Zed", company="Usine", sectors=["chimie"])
    create_role_model(first_name="Hélène", departements=["69"])  # Lyon: out of scope
    for typed in ("helene", "COTE thales", "aeronautique", "Hélène"):
        assert [r.role_model for r in directory.list_role_models(organizer, RoleModelFilters(text=typed))] == [helene]
    assert directory.list_role_models(organizer, RoleModelFilters(text="100%")) == []
    assert [r.role_model for r in directory.list_role_models(
        organizer, RoleModelFilters(sector="aeronautique"))] == [helene]
    first = directory.directory_page(organizer, RoleModelFilters(text="zed"))
    assert first.total == 30 and len(first.rows) == 25 and first.pages == 2
    second = directory.directory_page(organizer, RoleModelFilters(text="zed"), page=2)
    assert len(second.rows) == 5 and (second.first_index, second.last_index) == (26, 30)
    assert directory.directory_page(organizer, RoleModelFilters(text="zed"), page=99).page == 2


def test_the_pager_keeps_the_search(db, client, auth, create_user, create_role_model):
    organizer = create_user(academies=["paris"])
    for n in range(27):
        create_role_model(first_name=f"Personne{n:02d}", last_name="Zed", company="Usine", sectors=["chimie"])
    auth.login(organizer.email)
    page = html.unescape(client.get("/organisation/intervenants?q=zed").get_data(as_text=True))
    assert "27 personnes" in page and "de 1 à 25" in page and "Page 1 sur 2" in page
    assert "/organisation/intervenants?page=2&q=zed" in page or "/organisation/intervenants?q=zed&page=2" in page
    second = html.unescape(client.get("/organisation/intervenants?q=zed&page=2").get_data(as_text=True))
    assert "Personne26" in second and "Personne00" not in second

"""The organizer's programme page: add parts, tables and groups, plan, move a group by hand,
see conflicts and what moved, print the group pages and table signs."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.services.programmes import editing
from tests.app.conftest import csrf_token_from
from tests.support import programmes


@pytest.fixture
def organizer(create_user):
    return create_user(email="orga@example.org", academies=["paris"])


@pytest.fixture
def page(client, auth, organizer):
    event, assignments, _schools = programmes.half_day(organizer)
    db.session.commit()
    auth.login("orga@example.org")
    return event, assignments


def _post(client, url, data, page_url):
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={**data, **{k: token for k in ("csrf_token", "part-csrf_token", "table-csrf_token",
                                                              "group-csrf_token", "classes-csrf_token",
                                                              "move-csrf_token", "rounds-csrf_token")}})


def test_an_organizer_builds_plans_and_moves(client, page):
    event, assignments = page
    base = f"/organisation/evenements/{event.id}/programme"
    assert client.get(base).status_code == 200
    added = _post(client, base + "/parties", {
        "part-kind": "rotation", "part-title": "Tables métiers", "part-day": "2027-03-16",
        "part-start_time": "09:30", "part-end_time": "11:30", "part-round_count": "4", "part-round_minutes": "25",
        "part-changeover_minutes": "5"}, base)
    assert added.status_code == 302, added.get_data(as_text=True)
    for n, a in enumerate(assignments):
        response = _post(client, base + "/tables", {"table-label": f"Table {n + 1}", "table-host": str(a.id),
                                                    "table-capacity": "1", "table-rounds": ""}, base)
        assert response.status_code == 302
    assert _post(client, base + "/groupes/classes", {"classes-group_size": "14"}, base).status_code == 302
    block = editing.rotation_block(db.session.get(type(event), event.id))
    assert [t.job_family for t in block.tables] == ["Soudure", "Maintenance", "Qualité", "Logistique"]
    assert _post(client, base + "/planifier", {}, base).status_code == 302
    html = client.get(base).get_data(as_text=True)
    assert "Replanifier" in html and html.count('class="grid-group"') == 16
    assert "Chaque groupe rencontre au moins" in html
    group = block.groups[0]
    db.session.refresh(block)
    first = next(c for c in block.cells if c.group_id == group.id and c.round == 1)
    moved = _post(client, base + "/deplacer", {"move-group_id": str(group.id), "move-round": "2",
                                               "move-table_id": str(first.table_id)}, base)
    assert moved.status_code == 302
    html = client.get(base).get_data(as_text=True)
    assert "Conflits" in html and "passe deux fois" in html
    assert "Ce qui a bougé" in html
    printed = client.get(base + "/groupes/imprimer").get_data(as_text=True)
    assert printed.count('class="sheet"') == 4 and "<script" not in printed
    signs = client.get(base + "/tables/imprimer").get_data(as_text=True)
    assert signs.count('class="sheet sign"') == 4 and "Marraine0" in signs


def test_bad_parts_are_shown_next_to_the_fields(client, page):
    event, _assignments = page
    base = f"/organisation/evenements/{event.id}/programme"
    response = _post(client, base + "/parties", {
        "part-kind": "plenary", "part-title": "Ouverture", "part-day": "2027-03-16",
        "part-start_time": "07:00", "part-end_time": "08:00"}, base)
    assert response.status_code == 422
    assert re.search(r'id="part-start_time-error"', response.get_data(as_text=True))
    response = _post(client, base + "/tables", {"table-label": "T", "table-capacity": "1", "table-rounds": "x"}, base)
    assert response.status_code == 422


def test_another_academie_sees_no_programme(client, auth, create_user, organizer):
    event, _assignments, _schools = programmes.half_day(organizer)
    create_user(email="lyon@example.org", academies=["lyon"])
    db.session.commit()
    auth.login("lyon@example.org")
    assert client.get(f"/organisation/evenements/{event.id}/programme").status_code == 404
    assert client.get(f"/organisation/evenements/{event.id}/programme/groupes/imprimer").status_code == 404


def test_the_school_follow_up_page_gives_its_groups_paths(client, organizer, create_request):
    from app.models import RequestStatus
    from app.services.programmes import grid

    event, assignments, schools = programmes.half_day(organizer)
    request, token = create_request(school=schools[0], status=RequestStatus.SCHEDULED)
    event.visit_request = request
    editing.save_programme(organizer, event, programmes.parts(assignments))
    editing.make_groups(organizer, event, 14)
    grid.plan(organizer, event)
    db.session.commit()
    html = client.get(f"/demandes/suivi/{token}").get_data(as_text=True)
    assert "Parcours du groupe Collège Jean Moulin 4e – A" in html
    assert "Collège Curie 3e – A" not in html  # another school's groups
    assert "09:30–09:55" in html and "Soudure" in html


def test_a_class_leaving_early_then_a_replan(client, page):
    from app.services.programmes import grid

    event, assignments = page
    organizer = event.organizer
    editing.save_programme(organizer, event, programmes.parts(assignments))
    editing.make_groups(organizer, event, 14)
    grid.plan(organizer, event)
    db.session.commit()
    base = f"/organisation/evenements/{event.id}/programme"
    response = _post(client, base + "/groups/3/tours", {"rounds-rounds": "1, 2"}, base)
    assert response.status_code == 302
    db.session.expire_all()
    assert editing.rotation_block(db.session.get(type(event), event.id)).groups[3].rounds == [1, 2]
    html = client.get(base).get_data(as_text=True)
    assert "n&#39;est pas là" in html or "n'est pas là" in html  # its cells in rounds 3 and 4 are conflicts
    assert _post(client, base + "/planifier", {}, base).status_code == 302
    html = client.get(base).get_data(as_text=True)
    assert "Conflits" not in html and "Ce qui a bougé" in html
    assert _post(client, base + "/tables/0/tours", {"rounds-rounds": "x"}, base).status_code == 302
    assert "Des numéros de tours" in client.get(base).get_data(as_text=True)

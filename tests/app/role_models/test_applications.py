"""Applications seen by organizers: they are told when someone applies in their académies, the
list keeps their menu, and an application is approved or declined with a reason sent to the
person."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from app.models import OutboxEmail, RoleModelStatus, UserRole
from app.services.common import audit
from app.services.common.errors import Conflict, Invalid, NotFound
from app.services.role_models import profiles
from tests.app.conftest import csrf_token_from


def _emails_to(db, address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address)
                                   .order_by(OutboxEmail.id)))


def _application(**overrides) -> profiles.ProfileData:
    values = dict(first_name="Nadia", last_name="Benali", job_title="Technicienne de maintenance",
                  job_family="technician", company="Airbus", departements=["31"])
    return profiles.ProfileData(**{**values, **overrides})


def test_the_organizers_of_the_academies_covered_are_told_of_an_application(db, create_user):
    toulouse = create_user(email="toulouse@example.org", academies=["toulouse"])
    both = create_user(email="both@example.org", academies=["toulouse", "paris"])
    lyon = create_user(email="lyon@example.org", academies=["lyon"])
    admin = create_user(email="admin@example.org", role=UserRole.ADMIN)
    rm = profiles.apply("nadia@example.org", _application(departements=["31", "81"]))
    for organizer in (toulouse, both):
        [told] = _emails_to(db, organizer.email)
        assert "Nadia Benali" in told.subject and "Toulouse" in told.body_text
        assert "/organisation/intervenants/candidatures" in told.body_text
        assert told.role_model_id == rm.id and told.kind == "role_model_application_new"
    assert _emails_to(db, lyon.email) == [] and _emails_to(db, admin.email) == []


def test_an_application_nobody_covers_goes_to_the_admins(db, create_user):
    admin = create_user(email="admin@example.org", role=UserRole.ADMIN)
    profiles.apply("nadia@example.org", _application(departements=[], accepts_remote=True))
    [told] = _emails_to(db, admin.email)
    assert "distance" in told.body_text


def test_declining_sends_the_reason_and_is_audited(db, create_user, create_role_model):
    organizer = create_user(academies=["paris"])
    rm = create_role_model(status=RoleModelStatus.PENDING)
    profiles.decline(organizer, rm, "  Nous recrutons surtout dans l'industrie en ce moment.  ")
    assert rm.status == RoleModelStatus.DECLINED
    [email] = _emails_to(db, rm.user.email)
    assert "Nous recrutons surtout dans l'industrie en ce moment." in email.body_text
    assert email.kind == "role_model_declined" and email.role_model_id == rm.id
    [entry] = [e for e in audit.trail(rm) if e.action == "role_model.declined"]
    assert entry.details["reason"] == "Nous recrutons surtout dans l'industrie en ce moment."
    assert profiles.pending_applications(organizer) == []
    with pytest.raises(Conflict):
        profiles.decline(organizer, rm, "Encore")
    with pytest.raises(Conflict):
        profiles.approve(organizer, rm)


def test_declining_needs_a_reason_and_a_person_in_scope(db, create_user, create_role_model):
    organizer = create_user(academies=["paris"])
    rm = create_role_model(status=RoleModelStatus.PENDING)
    with pytest.raises(Invalid) as raised:
        profiles.decline(organizer, rm, "   ")
    assert "reason" in raised.value.fields
    with pytest.raises(NotFound):
        profiles.decline(create_user(academies=["lyon"]), rm, "Hors périmètre")
    assert rm.status == RoleModelStatus.PENDING and _emails_to(db, rm.user.email) == []


# --- pages --------------------------------------------------------------------------------------

def test_the_applications_page_keeps_the_menu_counts_and_links_to_people(db, client, auth, create_user,
                                                                        create_role_model):
    organizer = create_user(academies=["paris"])
    first = create_role_model(status=RoleModelStatus.PENDING, first_name="Inès", last_name="Martin")
    create_role_model(status=RoleModelStatus.PENDING, first_name="Zoé", last_name="Durand")
    create_role_model(status=RoleModelStatus.PENDING, first_name="Lyonnaise", departements=["69"])
    auth.login(organizer.email)
    page = html.unescape(client.get("/organisation/intervenants/candidatures").get_data(as_text=True))
    assert 'aria-label="Espace organisateurs"' in page  # the section menu
    assert "2 candidatures attendent votre décision." in page
    assert f'href="/organisation/intervenants/{first.id}">Inès Martin</a>' in page
    assert "Lyonnaise" not in page
    dashboard = html.unescape(client.get("/organisation/").get_data(as_text=True))
    assert "2 candidatures à examiner" in dashboard


def test_an_organizer_declines_with_a_reason_from_the_page(db, client, auth, create_user, create_role_model):
    organizer = create_user(academies=["paris"])
    rm = create_role_model(status=RoleModelStatus.PENDING, first_name="Inès", last_name="Martin")
    auth.login(organizer.email)
    url = f"/organisation/intervenants/{rm.id}/refuser"
    form = client.get(url)
    assert form.status_code == 200
    token = csrf_token_from(form.get_data(as_text=True))
    empty = client.post(url, data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "reason": "Profil hors de nos filières."},
                       follow_redirects=True)
    assert "Candidature de Inès Martin refusée" in html.unescape(done.get_data(as_text=True))
    db.session.refresh(rm)
    assert rm.status == RoleModelStatus.DECLINED
    [email] = _emails_to(db, rm.user.email)
    assert "Profil hors de nos filières." in email.body_text


def test_declining_out_of_scope_is_a_missing_page(db, client, auth, create_user, create_role_model):
    rm = create_role_model(status=RoleModelStatus.PENDING, departements=["69"])
    auth.login(create_user(academies=["paris"]).email)
    assert client.get(f"/organisation/intervenants/{rm.id}/refuser").status_code == 404

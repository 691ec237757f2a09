"""The role-model portal: applying and approval, invitation by an organizer, sign-in by email
link (safe GET, single use, expiry), profile, weekly windows, dated exceptions and the week."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.models import (
    AssignmentStatus,
    BusyInterval,
    ExternalCalendar,
    OutboxEmail,
    RoleModel,
    RoleModelStatus,
    User,
)
from app.services.accounts import magic_links
from app.services.common.errors import Invalid
from app.services.role_models import profiles, week_view
from tests.support.portal import csrf_token_of, sign_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def outbox_to(db, address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)
    ))


def link_in(email: OutboxEmail) -> str:
    return re.search(r"http://localhost(/espace/connexion/\S+)", email.body_text).group(1)


APPLICATION = {
    "email": "Nadia.Benali@Example.org", "first_name": "Nadia", "last_name": "Benali",
    "job_title": "Technicienne de maintenance", "job_family": "technician", "company": "Airbus",
    "sectors": "aéronautique", "departements": "31 81", "accepts_in_person": "y",
    "event_types": ["school_visit", "roundtable"], "languages": ["fr"], "monthly_cap": "2",
    "presentation": "Bac pro puis BTS.", "consent": "y",
}


def test_apply_then_an_organizer_approves_and_a_link_arrives(db, client, auth, create_user):
    form = client.get("/espace/devenir-marraine-parrain")
    data = dict(APPLICATION, csrf_token=csrf_token_of(form.get_data(as_text=True)))
    done = client.post("/espace/devenir-marraine-parrain", data=data)
    # Post/Redirect/Get: the thank-you page is a page of its own, which a reload only reads.
    assert done.status_code == 302 and done.headers["Location"].endswith("/espace/devenir-marraine-parrain/merci")
    for _ in range(2):
        thanks = client.get("/espace/devenir-marraine-parrain/merci")
        assert "candidature est envoyée" in text(thanks)
    rm = db.session.scalar(select(RoleModel).where(RoleModel.last_name == "Benali"))
    assert rm.status == RoleModelStatus.PENDING and rm.departement_codes == ["31", "81"]
    assert rm.user.email == "nadia.benali@example.org"
    [received] = outbox_to(db, "nadia.benali@example.org")
    assert "candidature" in received.subject

    toulouse = create_user(email="toulouse@example.org", academies=["toulouse"])
    lyon = create_user(email="lyon@example.org", academies=["lyon"])
    assert profiles.pending_applications(lyon) == []
    auth.login(toulouse.email)
    page = client.get("/espace/candidatures", follow_redirects=True)  # moved into the organizers' space
    assert "Nadia Benali" in text(page)
    client.post(f"/espace/candidatures/{rm.id}/valider",
                data={"csrf_token": csrf_token_of(page.get_data(as_text=True))})
    db.session.refresh(rm)
    assert rm.status == RoleModelStatus.ACTIVE
    welcome = outbox_to(db, "nadia.benali@example.org")[-1]
    assert "Bienvenue" in welcome.subject and "/espace/connexion/" in welcome.body_text


def test_application_errors_are_next_to_their_fields_and_everything_typed_is_kept(db, client):
    form = client.get("/espace/devenir-marraine-parrain")
    data = dict(APPLICATION, csrf_token=csrf_token_of(form.get_data(as_text=True)), departements="31 999",
                accepts_in_person="", consent="")
    page = client.post("/espace/devenir-marraine-parrain", data=data)
    body = text(page)
    assert page.status_code == 422
    assert re.search(r'id="departements-error">Départements inconnus : 999', body) or "consent-error" in body
    assert 'value="Technicienne de maintenance"' in body and "Bac pro puis BTS." in body
    assert db.session.scalars(select(RoleModel)).all() == []
    # The summary at the top names every problem, each linking to its field.
    summary = body[body.index('id="error-summary"'):body.index("</div>", body.index('id="error-summary"'))]
    assert "Un point est à corriger" in summary and 'href="#consent"' in summary
    assert "Votre accord\u00a0: Votre accord est nécessaire" in summary  # a short name, not the whole label
    data.update(first_name="", event_types=[], email="")
    body = text(client.post("/espace/devenir-marraine-parrain", data=data))
    summary = body[body.index('id="error-summary"'):body.index("</div>", body.index('id="error-summary"'))]
    assert "3 points sont à corriger" in summary
    # In the order of the page: the address comes first there.
    assert summary.index('href="#email"') < summary.index('href="#first_name"') < summary.index('href="#consent"')
    assert "<title>Erreur" in body and "js/form_page.js" in body


def test_new_role_model_is_asked_for_her_availability_until_she_gives_some(db, client, create_role_model):
    rm = create_role_model(windows=[])
    sign_in(client, rm.user)
    home = text(client.get("/espace/"))
    assert "Indiquez vos disponibilités : sans elles, vous ne pouvez pas être proposé·e" in home.replace("\xa0", " ")
    assert "Profil actif — vous pouvez être proposé·e" in home and "Active / actif" not in home
    assert profiles.needs_windows(rm)

    profiles.set_windows(rm.user, rm, [(1, time(14), time(17))])
    db.session.flush()
    home = text(client.get("/espace/"))
    assert "sans elles, vous ne pouvez pas" not in home and not profiles.needs_windows(rm)
    profiles.set_windows(rm.user, rm, [])
    profiles.pause(rm.user, rm)
    db.session.flush()
    assert not profiles.needs_windows(rm)  # a paused profile is not proposed anyway
    assert "Profil en pause" in text(client.get("/espace/"))


def test_new_window_rows_name_no_day_and_a_row_without_one_is_flagged(db, client, create_role_model):
    rm = create_role_model(windows=[])
    sign_in(client, rm.user)
    page = client.get("/espace/disponibilites").get_data(as_text=True)
    assert re.search(r'<option selected value="">Choisir un jour</option>', page)
    token = csrf_token_of(page)
    refused = client.post("/espace/disponibilites", data={
        "csrf_token": token,
        "windows-0-weekday": "", "windows-0-start_time": "14:00", "windows-0-end_time": "17:00",
        "windows-1-weekday": "", "windows-1-start_time": "", "windows-1-end_time": ""})
    assert refused.status_code == 422
    assert re.search(r'id="windows-0-weekday-error">Choisissez le jour de ce créneau', text(refused))
    assert 'id="windows-1-weekday-error"' not in text(refused)  # an empty row is simply left out
    db.session.refresh(rm)
    assert rm.windows == []


def test_organizer_invites_someone_who_signs_in_from_the_email(db, client, auth, create_user):
    organizer = create_user(email="orga@example.org", academies=["lyon"])
    auth.login(organizer.email)
    page = client.get("/espace/inviter")
    client.post("/espace/inviter", data={
        "csrf_token": csrf_token_of(page.get_data(as_text=True)), "email": "sofia@example.org", "first_name": "Sofia",
        "last_name": "Martins", "job_title": "Soudeuse", "job_family": "operator", "company": "Framatome",
        "departements": "69"})
    rm = db.session.scalar(select(RoleModel).where(RoleModel.last_name == "Martins"))
    assert rm.status == RoleModelStatus.ACTIVE
    [email] = outbox_to(db, "sofia@example.org")
    assert "vous invite" in email.subject
    auth.logout()
    path = link_in(email)
    page = client.get(path)
    assert "Sofia Martins" in text(page)
    client.post(path, data={"csrf_token": csrf_token_of(page.get_data(as_text=True))})
    assert "Bonjour Sofia" in text(client.get("/espace/"))


def test_magic_link_get_is_safe_post_signs_in_once(db, client, create_role_model):
    rm = create_role_model()
    page = client.get("/espace/connexion")
    sent = client.post("/espace/connexion", data={"csrf_token": csrf_token_of(page.get_data(as_text=True)),
                                                  "email": rm.user.email.upper()})
    assert "vient d'y être envoyé" in text(sent)
    path = link_in(outbox_to(db, rm.user.email)[0])
    for _ in range(2):  # scanners open links: nothing happens
        assert client.get(path).status_code == 200
    assert client.get("/espace/").status_code == 302
    token = csrf_token_of(client.get(path).get_data(as_text=True))
    assert client.post(path, data={"csrf_token": token}).status_code == 302
    assert client.get("/espace/").status_code == 200
    # Used: the same link is refused afterwards, with a way to get a new one.
    again = client.get(path)
    assert again.status_code == 400 and "déjà servi" in text(again)


def test_unknown_addresses_get_the_same_answer_and_no_email(db, client):
    page = client.get("/espace/connexion")
    sent = client.post("/espace/connexion", data={"csrf_token": csrf_token_of(page.get_data(as_text=True)),
                                                  "email": "nobody@example.org"})
    assert sent.status_code == 200 and "vient d'y être envoyé" in text(sent)
    assert db.session.scalars(select(OutboxEmail)).all() == []


def test_expired_and_tampered_sign_in_links_are_refused(db, client, create_role_model):
    rm = create_role_model()
    token = magic_links.make_token(rm.user)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=31)):
        expired = client.get(f"/espace/connexion/{token}")
    assert expired.status_code == 400 and "a expiré" in text(expired)
    tampered = client.get(f"/espace/connexion/{token[:-2]}xx")
    assert tampered.status_code == 400 and "n'est pas valide" in text(tampered)


def test_links_signed_with_a_previous_key_still_work(app, db, client, create_role_model):
    rm = create_role_model()
    token = magic_links.make_token(rm.user)
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    app.config["SECRET_KEY"] = "rotated"
    try:
        assert client.get(f"/espace/connexion/{token}").status_code == 200
    finally:
        app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = "test-secret", []


def test_organizers_cannot_use_role_model_links(db, create_user):
    organizer = create_user()
    with pytest.raises(magic_links.LinkRefused):
        magic_links.read(magic_links.make_token(organizer))


def test_profile_and_windows_from_the_portal(db, client, create_role_model):
    rm = create_role_model(windows=[])
    sign_in(client, rm.user)
    page = client.get("/espace/disponibilites")
    token = csrf_token_of(page.get_data(as_text=True))
    rows = {"csrf_token": token,
            "windows-0-weekday": "1", "windows-0-start_time": "14:00", "windows-0-end_time": "17:00",
            "windows-1-weekday": "3", "windows-1-start_time": "13:30", "windows-1-end_time": "17:30",
            "windows-2-weekday": "1", "windows-2-start_time": "", "windows-2-end_time": ""}
    assert client.post("/espace/disponibilites", data=rows).status_code == 302
    db.session.refresh(rm)
    assert [(w.weekday, w.start_time, w.end_time) for w in rm.windows] == [
        (1, time(14), time(17)), (3, time(13, 30), time(17, 30))]

    bad = dict(rows, **{"windows-1-end_time": "12:00"})
    page = client.post("/espace/disponibilites", data=bad)
    assert page.status_code == 422
    assert re.search(r'id="windows-1-end_time-error">La fin doit être après le début', text(page))
    assert 'value="13:30"' in page.get_data(as_text=True)

    profile = client.get("/espace/profil")
    assert 'value="Technicienne de maintenance"' in profile.get_data(as_text=True)


def test_a_window_the_service_refuses_is_shown_on_the_row_typed(db, client, create_role_model):
    rm = create_role_model(windows=[])
    with pytest.raises(Invalid) as refused:  # the service counts only the rows it is given
        profiles.set_windows(rm.user, rm, [(3, time(15), time(14))])
    assert set(refused.value.fields) == {("windows", 0, "end_time")}

    sign_in(client, rm.user)
    token = csrf_token_of(client.get("/espace/disponibilites").get_data(as_text=True))
    page = client.post("/espace/disponibilites", data={
        "csrf_token": token,
        "windows-0-weekday": "1", "windows-0-start_time": "", "windows-0-end_time": "",
        "windows-1-weekday": "3", "windows-1-start_time": "15:00", "windows-1-end_time": "14:00"})
    assert page.status_code == 422
    assert re.search(r'id="windows-1-end_time-error">La fin doit être après le début', text(page))
    assert 'id="windows-0-end_time-error"' not in text(page)


def test_week_view_shows_windows_busy_blocks_and_engagements(db, client, create_role_model, create_event,
                                                            create_assignment):
    rm = create_role_model(windows=[(1, time(14), time(17))])
    monday = datetime(2027, 3, 15, tzinfo=UTC)
    calendar = ExternalCalendar(role_model=rm, url="https://calendar.example.org/a.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(BusyInterval(calendar_id=calendar.id, role_model_id=rm.id,
                                start_at=monday + timedelta(days=2, hours=7),
                                end_at=monday + timedelta(days=2, hours=9)))
    event = create_event(title="Forum Toulouse", start_at=monday + timedelta(days=3, hours=8))
    engagement = create_assignment(event=event, role_model=rm, status=AssignmentStatus.CONFIRMED)
    profiles.add_exception(rm.user, rm, monday.date() + timedelta(days=4), monday.date() + timedelta(days=4), "Congé")
    week = week_view.week(rm, monday.date() + timedelta(days=2))
    kinds = {d.day.weekday(): [(b.kind, b.start, b.end) for b in d.blocks] for d in week.days}
    assert kinds[1] == [("available", time(14), time(17))]
    assert kinds[2] == [("busy", time(8), time(10))]  # Paris time
    assert kinds[3] == [("engagement", time(9), time(11))]
    assert week.days[4].exception == "Congé"

    sign_in(client, rm.user)
    page = text(client.get("/espace/semaine?du=2027-03-17"))
    assert "Forum Toulouse" in page and "08:00–10:00" in page and "14:00–17:00" in page
    assert f'href="/espace/rencontres/{engagement.id}">Forum Toulouse</a>' in page
    assert client.get("/espace/semaine?du=pas-une-date").status_code == 200


def test_pause_and_resume(db, client, create_role_model):
    rm = create_role_model()
    sign_in(client, rm.user)
    token = csrf_token_of(client.get("/espace/").get_data(as_text=True))
    client.post("/espace/pause", data={"csrf_token": token})
    db.session.refresh(rm)
    assert rm.status == RoleModelStatus.PAUSED
    client.post("/espace/reprise", data={"csrf_token": token})
    db.session.refresh(rm)
    assert rm.status == RoleModelStatus.ACTIVE


def test_portal_is_for_role_models_only(db, client, auth, create_user):
    assert client.get("/espace/profil").status_code == 302
    organizer = create_user()
    auth.login(organizer.email)
    assert client.get("/espace/profil").status_code == 403
    assert db.session.get(User, organizer.id).role.value == "organizer"

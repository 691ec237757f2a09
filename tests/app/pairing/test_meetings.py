"""A role model's meeting page: only her own participations, once sent to her; what she needs to
go there (time, address, programme, schools, contact, the others coming); answering, stepping
back, the calendar file; and reaching her space straight from an answered invitation."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.models import AssignmentStatus, EventSchool, OutboxEmail
from app.services.common import audit
from app.services.common.errors import Conflict, NotFound
from app.services.pairing import assignments, meetings
from tests.app.conftest import csrf_token_from
from tests.support.portal import sign_in

START = datetime(2027, 3, 16, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 1, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _before_the_meeting():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def organizer(create_user):
    return create_user(email="claire@example.org", full_name="Claire Organisatrice", academies=["paris"])


@pytest.fixture
def event(db, organizer, create_event, create_school):
    event = create_event(title="Les métiers de la maintenance", organizer=organizer, start_at=START,
                         venue="Collège Jean Moulin", address="12 rue des Écoles", commune="Paris",
                         description="Présentation du métier puis questions des élèves.", role_models_max=3)
    event.schools.append(EventSchool(school=create_school(name="Collège Jean Moulin"), class_level="4e",
                                     headcount=26))
    return event


@pytest.fixture
def invited(db, organizer, event, create_assignment, create_role_model):
    rm = create_role_model(first_name="Inès", last_name="Diallo")
    assignment = create_assignment(event=event, role_model=rm)
    assignments.invite(organizer, assignment)
    db.session.flush()
    return assignment


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True)).replace("\xa0", " ")


def test_her_meeting_page_says_everything_she_needs(db, client, invited, event, create_assignment,
                                                    create_role_model):
    colleague = create_role_model(first_name="Karim", last_name="Haddad", job_title="Ingénieur procédés")
    create_assignment(event=event, role_model=colleague, status=AssignmentStatus.CONFIRMED, invited_at=NOW)
    still_invited = create_role_model(first_name="Paul", last_name="Martin")
    create_assignment(event=event, role_model=still_invited, status=AssignmentStatus.INVITED, invited_at=NOW)

    sign_in(client, invited.role_model.user)
    page = client.get(f"/espace/rencontres/{invited.id}")
    body = text(page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Les métiers de la maintenance" in body
    assert "mardi 16 mars 2027, 10:00 – 12:00" in body  # Paris time, start and end
    assert "Collège Jean Moulin, 12 rue des Écoles, Paris" in body
    assert "https://www.openstreetmap.org/search?query=" in body
    assert "Présentation du métier puis questions des élèves." in body
    assert "4e" in body and "26 élèves" in body
    assert "Claire Organisatrice" in body and "mailto:claire@example.org" in body
    assert "Karim — Ingénieur procédés" in body and "Haddad" not in body
    assert "Paul" not in body  # an invitation is not a yes
    assert "Invité·e" in body and "/espace/reponse/" in body  # she may answer from here
    assert f"/espace/rencontres/{invited.id}/rencontre.ics" in body
    assert "Me retirer" not in body


def test_only_her_own_meetings_and_only_once_sent(db, client, invited, event, create_assignment,
                                                  create_role_model, create_user):
    sign_in(client, invited.role_model.user)
    someone_else = create_assignment(event=event, role_model=create_role_model(), status=AssignmentStatus.INVITED,
                                     invited_at=NOW)
    draft = create_assignment(role_model=invited.role_model)  # a proposal nobody sent her
    dismissed = create_assignment(role_model=invited.role_model, status=AssignmentStatus.CANCELLED)
    for assignment_id in (someone_else.id, draft.id, dismissed.id, 987654):
        assert client.get(f"/espace/rencontres/{assignment_id}").status_code == 404
        assert client.get(f"/espace/rencontres/{assignment_id}/rencontre.ics").status_code == 404
        with pytest.raises(NotFound):
            meetings.meeting(invited.role_model.user, assignment_id)
    assert client.get("/espace/rencontres/99999999999999999999").status_code == 404
    with pytest.raises(NotFound):
        meetings.meeting(None, invited.id)


def test_an_organizer_or_a_stranger_does_not_reach_a_meeting_page(db, client, auth, invited, organizer):
    assert client.get(f"/espace/rencontres/{invited.id}").status_code == 302  # to sign-in
    auth.login(organizer.email)
    assert client.get(f"/espace/rencontres/{invited.id}").status_code == 403


def test_calendar_file_is_her_invitation_and_a_cancel_once_she_stepped_back(db, client, invited):
    sign_in(client, invited.role_model.user)
    ics = client.get(f"/espace/rencontres/{invited.id}/rencontre.ics")
    body = ics.get_data(as_text=True)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    assert invited.event.uid in body and "METHOD:REQUEST" in body and "STATUS:TENTATIVE" in body
    assert f"mailto:{invited.role_model.user.email}" in body

    assignments.accept(invited)
    meetings.withdraw(invited.role_model.user, invited.id, reason="Malade")
    db.session.flush()
    body = client.get(f"/espace/rencontres/{invited.id}/rencontre.ics").get_data(as_text=True)
    assert "METHOD:CANCEL" in body


def test_she_steps_back_after_accepting_and_the_organizer_hears_of_it(db, client, invited, organizer):
    with pytest.raises(Conflict):  # not before saying yes: she declines then
        meetings.withdraw(invited.role_model.user, invited.id)
    assignments.accept(invited)
    db.session.flush()
    sign_in(client, invited.role_model.user)
    page = client.get(f"/espace/rencontres/{invited.id}")
    assert "Me retirer de cette rencontre" in text(page)
    done = client.post(f"/espace/rencontres/{invited.id}/retrait",
                       data={"csrf_token": csrf_token_from(text(page)), "reason": "Un déplacement imprévu"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/espace/rencontres/{invited.id}")
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.WITHDRAWN and invited.reason == "Un déplacement imprévu"
    assert [e.action for e in audit.trail(invited)].count("assignment.withdrawn") == 1
    told = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == organizer.email)).all()
    assert any("withdrawn" in (e.dedupe_key or "") for e in told)
    after = text(client.get(f"/espace/rencontres/{invited.id}"))
    assert "vous vous êtes retiré·e" in after and "Me retirer de cette rencontre" not in after

    again = client.post(f"/espace/rencontres/{invited.id}/retrait", data={"csrf_token": csrf_token_from(after)})
    assert again.status_code == 302
    assert "ne pouvez plus vous retirer" in text(client.get(f"/espace/rencontres/{invited.id}"))


def test_stepping_back_is_closed_once_the_meeting_has_begun(db, invited):
    assignments.accept(invited)
    with time_machine.travel(START, tick=False), pytest.raises(Conflict):
        meetings.withdraw(invited.role_model.user, invited.id)


def test_her_home_links_each_meeting(db, client, invited):
    sign_in(client, invited.role_model.user)
    home = text(client.get("/espace/"))
    assert f'href="/espace/rencontres/{invited.id}"' in home


def test_invitation_and_confirmation_emails_link_the_meeting_page(db, invited, organizer):
    [email] = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == invited.role_model.user.email))
    assert f"/espace/rencontres/{invited.id}" in email.body_text
    assert "espace marraines et parrains" in email.body_text


def _answer_link(db, assignment, action: str) -> str:
    email = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == assignment.role_model.user.email)
                               ).first()
    return re.search(rf"http://localhost(/espace/reponse/[^/\s]+/{action})", email.body_text).group(1)


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_after_answering_from_the_email_one_click_reaches_her_space(db, client, invited, action):
    path = _answer_link(db, invited, action)
    opened = text(client.get(path))
    assert "/espace/connexion/" not in opened  # opening the link (a mail scanner) gives no way in
    answered = text(client.post(path, data={"csrf_token": csrf_token_from(opened)}))
    assert "Réponse enregistrée" in answered
    go = re.search(r'action="(/espace/connexion/[^"?]+)\?next=(/espace/)"', html.unescape(answered))
    assert go, "no sign-in button on the answered page"
    landed = client.post(go.group(1) + "?next=/espace/", data={"csrf_token": csrf_token_from(answered)})
    assert landed.status_code == 302 and landed.headers["Location"].endswith("/espace/")
    assert "Bonjour Inès" in text(client.get("/espace/"))

    # The sign-in it gave is used up: the same button again is refused.
    signed_out = client.post("/deconnexion", data={"csrf_token": csrf_token_from(text(client.get("/espace/")))})
    assert signed_out.status_code == 302 and client.get("/espace/").status_code == 302
    again = client.post(go.group(1), data={"csrf_token": csrf_token_from(answered)})
    assert again.status_code == 400


def test_already_signed_in_she_just_goes_on(db, client, invited):
    sign_in(client, invited.role_model.user)
    path = _answer_link(db, invited, "accept")
    answered = text(client.post(path, data={"csrf_token": csrf_token_from(text(client.get(path)))}))
    assert "/espace/connexion/" not in answered and 'href="/espace/"' in answered


def test_without_an_organizer_she_writes_to_the_collective(app, db, invited, event):
    event.organizer = None
    db.session.flush()
    contact = meetings.meeting(invited.role_model.user, invited.id).contact
    assert contact.email in app.config["MAIL_FROM"]

"""Answering an invitation from its email: GET is safe, POST acts once, expired and tampered
links get a clear page, a clash with a busy block or another engagement is warned about, and
the organizer hears of the answer — everything through the outbox."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.models import AssignmentStatus, BusyInterval, EventSchool, ExternalCalendar, OutboxEmail
from app.services.common import audit
from app.services.pairing import answers, assignments
from tests.app.conftest import csrf_token_from

START = datetime(2027, 3, 16, 9, tzinfo=UTC)


@pytest.fixture
def organizer(create_user):
    return create_user(email="claire@example.org", full_name="Claire Organisatrice", academies=["paris"])


@pytest.fixture
def invited(db, organizer, create_event, create_assignment, create_school):
    event = create_event(title="Les métiers de la maintenance", organizer=organizer, start_at=START,
                         venue="Collège Jean Moulin", commune="Paris", role_models_max=2)
    event.schools.append(EventSchool(school=create_school(name="Collège Jean Moulin"), class_level="4e", headcount=26))
    assignment = create_assignment(event=event)
    assignments.invite(organizer, assignment)
    db.session.flush()
    return assignment


def text(response) -> str:
    """The page with HTML entities decoded and French non-breaking spaces made ordinary, to
    search for French text."""
    return html.unescape(response.get_data(as_text=True)).replace("\u00a0", " ").replace("\u202f", " ")


def emails_to(db, address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address)
                                   .order_by(OutboxEmail.id)))


def answers_to(db, organizer, assignment) -> list[OutboxEmail]:
    """What the organizer was told about this person's answers (other emails may exist)."""
    return [e for e in emails_to(db, organizer.email)
            if (e.dedupe_key or "").startswith(f"assignment:{assignment.id}:answer")]


def links(email: OutboxEmail) -> dict[str, str]:
    found = dict(re.findall(r"http://localhost(/espace/reponse/[^/\s]+/(accept|decline))", email.body_text))
    return {action: path for path, action in found.items()}


def test_invitation_email_carries_the_event_the_school_links_and_an_itip_request(db, invited):
    [email] = emails_to(db, invited.role_model.user.email)
    assert "Les métiers de la maintenance" in email.subject
    assert "Collège Jean Moulin" in email.body_text and "26 élèves" in email.body_text
    assert set(links(email)) == {"accept", "decline"}
    assert email.ics_method == "REQUEST"
    assert "METHOD:REQUEST" in email.ics and "STATUS:TENTATIVE" in email.ics
    assert invited.event.uid in email.ics and f"mailto:{invited.role_model.user.email}" in email.ics


def test_get_is_safe_post_acts_once(db, client, invited, organizer):
    path = links(emails_to(db, invited.role_model.user.email)[0])["accept"]
    for _ in range(3):  # a mail scanner, a preview, the person
        page = client.get(path)
        assert page.status_code == 200 and "Je confirme : j'accepte" in text(page)
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.INVITED

    token = csrf_token_from(text(page))
    answered = client.post(path, data={"csrf_token": token})
    assert answered.status_code == 200 and "Réponse enregistrée" in text(answered)
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.ACCEPTED

    again = client.post(path, data={"csrf_token": token})
    assert again.status_code == 409 and "déjà accepté" in text(again)
    assert [e.action for e in audit.trail(invited)].count("assignment.accepted") == 1
    [told] = answers_to(db, organizer, invited)
    assert "a accepté" in told.subject and "Les métiers de la maintenance" in told.subject


def test_decline_with_a_word_for_the_team(db, client, invited, organizer):
    path = links(emails_to(db, invited.role_model.user.email)[0])["decline"]
    token = csrf_token_from(text(client.get(path)))
    client.post(path, data={"csrf_token": token, "reason": "En déplacement ce jour-là"})
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.DECLINED and invited.reason == "En déplacement ce jour-là"
    [told] = answers_to(db, organizer, invited)
    assert "a décliné" in told.subject and "En déplacement ce jour-là" in told.body_text


@pytest.mark.parametrize("damage", [
    lambda p: p.replace("/accept", "x/accept"),             # a character added to the signature
    lambda p: re.sub(r"reponse/[^.]+", "reponse/eyJhIjoxfQ", p),  # a forged payload
])
def test_tampered_links_are_refused_with_a_clear_page(db, client, invited, damage):
    path = damage(links(emails_to(db, invited.role_model.user.email)[0])["accept"])
    page = client.get(path)
    assert page.status_code == 400
    assert "n'est pas valide" in text(page)
    refused = client.post(path, data={})
    assert refused.status_code == 400
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.INVITED


def test_expired_links_are_refused(db, client, invited):
    path = links(emails_to(db, invited.role_model.user.email)[0])["accept"]
    with time_machine.travel(datetime.now(UTC) + timedelta(days=9)):
        page = client.get(path)
    assert page.status_code == 400 and "a expiré" in text(page)


def test_a_new_invitation_replaces_older_links(db, client, invited, organizer):
    old = links(emails_to(db, invited.role_model.user.email)[0])["accept"]
    invited.link_version += 1  # what a re-invitation does
    db.session.flush()
    page = client.get(old)
    assert page.status_code == 400 and "remplacé" in text(page)


def test_accepting_over_a_busy_block_warns_first(db, client, invited):
    rm = invited.role_model
    calendar = ExternalCalendar(role_model=rm, url="https://calendar.example.org/me.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(BusyInterval(calendar_id=calendar.id, role_model_id=rm.id,
                                start_at=START + timedelta(hours=1), end_at=START + timedelta(hours=3)))
    db.session.flush()
    path = links(emails_to(db, rm.user.email)[0])["accept"]
    page = client.get(path).text
    assert "chevauche" in page and "un moment occupé dans votre agenda" in page
    token = csrf_token_from(page)

    # A POST without the explicit "accept anyway" (e.g. the clash appeared meanwhile) asks again.
    asked = client.post(path, data={"csrf_token": token})
    assert asked.status_code == 409 and "Accepter quand même" in text(asked)
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.INVITED

    done = client.post(path, data={"csrf_token": token, "despite_clashes": "1"})
    assert done.status_code == 200
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.ACCEPTED


def test_another_engagement_at_the_same_time_is_a_clash(db, invited, create_event, create_assignment):
    other = create_event(title="Table ronde à Lyon", start_at=START + timedelta(minutes=30))
    create_assignment(event=other, role_model=invited.role_model, status=AssignmentStatus.CONFIRMED)
    [clash] = answers.clashes(invited)
    assert clash.title == "Table ronde à Lyon"


def test_event_filled_meanwhile_shows_the_conflict_message(db, client, invited, create_assignment):
    invited.event.role_models_max = 1
    create_assignment(event=invited.event, status=AssignmentStatus.CONFIRMED)
    db.session.flush()
    path = links(emails_to(db, invited.role_model.user.email)[0])["accept"]
    token = csrf_token_from(text(client.get(path)))
    full = client.post(path, data={"csrf_token": token})
    assert full.status_code == 409 and "déjà complet" in text(full)
    db.session.refresh(invited)
    assert invited.status == AssignmentStatus.INVITED


def test_confirmation_and_cancellation_emails_carry_request_then_cancel(db, invited, organizer):
    assignments.accept(invited)
    assignments.confirm(organizer, invited)
    assignments.cancel(organizer, invited, reason="Classe en sortie")
    emails = emails_to(db, invited.role_model.user.email)
    assert [e.ics_method for e in emails] == ["REQUEST", "REQUEST", "CANCEL"]
    assert "STATUS:CONFIRMED" in emails[1].ics and "PARTSTAT=ACCEPTED" in emails[1].ics
    assert "STATUS:CANCELLED" in emails[2].ics and "Classe en sortie" in emails[2].body_text
    assert len({e.dedupe_key for e in emails}) == 3

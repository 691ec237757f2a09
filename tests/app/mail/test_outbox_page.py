"""The organizers' outbox page: every email of their scope (events, requests, applications), in
plain words, never a secret link, and a notice when the sender is not running."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db as _db
from app.models import AssignmentStatus, EmailStatus, OutboxEmail, RoleModelStatus, SchedulerLease
from app.models.types import utcnow
from app.services.common.errors import NotFound
from app.services.mail import outbox_desk
from app.services.pairing import answer_links
from app.services.pairing import board as pairing
from app.services.requests import emails as request_emails
from app.services.role_models import profiles

FEED_TOKEN = "feedtoken-0123456789abcdefghijklmnop"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def _seed(create_user, create_request, create_event, create_assignment, create_role_model, create_school):
    organizer = create_user(email="claire@example.org", academies=["paris"])
    request, followup = create_request()
    request_emails.request_received(request, followup_token=followup, feed_token=FEED_TOKEN)
    event = create_event(organizer=organizer)
    assignment = create_assignment(event=event)
    pairing.invite_many(organizer, [assignment.id], event=event)
    answer_token = answer_links.answer_token(assignment)
    applicant = create_role_model(status=RoleModelStatus.PENDING)
    profiles.decline(organizer, applicant, "Pas de filière industrielle.")
    lyon, _ = create_request(school=create_school(departement="69"))
    request_emails.request_received(lyon, followup_token="lyon-followup-token-0123456789", feed_token=FEED_TOKEN)
    profiles.send_sign_in_link(create_role_model().user.email)
    _db.session.flush()
    return organizer, followup, answer_token, assignment, lyon


def test_the_outbox_shows_every_email_of_the_scope_without_secret_links(
    db, client, auth, create_user, create_request, create_event, create_assignment, create_role_model, create_school
):
    organizer, followup, answer_token, assignment, lyon = _seed(
        create_user, create_request, create_event, create_assignment, create_role_model, create_school)
    assert assignment.status == AssignmentStatus.INVITED
    kinds = {e.kind for e in outbox_desk.list_emails(organizer)}
    assert kinds >= {"request_received", "assignment_invitation", "role_model_declined"}
    assert "magic_link" not in kinds  # sign-in emails are nobody's business
    assert all(e.request_id != lyon.id for e in outbox_desk.list_emails(organizer))

    auth.login(organizer.email)
    listing = _page(client, "/organisation/courriels")
    assert "<h1>Courriels</h1>" in listing and "Courriels envoyés" not in listing
    assert "En attente d'envoi" in listing and "Invitation d'agenda" in listing
    assert "Accusé de réception de demande" in listing and "Candidature refusée" in listing
    assert "REQUEST" not in listing
    for email in outbox_desk.list_emails(organizer):
        page = _page(client, f"/organisation/courriels/{email.id}")
        for secret in (followup, answer_token, FEED_TOKEN):
            assert secret not in page, (email.kind, secret)
        assert "Les liens personnels du destinataire sont masqués." in page
    received = next(e for e in outbox_desk.list_emails(organizer) if e.kind == "request_received")
    assert followup in received.body_text  # the email itself keeps its link
    assert "[lien personnel masqué]" in _page(client, f"/organisation/courriels/{received.id}")


def test_an_email_out_of_scope_is_missing(db, create_user, create_request, create_school):
    lyon, token = create_request(school=create_school(departement="69"))
    request_emails.request_received(lyon, followup_token=token, feed_token=FEED_TOKEN)
    email = _db.session.scalar(select(OutboxEmail).where(OutboxEmail.request_id == lyon.id))
    try:
        outbox_desk.get_email(create_user(academies=["paris"]), email.id)
    except NotFound:
        pass
    else:
        raise AssertionError("an email of Lyon is visible from Paris")
    assert outbox_desk.get_email(create_user(academies=["lyon"]), email.id) == email


def test_masking_keeps_ordinary_pages_and_hides_tokens():
    body = ("Suivi : https://r.example/demandes/suivi/AbCdEf0123456789xyz\n"
            "Agenda : webcal://r.example/feeds/schools/t.ics\n"
            "Confidentialité : https://r.example/confidentialite\n"
            "Répondre : https://r.example/espace/reponse?token=eyJhbGciOi.abc.def0123&action=accept")
    masked = outbox_desk.masked_text(body)
    assert "AbCdEf0123456789xyz" not in masked and "webcal" not in masked and "eyJhbGciOi" not in masked
    assert "https://r.example/confidentialite" in masked
    assert masked.count("[lien personnel masqué]") == 3


def test_the_sender_notice_shows_when_emails_wait_and_nobody_sends(db, client, auth, create_user, create_event):
    organizer = create_user(academies=["paris"])
    event = create_event(organizer=organizer)
    now = utcnow()
    _db.session.add(OutboxEmail(to_address="x@example.org", subject="Sujet", body_text="…", event_id=event.id,
                                status=EmailStatus.PENDING, next_attempt_at=now - timedelta(hours=1)))
    _db.session.flush()
    assert outbox_desk.sender_state(now=now).stalled
    auth.login(organizer.email)
    for url in ("/organisation/courriels", "/organisation/"):
        assert "L'envoi des courriels est à l'arrêt." in _page(client, url)
    # A sender that runs and keeps up: no notice.
    _db.session.add(SchedulerLease(name="scheduler", holder="h", acquired_at=now, heartbeat_at=now))
    _db.session.execute(OutboxEmail.__table__.update().values(next_attempt_at=now))
    _db.session.flush()
    assert not outbox_desk.sender_state(now=now).stalled


def test_searching_a_recipient_shows_what_she_was_sent(db, client, auth, create_user, create_request,
                                                      create_contact, create_school):
    organizer = create_user(academies=["paris"])
    school = create_school()
    request, token = create_request(school=school, contact=create_contact(school=school,
                                                                          email="m.durand@college.example"))
    request_emails.request_received(request, followup_token=token, feed_token=FEED_TOKEN)
    other, other_token = create_request()
    request_emails.request_received(other, followup_token=other_token, feed_token=FEED_TOKEN)
    assert [e.to_address for e in outbox_desk.list_emails(organizer, recipient="DURAND@college")] == [
        "m.durand@college.example"]
    assert outbox_desk.list_emails(organizer, recipient="100%") == []
    auth.login(organizer.email)
    page = _page(client, "/organisation/courriels?destinataire=durand")
    assert "m.durand@college.example" in page and other.contact.email not in page

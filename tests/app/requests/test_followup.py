"""The private follow-up page: an unguessable link, the status and history, the planned event
with only first names and jobs, the school's calendar link, and withdraw / cancel (each
changes the state once and tells the organizers once)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.feeds import tokens
from app.models import (
    AssignmentStatus,
    AuditEntry,
    EventSchool,
    EventStatus,
    FeedKind,
    FeedToken,
    OutboxEmail,
    RequestStatus,
    VisitRequest,
)
from app.services.requests import triage, visit_requests
from tests.app.conftest import csrf_token_from
from tests.support.school_requests import TODAY, followup_token_from, submit


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def organizer(create_user):
    return create_user(email="ambassadrice@example.org", full_name="Nadia Ambassadrice", academies=["paris"])


@pytest.fixture
def submitted(client, db, organizer):
    """A request made through the form: (request, follow-up token)."""
    submit(client)
    email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "sophie.martin@ac-paris.fr"))
    token = followup_token_from(email.body_text)
    return visit_requests.find_by_followup_token(token), token


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def organizer_emails(db, prefix: str) -> list[OutboxEmail]:
    return db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == "ambassadrice@example.org",
                                  OutboxEmail.subject.like(f"{prefix}%"))
    ).all()


def post_form(client, url: str, page_url: str, **data):
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}), token


def test_the_link_is_unguessable_and_only_its_hash_is_kept(db, submitted):
    request, token = submitted
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    assert request.followup_token_hash == hashlib.sha256(token.encode()).hexdigest()
    columns = db.session.execute(select(VisitRequest.__table__)).one()
    assert token not in [str(v) for v in columns]
    # The school-feed secret is not stored either, and differs from the follow-up token.
    feed = visit_requests.school_feed_token(token)
    assert feed != token and db.session.get(FeedToken, request.feed_token_id).token_hash == tokens.hash_token(feed)


@pytest.mark.parametrize("bad", ["nope", "A" * 43, "x" * 500])
def test_a_wrong_token_gives_404(client, submitted, bad):
    assert client.get(f"/demandes/suivi/{bad}").status_code == 404
    assert client.post(f"/demandes/suivi/{bad}/retrait").status_code in (400, 404)  # CSRF first, then 404


def test_the_page_shows_status_history_and_the_school_calendar(client, submitted):
    _, token = submitted
    response = client.get(f"/demandes/suivi/{token}")
    page = text(response)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer" and "no-store" in response.headers["Cache-Control"]
    assert "Suivi de votre demande" in page and '<strong>Reçue</strong>' in page
    assert "Demande envoyée" in page and "(vous)" in page
    feed = visit_requests.school_feed_token(token)
    assert f"/feeds/schools/{feed}.ics" in page and f'href="webcal://localhost/feeds/schools/{feed}.ics"' in page
    for app_name in ("Google Agenda", "Outlook", "Calendrier d'Apple"):
        assert app_name in page
    assert "Retirer ma demande" in page and "Annuler la rencontre</button>" not in page
    assert "Sophie Martin" not in page  # nothing personal on a page reachable by link


def test_the_event_shows_only_first_names_and_jobs_of_those_who_said_yes(
        client, db, submitted, create_event, create_role_model, create_assignment):
    request, token = submitted
    request.status = RequestStatus.SCHEDULED
    event = create_event(visit_request=request, status=EventStatus.CONFIRMED, title="Intervention au collège",
                         start_at=datetime(2027, 1, 14, 8, 0, tzinfo=UTC))
    yes = create_role_model(first_name="Inès", last_name="Durand", job_title="Ingénieure procédés")
    accepted = create_role_model(first_name="Léa", last_name="Moreau", job_title="Soudeuse")
    maybe = create_role_model(first_name="Paul", last_name="Bernard", job_title="Technicien")
    create_assignment(event=event, role_model=yes, status=AssignmentStatus.CONFIRMED)
    create_assignment(event=event, role_model=accepted, status=AssignmentStatus.ACCEPTED)
    create_assignment(event=event, role_model=maybe, status=AssignmentStatus.INVITED)
    db.session.commit()
    page = text(client.get(f"/demandes/suivi/{token}"))
    assert "Intervention au collège" in page and "jeudi 14 janvier 2027, 09:00" in page
    assert "Inès, Ingénieure procédés" in page and "Léa, Soudeuse" in page
    assert "Paul" not in page and "Durand" not in page and "Moreau" not in page
    assert "@" not in page.split("<footer")[0].split("</form>")[-1]
    assert "Annuler la rencontre</button>" in page and "Retirer ma demande" not in page


def test_withdraw_changes_the_state_once_and_tells_the_organizers_once(client, db, submitted):
    request, token = submitted
    page = f"/demandes/suivi/{token}"
    first, csrf = post_form(client, f"{page}/retrait", page, **{"reason": "Sortie scolaire le même jour."})
    assert first.status_code == 302
    db.session.refresh(request)
    assert request.status == RequestStatus.WITHDRAWN and request.status_reason == "Sortie scolaire le même jour."
    assert "Votre demande est retirée" in text(client.get(page))
    second = client.post(f"{page}/retrait", data={"csrf_token": csrf})  # a double click
    assert second.status_code == 302
    assert "ne peut plus être retirée" in text(client.get(page))
    told = organizer_emails(db, "Demande retirée")
    assert len(told) == 1 and "Sortie scolaire le même jour." in told[0].body_text
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "visit_request",
                                                                 AuditEntry.subject_id == request.id)).all()
    assert actions == ["request.submitted", "request.withdrawn"]


@pytest.fixture
def scheduled(client, db, submitted, create_event, create_assignment):
    request, token = submitted
    request.status = RequestStatus.SCHEDULED
    event = create_event(visit_request=request, status=EventStatus.CONFIRMED, title="Intervention au collège",
                         start_at=TODAY + timedelta(days=20))
    event.schools.append(EventSchool(school=request.school, class_level="4e", headcount=28, girls_count=13))
    create_assignment(event=event, status=AssignmentStatus.CONFIRMED)
    db.session.commit()
    return request, event, token


def test_cancel_needs_a_reason_shown_next_to_the_field(client, db, scheduled):
    request, event, token = scheduled
    page = f"/demandes/suivi/{token}"
    response, _ = post_form(client, f"{page}/annulation", page, **{"reason": "   "})
    assert response.status_code == 422
    body = text(response)
    assert re.search(r'<p class="error" id="reason-error">Indiquez la raison', body)
    assert 'aria-invalid="true"' in body and 'href="#reason"' in body
    db.session.refresh(event)
    assert event.status == EventStatus.CONFIRMED and not organizer_emails(db, "Rencontre annulée")


def test_cancel_a_confirmed_visit_once(client, db, scheduled):
    request, event, token = scheduled
    page = f"/demandes/suivi/{token}"
    response, csrf = post_form(client, f"{page}/annulation", page,
                               **{"reason": "Fermeture de l'établissement (travaux)."})
    assert response.status_code == 302
    db.session.refresh(event)
    db.session.refresh(request)
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "Fermeture de l'établissement (travaux)."
    assert request.status == RequestStatus.WITHDRAWN
    assert all(a.status == AssignmentStatus.CANCELLED for a in event.assignments)
    followup = text(client.get(page))
    assert "La rencontre est annulée" in followup and "Retirée" in followup
    again = client.post(f"{page}/annulation", data={"csrf_token": csrf, "reason": "Encore."})
    assert again.status_code == 302 and "ne peut plus être annulée" in text(client.get(page))
    told = organizer_emails(db, "Rencontre annulée par l'établissement")
    assert len(told) == 1 and "travaux" in told[0].body_text and told[0].event_id == event.id


def test_a_past_visit_cannot_be_cancelled_online(client, db, scheduled):
    request, event, token = scheduled
    with time_machine.travel(TODAY + timedelta(days=21), tick=False):
        assert "Annuler la rencontre</button>" not in text(client.get(f"/demandes/suivi/{token}"))
        with pytest.raises(Exception) as caught:
            visit_requests.cancel_visit(request, reason="trop tard")
        assert getattr(caught.value, "code", "") == "visit_not_open"


def test_a_revoked_feed_link_is_not_shown(client, db, submitted):
    request, token = submitted
    tokens.issue(FeedKind.SCHOOL, school=request.school)  # an organizer resets the school's links
    db.session.commit()
    page = text(client.get(f"/demandes/suivi/{token}"))
    assert "/feeds/schools/" not in page and "a été désactivé" in page


def test_organizer_queue_lists_new_requests_in_scope(db, submitted, organizer, create_user):
    request, _ = submitted
    assert [r.id for r in triage.list_requests(organizer)] == [request.id]
    assert triage.list_requests(create_user(academies=["lyon"])) == []
    assert db.session.scalar(select(func.count()).select_from(VisitRequest)) == 1


def test_the_calendar_link_serves_the_schools_visit(client, db, scheduled):
    request, event, token = scheduled
    page = text(client.get(f"/demandes/suivi/{token}"))
    path = re.search(r'id="feed-url" value="http://localhost(/feeds/schools/[^"]+\.ics)"', page).group(1)
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert event.uid in feed.get_data(as_text=True).replace("\r\n ", "")


def test_the_school_learns_when_its_role_models_are_confirmed(
        client, db, submitted, organizer, create_role_model, create_assignment):
    from app.models import EventType
    from app.services.events import lifecycle
    from app.services.pairing import assignments

    request, token = submitted
    start = datetime(2027, 1, 14, 8, 0, tzinfo=UTC)
    event = lifecycle.schedule_request(organizer, request, lifecycle.EventData(
        type=EventType.SCHOOL_VISIT, title="Intervention au collège", start_at=start,
        end_at=start + timedelta(hours=2), departement="75"))
    ines = create_assignment(event=event, role_model=create_role_model(
        first_name="Inès", last_name="Durand", job_title="Ingénieure procédés"))
    assignments.invite(organizer, ines)
    assignments.accept(ines)
    db.session.commit()
    page = text(client.get(f"/demandes/suivi/{token}"))
    assert "Programmée — en attente de la confirmation des intervenant·es" in page
    assert "jeudi 14 janvier 2027, 09:00" in page and "11:00" in page  # its start and its end
    scheduled_ics = db.session.scalar(select(OutboxEmail.ics).where(
        OutboxEmail.to_address == "sophie.martin@ac-paris.fr", OutboxEmail.ics_method == "REQUEST"))
    assert "STATUS:TENTATIVE" in scheduled_ics  # no role model confirmed yet

    sequence = event.sequence
    assignments.confirm(organizer, ines)
    db.session.commit()
    assert event.status == EventStatus.CONFIRMED and event.sequence == sequence + 1
    [told] = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "sophie.martin@ac-paris.fr",
                                                           OutboxEmail.subject.like("Rencontre confirmée%"))).all()
    assert "les intervenant·es sont confirmé·es" in told.body_text
    assert "Inès — Ingénieure procédés" in told.body_text and "Durand" not in told.body_text
    assert "lien de suivi" in told.body_text
    ics = told.ics.replace("\r\n ", "")
    assert told.ics_method == "REQUEST" and "STATUS:CONFIRMED" in ics and f"SEQUENCE:{event.sequence}" in ics
    assert "Durand" not in ics
    page = text(client.get(f"/demandes/suivi/{token}"))
    assert "Confirmée" in page and "en attente de la confirmation" not in page
    assert "Intervenant·es confirmé·es : la rencontre est confirmée" in page

    lifecycle.reschedule_event(organizer, event, start_at=start + timedelta(days=1),
                               end_at=start + timedelta(days=1, hours=2))
    db.session.commit()
    page = text(client.get(f"/demandes/suivi/{token}"))
    assert "Rencontre replanifiée" in page and "vendredi 15 janvier 2027, 09:00" in page
    assert "Programmée — en attente de la confirmation des intervenant·es" in page
    history = page.split("Historique")[1].split("</ol>")[0]
    assert history.index("Rencontre programmée") < history.index("Intervenant·es confirmé·es") \
        < history.index("Rencontre replanifiée")

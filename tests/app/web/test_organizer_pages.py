"""Organizer pages through the HTTP client: forms keep what was typed and show errors next to
fields, actions go through services and commit, bad input never gives a 500."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.feeds import tokens
from app.models import AssignmentStatus, EmailStatus, Event, EventStatus, FeedKind, OutboxEmail, RequestStatus
from tests.app.conftest import csrf_token_from


@pytest.fixture
def organizer(create_user, auth):
    user = create_user(email="claire@example.org", academies=["paris"])
    auth.login("claire@example.org")
    return user


def _token(client, url):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _slot(**kw):
    data = {"type": "school_visit", "title": "Intervention en 4e", "day": "2027-03-16", "start_time": "09:00",
            "end_time": "11:00", "timezone": "Europe/Paris", "departement": "75", "venue": "Collège",
            "role_models_min": "1", "role_models_max": "2"}
    data.update(kw)
    return data


def test_confirm_a_slot_from_the_request_page(db, client, organizer, create_request):
    request, _ = create_request(windows=[(date(2027, 3, 15), date(2027, 3, 19))])
    page = client.get(f"/organisation/demandes/{request.id}")
    assert page.status_code == 200 and "Confirmer ce créneau" in page.get_data(as_text=True)
    response = client.post(f"/organisation/demandes/{request.id}/programmer",
                           data={**_slot(), "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.visit_request_id == request.id))
    assert response.headers["Location"].endswith(f"/organisation/evenements/{event.id}")
    assert event.start_at == datetime(2027, 3, 16, 8, 0, tzinfo=UTC)  # 9:00 in Paris
    db.session.refresh(request)
    assert request.status == RequestStatus.SCHEDULED


def test_a_suggested_slot_prefills_the_form(db, client, organizer, create_request):
    request, _ = create_request()
    html = client.get(f"/organisation/demandes/{request.id}?debut=2027-03-16T08:00:00%2B00:00"
                      "&fin=2027-03-16T10:00:00%2B00:00").get_data(as_text=True)
    assert 'value="2027-03-16"' in html and 'value="09:00"' in html and 'value="11:00"' in html
    assert client.get(f"/organisation/demandes/{request.id}?debut=nonsense").status_code == 200


def test_slot_errors_are_shown_next_to_fields_and_typing_is_kept(db, client, organizer, create_request):
    request, _ = create_request()
    token = _token(client, f"/organisation/demandes/{request.id}")
    response = client.post(f"/organisation/demandes/{request.id}/programmer",
                           data={**_slot(end_time="08:00", title="Mon titre à garder", departement="00"),
                                 "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="end_time-error"[^>]*>La fin doit être après le début', html)
    assert 'id="departement-error"' in html and "Mon titre à garder" in html
    response = client.post(f"/organisation/demandes/{request.id}/programmer",
                           data={**_slot(day="31/02/2027", role_models_max="beaucoup"), "csrf_token": token})
    assert response.status_code == 422 and 'id="day-error"' in response.get_data(as_text=True)
    assert 'id="role_models_max-error"' in response.get_data(as_text=True)
    db.session.refresh(request)
    assert request.status == RequestStatus.SUBMITTED


def test_create_edit_reschedule_and_cancel_an_event(db, client, organizer):
    token = _token(client, "/organisation/evenements/nouveau")
    response = client.post("/organisation/evenements/nouveau", data={
        **_slot(type="conference", title="Conférence Industrie", capacity="120", is_public="y", role_models_max="3"),
        "programmer": "1", "csrf_token": token})
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "Conférence Industrie"))
    assert event.status == EventStatus.SCHEDULED and event.capacity == 120 and event.is_public
    url = f"/organisation/evenements/{event.id}"
    response = client.post(url + "/modifier", data={**_slot(type="conference", title="Conférence Industrie 2027",
                                                           role_models_max="3"), "csrf_token": token})
    assert response.status_code == 302
    response = client.post(url + "/deplacer", data={"move-day": "2027-03-18", "move-start_time": "14:00",
                                                    "move-end_time": "16:00", "move-csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.start_at == datetime(2027, 3, 18, 13, 0, tzinfo=UTC) and event.sequence == 2
    response = client.post(url + "/annuler", data={"cancel-reason": "", "cancel-csrf_token": token})
    assert response.status_code == 422 and 'id="cancel-reason-error"' in response.get_data(as_text=True)
    response = client.post(url + "/annuler", data={"cancel-reason": "Salle indisponible", "cancel-csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED
    html = client.get(url).get_data(as_text=True)
    assert "Salle indisponible" in html and "Événement annulé" in html  # banner and audit trail
    response = client.post(url + "/annuler", data={"cancel-reason": "Encore", "cancel-csrf_token": token})
    assert response.status_code == 409


def test_invite_then_confirm_from_the_pairing_board(db, client, organizer, create_event, create_assignment):
    event = create_event(organizer=organizer, role_models_max=2)
    proposals = [create_assignment(event=event, explanation={"satisfied": ["topic"]}, score=0.9) for _ in range(3)]
    url = f"/organisation/evenements/{event.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Thèmes en phase avec la demande" in html
    token = csrf_token_from(html)
    response = client.post(url + "/intervenants/inviter",
                           data={"assignment": [str(proposals[0].id), str(proposals[1].id)], "csrf_token": token})
    assert response.status_code == 302
    for a in proposals:
        db.session.refresh(a)
    assert [a.status for a in proposals] == [
        AssignmentStatus.INVITED, AssignmentStatus.INVITED, AssignmentStatus.PROPOSED
    ]
    proposals[0].status = AssignmentStatus.ACCEPTED
    db.session.flush()
    response = client.post(f"/organisation/participations/{proposals[0].id}/confirmer", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(proposals[0])
    db.session.refresh(event)
    assert proposals[0].status == AssignmentStatus.CONFIRMED and event.status == EventStatus.CONFIRMED
    response = client.post(f"/organisation/participations/{proposals[1].id}/remplacer",
                           data={"replacement": str(proposals[2].id), "csrf_token": token})
    db.session.refresh(proposals[1])
    db.session.refresh(proposals[2])
    assert proposals[1].status == AssignmentStatus.CANCELLED and proposals[2].status == AssignmentStatus.INVITED


def test_week_and_month_views_show_events_of_the_period(db, client, organizer, create_event):
    create_event(title="Table ronde à Paris", start_at=datetime(2027, 3, 16, 8, tzinfo=UTC))
    create_event(title="Visite annulée", status=EventStatus.CANCELLED,
                 start_at=datetime(2027, 3, 17, 8, tzinfo=UTC))
    week = client.get("/organisation/evenements/semaine?date=2027-03-18").get_data(as_text=True)
    assert "Table ronde à Paris" in week and "<s>Visite annulée</s>" in week
    assert "mardi 16 mars" in week
    month = client.get("/organisation/evenements/mois?date=2027-03-01").get_data(as_text=True)
    assert "Table ronde à Paris" in month and "Mars 2027" in month
    assert "Table ronde" not in client.get("/organisation/evenements/semaine?date=2027-03-25").get_data(as_text=True)
    for bad in ("date=", "date=2027-13-45", "date=%00"):
        assert client.get(f"/organisation/evenements/semaine?{bad}").status_code == 200


def test_csv_export_download(db, client, organizer, create_event):
    create_event(start_at=datetime(2027, 3, 16, 8, tzinfo=UTC))
    response = client.get("/organisation/exports/evenements.csv?start=2027-03-01&end=2027-03-31")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="evenements-20270301-20270331.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbfIdentifiant;Type;")
    bad = client.get("/organisation/exports/demandes.csv?start=2027-03-31&end=2027-03-01")
    assert bad.status_code == 422 and 'id="end-error"' in bad.get_data(as_text=True)


def test_personal_feed_is_shown_once_and_regenerating_revokes_the_old_one(db, client, organizer):
    page = client.get("/organisation/agenda").get_data(as_text=True)
    assert "pas encore d'adresse" in page
    html = client.post("/organisation/agenda", data={"csrf_token": csrf_token_from(page)}).get_data(as_text=True)
    first = re.search(r"/feeds/organizers/([A-Za-z0-9_-]+)\.ics", html).group(1)
    assert "webcal://" in html
    assert tokens.resolve(FeedKind.ORGANIZER, first) is not None
    again = client.get("/organisation/agenda").get_data(as_text=True)
    assert first not in again and "existe depuis" in again
    client.post("/organisation/agenda", data={"csrf_token": csrf_token_from(again)})
    assert tokens.resolve(FeedKind.ORGANIZER, first) is None


def test_outbox_page_and_sending_a_failed_email_again(db, client, organizer, create_event):
    event = create_event()
    failed = OutboxEmail(to_address="prof@example.org", subject="Rencontre confirmée", body_text="Bonjour",
                         event_id=event.id, status=EmailStatus.FAILED, attempts=8, last_error="550 mailbox unavailable")
    db.session.add(failed)
    db.session.flush()
    html = client.get("/organisation/courriels?statut=failed").get_data(as_text=True)
    assert "Rencontre confirmée" in html and "550 mailbox unavailable" in html and "Échec (1)" in html
    token = _token(client, f"/organisation/courriels/{failed.id}")
    assert client.post(f"/organisation/courriels/{failed.id}/renvoyer", data={"csrf_token": token}).status_code == 302
    db.session.refresh(failed)
    assert failed.status == EmailStatus.PENDING and failed.attempts == 0


def test_request_queue_page_filters(db, client, organizer, create_request, create_school):
    create_request(school=create_school(name="Collège Marie Curie"))
    create_request(school=create_school(name="Lycée Jules Verne"), status=RequestStatus.DECLINED)
    html = client.get("/organisation/demandes").get_data(as_text=True)
    assert "Collège Marie Curie" in html and "Lycée Jules Verne" not in html
    html = client.get("/organisation/demandes?statut=declined&tri=nonsense&du=x").get_data(as_text=True)
    assert "Lycée Jules Verne" in html and "Collège Marie Curie" not in html


def test_decline_a_request(db, client, organizer, create_request):
    request, _ = create_request()
    token = _token(client, f"/organisation/demandes/{request.id}")
    response = client.post(f"/organisation/demandes/{request.id}/decliner",
                           data={"decline-reason": "", "decline-csrf_token": token})
    assert response.status_code == 422 and 'id="decline-reason-error"' in response.get_data(as_text=True)
    response = client.post(f"/organisation/demandes/{request.id}/decliner",
                           data={"decline-reason": "Période trop chargée", "decline-csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == RequestStatus.DECLINED and request.status_reason == "Période trop chargée"


def test_unknown_ids_are_404(db, client, organizer):
    for url in ("/organisation/demandes/999999", "/organisation/evenements/999999", "/organisation/intervenants/999999",
                "/organisation/courriels/999999", "/organisation/evenements/999999/modifier"):
        assert client.get(url).status_code == 404, url


def test_matching_proposes_on_the_event_page_and_over_a_period(db, client, organizer, create_event, create_role_model):
    create_role_model(first_name="Amina")
    create_role_model(first_name="Chloé")
    event = create_event(organizer=organizer, role_models_max=2, start_at=datetime(2027, 3, 16, 8, tzinfo=UTC))
    other = create_event(organizer=organizer, start_at=datetime(2027, 3, 18, 8, tzinfo=UTC))
    url = f"/organisation/evenements/{event.id}"
    token = _token(client, url)
    assert client.post(url + "/intervenants/proposer", data={"csrf_token": token}).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "2 propositions ajoutées." in html and "Amina" in html and "Chloé" in html
    response = client.post("/organisation/planification/lancer",
                           data={"start": "2027-03-15", "end": "2027-03-21", "csrf_token": token})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 proposition pour" in html and other.title in html

"""Organizer pages: nobody sees or acts outside their scope (out-of-scope objects are 404, as if
they did not exist), and role models, schools and visitors cannot reach them at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_login.utils import _create_identifier

from app.models import AssignmentStatus, EmailStatus, EventStatus, OutboxEmail, RequestStatus, UserRole
from tests.app.conftest import csrf_token_from

PAGES = [
    "/organisation/", "/organisation/demandes", "/organisation/evenements", "/organisation/evenements/semaine",
    "/organisation/evenements/mois", "/organisation/evenements/nouveau", "/organisation/planification",
    "/organisation/intervenants", "/organisation/courriels", "/organisation/exports", "/organisation/agenda",
    "/organisation/exports/evenements.csv?start=2027-01-01&end=2027-12-31",
]


@pytest.fixture
def lyon_world(db, create_user, create_school, create_request, create_event, create_assignment, create_role_model):
    """Things in Lyon, and an organizer of Paris who must not see them."""
    create_user(email="paris@example.org", academies=["paris"])
    school = create_school(departement="69", name="Collège de Lyon")
    request, token = create_request(school=school)
    event = create_event(departement="69", title="Visite lyonnaise", start_at=datetime(2027, 3, 16, 8, tzinfo=UTC))
    assignment = create_assignment(event=event, role_model=create_role_model(departements=["69"]))
    mail = OutboxEmail(to_address="x@example.org", subject="Lyon", body_text="…", event_id=event.id,
                       status=EmailStatus.FAILED)
    db.session.add(mail)
    db.session.flush()
    return request, token, event, assignment, mail


def test_out_of_scope_objects_are_not_found(client, auth, lyon_world):
    request, _, event, assignment, mail = lyon_world
    auth.login("paris@example.org")
    for url in (f"/organisation/demandes/{request.id}", f"/organisation/evenements/{event.id}",
                f"/organisation/evenements/{event.id}/modifier",
                f"/organisation/intervenants/{assignment.role_model_id}", f"/organisation/courriels/{mail.id}"):
        assert client.get(url).status_code == 404, url
    assert "Collège de Lyon" not in client.get("/organisation/demandes?statut=all").get_data(as_text=True)
    assert "Visite lyonnaise" not in client.get(
        "/organisation/evenements/semaine?date=2027-03-16"
    ).get_data(as_text=True)
    assert "Visite lyonnaise" not in client.get("/organisation/evenements?du=2027-01-01").get_data(as_text=True)
    assert "Lyon" not in client.get("/organisation/courriels").get_data(as_text=True)
    assert b"Visite lyonnaise" not in client.get(
        "/organisation/exports/evenements.csv?start=2027-01-01&end=2027-12-31"
    ).data


def test_out_of_scope_actions_change_nothing(db, client, auth, lyon_world):
    request, _, event, assignment, mail = lyon_world
    auth.login("paris@example.org")
    token = csrf_token_from(client.get("/organisation/evenements/nouveau").get_data(as_text=True))
    posts = [
        (f"/organisation/demandes/{request.id}/programmer", {"csrf_token": token}),
        (f"/organisation/demandes/{request.id}/decliner", {"decline-reason": "x", "decline-csrf_token": token}),
        (f"/organisation/demandes/{request.id}/prise-en-charge", {"csrf_token": token}),
        (f"/organisation/evenements/{event.id}/annuler", {"cancel-reason": "x", "cancel-csrf_token": token}),
        (f"/organisation/evenements/{event.id}/deplacer", {"move-csrf_token": token}),
        (f"/organisation/evenements/{event.id}/intervenants/inviter",
         {"assignment": str(assignment.id), "csrf_token": token}),
        (f"/organisation/participations/{assignment.id}/confirmer", {"csrf_token": token}),
        (f"/organisation/participations/{assignment.id}/retirer",
         {f"remove{assignment.id}-reason": "x", "csrf_token": token}),
        (f"/organisation/intervenants/{assignment.role_model_id}/pause", {"csrf_token": token}),
        (f"/organisation/courriels/{mail.id}/renvoyer", {"csrf_token": token}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 404, url
    # Invitations in bulk from the period screen silently skip what is out of scope.
    client.post("/organisation/planification/inviter", data={"assignment": str(assignment.id), "csrf_token": token})
    for obj in (request, event, assignment, mail):
        db.session.refresh(obj)
    assert request.status == RequestStatus.SUBMITTED and event.status == EventStatus.SCHEDULED
    assert assignment.status == AssignmentStatus.PROPOSED and mail.status == EmailStatus.FAILED


def test_creating_an_event_outside_the_scope_is_refused(db, client, auth, lyon_world):
    auth.login("paris@example.org")
    token = csrf_token_from(client.get("/organisation/evenements/nouveau").get_data(as_text=True))
    response = client.post("/organisation/evenements/nouveau", data={
        "type": "conference", "title": "À Lyon", "day": "2027-03-16", "start_time": "09:00", "end_time": "11:00",
        "timezone": "Europe/Paris", "departement": "69", "role_models_min": "1", "role_models_max": "1",
        "csrf_token": token})
    assert response.status_code == 403


def test_an_admin_sees_everything(db, client, auth, create_user, lyon_world):
    create_user(email="admin@example.org", role=UserRole.ADMIN)
    auth.login("admin@example.org")
    request, _, event, _, mail = lyon_world
    for url in (f"/organisation/demandes/{request.id}", f"/organisation/evenements/{event.id}",
                f"/organisation/courriels/{mail.id}"):
        assert client.get(url).status_code == 200, url


def test_visitors_are_sent_to_sign_in(client, db):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"], url


def test_a_school_follow_up_link_opens_no_organizer_page(client, lyon_world):
    _, token, *_ = lyon_world
    client.get(f"/demandes/suivi/{token}")
    for url in PAGES:
        assert client.get(url).status_code == 302, url


def test_role_models_cannot_reach_organizer_pages(app, db, client, create_role_model):
    user = create_role_model().user
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what Flask-Login's strong session protection checks
    with client.session_transaction() as session:  # signed in, as through the portal's magic link
        session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})
    for url in PAGES:
        assert client.get(url).status_code == 403, url  # signed in (not sent to sign in), refused
    assert client.post("/organisation/agenda", data={}).status_code in (400, 403)

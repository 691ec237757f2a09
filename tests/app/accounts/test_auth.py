"""Organizer sign-in: passwords, sessions, CSRF and safe redirects."""

from __future__ import annotations

import pytest

from app.models import UserRole
from app.web.redirects import safe_next_url
from tests.support.factories import PASSWORD


def test_login_then_dashboard_then_logout(client, auth, create_user, db):
    user = create_user(email="claire@example.org", academies=["lyon"])
    response = auth.login("Claire@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organisation/")
    page = client.get("/organisation/")
    assert page.status_code == 200
    assert "Tableau de bord" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.last_login_at is not None

    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/organisation/").status_code == 302  # back to the login page


def test_wrong_password_shows_a_french_error(client, auth, create_user):
    create_user(email="claire@example.org")
    response = auth.login("claire@example.org", "not the password")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)


def test_unknown_email_gives_the_same_error(client, auth):
    response = auth.login("nobody@example.org", "whatever")
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)


def test_empty_form_shows_field_errors(client):
    from tests.app.conftest import csrf_token_from

    token = csrf_token_from(client.get("/connexion").get_data(as_text=True))
    page = client.post("/connexion", data={"csrf_token": token}).get_data(as_text=True)
    assert "Indiquez votre adresse e-mail." in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="email-error"' in page


def test_disabled_user_cannot_sign_in(client, auth, create_user):
    create_user(email="gone@example.org", is_enabled=False)
    response = auth.login("gone@example.org")
    assert response.status_code == 200
    assert client.get("/organisation/").status_code == 302


def test_role_models_cannot_use_the_organizer_login(client, auth, create_user):
    create_user(email="marraine@example.org", role=UserRole.ROLE_MODEL)
    auth.login("marraine@example.org")
    assert client.get("/organisation/").status_code == 302


def test_login_without_csrf_token_is_rejected(client, create_user):
    create_user(email="claire@example.org")
    response = client.post("/connexion", data={"email": "claire@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "formulaire a expiré" in response.get_data(as_text=True)
    assert client.get("/organisation/").status_code == 302


def test_logout_without_csrf_token_is_rejected(client, auth, create_user):
    create_user(email="claire@example.org")
    auth.login("claire@example.org")
    assert client.post("/deconnexion").status_code == 400
    assert client.get("/organisation/").status_code == 200


def test_logout_by_get_is_not_allowed(client, auth, create_user):
    create_user(email="claire@example.org")
    auth.login("claire@example.org")
    assert client.get("/deconnexion").status_code == 405


def test_next_inside_the_site_is_followed(client, auth, create_user):
    create_user(email="claire@example.org")
    response = auth.login("claire@example.org", next_url="/organisation/?tab=events")
    assert response.headers["Location"] == "/organisation/?tab=events"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
     "http:/evil.example", "evil.example", "/%0d%0aLocation:%20https://evil.example"],
)
def test_open_redirects_are_refused(client, auth, create_user, target):
    create_user(email="claire@example.org")
    response = auth.login("claire@example.org", next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/organisation/", location


@pytest.mark.parametrize("target", ["//x", "https://x", "/\\x", "x", "", None, "/ok\n"])
def test_safe_next_url_falls_back(target):
    assert safe_next_url(target, "/home") == "/home"


def test_ending_every_session_by_bumping_the_version(client, auth, create_user, db):
    user = create_user(email="claire@example.org")
    auth.login("claire@example.org")
    assert client.get("/organisation/").status_code == 200
    user.session_version += 1
    db.session.commit()
    assert client.get("/organisation/").status_code == 302


def test_organizer_pages_need_login(client):
    response = client.get("/organisation/")
    assert response.status_code == 302
    assert "/connexion?next=" in response.headers["Location"]


def test_english_is_available(client):
    page = client.get("/connexion?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert client.get("/connexion").get_data(as_text=True).startswith("<!doctype html>\n<html lang=\"en\">")


def test_french_by_default(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Espace organisateurs" in page

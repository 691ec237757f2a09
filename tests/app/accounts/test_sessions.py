"""Signing out ends every session of the person: the session cookie and the remember-me cookie
copied before sign-out, a password change or "sign out everywhere" no longer open anything."""

from __future__ import annotations

import pytest

from tests.app.conftest import csrf_token_from
from tests.support.factories import PASSWORD
from tests.support.portal import sign_in

NEW_PASSWORD = "gravier lanterne hibou 1987"


@pytest.fixture
def app_config() -> dict:
    # Per-address rate limits are tested elsewhere; here many browsers share one address.
    return {"RATELIMIT_ENABLED": False}


def login(client, email: str, password: str = PASSWORD, *, remember: bool = True):
    token = csrf_token_from(client.get("/connexion").get_data(as_text=True))
    response = client.post("/connexion", data={"email": email, "password": password, "csrf_token": token,
                                               "remember": "y" if remember else ""})
    assert response.status_code == 302, response.status_code
    return response


def cookies_of(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def browser_with(app, **cookies):
    """Another browser holding nothing but these cookies (as someone who copied them would)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def post_button(client, page: str, action: str, **data):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


@pytest.fixture
def organizer(create_user):
    return create_user(email="claire@example.org", full_name="Claire Martin", academies=["lyon"])


def test_old_cookies_no_longer_open_anything_after_sign_out(app, client, organizer):
    login(client, organizer.email)
    copied = cookies_of(client)
    assert set(copied) == {"session", "remember_token"}
    assert browser_with(app, **copied).get("/organisation/").status_code == 200

    post_button(client, "/organisation/", "/deconnexion")

    assert client.get("/organisation/").status_code == 302
    assert browser_with(app, session=copied["session"]).get("/organisation/").status_code == 302
    assert browser_with(app, remember_token=copied["remember_token"]).get("/organisation/").status_code == 302


def test_signing_out_ends_the_sessions_of_other_browsers_too(app, client, organizer):
    login(client, organizer.email)
    laptop = app.test_client()
    login(laptop, organizer.email)
    post_button(client, "/organisation/", "/deconnexion")
    assert laptop.get("/organisation/").status_code == 302
    # Signing in again works, with new cookies.
    login(client, organizer.email)
    assert client.get("/organisation/").status_code == 200


def test_sign_out_everywhere_from_another_browser(app, client, organizer):
    login(client, organizer.email)
    copied = cookies_of(client)
    phone = app.test_client()
    login(phone, organizer.email, remember=False)
    page = phone.get("/organisation/api").get_data(as_text=True)
    assert "Me déconnecter de tous les appareils" in page

    response = post_button(phone, "/organisation/api", "/deconnexion-partout")

    assert response.status_code == 302
    assert phone.get("/organisation/").status_code == 302
    assert client.get("/organisation/").status_code == 302
    assert browser_with(app, remember_token=copied["remember_token"]).get("/organisation/").status_code == 302


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, organizer, db):
    login(client, organizer.email)
    other = app.test_client()
    login(other, organizer.email)
    copied = cookies_of(other)

    response = post_button(client, "/organisation/api", "/organisation/mot-de-passe",
                           current_password=PASSWORD, new_password=NEW_PASSWORD)

    assert response.status_code == 302
    assert client.get("/organisation/").status_code == 200
    assert other.get("/organisation/").status_code == 302
    assert browser_with(app, remember_token=copied["remember_token"]).get("/organisation/").status_code == 302
    # The remember-me cookie of this browser was renewed with the new version: it still works alone.
    renewed = cookies_of(client)["remember_token"]
    assert browser_with(app, remember_token=renewed).get("/organisation/").status_code == 200
    db.session.refresh(organizer)
    assert organizer.check_password(NEW_PASSWORD) and not organizer.check_password(PASSWORD)


@pytest.mark.parametrize(("current", "new", "field", "words"), [
    ("not my password", NEW_PASSWORD, "current_password", "pas votre mot de passe actuel"),
    (PASSWORD, "court", "new_password", "12 caractères au moins"),
    (PASSWORD, "azertyuiop123", "new_password", "trop courant"),
    (PASSWORD, "claire.martin@example.org", "new_password", "trop courant"),
])
def test_password_change_is_refused_with_a_field_message(app, client, organizer, db, current, new, field, words):
    login(client, organizer.email)
    other = app.test_client()
    login(other, organizer.email)

    response = post_button(client, "/organisation/api", "/organisation/mot-de-passe",
                           current_password=current, new_password=new)

    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and words in page
    assert other.get("/organisation/").status_code == 200  # nothing changed
    db.session.refresh(organizer)
    assert organizer.check_password(PASSWORD)


def test_role_model_sign_out_ends_the_remember_me_cookie(app, client, create_role_model):
    rm = create_role_model()
    sign_in(client, rm.user)
    copied = cookies_of(client)
    assert "remember_token" in copied
    assert browser_with(app, remember_token=copied["remember_token"]).get("/espace/").status_code == 200

    post_button(client, "/espace/", "/deconnexion")

    assert browser_with(app, session=copied["session"]).get("/espace/").status_code == 302
    assert browser_with(app, remember_token=copied["remember_token"]).get("/espace/").status_code == 302


def test_role_model_signs_out_everywhere_from_her_data_page(app, client, db, create_role_model):
    rm = create_role_model()
    sign_in(client, rm.user)
    db.session.refresh(rm.user)  # the first link is used up: the next one is made from the new stamp
    tablet = app.test_client()
    sign_in(tablet, rm.user)
    page = tablet.get("/espace/mes-donnees").get_data(as_text=True)
    assert "Me déconnecter de tous les appareils" in page

    post_button(tablet, "/espace/mes-donnees", "/deconnexion-partout")

    assert client.get("/espace/").status_code == 302
    assert tablet.get("/espace/").status_code == 302


def test_sign_out_everywhere_needs_a_signed_in_post_with_csrf(client, organizer):
    assert client.post("/deconnexion-partout").status_code in (302, 400)
    login(client, organizer.email)
    assert client.post("/deconnexion-partout").status_code == 400
    assert client.get("/deconnexion-partout").status_code == 405
    assert client.get("/organisation/").status_code == 200


def test_private_pages_are_not_stored_by_browsers(client, organizer, create_role_model):
    login(client, organizer.email)
    for path in ("/organisation/", "/organisation/demandes", "/organisation/intervenants", "/espace/candidatures"):
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", path
    rm = create_role_model()
    portal = client.application.test_client()
    sign_in(portal, rm.user)
    for path in ("/espace/", "/espace/profil", "/espace/disponibilites", "/espace/mes-donnees"):
        response = portal.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == "no-store", path

"""Who has an account stays private: the application form answers the same for any address
(an existing person is told by email instead), and nobody can flood a mailbox with sign-in
emails."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from app.models import OutboxEmail, RoleModel, User, UserRole
from app.services.accounts import magic_links
from app.services.role_models import profiles
from tests.app.role_models.test_portal import APPLICATION
from tests.support.portal import csrf_token_of


@pytest.fixture
def app_config() -> dict:
    # Per-address rate limits are tested elsewhere; here many browsers share one address.
    return {"RATELIMIT_ENABLED": False}


def outbox_to(db, address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address)
                                   .order_by(OutboxEmail.id)))


def apply_as(app, email: str):
    browser = app.test_client()  # each its own app context: the `client` fixture sets the class
    form = browser.get("/espace/devenir-marraine-parrain")
    return browser.post("/espace/devenir-marraine-parrain",
                        data=dict(APPLICATION, email=email, csrf_token=csrf_token_of(form.get_data(as_text=True))),
                        follow_redirects=True)  # to the thank-you page, the same for everyone


def answer(response, email: str) -> tuple[int, str]:
    return response.status_code, html.unescape(response.get_data(as_text=True)).replace(email, "<email>")


@pytest.mark.parametrize("role", [UserRole.ORGANIZER, UserRole.ADMIN, UserRole.ROLE_MODEL])
def test_application_answers_the_same_for_an_existing_address(app, client, db, create_user, create_role_model, role):
    if role == UserRole.ROLE_MODEL:
        existing = create_role_model(first_name="Ines", last_name="Diallo").user
    else:
        existing = create_user(email=f"{role.value}@example.org", full_name="Claire Martin", role=role)
    users_before = db.session.scalar(select(func.count()).select_from(User))

    new = apply_as(app, "someone.new@example.org")
    known = apply_as(app, existing.email)

    assert answer(known, existing.email) == answer(new, "someone.new@example.org")
    assert new.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before + 1
    assert db.session.scalar(select(func.count()).select_from(RoleModel).where(RoleModel.last_name == "Benali")) == 1
    # (An admin is also told of the new application when no organizer covers its académies.)
    [told] = [e for e in outbox_to(db, existing.email) if e.kind == "account_exists"]
    assert "déjà un compte" in told.subject
    if role == UserRole.ROLE_MODEL:
        assert "/espace/connexion/" in told.body_text  # a sign-in link that works
    else:
        assert "http://localhost/connexion" in told.body_text and "/espace/connexion/" not in told.body_text


def test_application_with_an_invalid_address_is_still_a_field_error(app, client, db):
    response = apply_as(app, "not-an-address")
    assert response.status_code == 422 and 'id="email-error"' in response.get_data(as_text=True)


def test_sign_in_emails_are_limited_per_recipient(app, client, db, create_role_model):
    rm = create_role_model()
    answers = []
    for _ in range(magic_links.SIGN_IN_EMAILS_PER_HOUR + 3):
        browser = app.test_client()  # a new client each time: many machines asking for one person
        page = browser.get("/espace/connexion")
        sent = browser.post("/espace/connexion", data={"csrf_token": csrf_token_of(page.get_data(as_text=True)),
                                                       "email": rm.user.email})
        answers.append((sent.status_code, "vient d'y être envoyé" in html.unescape(sent.get_data(as_text=True))))
    assert answers == [(200, True)] * len(answers)  # the same answer, sent or not
    assert len(outbox_to(db, rm.user.email)) == magic_links.SIGN_IN_EMAILS_PER_HOUR


def test_application_emails_count_towards_the_same_limit(app, client, db, create_role_model):
    rm = create_role_model()
    for _ in range(magic_links.SIGN_IN_EMAILS_PER_HOUR):
        assert profiles.send_sign_in_link(rm.user.email) is True
    assert apply_as(app, rm.user.email).status_code == 200
    assert profiles.send_sign_in_link(rm.user.email) is False
    assert len(outbox_to(db, rm.user.email)) == magic_links.SIGN_IN_EMAILS_PER_HOUR

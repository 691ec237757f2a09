"""Personal API tokens: made and revoked by an organizer on their page, shown once, stored
hashed; what the API accepts (live token of an enabled organizer) and refuses."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from app.models import ApiToken, AuditEntry, UserRole
from app.services.accounts import api_tokens
from app.services.common.errors import Conflict, Invalid, NotAllowed, NotFound
from tests.app.conftest import csrf_token_from
from tests.support.api import assert_problem, bearer


@pytest.fixture
def organizer(create_user):
    return create_user(email="orga@example.org", academies=["paris"])


def test_create_stores_only_the_hash_and_audits(db, organizer):
    token, secret = api_tokens.create(organizer, name="  Semaine   de l'industrie ")
    assert secret.startswith("rct_") and len(secret) > 40
    assert token.name == "Semaine de l'industrie"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.token_hash
    assert api_tokens.resolve(secret).id == token.id
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == organizer.id)).all()
    assert "api_token.created" in actions


def test_create_checks_the_name_the_role_and_a_cap(db, organizer, create_user):
    with pytest.raises(Invalid) as error:
        api_tokens.create(organizer, name="   ")
    assert "name" in error.value.fields
    with pytest.raises(NotAllowed):
        api_tokens.create(create_user(role=UserRole.ROLE_MODEL), name="x")
    for i in range(api_tokens.MAX_LIVE_TOKENS):
        api_tokens.create(organizer, name=f"t{i}")
    with pytest.raises(Conflict):
        api_tokens.create(organizer, name="one too many")


def test_revoke_only_ones_own_and_only_once(db, organizer, create_user):
    token, secret = api_tokens.create(organizer, name="x")
    with pytest.raises(NotFound):
        api_tokens.revoke(create_user(), token.id)
    api_tokens.revoke(organizer, token.id)
    first = token.revoked_at
    api_tokens.revoke(organizer, token.id)
    assert token.revoked_at == first
    assert api_tokens.resolve(secret) is None
    revocations = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api_token.revoked")).all()
    assert len(revocations) == 1


def test_api_accepts_live_tokens_and_marks_them_used(client, db, organizer):
    headers = bearer(organizer)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token = db.session.scalars(select(ApiToken)).one()
    db.session.refresh(token)
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header", ["Bearer rct_unknown", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500]
)
def test_api_refuses_unknown_tokens(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_api_refuses_revoked_tokens_and_disabled_accounts(client, db, organizer, create_user):
    token, secret = api_tokens.create(organizer, name="x")
    api_tokens.revoke(organizer, token.id)
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}), 401)
    other = create_user(academies=["lyon"])
    headers = bearer(other)
    other.is_enabled = False
    db.session.flush()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_page_creates_shows_once_and_revokes(client, db, auth, organizer):
    auth.login(organizer.email)
    page = client.get("/organisation/api")
    assert page.status_code == 200 and "Vous n'avez pas encore de jeton." in page.get_data(as_text=True)
    assert 'href="/organisation/api" aria-current="page"' in page.get_data(as_text=True)
    response = client.post(
        "/organisation/api", data={"name": "Tableur", "csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="api-token-secret" value="(rct_[^"]+)"', response.text).group(1)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    listing = client.get("/organisation/api").text
    assert "Tableur" in listing and secret not in listing
    token = db.session.scalars(select(ApiToken)).one()
    revoked = client.post(
        f"/organisation/api/{token.id}/revoquer", data={"csrf_token": csrf_token_from(listing)}
    )
    assert revoked.status_code == 302
    assert "révoqué" in client.get("/organisation/api").text
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_page_refuses_a_nameless_token(client, auth, organizer):
    auth.login(organizer.email)
    page = client.get("/organisation/api")
    response = client.post("/organisation/api", data={"name": "", "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.text


def test_page_is_for_organizers_only(client, auth, create_user, create_role_model):
    assert client.get("/organisation/api").status_code == 302  # to the sign-in page
    person = create_role_model()
    person.user.set_password("correct horse battery staple")
    auth.login(person.user.email)
    assert client.get("/organisation/api").status_code in (302, 403)


def test_another_organizers_token_cannot_be_revoked_from_the_page(client, db, auth, organizer, create_user):
    other = create_user(email="autre@example.org")
    token, _secret = api_tokens.create(other, name="à elle")
    auth.login(organizer.email)
    page = client.get("/organisation/api").text
    client.post(f"/organisation/api/{token.id}/revoquer", data={"csrf_token": csrf_token_from(page)})
    db.session.refresh(token)
    assert token.revoked_at is None

"""Signing a role model in to the portal in tests, the way people do: with an email link."""

from __future__ import annotations

import re

from app.services.accounts import magic_links


def csrf_token_of(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, user) -> None:
    """Open a fresh sign-in link for `user` and press its button."""
    path = f"/espace/connexion/{magic_links.make_token(user)}"
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    response = client.post(path, data={"csrf_token": csrf_token_of(page.get_data(as_text=True))})
    assert response.status_code == 302, response.status_code

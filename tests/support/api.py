"""Helpers for API tests: a bearer header for a user, problem+json assertions."""

from __future__ import annotations

from app.services.accounts import api_tokens


def bearer(user, name: str = "tests") -> dict[str, str]:
    """An Authorization header with a fresh personal token of `user`."""
    _token, secret = api_tokens.create(user, name=name)
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


def error_fields(body: dict) -> dict[str, str]:
    return {e.get("field"): e["message"] for e in body.get("errors", [])}

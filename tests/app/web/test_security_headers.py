"""Security headers on every kind of response, HSTS only over HTTPS, no referrer from pages
whose URL holds a secret, and no inline script or style anywhere a browser renders (the CSP
would block it, so it would silently break)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.security import CSP
from tests.app.conftest import AuthActions
from tests.support import access_world
from tests.support.portal import sign_in

TEMPLATES = Path(__file__).resolve().parents[3] / "app" / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]
REQUIRED_CSP = ["script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'",
                "base-uri 'self'", "form-action 'self'", "object-src 'none'"]


def inline_code(html: str) -> list[str]:
    return [f"{what}: {m.group(0)!r}" for pattern, what in INLINE for m in pattern.finditer(html)]


def assert_security_headers(response, *, referrer: str = "same-origin") -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in REQUIRED_CSP:
        assert directive in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == referrer
    assert "camera=()" in headers["Permissions-Policy"]


def test_every_kind_of_response_carries_the_headers(client, create_event):
    create_event(is_public=True)
    for path in ("/", "/connexion", "/demandes/nouvelle", "/healthz", "/feeds/public.ics", "/api/v1/public/events",
                 "/api/v1/openapi.json", "/static/css/app.css", "/no-such-page", "/api/v1/no-such-thing"):
        response = client.get(path)
        assert_security_headers(response)
        assert "Strict-Transport-Security" not in response.headers  # BASE_URL is http here


def test_the_csp_is_the_one_documented():
    assert "'unsafe-inline'" not in CSP
    assert all(directive in CSP for directive in REQUIRED_CSP)


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://rencontres.example.org"}])
def test_hsts_when_the_site_is_https(client):
    hsts = client.get("/").headers["Strict-Transport-Security"]
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000


def test_hsts_when_the_request_itself_came_over_https(client):
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": "1"}])
def test_behind_one_trusted_proxy_the_forwarded_scheme_counts(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" in response.headers


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_pages_with_a_secret_in_their_url_send_no_referrer(client, db):
    world = access_world.build()
    for endpoint in ("public.request_followup", "feeds.school_feed", "feedback.form", "portal.answer",
                     "portal.magic_link"):
        rule = next(r for r in client.application.url_map.iter_rules() if r.endpoint == endpoint)
        response = client.get(access_world.url_for_endpoint(world, rule))
        assert response.status_code == 200, (endpoint, response.status_code)
        assert_security_headers(response, referrer="no-referrer")


def test_session_cookie_is_httponly_and_lax(client, db, create_user):
    user = create_user(email="cookie@example.org")
    response = AuthActions(client).login(user.email)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # http here; see the next test


def test_cookies_are_secure_when_the_site_is_https(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("BASE_URL", "https://rencontres.example.org")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    try:
        fresh = importlib.reload(config)
        assert fresh.Config.SESSION_COOKIE_SECURE is True and fresh.Config.REMEMBER_COOKIE_SECURE is True
    finally:
        monkeypatch.undo()
        importlib.reload(config)


# --- no inline script or style -----------------------------------------------------------------


def test_no_template_served_to_browsers_holds_inline_script_or_style():
    found = {}
    for path in TEMPLATES.rglob("*.html"):
        if path.relative_to(TEMPLATES).parts[0] == "email":
            continue  # emails are not served: mail clients need inline styles
        problems = inline_code(path.read_text())
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems
    assert found == {}


def _html_pages(app, world, prefixes):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.startswith(prefixes) or rule.endpoint == "static":
            continue
        if rule.rule.endswith((".json", ".ics", ".csv")) or rule.rule.startswith("/api/v1/docs/assets"):
            continue
        yield rule.endpoint, access_world.url_for_endpoint(world, rule)


def test_rendered_pages_hold_no_inline_script_or_style(app, client, db):
    """Every HTML page, rendered with real data by the person who may see it."""
    world = access_world.build()
    checked, found = [], {}

    def check(endpoint, response):
        if response.mimetype != "text/html":
            return
        checked.append((endpoint, response.status_code))
        problems = inline_code(response.get_data(as_text=True))
        if problems:
            found[endpoint] = problems

    public_prefixes = ("/demandes", "/impact", "/confidentialite", "/avis", "/connexion", "/api/v1/docs")
    for endpoint, url in _html_pages(app, world, public_prefixes):
        check(endpoint, client.get(url))
    check("public.home", client.get("/"))
    for endpoint in ("portal.answer", "portal.magic_link", "portal.sign_in"):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        check(endpoint, client.get(access_world.url_for_endpoint(world, rule)))

    sign_in(client, world.people["role_model"])
    for endpoint, url in _html_pages(app, world, ("/espace",)):
        if endpoint not in ("portal.answer", "portal.magic_link", "portal.sign_in"):
            check(endpoint, client.get(url))

    client = app.test_client()  # a new browser for the admin
    AuthActions(client).login(world.people["admin"].email)
    for endpoint, url in _html_pages(app, world, ("/organisation", "/espace/candidatures", "/espace/inviter")):
        check(endpoint, client.get(url))
    check("error.404", client.get("/organisation/evenements/999999"))

    assert found == {}
    assert len(checked) >= 35, checked

"""The Content Security Policy in a real browser: the main pages, the request form's script, the
portal's week view (placed by a script since inline styles are refused) and the API docs
(Swagger UI) work, and Chromium reports no violation on any of them."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import UserRole
from app.services.accounts import magic_links
from tests.support import factories

pytestmark = pytest.mark.e2e


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def test_pages_work_under_the_csp_without_violations(live_app, live_server, page):
    with live_app.app_context():
        user = factories.create_user(role=UserRole.ROLE_MODEL, email="csp@example.org", full_name="Inès CSP",
                                     password=None)
        factories.create_role_model(user=user, first_name="Inès", last_name="CSP")
        factories.create_event(is_public=True, title="Conférence publique CSP")
        db.session.commit()
        link = f"{live_server.url}/espace/connexion/{magic_links.make_token(user)}"
    violations = _watch(page)

    for path in ("/", "/impact", "/connexion", "/confidentialite"):
        response = page.goto(live_server.url + path)
        assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]

    # The request form's script runs: the live school search answers as one types.
    page.goto(live_server.url + "/demandes/nouvelle")
    page.wait_for_load_state("networkidle")

    # The week view: blocks placed by js/week.js.
    page.goto(link)
    page.get_by_role("button", name="Me connecter").click()
    page.get_by_role("heading", name="Bonjour Inès").wait_for()
    page.goto(live_server.url + "/espace/semaine")
    page.locator(".week.laid-out").wait_for()
    top = page.locator(".block.available").first.evaluate("element => element.style.top")
    assert top.endswith("%")

    # Swagger UI, started by a script file.
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .info").wait_for()

    assert violations == []

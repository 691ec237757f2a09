"""Who may do what, tried on every route the app has (read from its url_map, so a route added
tomorrow is tried too), with real ids of objects of the Paris académie:

- CSRF: every state-changing request of the web UI without a token is refused with 400; the
  API, which takes bearer tokens and ignores cookies, is the one exception.
- Each role against every organizer and API route: anonymous, a school holding its follow-up
  link, a signed-in role model, an organizer of another région, an admin. Only the allowed ones
  get through; the others are refused (401, 403, 404 or the sign-in page), never a 500, and the
  world is left unchanged by everyone but the admin.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, Assignment, Event, OutboxEmail, RoleModel, VisitRequest
from tests.app.conftest import AuthActions, FreshContextClient, csrf_token_from
from tests.support import access_world
from tests.support.portal import sign_in

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Public by design (published events, headline figures, a school's own request).
PUBLIC_API = {"api.public_events", "api.public_event", "api.public_statistics", "api.create_visit_request",
              "api.followup_visit_request"}
DOCS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "api_assets.docs_asset"}
ORGANIZER_PORTAL = {"portal.applications", "portal.approve", "portal.invite"}
# URL variables naming an object of the Paris académie (or of its organizer).
SCOPED_IDS = {"event_id", "request_id", "assignment_id", "role_model_id", "email_id", "token_id", "school_id"}
# Personal: not even an admin acts on another person's API token.
OWNER_ONLY = {"organizer.api_token_revoke"}
# Refused with a message on the page it redirects to: judged by the unchanged world instead.
JUDGED_BY_STATE = {"portal.approve"}
# Valid bodies, so that what is judged is the permission and not the validation of the body.
API_BODIES = access_world.API_BODIES


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _organizer_and_api_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        endpoint = rule.endpoint
        if endpoint in PUBLIC_API or endpoint in DOCS:
            continue
        if endpoint.startswith(("organizer.", "api.")) or endpoint in ORGANIZER_PORTAL:
            yield rule


@pytest.fixture
def world(app, db):
    app.test_client_class = FreshContextClient  # each request its own context, as in production
    return access_world.build()


# --- CSRF ------------------------------------------------------------------------------------------


def test_every_state_changing_form_refuses_a_request_without_csrf_token(app, client, world):
    AuthActions(client).login(world.people["admin"].email)
    tried = []
    for rule in app.url_map.iter_rules():
        methods = STATE_CHANGING & rule.methods
        if not methods or rule.rule.startswith("/api/"):
            continue
        url = access_world.url_for_endpoint(world, rule)
        for method in methods:
            response = client.open(url, method=method, data={"anything": "1"})
            assert response.status_code == 400, (rule.endpoint, response.status_code)
            assert "formulaire a expiré" in response.get_data(as_text=True), rule.endpoint
            tried.append(rule.endpoint)
    assert len(tried) >= 40, tried
    # A token from another session is no better than none.
    other = app.test_client()
    stolen = csrf_token_from(other.get("/connexion").get_data(as_text=True))
    response = client.post("/organisation/api", data={"csrf_token": stolen, "name": "x"})
    assert response.status_code == 400


def test_the_api_ignores_session_cookies(app, client, world):
    """The API is exempt from CSRF because it never acts on a browser's cookie."""
    AuthActions(client).login(world.people["admin"].email)
    for rule in _organizer_and_api_rules(app):
        if not rule.endpoint.startswith("api."):
            continue
        for method in _methods(rule):
            response = client.open(access_world.url_for_endpoint(world, rule), method=method, json={})
            assert response.status_code == 401, (rule.endpoint, method, response.status_code)


# --- roles -------------------------------------------------------------------------------------


class Role:
    def __init__(self, name: str, client, *, bearer: str | None, csrf_page: str):
        self.name, self.client = name, client
        self.headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        self.csrf = csrf_token_from(client.get(csrf_page).get_data(as_text=True))

    def request(self, rule, url: str, method: str):
        if rule.endpoint.startswith("api."):
            body = None if method == "GET" else API_BODIES.get(rule.endpoint, {})
            if rule.endpoint == "api.add_assignment":
                body = {"role_model_id": self.role_model_id}
            return self.client.open(url, method=method, headers=self.headers, json=body)
        data = {"csrf_token": self.csrf} if method != "GET" else None
        return self.client.open(url, method=method, data=data, headers=self.headers)


def _allowed(role: str, rule) -> bool:
    if rule.endpoint in OWNER_ONLY:
        return False
    if role == "admin":
        return True
    if role == "lyon":  # an organizer, but none of the Paris objects are in their scope
        return not SCOPED_IDS & set(rule.arguments)
    return False


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and "/connexion" in response.headers.get("Location", "")


def _snapshot(world) -> dict:
    ids = world.ids
    db.session.expire_all()
    return {
        "event": db.session.get(Event, ids["event_id"]).status,
        "event_schools": len(db.session.get(Event, ids["event_id"]).schools),
        "assignment": db.session.get(Assignment, ids["assignment_id"]).status,
        "request": db.session.get(VisitRequest, ids["request_id"]).status,
        "role_model": db.session.get(RoleModel, ids["role_model_id"]).status,
        "email": db.session.get(OutboxEmail, ids["email_id"]).status,
        "token": db.session.get(ApiToken, ids["token_id"]).revoked_at,
        "events": len(db.session.scalars(select(Event.id)).all()),
    }


def test_each_role_against_every_organizer_and_api_route(app, world):
    def browser():
        return app.test_client()

    anonymous = Role("anonymous", browser(), bearer=None, csrf_page="/connexion")
    school = Role("school", browser(), bearer=world.secrets["school"], csrf_page="/connexion")
    role_model_client = browser()
    sign_in(role_model_client, world.people["role_model"])
    role_model = Role("role_model", role_model_client, bearer=None, csrf_page="/espace/")
    lyon_client = browser()
    AuthActions(lyon_client).login(world.people["lyon"].email)
    lyon = Role("lyon", lyon_client, bearer=world.secrets["lyon"], csrf_page="/organisation/")
    admin_client = browser()
    AuthActions(admin_client).login(world.people["admin"].email)
    admin = Role("admin", admin_client, bearer=world.secrets["admin"], csrf_page="/organisation/")

    for role in (anonymous, school, role_model, lyon, admin):
        role.role_model_id = world.people["role_model_profile"].id
    before = _snapshot(world)
    wrong, tried = [], 0
    for role in (anonymous, school, role_model, lyon, admin):  # the admin last: they change things
        for rule in _organizer_and_api_rules(app):
            url = access_world.url_for_endpoint(world, rule)
            for method in _methods(rule):
                response = role.request(rule, url, method)
                tried += 1
                if response.status_code >= 500:
                    wrong.append((role.name, rule.endpoint, method, response.status_code, "server error"))
                elif rule.endpoint in JUDGED_BY_STATE:
                    continue
                elif _allowed(role.name, rule) == _refused(response):
                    wrong.append((role.name, rule.endpoint, method, response.status_code,
                                  "refused" if _refused(response) else "let through"))
        if role is lyon:
            assert _snapshot(world) == before, "only the admin may change the Paris objects"
    assert wrong == [], "\n".join(map(str, wrong))
    assert tried >= 5 * 60


def test_an_organizer_of_another_region_sees_nothing_of_paris_in_lists(app, world):
    client = app.test_client()
    AuthActions(client).login(world.people["lyon"].email)
    for path in ("/organisation/", "/organisation/evenements", "/organisation/demandes",
                 "/organisation/courriels", "/organisation/intervenants"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert world.event_title not in response.get_data(as_text=True), path
    headers = {"Authorization": f"Bearer {world.secrets['lyon']}"}
    events = client.get("/api/v1/events", headers=headers)
    assert events.status_code == 200 and world.event_title not in events.get_data(as_text=True)

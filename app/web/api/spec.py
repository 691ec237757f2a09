"""The OpenAPI document and its browsable docs, from flask-smorest on our own Flask app.

flask-smorest (not APIFlask) because it works with a plain Flask app and a Blueprint: the
factory stays ours. Its docs page loads Swagger UI from a base URL we choose: we serve the
assets shipped in the flask-swagger-ui wheel, so nothing comes from a CDN.
"""

from __future__ import annotations

import http
import os

import flask_swagger_ui
from flask import Blueprint, Flask, send_from_directory
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.web.api.schemas.problems import ProblemSchema

PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
SWAGGER_ASSETS = os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist")

DESCRIPTION = """\
The JSON API of Rencontres, the scheduling service of the IndustriElles collective.

**Public** operations (public events, asking for a school visit, following a request with its
private token, headline figures) need no account. **Organizer** operations act with the
permissions of the organizer who made the token, in their académies, exactly as in the web UI:
create a personal token under *Organisation → API* and send it as `Authorization: Bearer rct_…`.

- Instants are ISO 8601 with their UTC offset; naive times are refused. Days are Europe/Paris days.
- Lists are paged by cursor: pass `next_cursor` back as `cursor` until it is null (also given
  in the `Link` header, `rel="next"`). Rows added meanwhile never shift a page.
- Every `GET` answers with an `ETag`; send it back in `If-None-Match` to get `304 Not Modified`.
- Errors are `application/problem+json` (RFC 9457) with a stable `code`; validation errors (422)
  list each field in `errors`. 401: missing or invalid token. 403: outside your role, or creating
  an event in a département outside your académies. 404: unknown, or outside your scope (an id
  of another académie, read or acted on, is answered exactly as a missing one). 409: the change
  clashes with the current state (illegal transition, full event, already assigned). 429: slow
  down (`Retry-After`).
- Creating a visit request takes an `Idempotency-Key` header: sending the same key again
  (a retry after a timeout) returns the request already made instead of a second one.
"""

TAGS = [
    {"name": "Public events", "description": "Published public events (conferences, half-days…)."},
    {
        "name": "Visit requests",
        "description": "Schools ask for a visit, then follow it with their private token.",
    },
    {"name": "Events", "description": "Events of your académies: create, update, reschedule, cancel."},
    {"name": "Assignments", "description": "Role models on an event: add, invite, confirm, cancel."},
    {"name": "Matching", "description": "Role models proposed by matching for an event."},
    {"name": "Role models", "description": "Role models working in your académies."},
    {"name": "Statistics", "description": "Impact figures for a period."},
    {"name": "Account", "description": "Who the token acts as."},
]

CONFIG = {
    "API_TITLE": "Rencontres API",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": f"{PREFIX}/docs/assets/",
    "API_SPEC_OPTIONS": {
        "info": {"description": DESCRIPTION},
        "servers": [{"url": "/", "description": "This server"}],
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (`rct_…`) made by an organizer.",
                }
            }
        },
    },
}


class RencontresApi(Api):
    """flask-smorest's Api, documenting errors as problem+json and leaving error handling to us
    (its own handler would replace the French error pages of the whole site)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_pagination_header(self):
        pass  # we page by cursor in the body and a Link header, not with X-Pagination

    def register_blueprint(self, blp, **options):
        super().register_blueprint(blp, **options)
        # Operations carry their own tags (TAGS): drop the empty one named after the blueprint.
        self.spec._tags[:] = [tag for tag in self.spec._tags if tag["name"] != options.get("name", blp.name)]

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem+json, RFC 9457).", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


assets = Blueprint("api_assets", __name__)


@assets.get(f"{PREFIX}/docs/assets/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(SWAGGER_ASSETS, filename, max_age=86400)


def init_spec(app: Flask) -> RencontresApi:
    for key, value in CONFIG.items():
        app.config.setdefault(key, value)
    api = RencontresApi(app)
    for tag in TAGS:
        api.spec.tag(tag)
    app.register_blueprint(assets)
    return api

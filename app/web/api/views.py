"""The API blueprint: bearer-token authentication, ETags on GET, and errors as problem+json
(among them the domain errors a view's unit, `app.web.units.run`, rolled back and raised).

Authentication never looks at the session cookie: the blueprint is exempt from CSRF, so a
browser's cookie must not be able to act through it.
"""

from __future__ import annotations

import re
from functools import wraps
from urllib.parse import urlencode

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest, Unauthorized

from app.extensions import db, limiter
from app.models import ApiToken, IllegalTransition, User
from app.services.accounts import api_tokens
from app.services.common.errors import DomainError, NotAllowed
from app.web import units
from app.web.api import problems

bp = Blueprint("api", __name__, description="Rencontres API, version 1.")
BEARER = [{"bearerAuth": []}]


# --- authentication -----------------------------------------------------------------------------


def current_token() -> ApiToken | None:
    """The live API token sent as `Authorization: Bearer …`, once per request."""
    if "api_token" not in g:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        # Its own small unit: "last used" is kept even when the action fails.
        g.api_token = units.run(api_tokens.resolve, secret.strip()) if scheme.lower() == "bearer" else None
    return g.api_token


def _unauthorized(error: str | None, description: str) -> Unauthorized:
    challenge = 'Bearer realm="Rencontres API"' + (f', error="{error}"' if error else "")
    exception = Unauthorized(description)
    exception.data = {"headers": {"WWW-Authenticate": challenge}}  # RFC 6750 quotes every value
    return exception


def require_organizer() -> User:
    if not request.headers.get("Authorization"):
        raise _unauthorized(None, "Send a personal API token: Authorization: Bearer rct_…")
    token = current_token()
    if token is None:
        raise _unauthorized("invalid_token", "This token is unknown or was revoked.")
    if not token.user.is_organizer:
        raise NotAllowed("This token's account is not an organizer account.")
    return token.user


def organizer_only(view):
    """Run the view as the token's organizer (`g.actor`), documented as needing the token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.actor = require_organizer()
        return view(*args, **kwargs)

    doc = getattr(wrapper, "_apidoc", {})
    manual = doc.get("manual_doc", {})
    wrapper._apidoc = {
        **doc,
        "manual_doc": {
            **manual,
            "security": BEARER,
            "responses": {**manual.get("responses", {}), 401: "UNAUTHORIZED", 403: "FORBIDDEN"},
        },
    }
    return wrapper


def etag(view):
    """Document the ETag, If-None-Match and 304 of a GET (the after-request hook does them)."""
    view._apidoc = {**getattr(view, "_apidoc", {}), "etag": True}
    return view


def _rate_key() -> str:
    token = current_token() if request.headers.get("Authorization") else None
    return f"api-token:{token.id}" if token is not None else get_remote_address()


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_api_rate_limit, key_func=_rate_key)(bp)


# --- request bodies -----------------------------------------------------------------------------

# No document of the API nests more than a few levels; Python's parser recurses once per level
# and a body nested some thousands deep would end in RecursionError, a 500.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `body` nests arrays and objects deeper than `limit`, judged without parsing it
    (brackets inside strings do not count)."""
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


@bp.before_request
def _bounded_json():
    # Reading the body here also enforces MAX_CONTENT_LENGTH (413) before anything parses it.
    if request.is_json and json_too_deep(request.get_data(cache=True)):
        raise BadRequest(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")


# --- responses ------------------------------------------------------------------------------------


def next_link(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    args["cursor"] = cursor
    return {"Link": f'<{request.base_url}?{urlencode(args)}>; rel="next"'}


@bp.after_request
def _conditional(response):
    if request.method in ("GET", "HEAD") and response.status_code == 200 and response.is_json:
        response.add_etag()
        response.make_conditional(request)
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.vary.add("Authorization")
    return response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    db.session.rollback()
    return problems.domain_problem(error, aliases=g.get("field_aliases"))


@bp.errorhandler(IllegalTransition)
def _illegal_transition(error: IllegalTransition):
    db.session.rollback()
    return problems.conflict_problem("illegal_transition", str(error))


@bp.errorhandler(IntegrityError)
def _integrity_error(error: IntegrityError):
    # Two clients changing the same thing at once: the loser is told, nothing is half-saved.
    db.session.rollback()
    return problems.conflict_problem(
        "conflict", "This clashes with a change made at the same time: read the resource again and retry."
    )

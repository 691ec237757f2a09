"""Every API error as application/problem+json (RFC 9457): HTTP errors (including 404 and 405
raised by routing, 401, 429), domain errors by their `.status`, validation errors with the
field they are about.

Domain problems are typed with a tag URI ending in their stable `code`
(`tag:rencontres.industrielles.fr,2026:event_full`); plain HTTP errors are `about:blank`.
"""

from __future__ import annotations

import http

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from app.services.common.errors import DomainError, FieldKey
from app.web import field_errors

TYPE_PREFIX = "tag:rencontres.industrielles.fr,2026:"
_LOCATIONS = {
    "json": "body",
    "query": "query",
    "querystring": "query",
    "headers": "header",
    "view_args": "path",
}
# Headers of the original error worth keeping (Allow on 405, WWW-Authenticate on 401).
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def problem(status: int, title: str, detail: str | None = None, **extra):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def http_problem(error: HTTPException):
    """An HTTPException under /api/ (routing, abort, webargs validation, rate limit)."""
    status = error.code or 500
    if status == 304:
        return error.get_response()
    data = getattr(error, "data", None) or {}
    extra = {}
    if "messages" in data:  # webargs validation
        extra["errors"] = list(_flatten_webargs(data["messages"]))
        extra["code"] = "invalid"
        detail = "The request is not valid: see `errors`."
    else:
        detail = error.description
    response = problem(status, _phrase(status), detail, **extra)
    original = error.get_response()
    for name in _KEPT_HEADERS:
        if name in original.headers:
            response.headers[name] = original.headers[name]
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def domain_problem(error: DomainError, *, aliases: dict[FieldKey, str] | None = None):
    """`aliases`: the API's names for the domain keys it spells otherwise."""
    extra = {"type": TYPE_PREFIX + error.code, "code": error.code}
    if error.fields:
        where = "query" if request.method in ("GET", "HEAD") else "body"
        extra["errors"] = field_errors.problem_errors(error, location=where, aliases=aliases)
    return problem(error.status, _phrase(error.status), str(error.message), **extra)


def conflict_problem(code: str, detail: str):
    return problem(409, _phrase(409), detail, type=TYPE_PREFIX + code, code=code)


def _flatten_webargs(messages, location: str | None = None, path: tuple = ()):
    if location is None and isinstance(messages, dict):
        for loc, inner in messages.items():
            yield from _flatten_webargs(inner, _LOCATIONS.get(loc, loc), ())
        return
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten_webargs(value, location, path if key == "_schema" else (*path, str(key)))
    elif isinstance(messages, list | tuple):
        for item in messages:
            yield from _flatten_webargs(item, location, path)
    else:
        entry = {"in": location or "body", "message": str(messages)}
        if path:
            entry["field"] = ".".join(path)
        yield entry

"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs). Each
module adds its routes to the one blueprint defined in views.py."""

from __future__ import annotations

from flask import Flask

from app.web.api import account, events, programmes, public, role_models, statistics, visit_requests  # noqa: F401
from app.web.api.spec import PREFIX, init_spec
from app.web.api.views import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """Register the API and its documentation; bearer tokens, no cookies: no CSRF."""
    from app.extensions import csrf

    api = init_spec(app)
    api.register_blueprint(bp, url_prefix=PREFIX)
    csrf.exempt(bp)

"""The organizer blueprint: access for every page. Views run services through `app.web.units`;
a missing or out-of-scope object raised there is a 404 or 403 page (`app.errors`)."""

from __future__ import annotations

from flask import Blueprint

from app.web.organizer.access import require_organizer

bp = Blueprint("organizer", __name__)
bp.before_request(require_organizer)


@bp.after_request
def _not_stored(response):
    # Every page here shows school contacts or role models' details: a shared computer's browser
    # cache (or its back button after signing out) must not keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_template_filter("long_date")
def long_date(day, fmt: str = "EEEE d MMMM y") -> str:
    """A calendar day for people, in the page's language (“lundi 16 mars 2027”)."""
    from flask_babel import format_date

    return format_date(day, fmt)

"""The organizer blueprint: access for every page, error pages, and the one way views run a
service (commit on success, roll back and hand the error to the form otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, render_template

from app.extensions import db
from app.services.common.errors import DomainError, NotAllowed, NotFound
from app.web.organizer.access import require_organizer

bp = Blueprint("organizer", __name__)
bp.before_request(require_organizer)

T = TypeVar("T")


@bp.errorhandler(NotFound)
def not_found(error: NotFound):
    return render_template("errors/error.html", code=404, message=error.message), 404


@bp.errorhandler(NotAllowed)
def not_allowed(error: NotAllowed):
    db.session.rollback()
    return render_template("errors/error.html", code=403, message=error.message), 403


def run(action: Callable[..., T], *args, **kwargs) -> tuple[T | None, DomainError | None]:
    """Call one service. Success commits; a domain error rolls back (nothing half-done is kept)
    and is returned for the page to show. Missing or out-of-scope objects still raise (404/403)."""
    try:
        result = action(*args, **kwargs)
    except (NotFound, NotAllowed):
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        return None, error
    db.session.commit()
    return result, None


@bp.app_template_filter("long_date")
def long_date(day, fmt: str = "EEEE d MMMM y") -> str:
    """A calendar day for people, in the page's language (“lundi 16 mars 2027”)."""
    from flask_babel import format_date

    return format_date(day, fmt)

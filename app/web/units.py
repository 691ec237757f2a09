"""The one way a view runs a service: one unit of work, committed once.

A view parses, calls one service through `run` (or `attempt` when a form shows what went
wrong) and renders. Success commits once. A `DomainError` rolls everything back, so nothing
half-done is kept: the person fixes the form and sends it again, or the API client reads the
problem and retries.

Both are safe to run again from the start: `app.transactions` wraps every view and, on a
serialization failure or a deadlock, rolls back and runs the whole view again. So a view does
what the person sees (flash, sign in, sign out) only after the unit returned, never before
the commit: a retried view would otherwise do it twice, or do it for a change never kept.
Database errors pass through untouched for that wrapper and `app.errors` to handle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.extensions import db
from app.services.common.errors import DomainError, NotAllowed, NotFound

T = TypeVar("T")


def run(action: Callable[..., T], *args, **kwargs) -> T:
    """Call `action` and commit. A domain error is rolled back and raised, for the error
    handlers: problem+json under the API, the 404 and 403 pages elsewhere."""
    try:
        result = action(*args, **kwargs)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def attempt(action: Callable[..., T], *args, **kwargs) -> tuple[T | None, DomainError | None]:
    """`run`, for pages that show what went wrong: a domain error (rolled back) comes back as
    `(None, error)` for the form (`app.web.field_errors.show`). A missing or out-of-scope
    object still raises: that is a 404 or 403 page, not a message next to a field."""
    try:
        return run(action, *args, **kwargs), None
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        return None, error

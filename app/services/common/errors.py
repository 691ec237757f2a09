"""Domain errors that views and the API turn into a clear message (never a 500).

`code` is stable for machines (API problem types), `message` is for people (French, lazily
translated), `fields` maps form field names to messages for validation errors.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status = 400
    code = "domain_error"

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message or _l("Cette action n'a pas pu être réalisée.")
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    """The actor may not do this (outside their scope, wrong role)."""

    status = 403
    code = "not_allowed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The change clashes with the current state: illegal transition, full event, double booking."""

    status = 409
    code = "conflict"


class Invalid(DomainError):
    """The data is wrong; `fields` says where."""

    status = 422
    code = "invalid"

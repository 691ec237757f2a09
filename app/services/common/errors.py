"""Domain errors that views and the API turn into a clear message (never a 500).

`code` is stable for machines (API problem types), `message` is for people (French, lazily
translated), `fields` maps where the data is wrong to a message for people.

`fields` keys are domain names, never a form's or the API's: the name of the service's
argument or of the field of the dataclass it takes. Inside a nested value or a list, the key
is a tuple path, an int being the index in the list the service was given:

    "title"                          RequestData.title, or the argument `title`
    ("school", "name")               RequestData.school.name
    ("windows", 0, "start_date")     the first window given, its start

Views turn keys into their own names (form fields, the API's dotted names, `app.web.field_errors`);
`field_path` reads any key as a tuple.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FieldPath = tuple[str | int, ...]
FieldKey = str | FieldPath


class DomainError(Exception):
    status = 400
    code = "domain_error"

    def __init__(self, message=None, *, code: str | None = None, fields: dict[FieldKey, object] | None = None):
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


def field_path(key: FieldKey) -> FieldPath:
    """A `fields` key as a tuple path: "title" is ("title",)."""
    return key if isinstance(key, tuple) else (key,)

"""Where a service's field messages go: next to a form's fields, or into the API's
problem+json `errors`.

Services key `DomainError.fields` by domain names (`app.services.common.errors`): "title",
("school", "name"), ("windows", 0, "start_date"). A form whose names differ says so:

- `ALIASES = {domain key: form field name}`, e.g. `{"start_at": "start_time"}` or
  `{("school", "name"): "school_name"}`. A one-part key also renames the head of longer keys
  (a list the form calls otherwise).
- `sent_entries(field_list)`, when not every entry of a FieldList reaches the service (blank
  rows left out): the entries in the order the service got them, so that the service's index
  finds the row the person typed.

A message for a field the form lacks, or an error naming no field, goes to the top of the page.
"""

from __future__ import annotations

from flask import flash
from wtforms import Field, FieldList, FormField
from wtforms.form import BaseForm

from app.services.common.errors import DomainError, FieldKey, FieldPath, field_path


def place(form: BaseForm, error: DomainError) -> list[str]:
    """Put the error's field messages next to the form's fields; return the messages for the top
    of the page (the error's own message when it names no field).

    A field the form's own validators already flagged keeps only its own message: the form
    checked what was typed, and the service's message about the same field would repeat it."""
    if not error.fields:
        return [str(error.message)]
    top: list[str] = []
    placed: set[Field] = set()
    for key, message in error.fields.items():
        field = _field(form, key)
        if field is None:
            top.append(str(message))
        elif field in placed or not field.errors:
            field.errors = [*field.errors, str(message)]
            placed.add(field)
    return top


def show(form: BaseForm, error: DomainError) -> None:
    """`place`, and flash what has no field."""
    for message in place(form, error):
        flash(message, "error")


def api_field(key: FieldKey, aliases: dict[FieldKey, str] | None = None) -> str:
    """The API's name for a domain key: its alias, or the path joined by dots
    ("windows.0.start_date", as the API's schema errors name list items)."""
    path = field_path(key)
    for alias, name in (aliases or {}).items():
        if field_path(alias) == path:
            return name
    return ".".join(str(part) for part in path)


def problem_errors(error: DomainError, *, location: str, aliases: dict[FieldKey, str] | None = None) -> list[dict]:
    """The `errors` list of a problem+json body: one entry per field message."""
    return [{"in": location, "field": api_field(key, aliases), "message": str(message)}
            for key, message in error.fields.items()]


def _field(form: BaseForm, key: FieldKey) -> Field | None:
    node: object = form
    for part in _aliased(form, field_path(key)):
        node = _child(form, node, part)
        if node is None:
            return None
    # A whole list or subform has no place of its own on the page for a message.
    if isinstance(node, FieldList | FormField) or not isinstance(node, Field):
        return None
    return node


def _aliased(form: BaseForm, path: FieldPath) -> FieldPath:
    aliases = {field_path(key): name for key, name in getattr(form, "ALIASES", {}).items()}
    if path in aliases:
        return (aliases[path],)
    if path[:1] in aliases:
        return (aliases[path[:1]], *path[1:])
    return path


def _child(form: BaseForm, node: object, part: str | int) -> object | None:
    if isinstance(node, FieldList):
        entries = form.sent_entries(node) if hasattr(form, "sent_entries") else list(node)
        return entries[part] if isinstance(part, int) and 0 <= part < len(entries) else None
    inner = node.form if isinstance(node, FormField) else node
    if isinstance(inner, BaseForm) and isinstance(part, str) and part in inner:
        return inner[part]
    return None


def summary(form: BaseForm) -> list[tuple[str, str, str]]:
    """(anchor id, label, message) for every field message, in the order of the page: the list
    at the top of a page whose links take the person to each field. A form whose page shows
    some fields before its declaration order names them in `PAGE_FIRST`; a field's
    `description`, when set, is its short name here (a long checkbox label, say)."""
    items: list[tuple[str, str, str]] = []
    first = [form[name] for name in getattr(form, "PAGE_FIRST", ())]
    for field in [*first, *(f for f in form if f not in first)]:
        if isinstance(field, FieldList | FormField) or field.type in ("CSRFTokenField", "HiddenField"):
            continue
        # A group of checkboxes or radios: the link goes to its first option.
        anchor = f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id
        name = str(field.description or field.label.text)
        items.extend((anchor, name, str(message)) for message in field.errors if message)
    return items

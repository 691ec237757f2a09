"""The text rules of `app.services.common.text` on web forms.

`TextForm` is the base of the app's forms: every text field gets the rule of its kind without
naming it — a text area is free text, an email field an email address, any other text field
(hidden ones included) a single line — so a field added later is checked too. A field that
needs another rule names it in its own validators (`SingleLine()`, `FreeText()`,
`EmailAddress()`), which then replaces the default. Password fields are left alone: they are
never stored as typed.

`init_app` also drops the values of a page's query string that hold a control character
(filters go to queries; a NUL made PostgreSQL fail).
"""

from __future__ import annotations

from flask import Flask, request
from flask_wtf import FlaskForm
from wtforms import EmailField, FieldList, FormField, PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

from app.services.common import text


class TextRule:
    kind = text.SINGLE_LINE

    def __call__(self, form, field) -> None:
        if self.kind == text.EMAIL and field.errors:
            return  # the field's own check has already said the address is wrong
        message = text.problem(field.data if isinstance(field.data, str) else None, self.kind)
        if message is not None:
            raise ValidationError(str(message))


class SingleLine(TextRule):
    kind = text.SINGLE_LINE


class FreeText(TextRule):
    kind = text.FREE_TEXT


class EmailAddress(TextRule):
    kind = text.EMAIL


def default_rule(field) -> TextRule | None:
    if isinstance(field, PasswordField) or not isinstance(field, StringField):
        return None
    if any(isinstance(v, TextRule) for v in field.validators):
        return None
    if isinstance(field, TextAreaField):
        return FreeText()
    if isinstance(field, EmailField):
        return EmailAddress()
    return SingleLine()


def check_nested(field) -> bool:
    """Sub-forms (FieldList, FormField) are plain WTForms forms: check their text fields here."""
    ok = True
    if isinstance(field, FieldList):
        for entry in field.entries:
            ok = check_nested(entry) and ok
    elif isinstance(field, FormField):
        for sub in field.form:
            ok = check_nested(sub) and ok
    else:
        rule = default_rule(field)
        if rule is not None:
            try:
                rule(None, field)
            except ValidationError as error:
                field.errors = [*field.errors, *error.args]
                ok = False
    return ok


class TextForm(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        nested = []
        for name, field in self._fields.items():
            if isinstance(field, FieldList | FormField):
                nested.append(field)
                continue
            rule = default_rule(field)
            if rule is not None:
                extra.setdefault(name, []).append(rule)
        ok = super().validate(extra_validators=extra)
        for field in nested:
            ok = check_nested(field) and ok
        return ok


def drop_control_characters_from_query() -> None:
    """Pages read filters from the query string (`?academie=`, `?date=`) and hand them to queries:
    a NUL there made PostgreSQL fail (500). No filter holds a control character, so such a value
    is dropped, and the page answers as for any filter it cannot read (the default). The API
    declares its query arguments (webargs, `Text`) and says which one is wrong itself."""
    if request.path.startswith("/api/"):
        return
    pairs = list(request.args.items(multi=True))
    kept = [(key, value) for key, value in pairs
            if text.problem(key, text.SINGLE_LINE) is None and text.problem(value, text.SINGLE_LINE) is None]
    if len(kept) != len(pairs):
        request.args = request.parameter_storage_class(kept)


def init_app(app: Flask) -> None:
    app.before_request(drop_control_characters_from_query)

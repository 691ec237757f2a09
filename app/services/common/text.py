"""What text people may type: the one set of rules read by the web forms (`app.web.form_text`),
the API's schemas (`app.web.api.schemas.common`) and the services that take text directly.

Three kinds of text:

- a single line (names, titles, job titles, companies, communes, venues…): no control
  character at all — no NUL, no CR or LF, no other C0 or C1 character, no line or paragraph
  separator (U+2028, U+2029). A newline in a name ends up in an email header or a calendar
  line, where the mail and calendar layers refuse it;
- free text (descriptions, remarks, reasons): line breaks (CR, LF) and tabs, nothing else
  of the above;
- an email address the mail and calendar layers both accept: an ASCII dot-atom local part
  (no quoted local part such as ``"x;y"@example.org``), an ASCII domain of at least two
  labels, at most `limits.EMAIL_MAX` characters.

Everywhere: no lone surrogate (JSON can carry one; UTF-8 and so the database cannot).
PostgreSQL refuses NUL in text columns: nothing that passes here can make it fail.
Right-to-left marks and other format characters stay allowed: names in Arabic or Hebrew need them.

>>> problem("Inès Diallo", SINGLE_LINE) is None
True
>>> problem("Inès\\nDiallo", SINGLE_LINE) is None
False
>>> problem("Ligne 1\\r\\nLigne 2\\tfin", FREE_TEXT) is None
True
>>> problem("x\\x00", FREE_TEXT) is None
False
>>> [is_email(a) for a in ("claire.martin@ac-lyon.fr", '"x;y"@example.org', "a..b@example.org", "a@b")]
[True, False, False, False]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from app.models import limits
from app.services.common.errors import FieldKey, Invalid

SINGLE_LINE = "single_line"
FREE_TEXT = "free_text"
EMAIL = "email"

_FREE_TEXT_ALLOWED = frozenset("\t\n\r")
_SEPARATORS = frozenset("\u2028\u2029")

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")

MESSAGES = {
    SINGLE_LINE: _l("Ce champ tient sur une ligne, sans caractère de contrôle (retour à la ligne, tabulation…)."),
    FREE_TEXT: _l("Ce texte contient un caractère de contrôle non autorisé."),
    EMAIL: _l("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@example.fr)."),
}


def _refused(char: str, kind: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cs":
        return True
    if kind == FREE_TEXT and char in _FREE_TEXT_ALLOWED:
        return False
    return category == "Cc" or char in _SEPARATORS


def is_email(value: str) -> bool:
    return len(value) <= limits.EMAIL_MAX and _EMAIL.fullmatch(value) is not None


def problem(value: str | None, kind: str) -> str | None:
    """The message for people when `value` breaks the rules of `kind`, else None.
    Empty values are fine here: whether a field is required is the caller's business."""
    if not value:
        return None
    if kind == EMAIL:
        return None if is_email(value) else MESSAGES[EMAIL]
    if any(_refused(char, kind) for char in value):
        return MESSAGES[kind]
    return None


def problems(values: Mapping[FieldKey, tuple[str | None, str]]) -> dict[FieldKey, object]:
    """`{key: message}` for every value of `{key: (value, kind)}` that breaks its rules: for a
    service's own checks, which gather every field's message before raising."""
    return {key: message for key, (value, kind) in values.items() if (message := problem(value, kind)) is not None}


def check(values: Mapping[FieldKey, tuple[str | None, str]]) -> None:
    """For services that take text directly: raise `Invalid` naming every field whose value
    (`{key: (value, kind)}`) breaks its rules."""
    fields = problems(values)
    if fields:
        raise Invalid(_l("Certains champs contiennent des caractères non autorisés."), code="invalid_text",
                      fields=fields)


def one_line(value: str | None) -> str | None:
    """`value` with every character a single line refuses turned into a space: for showing text
    stored before these rules (a calendar's CN, an email header), never for storing."""
    if value is None:
        return None
    return " ".join("".join(" " if _refused(char, SINGLE_LINE) else char for char in value).split())

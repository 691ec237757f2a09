"""The address calendar answers come back to: one per assignment, that nobody can make up.

With REPLY_ADDRESS set (`reponses@rencontres.example`), every iTIP message sent to a role model
about their engagement names `reponses+a42-<code>@rencontres.example` as its ORGANIZER. Their
calendar app sends its REPLY there, so the answer is tied to assignment 42 by an address only
we could have written, never by the From header (anyone can write any From).

The code is 80 random bits drawn when the assignment is created (`Assignment.reply_code`), in
lower-case base32: ASCII, and immune to mail servers that fold the local part's case. It is
stored rather than derived from SECRET_KEY so that it never changes during the engagement's
life, key rotations included: Outlook matches a CANCEL or an update to the entry it has by the
organizer's address as well as the UID, and an engagement can last months.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable

from flask import current_app

from app.extensions import db
from app.models import Assignment

_LOCAL_MAX = 64  # RFC 5321's limit on the local part
_CAPABILITY = re.compile(r"\+a(\d{1,12})-([a-z2-7]{16})@", re.ASCII)


def _base() -> tuple[str, str] | None:
    configured = (current_app.config.get("REPLY_ADDRESS") or "").strip().lower()
    local, at, domain = configured.rpartition("@")
    if not at or not local or not domain:
        return None
    return local.partition("+")[0], domain


def enabled() -> bool:
    return _base() is not None


def address_for(assignment: Assignment) -> str | None:
    """`local+a<id>-<code>@domain` for this assignment; None when REPLY_ADDRESS is unset (or too
    long to carry a code: the organizer's own address is used then, as without the feature)."""
    base = _base()
    if base is None or assignment.id is None or not assignment.reply_code:
        return None
    local, domain = base
    tagged = f"{local}+a{assignment.id}-{assignment.reply_code}"
    if len(tagged) > _LOCAL_MAX:
        return None
    return f"{tagged}@{domain}"


def read(addresses: Iterable[str]) -> tuple[Assignment | None, int | None]:
    """The assignment a genuine reply address among `addresses` names, and the number claimed.

    (assignment, id) for a genuine address; (None, id) when an address has the shape but names
    no assignment or carries a wrong code (tampered or made up); (None, None) when none has the
    shape. Only addresses at REPLY_ADDRESS's own local part and domain count."""
    base = _base()
    if base is None:
        return None, None
    local, domain = base
    claimed = None
    for address in addresses:
        address = (address or "").strip().lower()
        if not address.startswith(local + "+") or not address.endswith("@" + domain):
            continue
        found = _CAPABILITY.search(address[len(local):])
        if found is None:
            continue
        claimed, code = int(found.group(1)), found.group(2)
        assignment = db.session.get(Assignment, claimed)
        if assignment is not None and hmac.compare_digest(code, assignment.reply_code or ""):
            return assignment, claimed
    return None, claimed

"""Helpers for tests of the school's request form: a valid submission and its pieces."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from app.reference.uai import uai_check_letter

# Tests run on a fixed Monday, so real holiday dates from the data package stay in the future.
TODAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def uai(digits: str) -> str:
    """A valid UAI from 7 digits (the check letter computed)."""
    return digits + uai_check_letter(digits)


PARIS_UAI = uai("0759001")  # académie de Paris, zone C


def form_tokens(client, url: str = "/demandes/nouvelle") -> dict:
    html = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', html).group(1)
    return {"csrf_token": csrf, "idempotency_key": key}


def valid_form(**overrides) -> dict:
    data = {
        "uai": PARIS_UAI,
        "school_name": "Collège Marie Curie",
        "commune": "Paris",
        "postal_code": "75013",
        "school_kind": "college",
        "priority": "rep",
        "contact_name": "Sophie Martin",
        "contact_role": "teacher",
        "email": "sophie.martin@ac-paris.fr",
        "phone": "",
        "class_levels": ["4e", "3e"],
        "headcount": "28",
        "girls_count": "13",
        "format": "school_visit",
        "delivery": "in_person",
        "topics": ["aéronautique", "robotique"],
        "windows-0-start_date": "2027-01-11",
        "windows-0-end_date": "2027-01-22",
        "windows-0-time_of_day": "morning",
        "windows-1-start_date": "",
        "windows-1-end_date": "",
        "windows-1-time_of_day": "any",
        "windows-2-start_date": "",
        "windows-2-end_date": "",
        "windows-2-time_of_day": "any",
        "remarks": "Salle équipée d'un vidéoprojecteur.",
        "consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, **overrides):
    """GET the form (for its CSRF token and idempotency key), then POST it."""
    data = {**form_tokens(client), **valid_form(**overrides)}
    return client.post("/demandes/nouvelle", data=data), data


def followup_token_from(text: str) -> str:
    match = re.search(r"/demandes/suivi/([A-Za-z0-9_-]+)", text)
    assert match, "no follow-up link"
    return match.group(1)

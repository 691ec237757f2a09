"""UAI (Unité Administrative Immatriculée): 7 characters and a check letter, e.g. 0751234J.

The check letter is the remainder of the 7-character number modulo 23, read in an alphabet
without I, O and Q. Corsican UAIs start with 620 (2A) or 720 (2B) instead of a département.
"""

from __future__ import annotations

import re

_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"
_PATTERN = re.compile(r"^(\d{7})([A-Z])$")


def uai_check_letter(digits: str) -> str:
    return _ALPHABET[int(digits) % 23]


def normalize_uai(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def has_uai_shape(value: str) -> bool:
    """Seven digits and a letter, whether or not the letter is the right one."""
    return bool(_PATTERN.match(normalize_uai(value)))


def example_uai(digits: str = "0751234") -> str:
    """A UAI with its right check letter, for hints and messages (never a made-up letter)."""
    return digits + uai_check_letter(digits)


def is_valid_uai(value: str) -> bool:
    match = _PATTERN.match(normalize_uai(value))
    return bool(match) and uai_check_letter(match.group(1)) == match.group(2)


def departement_of_uai(value: str) -> str:
    """The département code a UAI belongs to ("075" → "75", "620" → "2A", "974" → "974")."""
    prefix = normalize_uai(value)[:3]
    if prefix == "620":
        return "2A"
    if prefix == "720":
        return "2B"
    if prefix.startswith("9") and prefix[:2] == "97":
        return prefix
    return prefix[1:]

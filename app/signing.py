"""Signed values in links (sign-in, invitation answers, feedback): one way to sign them, so
that every link accepts the same keys.

The current SECRET_KEY signs; it and every key in SECRET_KEY_FALLBACKS verify. Rotating the
key (old one moved to the fallbacks) therefore breaks no link already sent, as Flask 3.1 does
for session cookies with the same setting. Each purpose has its own salt, so a value signed for
one purpose is never accepted for another.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import URLSafeTimedSerializer


def keys() -> list[str]:
    """Oldest first, the current key last: itsdangerous signs with the last and accepts all."""
    config = current_app.config
    return [*config.get("SECRET_KEY_FALLBACKS", []), config["SECRET_KEY"]]


def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(keys(), salt=salt)

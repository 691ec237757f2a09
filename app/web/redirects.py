"""Where a `next` parameter may send someone after signing in: only back into this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(target: str | None, fallback: str) -> str:
    if not target:
        return fallback
    if any(ord(c) < 32 or c.isspace() for c in target):
        return fallback
    # Browsers treat backslashes as slashes, so "/\\evil.com" is an absolute URL to them.
    candidate = target.replace("\\", "/")
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith("/") or candidate.startswith("//"):
        return fallback
    return target

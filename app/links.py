"""Absolute links for emails and feeds, built from BASE_URL (works in requests, jobs and CLI)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, url_scheme=base.scheme or "https", script_name=base.path or "/"
    )
    return adapter.build(endpoint, values, force_external=True)


def webcal_url(https_url: str) -> str:
    """The same feed URL with the webcal scheme, which calendar apps open as a subscription."""
    return "webcal://" + https_url.split("://", 1)[1]

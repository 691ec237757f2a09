"""What a feed URL answers: one representation (no content negotiation, no compression, since
some calendar clients break on gzip), strong ETags from the bytes, and cheap revalidation.

Unknown, revoked and wrong-kind tokens all get the same plain 404, whatever the token was. Both
the Flask views (app/web/feeds) and the fast path in front of the app (app/feeds/fast_path.py)
send what `answer` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from werkzeug.http import http_date, parse_date, parse_etags

from app.feeds.cache import RenderedFeed

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Public feeds may sit in shared caches for a few minutes; private ones (personal data behind a
# secret URL) only in the subscriber's own client, revalidated on every use. Both forbid proxies
# from transforming (compressing) the body.
PUBLIC_CACHE = "public, max-age=300, must-revalidate, no-transform"
PRIVATE_CACHE = "private, no-cache, no-transform"


@dataclass(frozen=True, slots=True)
class FeedRoute:
    """What one feed URL serves: `load(**view_args)` gives the feed, or None for a 404."""

    load: Callable[..., RenderedFeed | None]
    cache_control: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A feed URL's response before the app-wide headers. The fast path sends it as it is, the
    Flask view as a Response (with these headers, Werkzeug adds and removes nothing)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


# A bare 404, not the HTML error page: that page reads the signed-in user, and with a
# remember-me cookie Flask-Login would then write to the null session (a 500).
NOT_FOUND = Answer(404, (("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "10")),
                    b"Not Found\n")


def answer(route: FeedRoute, view_args: dict, *, if_none_match: str | None,
           if_modified_since: str | None) -> Answer:
    """The answer to a GET or HEAD of a feed URL, given the request's conditional headers."""
    feed = route.load(**view_args)
    if feed is None:
        return NOT_FOUND
    validators = (("ETag", feed.etag), ("Cache-Control", route.cache_control))
    if _not_modified(feed, if_none_match, if_modified_since):
        # RFC 9110 §15.4.5: the validators and Cache-Control, no representation metadata.
        return Answer(304, validators, b"")
    return Answer(200, (
        ("Content-Type", CONTENT_TYPE),
        ("Content-Length", str(len(feed.body))),
        *validators,
        ("Last-Modified", http_date(feed.last_modified)),
        ("Content-Disposition", 'inline; filename="rencontres.ics"'),
    ), feed.body)


def _not_modified(feed: RenderedFeed, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 §13.1.3, §13.2.2: If-None-Match, when present (even empty or malformed), decides
    alone, by weak comparison; otherwise If-Modified-Since, when it is a valid date, is
    compared with Last-Modified."""
    if if_none_match is not None:
        if if_none_match == feed.etag:  # what calendar clients send: the ETag they were given
            return True
        return parse_etags(if_none_match).contains_weak(feed.etag.strip('"'))
    since: datetime | None = parse_date(if_modified_since)  # readable: app/http_dates.py
    return since is not None and feed.last_modified <= since

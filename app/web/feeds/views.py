"""Calendar feeds over HTTP: one representation (no content negotiation, no compression, since
some calendar clients break on gzip), strong ETags from the bytes, and cheap revalidation.

Unknown, revoked and wrong-kind tokens all get the same plain 404, whatever the token was.

Each feed is declared once (`feed_route`): its URL rule, the service that loads it and how caches
may keep it. That declaration registers the Flask view (for `url_for` and for any request the
fast path hands over) and the fast path's entry (fast_path.py); both send what `answer` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, current_app, request
from flask.globals import request_ctx
from werkzeug.http import http_date, parse_date, parse_etags

from app.extensions import limiter
from app.feeds import rendering
from app.feeds.cache import RenderedFeed

bp = Blueprint("feeds", __name__)
# Tokens carry 256 bits (nothing to guess) and polls are answered from the cache: the limiter's
# bookkeeping would cost more than serving the feed.
limiter.exempt(bp)


@bp.before_request
def _without_session() -> None:
    # Calendar clients send no cookies and nothing here varies by one: a null session keeps
    # extensions (Flask-Login's cookie refresh) from adding `Vary: Cookie` to every feed.
    # (Flask has no public setter for it; tests/app/feeds/test_feeds_http.py checks the header.)
    request_ctx._session = current_app.session_interface.make_null_session(current_app)

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


# Endpoint ("feeds.role_model_feed") -> its route, for the fast path.
ROUTES: dict[str, FeedRoute] = {}


def feed_route(rule: str, cache_control: str):
    """Declare a feed: `rule` served (GET, HEAD) with what the decorated loader returns."""

    def register(load: Callable[..., RenderedFeed | None]):
        route = FeedRoute(load, cache_control)
        ROUTES[f"{bp.name}.{load.__name__}"] = route

        def view(**view_args) -> Response:
            found = answer(route, view_args, if_none_match=request.headers.get("If-None-Match"),
                           if_modified_since=request.headers.get("If-Modified-Since"))
            return Response(found.body, status=found.status, headers=found.headers)

        view.__name__ = view.__qualname__ = load.__name__
        bp.add_url_rule(rule, load.__name__, view, methods=["GET"])
        return load

    return register


# A bare 404, not the HTML error page: that page reads the signed-in user, and with a
# remember-me cookie Flask-Login would then write to the null session (a 500).
_NOT_FOUND = Answer(404, (("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "10")),
                    b"Not Found\n")


def answer(route: FeedRoute, view_args: dict, *, if_none_match: str | None,
           if_modified_since: str | None) -> Answer:
    """The answer to a GET or HEAD of a feed URL, given the request's conditional headers."""
    feed = route.load(**view_args)
    if feed is None:
        return _NOT_FOUND
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


@feed_route("/feeds/role-models/<token>.ics", PRIVATE_CACHE)
def role_model_feed(token: str) -> RenderedFeed | None:
    return rendering.role_model_feed(token)


@feed_route("/feeds/schools/<token>.ics", PRIVATE_CACHE)
def school_feed(token: str) -> RenderedFeed | None:
    return rendering.school_feed(token)


@feed_route("/feeds/organizers/<token>.ics", PRIVATE_CACHE)
def organizer_feed(token: str) -> RenderedFeed | None:
    return rendering.organizer_feed(token)


@feed_route("/feeds/public.ics", PUBLIC_CACHE)
def public_feed() -> RenderedFeed | None:
    return rendering.public_feed()


@feed_route("/feeds/public/<academie>.ics", PUBLIC_CACHE)
def public_academie_feed(academie: str) -> RenderedFeed | None:
    return rendering.public_feed(academie)

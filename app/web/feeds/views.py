"""Calendar feeds over HTTP: one representation (no content negotiation, no compression, since
some calendar clients break on gzip), strong ETags from the bytes, and cheap revalidation.

Unknown, revoked and wrong-kind tokens all get the same plain 404, whatever the token was.

Each feed is declared once (`feed_route`): its URL rule, the service that loads it and how caches
may keep it. That declaration registers the Flask view (for `url_for` and for any request the
fast path hands over) and the fast path's entry (fast_path.py); both answer with `respond`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Request, Response, current_app, request
from flask.globals import request_ctx
from werkzeug.http import http_date

from app.extensions import limiter
from app.services import feeds
from app.services.feed_cache import RenderedFeed

bp = Blueprint("feeds", __name__)
# Tokens carry 256 bits (nothing to guess) and polls are answered from the cache: the limiter's
# bookkeeping would cost more than serving the feed.
limiter.exempt(bp)


@bp.before_request
def _without_session() -> None:
    # Calendar clients send no cookies and nothing here varies by one: a null session keeps
    # extensions (Flask-Login's cookie refresh) from adding `Vary: Cookie` to every feed.
    # (Flask has no public setter for it; tests/app/test_feeds_http.py checks the header.)
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


# Endpoint ("feeds.role_model_feed") -> its route, for the fast path.
ROUTES: dict[str, FeedRoute] = {}


def feed_route(rule: str, cache_control: str):
    """Declare a feed: `rule` served (GET, HEAD) with what the decorated loader returns."""

    def register(load: Callable[..., RenderedFeed | None]):
        route = FeedRoute(load, cache_control)
        ROUTES[f"{bp.name}.{load.__name__}"] = route

        def view(**view_args) -> Response:
            return respond(request, route, view_args)

        view.__name__ = view.__qualname__ = load.__name__
        bp.add_url_rule(rule, load.__name__, view, methods=["GET"])
        return load

    return register


def respond(incoming: Request, route: FeedRoute, view_args: dict) -> Response:
    """The response to a GET or HEAD of a feed URL (before the app-wide headers)."""
    return _calendar_response(incoming, route.load(**view_args), route.cache_control)


def _not_modified(incoming: Request, feed: RenderedFeed) -> bool:
    """RFC 9110 §13.2.2: If-None-Match, when present, decides alone (weak comparison);
    otherwise If-Modified-Since, when it is a valid date, is compared with Last-Modified."""
    if incoming.if_none_match:
        return incoming.if_none_match.contains_weak(feed.etag.strip('"'))
    since: datetime | None = incoming.if_modified_since
    return since is not None and feed.last_modified <= since


def _calendar_response(incoming: Request, feed: RenderedFeed | None, cache_control: str) -> Response:
    if feed is None:
        # A bare 404, not the HTML error page: that page reads the signed-in user, and with a
        # remember-me cookie Flask-Login would then write to the null session (a 500).
        return Response("Not Found\n", status=404, mimetype="text/plain")
    headers = {
        "ETag": feed.etag,
        "Last-Modified": http_date(feed.last_modified),
        "Cache-Control": cache_control,
    }
    if _not_modified(incoming, feed):
        return Response(status=304, headers=headers)
    response = Response(feed.body, status=200, headers=headers)
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Content-Disposition"] = 'inline; filename="rencontres.ics"'
    return response


@feed_route("/feeds/role-models/<token>.ics", PRIVATE_CACHE)
def role_model_feed(token: str) -> RenderedFeed | None:
    return feeds.role_model_feed(token)


@feed_route("/feeds/schools/<token>.ics", PRIVATE_CACHE)
def school_feed(token: str) -> RenderedFeed | None:
    return feeds.school_feed(token)


@feed_route("/feeds/organizers/<token>.ics", PRIVATE_CACHE)
def organizer_feed(token: str) -> RenderedFeed | None:
    return feeds.organizer_feed(token)


@feed_route("/feeds/public.ics", PUBLIC_CACHE)
def public_feed() -> RenderedFeed | None:
    return feeds.public_feed()


@feed_route("/feeds/public/<academie>.ics", PUBLIC_CACHE)
def public_academie_feed(academie: str) -> RenderedFeed | None:
    return feeds.public_feed(academie)

"""Calendar feeds over HTTP: one representation (no content negotiation, no compression, since
some calendar clients break on gzip), strong ETags from the bytes, and cheap revalidation.

Unknown, revoked and wrong-kind tokens all get the same plain 404, whatever the token was.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, request
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


def _not_modified(feed: RenderedFeed) -> bool:
    """RFC 9110 §13.2.2: If-None-Match, when present, decides alone (weak comparison);
    otherwise If-Modified-Since, when it is a valid date, is compared with Last-Modified."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(feed.etag.strip('"'))
    since: datetime | None = request.if_modified_since
    return since is not None and feed.last_modified <= since


def _calendar_response(feed: RenderedFeed | None, cache_control: str) -> Response:
    if feed is None:
        # A bare 404, not the HTML error page: that page reads the signed-in user, and with a
        # remember-me cookie Flask-Login would then write to the null session (a 500).
        return Response("Not Found\n", status=404, mimetype="text/plain")
    headers = {
        "ETag": feed.etag,
        "Last-Modified": http_date(feed.last_modified),
        "Cache-Control": cache_control,
    }
    if _not_modified(feed):
        return Response(status=304, headers=headers)
    response = Response(feed.body, status=200, headers=headers)
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Content-Disposition"] = 'inline; filename="rencontres.ics"'
    return response


@bp.get("/feeds/role-models/<token>.ics")
def role_model_feed(token: str):
    return _calendar_response(feeds.role_model_feed(token), PRIVATE_CACHE)


@bp.get("/feeds/schools/<token>.ics")
def school_feed(token: str):
    return _calendar_response(feeds.school_feed(token), PRIVATE_CACHE)


@bp.get("/feeds/organizers/<token>.ics")
def organizer_feed(token: str):
    return _calendar_response(feeds.organizer_feed(token), PRIVATE_CACHE)


@bp.get("/feeds/public.ics")
def public_feed():
    return _calendar_response(feeds.public_feed(), PUBLIC_CACHE)


@bp.get("/feeds/public/<academie>.ics")
def public_academie_feed(academie: str):
    return _calendar_response(feeds.public_feed(academie), PUBLIC_CACHE)

"""Calendar feeds over HTTP (`/feeds/...ics`): subscription URLs polled by calendar clients.

Each feed is declared once (`feed_route`): its URL rule, the service that loads it and how caches
may keep it. That declaration registers the Flask view (for `url_for` and for any request the
fast path hands over) and the fast path's entry (`ROUTES`, app/feeds/fast_path.py); both send
what `app.feeds.answers.answer` gives.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app, request

from app.extensions import limiter
from app.feeds import rendering
from app.feeds.answers import PRIVATE_CACHE, PUBLIC_CACHE, FeedRoute, answer
from app.feeds.cache import RenderedFeed
from app.private_apis import set_request_session

bp = Blueprint("feeds", __name__)
# Tokens carry 256 bits (nothing to guess) and polls are answered from the cache: the limiter's
# bookkeeping would cost more than serving the feed.
limiter.exempt(bp)


@bp.before_request
def _without_session() -> None:
    # Calendar clients send no cookies and nothing here varies by one: a null session keeps
    # extensions (Flask-Login's cookie refresh) from adding `Vary: Cookie` to every feed.
    # (tests/app/feeds/test_feeds_http.py checks the header.)
    set_request_session(current_app.session_interface.make_null_session(current_app))


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

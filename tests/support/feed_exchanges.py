"""Every way a calendar client asks for a feed, to compare two ways of answering (the fast path
and the full stack, with and without the stamp watch)."""

from __future__ import annotations

from app.extensions import db
from app.feeds import tokens
from app.models import FeedKind, FeedToken, VisitRequest

REQUEST_ID = "lb-0123456789abcdef"


def request_feed(world) -> str:
    """A school link given with the world's request, as the public form gives one: its contact is
    not confirmed, so it serves that request's events only."""
    request = db.session.get(VisitRequest, world.ids["request_id"])
    secret = tokens.new_token()
    row = FeedToken(token_hash=tokens.hash_token(secret), kind=FeedKind.SCHOOL, school_id=request.school_id)
    db.session.add(row)
    db.session.flush()
    request.feed_token_id = row.id
    return secret


def feed_urls(world) -> list[str]:
    links = world.links
    return [
        f"/feeds/role-models/{links['feeds.role_model_feed']}.ics",
        f"/feeds/schools/{links['feeds.school_feed']}.ics",
        f"/feeds/schools/{request_feed(world)}.ics",
        f"/feeds/organizers/{links['feeds.organizer_feed']}.ics",
        "/feeds/public.ics",
        "/feeds/public/paris.ics",
        "/feeds/public.ics?lang=en&t=1712",  # cache busters and the language switch change nothing
        "/feeds/role-models/" + "x" * 43 + ".ics",  # unknown token
        f"/feeds/schools/{links['feeds.role_model_feed']}.ics",  # a token of another kind
        "/feeds/public/atlantide.ics",  # no such académie
    ]


def exchanges(client, urls: list[str]) -> list[tuple]:
    """Status, headers (in order) and body of GET, HEAD and conditional GETs of each URL."""
    seen = []
    for url in urls:
        first = client.get(url, headers={"X-Request-ID": REQUEST_ID})
        variants = [("GET", {}), ("HEAD", {})]
        if "ETag" in first.headers:
            etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
            variants += [("GET", {"If-None-Match": etag}),
                         ("GET", {"If-Modified-Since": modified}),
                         ("HEAD", {"If-None-Match": etag}),
                         # what else clients send: weak, listed, star, blank, stale, not a date
                         ("GET", {"If-None-Match": f"W/{etag}"}),
                         ("GET", {"If-None-Match": f'"older", {etag}'}),
                         ("GET", {"If-None-Match": "*"}),
                         ("GET", {"If-None-Match": "", "If-Modified-Since": modified}),
                         ("GET", {"If-Modified-Since": "Thu, 01 Jan 2024 99999999999999999999:00:00 GMT"}),
                         ("GET", {"If-None-Match": '"older"', "If-Modified-Since": modified}),
                         ("GET", {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"}),
                         ("GET", {"If-Modified-Since": "hier"})]
        for method, headers in variants:
            response = client.open(url, method=method, headers={"X-Request-ID": REQUEST_ID, **headers})
            seen.append((method, url, headers, response.status, list(response.headers.items()),
                         response.data))
    return seen

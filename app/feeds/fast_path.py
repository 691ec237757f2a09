"""The feeds' fast path: GET and HEAD of a feed URL answered without Flask's request handling.

Calendar clients poll their feeds every few minutes, thousands of them, and nearly every poll is
answered from the render cache with one query. Through the whole stack such a poll would pay
for what feeds never use: the session and its null replacement, Flask-Login, CSRF, the rate
limiter's check (feeds are exempt), the before/after hooks, and Werkzeug's request and response
objects (their header handling alone cost more than the token lookup). So a small WSGI layer in
front of the Flask app (`app.wsgi_app`, inside ProxyFix so the client address and scheme are
already right) answers them itself, from the WSGI environ:

- it matches the path with the app's own URL map (bound once: feed rules do not depend on the
  host; an app that checks hosts, TRUSTED_HOSTS or host matching, gets every request) and
  serves only the endpoints that app/web/feeds declared (`feed_route`), with the same
  `answers.answer` as the Flask views (the token lookup is a hot read, app/feeds/hot_reads.py,
  on a pooled connection given back at once; a cache miss renders through the session);
- it pushes only an app context (a session, if a render opened one, is removed when it pops:
  its connection goes back to the pool) with SQLite's read intent (a deferred BEGIN: polls
  never take the write lock, app/sqlite.py);
- it adds what the app adds to every response: X-Request-ID, the security headers
  (app/security.py) and the JSON request log line (app/request_log.py). The status line,
  headers and body are those the full stack sends (tests/app/feeds/test_feeds_fast_path.py).

Everything else goes to the app untouched: other paths and methods, URLs that match no feed
(the app's 404 page, its redirects), and any request during which something failed — the
database unreachable, a bug — which the app then runs from the start and answers as it always
does (a 503 page when the database is down, after its own attempt on a renewed pool).
"""

from __future__ import annotations

import logging
import time

from flask import Flask
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import MapAdapter

from app import request_log, security, sqlite
from app.feeds.answers import FeedRoute, answer
from app.transactions import rollback_quietly

log = logging.getLogger(__name__)

PREFIX = "/feeds/"
METHODS = frozenset({"GET", "HEAD"})
# Werkzeug's status lines, so both paths send the same bytes.
STATUS = {code: f"{code} {HTTP_STATUS_CODES[code].upper()}" for code in (200, 304, 404)}


class FeedFastPath:
    """WSGI middleware: feed polls answered here, every other request by `next_app`."""

    def __init__(self, app: Flask, next_app, routes: dict[str, FeedRoute]):
        self.app = app
        self.next_app = next_app
        self.routes = routes  # endpoint -> what it serves, as the blueprint declared them
        self._urls: MapAdapter | None = None

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method in METHODS:
            path = environ.get("PATH_INFO", "")
            # Non-ASCII paths go to the app, which decodes them (WSGI hands them over as latin-1).
            if path.startswith(PREFIX) and path.isascii():
                reply = self.reply(environ, method, path)
                if reply is not None:
                    status, headers, body = reply
                    start_response(status, headers)
                    return [body] if body and method == "GET" else []
        return self.next_app(environ, start_response)

    def reply(self, environ, method: str, path: str) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """Status line, headers and body of a feed poll, or None to hand the request to the app."""
        started = time.perf_counter()
        app = self.app
        matched = self._match(method, path)
        if matched is None:
            return None
        endpoint, view_args = matched
        route = self.routes.get(endpoint)
        if route is None:
            return None
        try:
            with app.app_context():
                try:
                    with sqlite.intent(False):
                        found = answer(route, view_args, if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
                                       if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"))
                except Exception:
                    rollback_quietly()
                    raise
        except Exception as error:
            # No detail: a database error's text may quote the statement's parameters.
            log.warning("feed fast path failed (%s): the app answers instead", type(error).__name__)
            return None

        request_id = request_log.request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        secure = environ.get("wsgi.url_scheme") in ("https", "wss")  # as Werkzeug's request.is_secure
        headers = [*found.headers, (request_log.HEADER, request_id),
                   *security.headers_for(secret_url=security.holds_secret(view_args),
                                         https=security.serves_https(app, secure))]
        request_log.write(request_id=request_id, method=method, path=request_log.mask_path(path, view_args),
                          endpoint=endpoint, status=found.status, started=started, user_id=None,
                          ip=environ.get("REMOTE_ADDR"))
        return STATUS[found.status], headers, found.body

    def _match(self, method: str, path: str) -> tuple[str, dict] | None:
        """The endpoint and URL variables of `path`, by the app's URL map, or None."""
        app = self.app
        if app.config["TRUSTED_HOSTS"] is not None or app.url_map.host_matching or app.subdomain_matching:
            return None  # rules on the host: the app checks it first
        urls = self._urls
        if urls is None:
            # Feed rules do not depend on the host: one adapter, bound once, matches every path
            # (Flask binds one per request, from the request's host).
            urls = self._urls = app.url_map.bind("localhost", subdomain=app.url_map.default_subdomain or "")
        try:
            rule, view_args = urls.match(path, method, return_rule=True)
        except Exception:  # no route, a redirect: the app's own answer
            return None
        return rule.endpoint, view_args


"""The feeds' fast path: GET and HEAD of a feed URL answered without Flask's request handling.

Calendar clients poll their feeds every few minutes, thousands of them, and nearly every poll is
answered from the render cache with one query. Through the whole stack such a poll would pay
for what feeds never use: the session and its null replacement, Flask-Login, CSRF, the rate
limiter's check (feeds are exempt), the before/after hooks. So a small WSGI layer in front of
the Flask app (`app.wsgi_app`, inside ProxyFix so the client address and scheme are already
right) answers them itself:

- it matches the URL with the app's own URL map and serves only the endpoints that
  `views.feed_route` declared, through the same `views.respond` as the Flask views (the
  services do the rest: the token lookup is a hot read, app/hot_reads.py, on a pooled
  connection given back at once; a cache miss renders through the session);
- it pushes only an app context (a session, if a render opened one, is removed when it pops:
  its connection goes back to the pool) with SQLite's read intent (a deferred BEGIN: polls
  never take the write lock, app/sqlite.py);
- it adds what the app adds to every response: X-Request-ID, the security headers
  (app/security.py) and the JSON request log line (app/request_log.py).

Everything else goes to the app untouched: other paths and methods, URLs that match no feed
(the app's 404 page, its redirects), and any request during which something failed — the
database unreachable, a bug — which the app then runs from the start and answers as it always
does (a 503 page when the database is down, after its own attempt on a renewed pool).
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response

from app import request_log, security, sqlite
from app.errors import rollback_quietly
from app.web.feeds.views import ROUTES, respond

log = logging.getLogger(__name__)

PREFIX = "/feeds/"
METHODS = frozenset({"GET", "HEAD"})


class FeedFastPath:
    """WSGI middleware: feed polls answered here, every other request by `next_app`."""

    def __init__(self, app: Flask, next_app):
        self.app = app
        self.next_app = next_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in METHODS and environ.get("PATH_INFO", "").startswith(PREFIX):
            response = self.answer(environ)
            if response is not None:
                return response(environ, start_response)
        return self.next_app(environ, start_response)

    def answer(self, environ) -> Response | None:
        """The complete response to a feed poll, or None to hand the request to the app."""
        started = time.perf_counter()
        app = self.app
        incoming = app.request_class(environ)
        try:
            rule, view_args = app.create_url_adapter(incoming).match(return_rule=True)
        except Exception:  # no route, a redirect, an untrusted host: the app's own answer
            return None
        route = ROUTES.get(rule.endpoint)
        if route is None:
            return None
        try:
            with app.app_context():
                try:
                    with sqlite.intent(False):
                        response = respond(incoming, route, view_args)
                except Exception:
                    rollback_quietly()
                    raise
        except Exception as error:
            # No detail: a database error's text may quote the statement's parameters.
            log.warning("feed fast path failed (%s): the app answers instead", type(error).__name__)
            return None

        request_id = request_log.request_id_from(incoming.headers.get(request_log.HEADER, ""))
        response.headers[request_log.HEADER] = request_id
        security.add_headers(response.headers, secret_url=security.holds_secret(view_args),
                             https=security.serves_https(app, incoming))
        request_log.write(request_id=request_id, method=incoming.method,
                          path=request_log.mask_path(incoming.path, view_args), endpoint=rule.endpoint,
                          status=response.status_code, started=started, user_id=None, ip=incoming.remote_addr)
        return response


def init_app(app: Flask) -> None:
    """Put the fast path in front of the app; call before `security.init_app`, whose ProxyFix
    must wrap it (the fast path logs the client's address and sends HSTS by the scheme)."""
    fast_path = FeedFastPath(app, app.wsgi_app)
    app.wsgi_app = fast_path
    app.extensions["feeds_fast_path"] = fast_path

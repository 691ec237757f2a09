"""The WSGI layers around the Flask app, built in one place and in one order.

From the outside in:

1. `DropUnreadableDates` (app/http_dates.py): conditional dates that Werkzeug cannot parse are
   removed before anything reads them, the feeds' fast path included;
2. `ProxyFix`, when TRUSTED_PROXIES > 0: the client's address and scheme from the proxies'
   `X-Forwarded-*` headers, for everything inside (the request log, HSTS by scheme);
3. `FeedFastPath` (app/feeds/fast_path.py), unless FEED_FAST_PATH is off: feed polls answered
   without Flask's request handling;
4. the Flask app itself (`Flask.wsgi_app`).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.feeds.fast_path import FeedFastPath
from app.http_dates import DropUnreadableDates
from app.web.feeds import ROUTES


def build_wsgi_stack(app: Flask):
    """The WSGI application serving `app`, to assign to `app.wsgi_app` once."""
    stack = app.wsgi_app
    app.extensions.pop("feeds_fast_path", None)
    if app.config["FEED_FAST_PATH"]:
        stack = app.extensions["feeds_fast_path"] = FeedFastPath(app, stack, ROUTES)
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        stack = ProxyFix(stack, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    return DropUnreadableDates(stack)

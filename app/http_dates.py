"""Conditional request dates that Werkzeug cannot parse without failing.

Werkzeug's `parse_date` raises OverflowError on a date such as
"Thu, 01 Jan 2024 99999999999999999999:00:00 GMT" instead of returning None, so every
conditional response built on it (static files, downloads, the API's ETags, feeds) would turn
such a request into a 500. RFC 9110 §13.1.3 says a recipient ignores an If-Modified-Since that
is not a valid date; this WSGI layer, outside everything else, removes those headers (and the
other two conditional dates) before anything reads them.
"""

from __future__ import annotations

from werkzeug.http import parse_date

HEADERS = ("HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE")


class DropUnreadableDates:
    def __init__(self, app):
        self.app = app  # the wrapped WSGI app, named as Werkzeug's middleware name it

    def __call__(self, environ, start_response):
        for name in HEADERS:
            value = environ.get(name)
            if value is not None:
                try:
                    parse_date(value)
                except (OverflowError, ValueError):
                    del environ[name]
        return self.app(environ, start_response)


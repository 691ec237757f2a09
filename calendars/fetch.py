"""Fetching a calendar from a URL a user typed: what we agree to fetch, and what we keep.

The URL is untrusted: it may point at our own network (SSRF), redirect there, resolve
differently on a second lookup (DNS rebinding), answer slowly forever, or send gigabytes.
This module holds the policy; the mechanics that enforce it per connection — checked
addresses, the total deadline, the capped body, error translation — are in
:mod:`calendars.transport`. So:

- only ``http`` and ``https`` (``webcal`` is read as ``https``); no credentials in URLs;
  IP literals and ``localhost`` names are refused before any session is opened;
- redirects are followed by hand, at most ``max_redirects`` hops, each new URL checked
  the same way and each connection's addresses checked again by the transport;
- conditional GET with the ETag / Last-Modified of last time, and a 304 kept as
  "not modified";
- only a 200 or 203 whose body starts like an iCalendar stream is a calendar;
- connect and read timeouts, a total deadline and a size cap (:data:`MAX_BYTES` unless
  told otherwise).

Every refusal raises its own :class:`~calendars.errors.FetchError` subclass.

>>> fetch_calendar("ftp://example.org/cal.ics")
Traceback (most recent call last):
...
calendars.errors.UnsupportedScheme: only http, https and webcal URLs can be fetched, not 'ftp'
>>> fetch_calendar("http://169.254.169.254/latest/meta-data/")
Traceback (most recent call last):
...
calendars.errors.ForbiddenAddress: 169.254.169.254 is a link-local address (cloud metadata)
>>> normalize_url("webcal://calendar.example.org/feed.ics")
'https://calendar.example.org/feed.ics'
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests

from calendars.addresses import check_address
from calendars.errors import (
    CredentialsInURL,
    HTTPError,
    InvalidURL,
    NotACalendar,
    TooManyRedirects,
    UnsupportedScheme,
)
from calendars.transport import Deadline, checked_session, errors_translated, read_capped
from calendars.values import FetchResult

__all__ = ["fetch_calendar", "normalize_url", "USER_AGENT", "MAX_BYTES"]

USER_AGENT = "Rencontres-IndustriElles/1.0 (calendar sync; +https://www.industrielles.fr)"
MAX_BYTES = 10 * 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def normalize_url(url: str) -> str:
    """Check a user-given URL and return it ready to fetch.

    Parameters:
        url: The URL; ``webcal://`` becomes ``https://``; surrounding spaces are ignored.

    Returns:
        The URL without its fragment.

    Raises:
        calendars.errors.UnsupportedScheme: For anything but http, https or webcal.
        calendars.errors.CredentialsInURL: For ``user:password@`` in the URL.
        calendars.errors.InvalidURL: For a URL without host, with a bad port or with
            control characters.

    >>> normalize_url("https://user:secret@example.org/cal.ics")
    Traceback (most recent call last):
    ...
    calendars.errors.CredentialsInURL: the URL contains a user name or password
    """
    if not isinstance(url, str):
        raise InvalidURL("the URL must be text")
    url = url.strip()
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in url):
        raise InvalidURL("the URL contains spaces or control characters")
    if len(url) > 4096:
        raise InvalidURL("the URL is too long")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidURL(f"the URL cannot be read: {error}") from None
    scheme = parts.scheme.lower()
    if scheme == "webcal" or scheme == "webcals":
        scheme = "https"
    if scheme not in ("http", "https"):
        raise UnsupportedScheme(
            f"only http, https and webcal URLs can be fetched, not {parts.scheme!r}"
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise CredentialsInURL("the URL contains a user name or password")
    if not parts.hostname:
        raise InvalidURL("the URL has no host")
    if port == 0:
        raise InvalidURL("the URL has port 0")
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _check_literal_host(url: str, allow_loopback: bool) -> None:
    """Refuse an IP literal at once, before even opening a session."""
    host = (urlsplit(url).hostname or "").strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        if host.rstrip(".").lower() in ("localhost", "localhost.localdomain") or host.rstrip(
            "."
        ).lower().endswith(".localhost"):
            check_address("127.0.0.1", allow_loopback=allow_loopback)
        return
    check_address(host, allow_loopback=allow_loopback)


def fetch_calendar(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BYTES,
    connect_timeout: float = 5.0,
    read_timeout: float = 10.0,
    total_timeout: float = 30.0,
    max_redirects: int = 3,
    user_agent: str = USER_AGENT,
    allow_loopback: bool = False,
) -> FetchResult:
    """Fetch a calendar from a URL given by a user.

    Parameters:
        url: ``http``, ``https`` or ``webcal`` URL.
        etag: The ETag received last time, sent as If-None-Match.
        last_modified: The Last-Modified received last time, sent as If-Modified-Since.
        max_bytes: Largest body accepted (after decompression).
        connect_timeout: Seconds to establish each connection.
        read_timeout: Seconds to wait for each piece of the answer.
        total_timeout: Seconds for the whole fetch, redirects included.
        max_redirects: Most redirects followed.
        user_agent: The User-Agent header.
        allow_loopback: Allow 127.0.0.0/8 and ::1, *for tests against a local server
            only*; every other address check still applies.

    Returns:
        A :class:`~calendars.values.FetchResult`: the body and the validators to send next
        time, or ``not_modified=True`` (and no body) after a 304.

    Raises:
        calendars.errors.UnsupportedScheme: Not http, https or webcal.
        calendars.errors.CredentialsInURL: ``user:password@`` in the URL.
        calendars.errors.InvalidURL: Unreadable URL or redirect location.
        calendars.errors.ForbiddenAddress: The host (or a redirect's) resolves to a
            forbidden address.
        calendars.errors.TooManyRedirects: More than ``max_redirects`` redirects.
        calendars.errors.FetchTimeout: A timeout or the total deadline passed.
        calendars.errors.ResponseTooLarge: The body passes ``max_bytes``.
        calendars.errors.HTTPError: An error status (its ``status`` attribute says which).
        calendars.errors.NotACalendar: The body is not an iCalendar stream.
        calendars.errors.ConnectionFailed: Unknown host, refused connection, TLS error...
    """
    current = normalize_url(url)
    _check_literal_host(current, allow_loopback)
    session = checked_session(allow_loopback)
    headers = {
        "User-Agent": user_agent,
        "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with Deadline(total_timeout) as deadline:
            for _hop in range(max_redirects + 1):
                _check_literal_host(current, allow_loopback)
                result = _get_once(
                    session,
                    current,
                    headers,
                    (connect_timeout, read_timeout),
                    max_bytes,
                    deadline,
                    etag,
                    last_modified,
                )
                if isinstance(result, FetchResult):
                    return result
                current = result
            raise TooManyRedirects(f"more than {max_redirects} redirects")
    finally:
        session.close()


def _get_once(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    timeouts: tuple[float, float],
    max_bytes: int,
    deadline: Deadline,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult | str:
    """One request: a result, or the next URL to follow."""
    with errors_translated(deadline):
        response = session.get(
            url, headers=headers, stream=True, allow_redirects=False, timeout=timeouts
        )
        with response:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise HTTPError(f"redirect {status} without a Location", status)
                return normalize_url(urljoin(url, location))
            if status == 304:
                return FetchResult(
                    body=None,
                    etag=response.headers.get("ETag") or etag,
                    last_modified=response.headers.get("Last-Modified") or last_modified,
                    final_url=url,
                    not_modified=True,
                    content_type=response.headers.get("Content-Type"),
                )
            if status not in (200, 203):
                raise HTTPError(f"the server answered {status} {response.reason}", status)
            body = read_capped(response, max_bytes, deadline)
            if not _looks_like_calendar(body):
                raise NotACalendar(
                    "the answer is not an iCalendar stream "
                    f"(Content-Type {response.headers.get('Content-Type')!r})"
                )
            return FetchResult(
                body=body,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                final_url=url,
                content_type=response.headers.get("Content-Type"),
            )


def _looks_like_calendar(body: bytes) -> bool:
    """Whether ``body`` starts like an iCalendar stream: a login page served with a 200 is
    the usual impostor, and Content-Type is too often wrong to decide on its own."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:15].upper() == b"BEGIN:VCALENDAR"

"""Fetching a calendar from a URL a user typed, safely.

The URL is untrusted: it may point at our own network (SSRF), redirect there, resolve
differently on a second lookup (DNS rebinding), answer slowly forever, or send gigabytes.
So:

- only ``http`` and ``https`` (``webcal`` is read as ``https``); no credentials in URLs;
- the host is resolved once per connection, *every* resolved address is checked (see
  :mod:`calendars.addresses`), and the socket connects to a checked address while the
  Host header and TLS SNI keep the name — no second lookup, no rebinding window;
- redirects are followed by hand, at most ``max_redirects`` hops, each one checked the
  same way;
- connect and read timeouts, plus a total deadline enforced by a timer that shuts the
  sockets down, so a server that drips one byte at a time cannot hold us;
- the body is read in small pieces and refused past ``max_bytes``;
- proxies and ``.netrc`` from the environment are ignored.

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

import contextvars
import ipaddress
import socket
import threading
import time
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from calendars.addresses import check_address
from calendars.errors import (
    ConnectionFailed,
    CredentialsInURL,
    FetchError,
    FetchTimeout,
    HTTPError,
    InvalidURL,
    NotACalendar,
    ResponseTooLarge,
    TooManyRedirects,
    UnsupportedScheme,
)
from calendars.values import FetchResult

__all__ = ["fetch_calendar", "normalize_url", "USER_AGENT", "MAX_BYTES"]

USER_AGENT = "Rencontres-IndustriElles/1.0 (calendar sync; +https://www.industrielles.fr)"
MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 16 * 1024  # small reads: also bounds what one gzip piece can expand to
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_current_deadline: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "calendars_fetch_deadline", default=None
)


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


class _Deadline:
    """Shuts down every socket of one fetch when the total time is up."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """``socket.getaddrinfo`` for TCP; a separate function so tests can stand in a
    resolver for names that are not in DNS."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)


def _open_checked_socket(
    host: str,
    port: int,
    timeout: float | None,
    source_address: tuple[str, int] | None,
    socket_options: Any,
    allow_loopback: bool,
) -> socket.socket:
    host = host.strip("[]")
    infos = _resolve(host, port)
    if not infos:
        raise socket.gaierror(f"no address for {host}")
    for info in infos:  # every address, so a round-robin name cannot smuggle one in
        check_address(info[4][0], allow_loopback=allow_loopback)
    deadline = _current_deadline.get()
    last_error: OSError | None = None
    for family, kind, proto, _name, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            if deadline is not None:
                deadline.register(sock)
            sock.connect(address)
            check_address(sock.getpeername()[0], allow_loopback=allow_loopback)
            return sock
        except OSError as error:
            last_error = error
            sock.close()
        except BaseException:
            sock.close()
            raise
    assert last_error is not None
    raise last_error


class _CheckedConnectionMixin:
    """Replaces urllib3's connect step with one that checks the address it uses."""

    allow_loopback = False

    def _new_conn(self) -> socket.socket:
        me: Any = self
        try:
            return _open_checked_socket(
                me._dns_host,
                me.port,
                me.timeout,
                me.source_address,
                me.socket_options,
                self.allow_loopback,
            )
        except socket.gaierror as error:
            raise NameResolutionError(me.host, me, error) from error
        except TimeoutError as error:
            raise ConnectTimeoutError(me, f"connection to {me.host} timed out") from error
        except OSError as error:
            raise NewConnectionError(me, f"failed to connect: {error}") from error


def _adapter(allow_loopback: bool) -> HTTPAdapter:
    class Plain(_CheckedConnectionMixin, HTTPConnection):
        pass

    class Secure(_CheckedConnectionMixin, HTTPSConnection):
        pass

    Plain.allow_loopback = Secure.allow_loopback = allow_loopback

    class PlainPool(HTTPConnectionPool):
        ConnectionCls = Plain

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = Secure

    class CheckedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": PlainPool, "https": SecurePool}

    return CheckedAdapter(max_retries=0, pool_connections=1, pool_maxsize=1)


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
    session = requests.Session()
    session.trust_env = False  # no proxy or .netrc from the environment
    adapter = _adapter(allow_loopback)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    headers = {
        "User-Agent": user_agent,
        "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = _Deadline(total_timeout)
    token = _current_deadline.set(deadline)
    started = time.monotonic()
    try:
        with deadline:
            for _hop in range(max_redirects + 1):
                _check_literal_host(current, allow_loopback)
                result = _get_once(
                    session,
                    current,
                    headers,
                    (connect_timeout, read_timeout),
                    max_bytes,
                    deadline,
                    started + total_timeout,
                    etag,
                    last_modified,
                )
                if isinstance(result, FetchResult):
                    return result
                current = result
            raise TooManyRedirects(f"more than {max_redirects} redirects")
    finally:
        _current_deadline.reset(token)
        session.close()


def _get_once(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    timeouts: tuple[float, float],
    max_bytes: int,
    deadline: _Deadline,
    deadline_at: float,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult | str:
    """One request: a result, or the next URL to follow."""
    try:
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
            body = _read_capped(response, max_bytes, deadline, deadline_at)
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
    except FetchError:
        raise
    except Exception as error:
        raise _translate(error, deadline) from error


def _read_capped(
    response: requests.Response, max_bytes: int, deadline: _Deadline, deadline_at: float
) -> bytes:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes and not response.headers.get(
        "Content-Encoding"
    ):
        raise ResponseTooLarge(f"the answer announces {length} bytes, more than {max_bytes}")
    pieces: list[bytes] = []
    size = 0
    raw = response.raw
    while True:
        if deadline.expired or time.monotonic() > deadline_at:
            raise FetchTimeout("the server took too long to send the calendar")
        piece = raw.read1(_CHUNK, decode_content=True)
        if not piece:
            if deadline.expired:
                raise FetchTimeout("the server took too long to send the calendar")
            break
        size += len(piece)
        if size > max_bytes:
            raise ResponseTooLarge(f"the answer is larger than {max_bytes} bytes")
        pieces.append(piece)
    return b"".join(pieces)


def _looks_like_calendar(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:15].upper() == b"BEGIN:VCALENDAR"


def _translate(error: BaseException, deadline: _Deadline) -> FetchError:
    """The library error for an exception from requests, urllib3 or the socket."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in chain:
        if isinstance(item, FetchError):
            return item
    if deadline.expired:
        return FetchTimeout("the server took too long to answer")
    if isinstance(error, (requests.exceptions.Timeout, TimeoutError, socket.timeout)):
        return FetchTimeout(f"the server did not answer in time: {error}")
    if any(isinstance(item, (requests.exceptions.Timeout, TimeoutError)) for item in chain):
        return FetchTimeout(f"the server did not answer in time: {error}")
    if isinstance(error, requests.exceptions.InvalidURL):
        return InvalidURL(str(error))
    if isinstance(error, requests.exceptions.SSLError):
        return ConnectionFailed(f"secure connection failed (certificate or TLS): {error}")
    return ConnectionFailed(f"could not get the calendar: {error}")

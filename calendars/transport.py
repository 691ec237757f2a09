"""How :mod:`calendars.fetch` gets bytes from an untrusted server without being led astray.

The policy — which URLs, which redirects, which answers count — lives in
:mod:`calendars.fetch`; this module holds the mechanics it relies on:

- :func:`checked_session`: a ``requests`` session whose connections resolve the host once,
  check *every* resolved address (see :mod:`calendars.addresses`) and connect the socket to
  a checked address while the Host header and TLS SNI keep the name — no second lookup,
  no rebinding window; proxies and ``.netrc`` from the environment are ignored;
- :class:`Deadline`: a total time limit, enforced by a timer that shuts the sockets down,
  so a server that drips one byte at a time cannot hold us;
- :func:`read_capped`: the body read in small pieces and refused past a size;
- :func:`errors_translated`: exceptions from requests, urllib3 or the socket turned into
  :class:`~calendars.errors.FetchError` subclasses.

>>> translate_error(requests.exceptions.ConnectTimeout("no answer"), Deadline(30.0))
FetchTimeout('the server did not answer in time: no answer')
>>> translate_error(requests.exceptions.InvalidURL("bad host"), Deadline(30.0))
InvalidURL('bad host')
"""

from __future__ import annotations

import contextvars
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from calendars.addresses import check_address
from calendars.errors import ConnectionFailed, FetchError, FetchTimeout, InvalidURL, ResponseTooLarge

__all__ = ["Deadline", "checked_session", "errors_translated", "read_capped", "translate_error"]

_CHUNK = 16 * 1024  # small reads: also bounds what one gzip piece can expand to
# urllib3 opens sockets deep inside requests, where no argument of ours reaches: the
# running fetch's deadline travels to the connect step this way.
_current_deadline: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "calendars_fetch_deadline", default=None
)


class Deadline:
    """The total time of one fetch: when it is up, every socket opened under it is shut.

    Used as a context manager around the whole fetch, redirects included; sockets opened
    by a :func:`checked_session` inside the ``with`` block register themselves.

    Parameters:
        seconds: The time allowed, counted from entering the ``with`` block.

    Attributes:
        expired: Whether the timer went off.
        ends_at: The :func:`time.monotonic` time it goes off, once entered.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self.ends_at = float("inf")
        self._seconds = seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._token: contextvars.Token[Deadline | None] | None = None

    def __enter__(self) -> Deadline:
        self.ends_at = time.monotonic() + self._seconds
        self._token = _current_deadline.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        if self._token is not None:
            _current_deadline.reset(self._token)
            self._token = None

    def passed(self) -> bool:
        """Whether the time is up, even if the timer thread has not run yet."""
        return self.expired or time.monotonic() > self.ends_at

    def register(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the time is up (at once if it already is)."""
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
    # shutdown rather than close: it wakes a thread blocked in recv on this socket
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
    # Classes made per call, so the loopback allowance of one fetch never leaks into another.
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


def checked_session(allow_loopback: bool) -> requests.Session:
    """A ``requests`` session that only ever connects to checked addresses.

    Parameters:
        allow_loopback: Allow 127.0.0.0/8 and ::1, *for tests against a local server only*.

    Returns:
        A session for http and https, with no retries and nothing taken from the
        environment (proxies, ``.netrc``). The caller closes it.
    """
    session = requests.Session()
    session.trust_env = False  # an environment proxy would connect for us, past every address check
    adapter = _adapter(allow_loopback)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def read_capped(response: requests.Response, max_bytes: int, deadline: Deadline) -> bytes:
    """Read the body of a streamed response, decompressed, refusing it past ``max_bytes``.

    Parameters:
        response: A response obtained with ``stream=True``.
        max_bytes: Largest body accepted, counted after decompression.
        deadline: The entered deadline of this fetch.

    Returns:
        The whole body.

    Raises:
        calendars.errors.ResponseTooLarge: The body (or its announced length) passes
            ``max_bytes``.
        calendars.errors.FetchTimeout: The deadline passed while reading.
    """
    length = response.headers.get("Content-Length", "")
    # a compressed body's announced length says nothing about its size once decompressed
    if length.isdigit() and int(length) > max_bytes and not response.headers.get(
        "Content-Encoding"
    ):
        raise ResponseTooLarge(f"the answer announces {length} bytes, more than {max_bytes}")
    pieces: list[bytes] = []
    size = 0
    raw = response.raw
    while True:
        if deadline.passed():
            raise FetchTimeout("the server took too long to send the calendar")
        piece = raw.read1(_CHUNK, decode_content=True)
        if not piece:
            # a socket shut by the deadline reads as a clean end: not a complete body
            if deadline.expired:
                raise FetchTimeout("the server took too long to send the calendar")
            break
        size += len(piece)
        if size > max_bytes:
            raise ResponseTooLarge(f"the answer is larger than {max_bytes} bytes")
        pieces.append(piece)
    return b"".join(pieces)


def translate_error(error: BaseException, deadline: Deadline) -> FetchError:
    """The library error for an exception from requests, urllib3 or the socket.

    Parameters:
        error: The exception caught while fetching.
        deadline: The deadline of this fetch: once it has expired, whatever broke is a
            timeout.

    Returns:
        A :class:`~calendars.errors.FetchError`: one found in the exception's chain (a
        refused address raised inside urllib3), else a timeout, an invalid URL or a
        failed connection.
    """
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


@contextmanager
def errors_translated(deadline: Deadline) -> Iterator[None]:
    """Let library errors through and turn any other exception into one.

    Parameters:
        deadline: The deadline of this fetch (see :func:`translate_error`).

    Raises:
        calendars.errors.FetchError: The translation of whatever the block raised, chained
            to it.
    """
    try:
        yield
    except FetchError:
        raise
    except Exception as error:
        raise translate_error(error, deadline) from error

"""Fetching user-given calendar URLs, against a real local HTTP server.

The loopback allowance (``allow_loopback=True``) is the explicit, test-only switch that
lets us talk to the local server; every other address rule still applies. No test ever
connects outside this machine: forbidden addresses are refused before connecting.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from werkzeug import Request, Response

import calendars.fetch as fetch_module
import calendars.transport as transport_module
from calendars import (
    ALL_ERRORS,
    ConnectionFailed,
    CredentialsInURL,
    FetchTimeout,
    ForbiddenAddress,
    HTTPError,
    InvalidURL,
    NotACalendar,
    ResponseTooLarge,
    TooManyRedirects,
    UnsupportedScheme,
    fetch_calendar,
)

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nEND:VCALENDAR\r\n"
LOCAL = {"allow_loopback": True}


def test_error_codes_are_distinct_and_stable():
    codes = [error.code for error in ALL_ERRORS]
    assert len(codes) == len(set(codes))
    assert ForbiddenAddress.code == "forbidden_address"
    assert all(issubclass(error, ValueError) for error in ALL_ERRORS)


def test_fetch_returns_body_validators_and_sends_a_user_agent(httpserver):
    httpserver.expect_request("/cal.ics").respond_with_data(
        CALENDAR, content_type="text/calendar",
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 05 Jan 2026 10:00:00 GMT"})
    result = fetch_calendar(httpserver.url_for("/cal.ics"), **LOCAL)
    assert result.body == CALENDAR and not result.not_modified
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 05 Jan 2026 10:00:00 GMT"
    assert result.final_url == httpserver.url_for("/cal.ics")
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("Rencontres")


def test_conditional_get_with_etag_and_last_modified_gives_not_modified(httpserver):
    httpserver.expect_request(
        "/cal.ics",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 05 Jan 2026 10:00:00 GMT"},
    ).respond_with_data("", status=304, headers={"ETag": '"v1"'})
    result = fetch_calendar(httpserver.url_for("/cal.ics"), etag='"v1"',
                            last_modified="Mon, 05 Jan 2026 10:00:00 GMT", **LOCAL)
    assert result.not_modified and result.body is None and result.etag == '"v1"'


def test_loopback_is_refused_without_the_test_allowance(httpserver):
    with pytest.raises(ForbiddenAddress, match="loopback"):
        fetch_calendar(httpserver.url_for("/cal.ics"))
    assert not httpserver.log


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/cal.ics",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::]/",
    ],
)
def test_internal_addresses_are_refused_before_connecting(url):
    with pytest.raises(ForbiddenAddress):
        fetch_calendar(url, **LOCAL)


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://10.0.0.5/admin",
        "http://[fd00::5]/",
        "http://metadata.internal.test/",
    ],
)
def test_redirects_to_internal_addresses_are_refused(httpserver, monkeypatch, target):
    real_resolve = transport_module._resolve

    def resolve(host, port):
        if host == "metadata.internal.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]
        return real_resolve(host, port)

    monkeypatch.setattr(transport_module, "_resolve", resolve)
    httpserver.expect_request("/start").respond_with_data("", status=302,
                                                          headers={"Location": "/hop"})
    httpserver.expect_request("/hop").respond_with_data("", status=307,
                                                        headers={"Location": target})
    with pytest.raises(ForbiddenAddress):
        fetch_calendar(httpserver.url_for("/start"), **LOCAL)
    assert [request.path for request, _ in httpserver.log] == ["/start", "/hop"]


def test_redirects_are_followed_and_counted(httpserver):
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=308, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(CALENDAR)
    result = fetch_calendar(httpserver.url_for("/a"), **LOCAL)
    assert result.body == CALENDAR and result.final_url == httpserver.url_for("/c")
    with pytest.raises(TooManyRedirects):
        fetch_calendar(httpserver.url_for("/a"), max_redirects=1, **LOCAL)


def test_redirect_loop_raises_too_many_redirects(httpserver):
    httpserver.expect_request("/loop").respond_with_data("", status=302,
                                                         headers={"Location": "/loop"})
    with pytest.raises(TooManyRedirects):
        fetch_calendar(httpserver.url_for("/loop"), **LOCAL)


@pytest.mark.parametrize(
    "location, error",
    [
        ("file:///etc/passwd", UnsupportedScheme),
        ("gopher://example.org/", UnsupportedScheme),
        ("http://user:secret@localhost/", CredentialsInURL),
    ],
)
def test_redirects_to_other_schemes_or_with_credentials_are_refused(httpserver, location, error):
    httpserver.expect_request("/r").respond_with_data("", status=302,
                                                      headers={"Location": location})
    with pytest.raises(error):
        fetch_calendar(httpserver.url_for("/r"), **LOCAL)


def test_dns_is_resolved_once_and_the_checked_address_is_the_one_connected(httpserver,
                                                                            monkeypatch):
    """A rebinding name answers a harmless address first and an internal one after: we
    must connect to what we checked, keeping the name in the Host header."""
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    calls = []

    def resolve(host, port):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(transport_module, "_resolve", resolve)
    httpserver.expect_request("/cal.ics").respond_with_data(CALENDAR)
    url = f"http://rebinding.test:{httpserver.port}/cal.ics"
    assert fetch_calendar(url, **LOCAL).body == CALENDAR
    assert calls == ["rebinding.test"]
    request, _ = httpserver.log[0]
    assert request.headers["Host"] == f"rebinding.test:{httpserver.port}"


def test_a_name_with_one_internal_address_among_others_is_refused(monkeypatch):
    def resolve(host, port):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(transport_module, "_resolve", resolve)
    with pytest.raises(ForbiddenAddress, match="10.0.0.7"):
        fetch_calendar("http://round-robin.test/cal.ics", **LOCAL)


def test_unknown_host_and_refused_connection_raise_connection_failed(monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there any more
    with pytest.raises(ConnectionFailed):
        fetch_calendar(f"http://127.0.0.1:{port}/", **LOCAL)

    def resolve(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(transport_module, "_resolve", resolve)
    with pytest.raises(ConnectionFailed):
        fetch_calendar("http://no-such-host.test/", **LOCAL)


@pytest.mark.parametrize(
    "url, error",
    [
        ("ftp://example.org/cal.ics", UnsupportedScheme),
        ("javascript:alert(1)", UnsupportedScheme),
        ("https://user:pass@example.org/cal.ics", CredentialsInURL),
        ("https://token@example.org/cal.ics", CredentialsInURL),
        ("http:///no-host", InvalidURL),
        ("http://exa mple.org/", InvalidURL),
        ("http://example.org:99999/", InvalidURL),
    ],
)
def test_urls_we_never_fetch(url, error):
    with pytest.raises(error):
        fetch_calendar(url)


def test_webcal_is_read_as_https():
    assert fetch_module.normalize_url("webcal://p.example.org/x.ics#frag") == (
        "https://p.example.org/x.ics"
    )


def test_size_cap_with_content_length_and_while_streaming(httpserver):
    big = CALENDAR + b"X" * 300_000
    httpserver.expect_request("/big").respond_with_data(big)
    with pytest.raises(ResponseTooLarge):
        fetch_calendar(httpserver.url_for("/big"), max_bytes=100_000, **LOCAL)

    def streamed(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(100):
                yield b"X" * 10_000

        return Response(body(), content_type="text/calendar")  # chunked: no Content-Length

    httpserver.expect_request("/stream").respond_with_handler(streamed)
    with pytest.raises(ResponseTooLarge):
        fetch_calendar(httpserver.url_for("/stream"), max_bytes=100_000, **LOCAL)


def test_gzip_bomb_is_capped_after_decompression(httpserver):
    bomb = gzip.compress(CALENDAR + b" " * 20_000_000)
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(ResponseTooLarge):
        fetch_calendar(httpserver.url_for("/bomb"), max_bytes=1_000_000, **LOCAL)


@pytest.mark.parametrize("status", [401, 404, 500, 503])
def test_error_statuses_raise_http_error(httpserver, status):
    httpserver.expect_request("/x").respond_with_data("nope", status=status)
    with pytest.raises(HTTPError) as caught:
        fetch_calendar(httpserver.url_for("/x"), **LOCAL)
    assert caught.value.status == status


def test_html_login_page_is_not_a_calendar(httpserver):
    httpserver.expect_request("/x").respond_with_data("<html>Sign in</html>",
                                                      content_type="text/html")
    with pytest.raises(NotACalendar):
        fetch_calendar(httpserver.url_for("/x"), **LOCAL)


def test_environment_proxies_are_ignored(httpserver, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    httpserver.expect_request("/cal.ics").respond_with_data(CALENDAR)
    assert fetch_calendar(httpserver.url_for("/cal.ics"), **LOCAL).body == CALENDAR


# --- Slow servers: a raw socket server that drips bytes -------------------------------


class DripServer:
    """Accepts connections and sends ``payload`` one byte every ``pause`` seconds, then
    keeps the connection open in silence; stops after ``limit`` seconds or when the
    client goes away."""

    def __init__(self, payload: bytes, pause: float, limit: float = 8.0) -> None:
        self.payload, self.pause, self.limit = payload, pause, limit
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        started = time.monotonic()
        while not self.stopped.is_set() and time.monotonic() - started < self.limit:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            with connection:
                connection.recv(65536)
                for byte in self.payload:
                    if self.stopped.is_set() or time.monotonic() - started > self.limit:
                        break
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(self.pause)
                # then stay silent with the connection open, like a hung server
                while not self.stopped.is_set() and time.monotonic() - started < self.limit:
                    time.sleep(0.05)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=2)
        self.listener.close()


@pytest.fixture
def drip():
    servers: list[DripServer] = []

    def start(payload: bytes, pause: float) -> DripServer:
        servers.append(DripServer(payload, pause))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_slow_drip_body_hits_the_total_deadline(drip):
    headers = b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: 100000\r\n\r\n"
    server = drip(headers + CALENDAR * 2000, pause=0.01)
    with pytest.raises(FetchTimeout):
        fetch_calendar(f"http://127.0.0.1:{server.port}/", read_timeout=1.0, total_timeout=1.0,
                       **LOCAL)


def test_slow_drip_headers_hit_the_total_deadline(drip):
    server = drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000, pause=0.01)
    with pytest.raises(FetchTimeout):
        fetch_calendar(f"http://127.0.0.1:{server.port}/", read_timeout=1.0, total_timeout=1.0,
                       **LOCAL)


def test_silent_server_hits_the_read_timeout(drip):
    server = drip(b"", pause=0.0)
    with pytest.raises(FetchTimeout):
        fetch_calendar(f"http://127.0.0.1:{server.port}/", read_timeout=0.3, **LOCAL)


def test_https_goes_through_the_same_address_checks_and_fails_cleanly_on_tls_errors(httpserver,
                                                                                    monkeypatch):
    httpserver.expect_request("/cal.ics").respond_with_data(CALENDAR)
    https_url = httpserver.url_for("/cal.ics").replace("http://", "https://")
    with pytest.raises(ForbiddenAddress):
        fetch_calendar(https_url)
    with pytest.raises(ConnectionFailed, match="TLS|SSL|certificate|secure"):
        fetch_calendar(https_url, **LOCAL)  # the local server speaks plain HTTP

    def resolve(host, port):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.9.8.7", port))]

    monkeypatch.setattr(transport_module, "_resolve", resolve)
    with pytest.raises(ForbiddenAddress):
        fetch_calendar("webcal://calendar.example.test/feed.ics", **LOCAL)

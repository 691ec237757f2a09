"""Security headers on every response, and what a reverse proxy in front may tell us.

- Content-Security-Policy without 'unsafe-inline': every script and style is a file served from
  app/static (tests/app/web/test_security_headers.py renders the pages and looks for inline ones).
  An injected `<script>` or `style=""` then does nothing.
- HSTS only when the site is served over HTTPS (BASE_URL says so, or the request came in
  secure): sent over plain HTTP it would be ignored, and on a developer's machine it would
  stick to 127.0.0.1 for a year.
- Referrer-Policy: same-origin, and no-referrer on pages whose URL holds a secret (a school's
  follow-up link, feeds, answer, sign-in and feedback links): a link followed from them must
  not hand the secret to another site, nor to our own logs of another page.
- Behind a reverse proxy, TRUSTED_PROXIES (the number of proxies in front) lets Werkzeug's
  ProxyFix take the client address and scheme from X-Forwarded-*: rate limits then count
  per client instead of per proxy, and `request.is_secure` is true behind TLS termination.
  Left at 0, those headers are ignored (anyone could forge them).
"""

from __future__ import annotations

from flask import Flask, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
HSTS = "max-age=63072000; includeSubDomains"
# URL variables that are secrets (a URL holding one is a password).
SECRET_URL_ARGS = frozenset({"token"})


def holds_secret(view_args: dict | None) -> bool:
    return bool(view_args and SECRET_URL_ARGS & view_args.keys())


def url_holds_secret() -> bool:
    return holds_secret(request.view_args)


def serves_https(app: Flask, secure: bool) -> bool:
    """`secure`: whether the request came in over HTTPS (after ProxyFix)."""
    return secure or app.config.get("BASE_URL", "").startswith("https://")


def _wanted(secret_url: bool, https: bool) -> tuple[tuple[str, str], ...]:
    wanted = [
        ("Content-Security-Policy", CSP),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer" if secret_url else "same-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if https:
        wanted.append(("Strict-Transport-Security", HSTS))
    return tuple(wanted)


# The four sets there are, built once: (secret_url, https) -> headers.
_HEADERS = {(secret_url, https): _wanted(secret_url, https)
            for secret_url in (False, True) for https in (False, True)}


def headers_for(*, secret_url: bool, https: bool) -> tuple[tuple[str, str], ...]:
    """The security headers of a response; the feeds' fast path (app/feeds/fast_path.py),
    which answers outside Flask's request handling, sends them as they are."""
    return _HEADERS[secret_url, https]


def add_headers(headers, *, secret_url: bool, https: bool) -> None:
    """The security headers, each one unless the view set its own."""
    # One pass over the headers (Headers.setdefault scans them three times per name).
    present = {name.lower() for name in headers.keys()}
    wanted = _HEADERS[secret_url, https]
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        add_headers(response.headers, secret_url=url_holds_secret(),
                    https=serves_https(app, request.is_secure))
        return response

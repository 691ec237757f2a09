"""The addresses of the mail servers the service talks to (`SMTP_URL`, `IMAP_URL`), read one way:
`scheme://user:password@host:port/path?starttls=1&timeout=30`, the TLS scheme (`smtps`,
`imaps`) meaning TLS from the first byte. Each caller adds its own defaults (ports, folder)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class ServerUrl:
    host: str
    port: int | None  # None: the caller's default for `security`
    username: str | None
    password: str | None
    path: str  # without its leading "/", unquoted
    query: dict[str, str]  # the last value of each option
    security: str  # "ssl", "starttls" or "none"
    timeout: float


def read(url: str, *, name: str, schemes: tuple[str, str], shape: str, default_timeout: float,
         error: type[ValueError]) -> ServerUrl | None:
    """`url` read as `name` (for messages); `schemes` is (plain, TLS); '' or blanks → None.
    Raises `error` with a message for the operator when the address cannot be used."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in schemes or not parts.hostname:
        raise error(f"{name} must look like {shape}, not {parts.scheme}://…")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    try:
        port = parts.port
        timeout = float(query.get("timeout", default_timeout))
    except ValueError as exc:
        raise error(f"{name}: {exc}") from None
    if parts.scheme == schemes[1]:
        security = "ssl"
    elif query.get("starttls", "").lower() in ("1", "true", "yes", "on"):
        security = "starttls"
    else:
        security = "none"
    return ServerUrl(
        host=parts.hostname, port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        path=unquote(parts.path.lstrip("/")), query=query, security=security, timeout=timeout,
    )

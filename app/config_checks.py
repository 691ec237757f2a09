"""The configuration, checked when the app starts: every problem at once, in plain words.

Errors stop the start (a web worker or the scheduler refusing to run is better than one that
signs with a known key or mails links to http://); warnings are logged. Production is
`RENCONTRES_ENV=production` (the `Config` class); development and tests only get the checks
that would otherwise fail later and more obscurely (SMTP_URL, rate-limit storage).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

MIN_SECRET_LENGTH = 32
KNOWN_WEAK_SECRETS = {"dev-only-not-secret", "test-secret", "changeme", "secret", "change-me"}
RATELIMIT_SCHEMES = {"memory", "redis", "rediss", "redis+sentinel", "redis+cluster", "memcached", "mongodb",
                     "valkey", "valkeys"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
HELP = "see docs/deploy.md, Configuration"


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Configuration refused (" + HELP + "):\n" + "\n".join(f"  - {p}" for p in problems))


def check(config) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a Flask config mapping."""
    errors: list[str] = []
    warnings: list[str] = []
    production = config.get("ENV_NAME") == "production"

    secret = config.get("SECRET_KEY") or ""
    if not secret:
        errors.append("SECRET_KEY is not set: it signs sessions and links. Generate one with "
                      "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.")
    elif production and (secret in KNOWN_WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH):
        errors.append(f"SECRET_KEY is too weak for production (a known value or under {MIN_SECRET_LENGTH} "
                      "characters).")
    fallbacks = config.get("SECRET_KEY_FALLBACKS") or []
    if not isinstance(fallbacks, list | tuple):
        errors.append("SECRET_KEY_FALLBACKS must be a list (comma-separated in the environment).")
    elif secret and secret in fallbacks:
        warnings.append("SECRET_KEY also appears in SECRET_KEY_FALLBACKS: remove it from the fallbacks.")

    base_url = config.get("BASE_URL") or ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(f"BASE_URL must be an absolute http(s) URL such as https://rencontres.example.org, "
                      f"not {base_url!r}.")
    elif production and parts.scheme != "https":
        if parts.hostname in LOOPBACK_HOSTS:
            warnings.append("BASE_URL is plain http on this machine: fine for a local trial, never for users.")
        else:
            errors.append("BASE_URL must be https:// in production: links in emails and calendar feeds carry "
                          "secrets, and cookies are only marked Secure over HTTPS.")
    if production and parts.scheme == "https" and not config.get("SESSION_COOKIE_SECURE"):
        warnings.append("SESSION_COOKIE_SECURE is off while BASE_URL is https: session cookies could leak "
                        "over plain http.")

    database_url = config.get("SQLALCHEMY_DATABASE_URI") or ""
    try:
        backend = make_url(database_url).get_backend_name()
    except ArgumentError:
        errors.append(f"DATABASE_URL is not a database URL: {database_url[:40]!r}….")
        backend = None
    if production and backend == "sqlite":
        warnings.append("DATABASE_URL is SQLite: production runs on PostgreSQL (several workers, one "
                        "scheduler, backups with pg_dump). Set DATABASE_URL=postgresql+psycopg://…")

    storage = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    scheme = urlsplit(storage).scheme
    if scheme not in RATELIMIT_SCHEMES:
        errors.append(f"RATELIMIT_STORAGE_URI has an unknown scheme {scheme!r} (use redis://host:6379/0).")
    elif production and scheme == "memory":
        warnings.append("RATELIMIT_STORAGE_URI is memory://: each gunicorn worker counts on its own, so "
                        "limits are multiplied by the number of workers. Use redis://127.0.0.1:6379/0.")

    from app.services.mail.delivery import SmtpUrlError, parse_smtp_url

    try:
        smtp = parse_smtp_url(config.get("SMTP_URL") or "")
    except SmtpUrlError as exc:
        errors.append(str(exc))
    else:
        if smtp is None and production:
            warnings.append("SMTP_URL is not set: emails wait in the outbox until it is.")

    from app.services.pairing.reply_mailbox import ImapUrlError, parse_imap_url

    try:
        parse_imap_url(config.get("IMAP_URL") or "")
    except ImapUrlError as exc:
        errors.append(str(exc))
    reply_address = (config.get("REPLY_ADDRESS") or "").strip()
    if reply_address and (reply_address.count("@") != 1 or not all(reply_address.split("@"))
                          or not reply_address.isascii() or len(reply_address.split("@")[0]) > 32):
        errors.append("REPLY_ADDRESS must be a plain address such as reponses@rencontres.example "
                      "(ASCII, a local part of at most 32 characters: a 31-character code is added to it).")

    try:
        if int(config.get("TRUSTED_PROXIES", 0) or 0) < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors.append("TRUSTED_PROXIES must be the number of reverse proxies in front (0, 1, 2…).")
    return errors, warnings

"""Configuration read from the environment (a `.env` file is loaded when present)."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _default_sqlite_url() -> str:
    instance = BASE_DIR / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'rencontres.sqlite3'}"


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Older keys still accepted for sessions and signed links, so a rotation logs nobody out.
    SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_sqlite_url()
    # No ping before each use of a pooled connection: on PostgreSQL it is one more round trip for
    # every request, a fifth of the rate of feed polls (bench/feeds.py), which are most requests.
    # Dead connections are handled without it: a lost connection makes SQLAlchemy renew the whole
    # pool, read-only requests then run again on a fresh one (app/transactions.py), feed polls
    # too (app/feeds/hot_reads.py); and connections are replaced after 30 minutes, before a firewall or
    # PgBouncer drops them as idle. A form sent on a dead connection gets the 503 "try again".
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False, "pool_recycle": 1800}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    SMTP_URL = os.environ.get("SMTP_URL", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Rencontres IndustriElles <ne-pas-repondre@rencontres.example>")
    # Answers from calendar apps (app/services/pairing/reply_addresses.py): invitations to role
    # models name `local+<capability>@domain` as their ORGANIZER; empty keeps the organizer's own
    # address and no reply is read. IMAP_URL is the mailbox the scheduler reads them from
    # (imaps://user:password@host:993/INBOX); empty: no polling (an MTA pipe to
    # `flask receive-mail` still works).
    REPLY_ADDRESS = os.environ.get("REPLY_ADDRESS", "").strip()
    IMAP_URL = os.environ.get("IMAP_URL", "")
    # Shared by every worker and machine in production (redis://127.0.0.1:6379/0): a limit counted
    # per process would be multiplied by the number of workers. If Redis is down, each process
    # falls back to counting in memory rather than refusing every request.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Explicit: Flask-Limiter otherwise keeps the previous app's setting (tests make many apps).
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "rencontres")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_HEADERS_ENABLED = True
    # Reverse proxies in front whose X-Forwarded-For/-Proto are trusted (app/security.py).
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")
    # The largest request body accepted, in bytes: the longest form or API document is a few
    # kilobytes. Anything larger is a 413 before it is read, so nobody makes a worker parse 50 MB.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    # One JSON line per request on stdout (app/request_log.py).
    REQUEST_LOG = _bool("REQUEST_LOG", True)
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    DISPLAY_TIMEZONE = "Europe/Paris"
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", BASE_URL.startswith("https://"))
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Jobs run in the dedicated `flask scheduler` process; `make run` turns this on for dev.
    SCHEDULER_IN_PROCESS = _bool("SCHEDULER_IN_PROCESS", False)
    RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "3"))
    REMINDER_DAYS = tuple(int(d) for d in os.environ.get("REMINDER_DAYS", "7,1").split(",") if d)
    INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "7"))
    # The dashboard lists invitations left unanswered for this many days.
    STALE_INVITATION_DAYS = int(os.environ.get("STALE_INVITATION_DAYS", "3"))
    # Rate limits (Flask-Limiter syntax) of the JSON API per token, and of request forms per address.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    REQUEST_FORM_RATE_LIMIT = os.environ.get("REQUEST_FORM_RATE_LIMIT", "10 per minute; 60 per hour")
    # Role models' own calendars (app/services/role_models/calendar_sync.py): seconds to wait for
    # a byte, and for the whole calendar; loopback addresses are refused except in tests.
    CALENDAR_FETCH_READ_TIMEOUT = float(os.environ.get("CALENDAR_FETCH_READ_TIMEOUT", "10"))
    CALENDAR_FETCH_TOTAL_TIMEOUT = float(os.environ.get("CALENDAR_FETCH_TOTAL_TIMEOUT", "30"))
    CALENDAR_FETCH_ALLOW_LOOPBACK = False
    # Where people write about their personal data (the privacy page).
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "confidentialite@industrielles.example")
    # The feeds' speed layers (app/feeds), each of which can be switched off on its own; the
    # answers are the same byte for byte, only slower (bench/feeds.py measures each).
    # Rendered calendar feeds kept per process (bytes); 0 renders every request.
    FEED_CACHE_MAX_BYTES = int(os.environ.get("FEED_CACHE_MAX_BYTES", str(64 * 1024 * 1024)))
    # Feed polls answered in front of Flask, from the WSGI environ (app/feeds/fast_path.py).
    FEED_FAST_PATH = _bool("FEED_FAST_PATH", True)
    # A poll's one lookup compiled once and run on the driver (app/feeds/hot_reads.py).
    FEED_HOT_READS = _bool("FEED_HOT_READS", True)
    # On PostgreSQL, each web process hears of data changes (LISTEN/NOTIFY) and answers polls of
    # known tokens without a query while nothing changed (app/feeds/stamp_watch.py).
    FEED_STAMP_WATCH = _bool("FEED_STAMP_WATCH", True)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    # Not on by default: every `flask` command builds the app, and `db upgrade` or `plan` must
    # not start jobs. `make run` sets SCHEDULER_IN_PROCESS=1 for its single-process server.


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    RATELIMIT_STORAGE_URI = "memory://"
    BASE_URL = "http://localhost"
    SMTP_URL = ""
    REPLY_ADDRESS = ""
    IMAP_URL = ""
    SCHEDULER_IN_PROCESS = False
    # Test transactions are rolled back and never notify; tests that need a watch turn it on.
    FEED_STAMP_WATCH = False


CONFIGS = {"development": DevelopmentConfig, "production": Config, "testing": TestConfig}


def config_from_env() -> type[Config]:
    """The config class named by RENCONTRES_ENV (development unless told otherwise)."""
    return CONFIGS[os.environ.get("RENCONTRES_ENV", "development")]

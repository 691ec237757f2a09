"""The configuration is checked at start: production refuses what would be unsafe, with every
problem listed in one clear message, and warns about what is merely unwise."""

from __future__ import annotations

import logging

import pytest

from app import create_app
from app.config_checks import ConfigError, check
from config import Config, DevelopmentConfig, TestConfig

GOOD = {
    "ENV_NAME": "production",
    "SECRET_KEY": "k" * 48,
    "SECRET_KEY_FALLBACKS": [],
    "BASE_URL": "https://rencontres.example.org",
    "SESSION_COOKIE_SECURE": True,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://rencontres@db/rencontres",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "SMTP_URL": "smtp://mailer:secret@smtp.example.org:587?starttls=1",
    "TRUSTED_PROXIES": "1",
}


def test_a_complete_production_configuration_passes():
    assert check(GOOD) == ([], [])


def test_calendar_answers_configured_pass():
    answers = {"REPLY_ADDRESS": "reponses@rencontres.example",
               "IMAP_URL": "imaps://reponses:s%40cret@mail.example.org:993/INBOX?processed=Traitees"}
    assert check({**GOOD, **answers}) == ([], [])


@pytest.mark.parametrize("changes, words", [
    ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY is too weak"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
    ({"BASE_URL": "http://rencontres.example.org"}, "BASE_URL must be https://"),
    ({"BASE_URL": "rencontres.example.org"}, "BASE_URL must be an absolute"),
    ({"SMTP_URL": "mail.example.org:25"}, "SMTP_URL must look like"),
    ({"SMTP_URL": "smtp://smtp.example.org:notaport"}, "SMTP_URL"),
    ({"RATELIMIT_STORAGE_URI": "rdis://127.0.0.1"}, "RATELIMIT_STORAGE_URI has an unknown scheme"),
    ({"SQLALCHEMY_DATABASE_URI": "not a url"}, "DATABASE_URL is not a database URL"),
    ({"TRUSTED_PROXIES": "two"}, "TRUSTED_PROXIES"),
    ({"IMAP_URL": "pop3://mail.example.org"}, "IMAP_URL must look like"),
    ({"IMAP_URL": "imaps://mail.example.org/INBOX"}, "IMAP_URL needs a user name"),
    ({"REPLY_ADDRESS": "reponses"}, "REPLY_ADDRESS must be a plain address"),
    ({"REPLY_ADDRESS": "réponses@rencontres.example"}, "REPLY_ADDRESS must be a plain address"),
    ({"REPLY_ADDRESS": "r" * 33 + "@rencontres.example"}, "REPLY_ADDRESS must be a plain address"),
])
def test_production_refuses(changes, words):
    errors, _warnings = check({**GOOD, **changes})
    assert any(words in e for e in errors), errors


@pytest.mark.parametrize("changes, words", [
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/rencontres.sqlite3"}, "production runs on PostgreSQL"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "each gunicorn worker counts on its own"),
    ({"SMTP_URL": ""}, "emails wait in the outbox"),
    ({"BASE_URL": "http://127.0.0.1:8000"}, "plain http on this machine"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
    ({"SECRET_KEY_FALLBACKS": ["k" * 48]}, "also appears in SECRET_KEY_FALLBACKS"),
])
def test_production_warns(changes, words):
    errors, warnings = check({**GOOD, **changes})
    assert errors == [] and any(words in w for w in warnings), warnings


def test_development_is_lenient_but_not_about_broken_values():
    dev = {**GOOD, "ENV_NAME": "development", "SECRET_KEY": "dev-only-not-secret", "BASE_URL": "http://127.0.0.1:5000",
           "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite3", "RATELIMIT_STORAGE_URI": "memory://", "SMTP_URL": ""}
    assert check(dev) == ([], [])
    assert check({**dev, "SMTP_URL": "gmail"})[0]


def test_the_app_refuses_to_start_with_every_problem_listed():
    class Broken(Config):
        SECRET_KEY = "changeme"
        BASE_URL = "http://rencontres.example.org"
        SMTP_URL = "mail.example.org"
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(ConfigError) as refused:
        create_app(Broken)
    message = str(refused.value)
    assert "SECRET_KEY is too weak" in message and "BASE_URL must be https://" in message
    assert "SMTP_URL" in message and "docs/deploy.md" in message
    assert len(refused.value.problems) == 3


def test_warnings_are_logged_at_start(caplog):
    class Lenient(Config):
        SECRET_KEY = "k" * 48
        BASE_URL = "https://rencontres.example.org"
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    logger = logging.getLogger("app")  # Flask's app.logger; Alembic's logging config may have disabled it
    disabled, logger.disabled = logger.disabled, False
    try:
        with caplog.at_level(logging.WARNING):
            create_app(Lenient)
    finally:
        logger.disabled = disabled
    assert "production runs on PostgreSQL" in caplog.text


def test_the_shipped_development_and_test_configurations_start():
    assert check({k: getattr(DevelopmentConfig, k) for k in dir(DevelopmentConfig) if k.isupper()})[0] == []
    assert check({k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()})[0] == []


def test_every_configuration_key_the_app_reads_is_declared_in_config_py():
    """One place lists what can be configured (with its default and why): config.py."""
    import re
    from pathlib import Path

    from flask import Flask

    root = Path(__file__).resolve().parents[3]
    read = set()
    for path in [*(root / "app").rglob("*.py"), *(root / "calendars").rglob("*.py")]:
        read.update(re.findall(r"config(?:\.get\(|\[)\"([A-Z][A-Z0-9_]+)\"", path.read_text(encoding="utf-8")))
    declared = {name for name in dir(Config) if name.isupper()} | set(Flask.default_config)
    assert read, "the scan found nothing: its pattern is out of date"
    assert sorted(read - declared) == []

"""Language choice: French unless the person picked English (session, then their profile)."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from app.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and commands: callers use force_locale per recipient
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    register_filters(app)


def local_datetime(value, fmt: str = "EEEE d MMMM y, HH:mm", tz: str | None = None) -> str:
    """An instant shown in the event's zone (Europe/Paris unless told otherwise)."""
    from zoneinfo import ZoneInfo

    from flask_babel import format_datetime

    if value is None:
        return ""
    if tz:
        # format_datetime converts to the app's zone; give it the wall time of `tz` instead.
        from babel.dates import format_datetime as babel_format

        return babel_format(value.astimezone(ZoneInfo(tz)), fmt, tzinfo=ZoneInfo(tz), locale=str(_locale()))
    return format_datetime(value, fmt)


def _locale():
    from flask_babel import get_locale

    return get_locale()


def register_filters(app: Flask) -> None:
    from app import labels

    app.jinja_env.filters["local_dt"] = local_datetime
    from app.reference.academies import academie_name

    app.jinja_env.filters["academie_name"] = academie_name
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["label"] = labels.label
    app.jinja_env.filters["topic_list"] = labels.topic_list

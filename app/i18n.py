"""Language choice: French unless the person picked English (session, then their profile);
and French typography on French pages.

French puts a space before ":", ";", "!", "?" and inside « », and that space must not break:
a line that starts with a lone colon reads as a mistake, and on a phone it happens often. The
catalogue keeps ordinary spaces (translators and other languages need nothing special), and
French pages get non-breaking ones where their text is made: the gettext functions of the
templates, the flashed messages and the field errors (`french_spaces` filter). Emails, feeds and
CSV files keep what they have: mail clients and calendars wrap as they please.
"""

from __future__ import annotations

import re

from flask import Flask, current_app, get_flashed_messages, has_request_context, request, session
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from app.extensions import babel

NBSP = "\u00a0"  # before ":" and inside « » (espace insécable)
NNBSP = "\u202f"  # before ";", "!" and "?" (espace fine insécable)
_BEFORE = re.compile(r" +([:;!?»])")
_AFTER = re.compile(r"« +")


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
    install_french_typography(app)


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


def french_spaces(text: str) -> str:
    """The ordinary spaces French puts before ":;!?»" and after "«", made non-breaking.

    >>> french_spaces("Raison : %(reason)s ; « oui » ?") == "Raison\u00a0: %(reason)s\u202f; «\u00a0oui\u00a0»\u202f?"
    True
    """
    text = _BEFORE.sub(lambda m: (NBSP if m.group(1) in ":»" else NNBSP) + m.group(1), text)
    return _AFTER.sub("«" + NBSP, text)


def is_french_page(template_name: str | None) -> bool:
    """A page (HTML, not an email) rendered in French."""
    if not has_request_context() or not template_name or not template_name.endswith(".html"):
        return False
    if template_name.startswith("email/"):
        return False
    return str(_locale() or "").startswith("fr")


def install_french_typography(app: Flask) -> None:
    """Wrap the templates' gettext functions (as Flask-Babel installed them) and the flashed
    messages, so every translated string of a French page gets its non-breaking spaces before
    its placeholders are filled: what people typed is never changed."""
    from flask_babel import get_translations

    def typeset(context, text):
        return french_spaces(text) if is_french_page(context.name) else text

    @pass_context
    def gettext(context, string):
        return typeset(context, get_translations().ugettext(string))

    @pass_context
    def ngettext(context, singular, plural, n):
        return typeset(context, get_translations().ungettext(singular, plural, n))

    @pass_context
    def pgettext(context, msgctxt, string):
        return typeset(context, get_translations().upgettext(msgctxt, string))

    @pass_context
    def npgettext(context, msgctxt, singular, plural, n):
        return typeset(context, get_translations().unpgettext(msgctxt, singular, plural, n))

    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                                            npgettext=npgettext, newstyle=True)

    @pass_context
    def flashed_messages(context, with_categories=False, category_filter=()):
        messages = get_flashed_messages(with_categories=with_categories, category_filter=category_filter)
        if not is_french_page(context.name):
            return messages
        if with_categories:
            return [(category, _typeset_message(message)) for category, message in messages]
        return [_typeset_message(message) for message in messages]

    @pass_context
    def spaces_filter(context, value):
        """For messages made in Python (field errors): `{{ field.errors|join(" ")|french_spaces }}`."""
        return _typeset_message(value) if is_french_page(context.name) else value

    app.jinja_env.globals["get_flashed_messages"] = flashed_messages
    app.jinja_env.filters["french_spaces"] = spaces_filter


def _typeset_message(message):
    if isinstance(message, Markup):  # already HTML: its text is French, its tags have no such spaces
        return Markup(french_spaces(str(message)))
    return french_spaces(str(message))

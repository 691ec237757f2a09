"""Translated texts memoised for the duration of one feed render.

A feed of 200 events asks for the same dozen strings thousands of times, and each Flask-Babel
lookup walks the contexts; inside `memoised()` each text is looked up once per render.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import gettext
from flask_babel import ngettext as babel_ngettext

from app import labels

_render_texts: ContextVar[dict | None] = ContextVar("feed_render_texts", default=None)


@contextmanager
def memoised() -> Iterator[None]:
    token = _render_texts.set({})
    try:
        yield
    finally:
        _render_texts.reset(token)


def _(msgid: str, **variables) -> str:
    texts = _render_texts.get()
    if texts is None:
        return gettext(msgid, **variables)
    text = texts.get(msgid)
    if text is None:
        text = texts[msgid] = gettext(msgid)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int) -> str:
    """`num` put in the singular or the plural text; memoised per count (a feed sees few)."""
    texts = _render_texts.get()
    if texts is None:
        return babel_ngettext(singular, plural, num)
    key = (singular, plural, num)
    text = texts.get(key)
    if text is None:
        text = texts[key] = babel_ngettext(singular, plural, num)
    return text


def label(mapping: dict, value) -> str:
    texts = _render_texts.get()
    if texts is None:
        return labels.label(mapping, value)
    key = (id(mapping), getattr(value, "value", value))
    text = texts.get(key)
    if text is None:
        text = texts[key] = labels.label(mapping, value)
    return text

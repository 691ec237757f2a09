"""Days read from a URL or typed in a form, kept within limits.FIRST_DAY…LAST_DAY (as the API
does): near the ends of Python's calendar, year 1 or 9999, a week, a month or a time zone
conversion overflows, which would be a 500."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from wtforms.validators import ValidationError

from app.models.limits import FIRST_DAY, LAST_DAY


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def day_arg(name: str, default: date | None = None) -> date | None:
    """`?name=YYYY-MM-DD`: `default` when absent or unreadable (a link may have lost it); a
    readable day out of range is refused (400), not silently replaced."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
    if not in_range(day):
        raise BadRequest(_("Choisissez une date entre %(first)d et %(last)d.", first=FIRST_DAY.year,
                           last=LAST_DAY.year))
    return day


class DayInRange:
    """WTForms validator: a day out of range is a field error."""

    def __call__(self, form, field) -> None:
        if isinstance(field.data, date) and not in_range(field.data):
            raise ValidationError(_l("Choisissez une date entre %(first)d et %(last)d.", first=FIRST_DAY.year,
                                     last=LAST_DAY.year))

"""URL converters shared by every blueprint."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, ValidationError

# The largest id a URL may name, the largest our INTEGER id columns hold (the API's bound too):
# past it PostgreSQL refuses the parameter (DataError) and SQLite, from 2⁶³, cannot even bind it
# (OverflowError), both a 500 before the query runs.
MAX_URL_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>`, but a number past MAX_URL_ID matches no route: a 404 like any unknown id."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_URL_ID:
            raise ValidationError()
        return number


def init_app(app) -> None:
    """Before any blueprint: a rule takes its converter class when it is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter

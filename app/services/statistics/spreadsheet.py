"""CSV files for spreadsheets, as French Excel opens them by double click.

UTF-8 with a byte-order mark (without it Excel reads Windows-1252 and breaks every accent), `;`
between fields (French Excel's list separator, since `,` is the decimal comma), decimal commas,
CRLF line ends. A text cell starting with = + - @ (or a tab or carriage return) is prefixed with a
quote, so that nothing typed by the public (a school name, a cancellation reason) can ever run
as a formula (CSV injection); numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

BOM = "\ufeff"
SEPARATOR = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One value as the text of its cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(rows: Iterable[Iterable]) -> bytes:
    """The bytes of a CSV file of `rows` (the first one is usually the headers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")

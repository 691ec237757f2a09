"""Record what an SQLAlchemy engine does while a test looks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def recorded(engine: Engine, name: str) -> Iterator[list[tuple]]:
    """Every `name` event of `engine` ("checkout", "invalidate", "before_cursor_execute"...)
    while inside, as the tuple of its arguments."""
    calls: list[tuple] = []

    def record(*args) -> None:
        calls.append(args)

    event.listen(engine, name, record)
    try:
        yield calls
    finally:
        event.remove(engine, name, record)

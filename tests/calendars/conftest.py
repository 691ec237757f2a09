"""Fixtures for the calendars tests: golden .ics files and event factories.

Nothing here imports flask, sqlalchemy or app: calendars/ is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from calendars import CalendarEvent

DATA = Path(__file__).parent / "data"
UTC = timezone.utc


@pytest.fixture
def ics() -> Callable[[str], bytes]:
    """``ics("name")`` returns the bytes of ``tests/calendars/data/name.ics``."""

    def load(name: str) -> bytes:
        return (DATA / f"{name}.ics").read_bytes()

    return load


@pytest.fixture
def year_2026() -> dict[str, Any]:
    """Keyword arguments for busy_intervals: all of 2026, a person in Paris."""
    return {
        "start": datetime(2026, 1, 1, tzinfo=UTC),
        "end": datetime(2027, 1, 1, tzinfo=UTC),
        "default_tz": "Europe/Paris",
    }


@pytest.fixture
def make_event() -> Callable[..., CalendarEvent]:
    """``make_event(**overrides)``: a valid event, with defaults filled in."""

    def create(**overrides: Any) -> CalendarEvent:
        overrides.setdefault("uid", "event-1@rencontres.example")
        overrides.setdefault("summary", "Intervention en établissement")
        overrides.setdefault("start", datetime(2026, 3, 12, 8, 0, tzinfo=UTC))
        overrides.setdefault("end", overrides["start"] + timedelta(hours=2))
        overrides.setdefault("last_modified", datetime(2026, 2, 1, 9, 30, tzinfo=UTC))
        return CalendarEvent(**overrides)

    return create

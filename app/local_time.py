"""The one place that knows the display time zone: what a day and a time mean to people.

Instants are stored in UTC. People see them in Europe/Paris (`DISPLAY_TIMEZONE` in config.py),
or in the event's own zone for outre-mer; days (statistics periods, calendar pages, filters,
exports, availability windows) are Europe/Paris days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from config import Config

DISPLAY_TIMEZONE: str = Config.DISPLAY_TIMEZONE
DISPLAY_ZONE = ZoneInfo(DISPLAY_TIMEZONE)


def zone(name: str | None) -> ZoneInfo:
    """The zone called `name` (an event's own), or the display zone when it has none."""
    return ZoneInfo(name) if name else DISPLAY_ZONE


def midnight(day: date) -> datetime:
    """The instant (UTC) at which `day` begins in the display zone."""
    return datetime.combine(day, time(0), DISPLAY_ZONE).astimezone(UTC)


def today(now: datetime | None = None) -> date:
    """The display zone's date, now or at `now`."""
    return (now.astimezone(DISPLAY_ZONE) if now is not None else datetime.now(DISPLAY_ZONE)).date()

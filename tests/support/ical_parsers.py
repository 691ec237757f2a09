"""Check that iCalendar bytes parse in three independent parsers: icalendar, vobject,
and Mozilla's ical.js (the parser inside Thunderbird), run with node.

    from tests.support.ical_parsers import assert_parses_everywhere
    assert_parses_everywhere(feed_bytes)              # one calendar
    assert_parses_everywhere(feed_a, feed_b, invite)  # several, one node process

ical.js comes from ``tests/js`` (install it with ``npm ci --prefix tests/js``). Without
node or that install, the ical.js check is skipped with a message; when the ``CI``
environment variable is set it fails instead, so CI never passes without it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import icalendar
import pytest
import vobject

__all__ = [
    "assert_parses_everywhere",
    "assert_parses_with_icalendar",
    "assert_parses_with_vobject",
    "assert_parses_with_icaljs",
    "icaljs_unavailable_reason",
    "INSTALL_COMMAND",
]

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "check_ical.mjs"
INSTALL_COMMAND = "npm ci --prefix tests/js"


def assert_parses_with_icalendar(ics: bytes) -> None:
    """Parse with icalendar and read every event's times; fail on any recorded error."""
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar.name == "VCALENDAR"
    for component in calendar.walk():
        errors = getattr(component, "errors", [])
        assert not errors, f"icalendar found errors in {component.name}: {errors}"
    for event in calendar.walk("VEVENT"):
        assert event.get("UID"), "VEVENT without UID"
        assert event.start is not None and event.end is not None
        assert event.end >= event.start


def assert_parses_with_vobject(ics: bytes) -> None:
    """Parse with vobject (validating) and read every value."""
    components = list(vobject.readComponents(io.StringIO(ics.decode("utf-8")), validate=True))
    assert len(components) == 1, f"vobject read {len(components)} calendars"
    calendar = components[0]
    assert calendar.name == "VCALENDAR"

    def walk(component) -> None:  # type: ignore[no-untyped-def]
        for child in component.getChildren():
            if isinstance(child, vobject.base.Component):
                walk(child)
            else:
                _ = child.value

    walk(calendar)
    for event in getattr(calendar, "vevent_list", []):
        assert event.dtstart.value is not None


def icaljs_unavailable_reason() -> str | None:
    """Why ical.js cannot run here, or ``None`` when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS_DIR / "node_modules" / "ical.js" / "package.json").is_file():
        return f"ical.js is not installed (run `{INSTALL_COMMAND}`)"
    return None


def assert_parses_with_icaljs(*calendars: bytes) -> None:
    """Parse every calendar with ical.js in a single node process."""
    reason = icaljs_unavailable_reason()
    if reason is not None:
        message = f"ical.js check unavailable: {reason}"
        if os.environ.get("CI"):
            pytest.fail(message + " — required when CI is set")
        pytest.skip(message)
    with tempfile.TemporaryDirectory(prefix="icaljs-") as folder:
        paths = []
        for index, ics in enumerate(calendars):
            path = Path(folder) / f"calendar-{index}.ics"
            path.write_bytes(ics)
            paths.append(str(path))
        completed = subprocess.run(
            ["node", str(SCRIPT), *paths],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    results = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    failures = [result for result in results if not result["ok"]]
    assert not failures, f"ical.js refused: {failures}"
    assert len(results) == len(calendars), completed.stderr
    assert completed.returncode == 0, completed.stderr


def assert_parses_everywhere(*calendars: bytes) -> None:
    """Assert that each calendar parses in icalendar, vobject and ical.js."""
    assert calendars, "give at least one calendar"
    for ics in calendars:
        assert isinstance(ics, bytes)
        assert_parses_with_icalendar(ics)
        assert_parses_with_vobject(ics)
    assert_parses_with_icaljs(*calendars)

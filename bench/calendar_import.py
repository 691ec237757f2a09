"""Benchmark of calendars/: importing busy times and publishing feeds.

Import: a generated 10,000-event calendar with 500 recurring series (Outlook/Google-like:
TZID with VTIMEZONE, weekly/daily/monthly rules with COUNT, UNTIL, EXDATE and moved
occurrences) is expanded over one year by ``calendars.busy_intervals`` and, on the same
bytes in the same run, by plain icalendar + recurring-ical-events. Time is the median of
several runs; peak memory is measured with tracemalloc, one run each, the same way for
both.

Publish: ``calendars.render_feed`` of 500 events, time per feed (median).

Targets: import within 1.3x of plain recurring-ical-events and under 200 MiB; publish
under 50 ms. Prints a table, then one line of JSON with the same figures.

    .venv/bin/python bench/calendar_import.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import icalendar  # noqa: E402
import recurring_ical_events  # noqa: E402

import calendars  # noqa: E402

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
WINDOW_START = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW_END = datetime(2027, 1, 1, tzinfo=UTC)
MIB = 1024 * 1024

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def generate_feed(total: int = 10_000, series: int = 500, seed: int = 7) -> bytes:
    """A calendar of ``total`` events of which ``series`` recur, spread over 2025-2027."""
    rng = random.Random(seed)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//calendar_import//EN",
           VTIMEZONE.strip()]
    base = datetime(2025, 1, 6, 8, 0)
    for index in range(total):
        start = base + timedelta(days=rng.randrange(0, 900), minutes=30 * rng.randrange(0, 20))
        end = start + timedelta(minutes=30 * rng.randrange(1, 6))
        lines = [
            "BEGIN:VEVENT",
            f"UID:bench-{index}@example.org",
            "DTSTAMP:20250101T000000Z",
            f"DTSTART;TZID=Europe/Paris:{local(start)}",
            f"DTEND;TZID=Europe/Paris:{local(end)}",
            f"SUMMARY:Rendez-vous {index}, salle {index % 40}",
            "STATUS:CONFIRMED" if index % 17 else "STATUS:TENTATIVE",
        ]
        if index % 23 == 0:
            lines.append("TRANSP:TRANSPARENT")
        moved = None
        if index < series:
            kind = index % 4
            if kind == 0:
                lines.append("RRULE:FREQ=WEEKLY;BYDAY=MO,WE")
            elif kind == 1:
                lines.append(f"RRULE:FREQ=DAILY;COUNT={rng.randrange(20, 200)}")
            elif kind == 2:
                lines.append("RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231T230000Z")
            else:
                lines.append("RRULE:FREQ=MONTHLY;BYDAY=1TH")
            lines.append(f"EXDATE;TZID=Europe/Paris:{local(start + timedelta(days=7))}")
            if index % 5 == 0:
                moved = start + timedelta(days=14)
        lines.append("END:VEVENT")
        out.extend(lines)
        if moved is not None:
            out.extend([
                "BEGIN:VEVENT",
                f"UID:bench-{index}@example.org",
                "DTSTAMP:20250101T000000Z",
                f"RECURRENCE-ID;TZID=Europe/Paris:{local(moved)}",
                f"DTSTART;TZID=Europe/Paris:{local(moved + timedelta(hours=3))}",
                f"DTEND;TZID=Europe/Paris:{local(moved + timedelta(hours=4))}",
                "SEQUENCE:1",
                "SUMMARY:Moved occurrence",
                "END:VEVENT",
            ])
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def import_with_calendars(data: bytes) -> int:
    # No time budget here: tracemalloc slows everything down, and we measure speed.
    return len(calendars.busy_intervals(data, start=WINDOW_START, end=WINDOW_END,
                                        default_tz="Europe/Paris", time_budget=3600))


def import_with_plain_recurring_ical_events(data: bytes) -> int:
    calendar = icalendar.Calendar.from_ical(data)
    return len(recurring_ical_events.of(calendar).between(WINDOW_START, WINDOW_END))


def publish_events(count: int = 500) -> list[calendars.CalendarEvent]:
    rng = random.Random(11)
    zones = ["Europe/Paris"] * 8 + ["America/Cayenne", "Indian/Reunion"]
    events = []
    for index in range(count):
        start = datetime(2026, 9, 1, 8, tzinfo=PARIS) + timedelta(days=rng.randrange(0, 300),
                                                                  hours=rng.randrange(0, 9))
        events.append(calendars.CalendarEvent(
            uid=f"event-{index}@rencontres.example",
            summary=f"Intervention en établissement n°{index} — métiers de l'industrie",
            start=start,
            end=start + timedelta(hours=2),
            last_modified=datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=index),
            timezone=rng.choice(zones),
            status=rng.choice(["CONFIRMED", "CONFIRMED", "TENTATIVE", "CANCELLED"]),
            sequence=rng.randrange(0, 4),
            description="Classe de 3e, 28 élèves dont 14 filles.\nAccueil à l'entrée B; "
                        "merci d'apporter une pièce d'identité, un badge vous sera remis.",
            location=f"Collège n°{index}, 12 rue de la République, 69002 Lyon",
            geo=(45.76 + index / 1e4, 4.83),
            url=f"https://rencontres.example/e/{index}",
            organizer=calendars.Person("ambassadrice@industrielles.example", "Claire Martin"),
            alarms=(timedelta(days=1), timedelta(hours=1)),
            categories=("school_visit",),
        ))
    return events


def median_seconds(function: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def peak_mib(function: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MIB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measure")
    args = parser.parse_args()

    data = generate_feed()
    busy_count = import_with_calendars(data)
    plain_count = import_with_plain_recurring_ical_events(data)
    # Interleave the two so that machine noise hits both alike.
    ours_times, plain_times = [], []
    for _ in range(args.runs):
        ours_times.append(median_seconds(lambda: import_with_calendars(data), 1))
        plain_times.append(median_seconds(lambda: import_with_plain_recurring_ical_events(data), 1))
    ours_s, plain_s = statistics.median(ours_times), statistics.median(plain_times)
    ours_mib = peak_mib(lambda: import_with_calendars(data))
    plain_mib = peak_mib(lambda: import_with_plain_recurring_ical_events(data))

    events = publish_events()
    feed = calendars.render_feed(events, name="Bench")
    publish_s = median_seconds(lambda: calendars.render_feed(events, name="Bench"),
                               max(args.runs * 4, 10))

    ratio = ours_s / plain_s
    figures = {
        "import_input_bytes": len(data),
        "import_events": 10_000,
        "import_recurring_series": 500,
        "import_busy_intervals": busy_count,
        "import_plain_occurrences": plain_count,
        "import_calendars_seconds": round(ours_s, 4),
        "import_plain_seconds": round(plain_s, 4),
        "import_time_ratio": round(ratio, 3),
        "import_calendars_peak_mib": round(ours_mib, 1),
        "import_plain_peak_mib": round(plain_mib, 1),
        "publish_events": len(events),
        "publish_feed_bytes": len(feed),
        "publish_ms_per_feed": round(publish_s * 1000, 2),
        "target_ratio_max": 1.3,
        "target_peak_mib_max": 200,
        "target_publish_ms_max": 50,
        "meets_targets": ratio <= 1.3 and ours_mib < 200 and publish_s < 0.05,
        "runs": args.runs,
        "python": sys.version.split()[0],
    }
    rows = [
        ("import: busy_intervals", f"{ours_s * 1000:,.0f} ms", f"{ours_mib:,.1f} MiB",
         f"{busy_count} merged intervals"),
        ("import: icalendar + recurring-ical-events", f"{plain_s * 1000:,.0f} ms",
         f"{plain_mib:,.1f} MiB", f"{plain_count} occurrences"),
        ("import: ratio (target <= 1.3)", f"{ratio:.2f}x", "", ""),
        ("publish: render_feed, 500 events", f"{publish_s * 1000:,.1f} ms", "",
         f"{len(feed):,} bytes (target < 50 ms)"),
    ]
    print(f"input: {len(data):,} bytes, 10,000 events, 500 recurring series, "
          f"window {WINDOW_START.date()} to {WINDOW_END.date()}, median of {args.runs} runs")
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'time':>10}  {'peak mem':>10}  note")
    for name, duration, memory, note in rows:
        print(f"{name:<{width}}  {duration:>10}  {memory:>10}  {note}")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()



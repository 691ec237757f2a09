"""Each person's own timetable, read from the stored grid: a role model's table and the groups
she receives, a school's groups and their paths, and the organizer's grid (rounds × tables).

Read by the feeds (`app.feeds.mapping` asks `feed_lines` for the extra description lines of
an audience), the emails, the pages and the printed sheets; models only, so the feeds may
import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app import local_time
from app.models import Assignment, Event, PartKind, ProgrammePart, RotationGroup, RotationTable


@dataclass(frozen=True)
class Step:
    round: int  # from 1
    start: datetime
    end: datetime
    table: RotationTable | None


@dataclass(frozen=True)
class Visit:
    round: int
    start: datetime
    end: datetime
    groups: tuple[RotationGroup, ...]


def load_options() -> list:
    """Loader options for a query of events whose timetables are read (feeds): the programme,
    the block's tables with their hosts, groups and cells, in a few queries for all events."""
    parts = selectinload(Event.programme_parts)
    return [
        parts.selectinload(ProgrammePart.tables).selectinload(RotationTable.hosts),
        parts.selectinload(ProgrammePart.groups),
        parts.selectinload(ProgrammePart.cells),
    ]


def rotation_block(event: Event) -> ProgrammePart | None:
    """The event's rotation block (a programme has at most one), or None."""
    return next((p for p in event.programme_parts if p.kind == PartKind.ROTATION), None)


def path(part: ProgrammePart, group: RotationGroup) -> list[Step]:
    """The group's rounds, in order: where it sits (None: no table that round, or absent)."""
    tables = {c.round: c.table for c in part.cells if c.group_id == group.id}
    return [Step(n, start, end, tables.get(n)) for n, (start, end) in enumerate(part.round_times(), start=1)]


def receptions(part: ProgrammePart, table: RotationTable) -> list[Visit]:
    """The table's rounds: the groups it receives in each."""
    groups: dict[int, list[RotationGroup]] = {}
    for cell in part.cells:
        if cell.table_id == table.id:
            groups.setdefault(cell.round, []).append(cell.group)
    return [Visit(n, start, end, tuple(sorted(groups.get(n, []), key=lambda g: g.position)))
            for n, (start, end) in enumerate(part.round_times(), start=1)]


def tables_of(part: ProgrammePart, assignment: Assignment) -> list[RotationTable]:
    return [t for t in part.tables if any(h.assignment_id == assignment.id for h in t.hosts)]


def grid(part: ProgrammePart) -> list[tuple[int, datetime, datetime, list[list[RotationGroup]]]]:
    """Rows of the organizer's grid: (round, start, end, [groups at each table, in table order])."""
    at: dict[tuple[int, int], list[RotationGroup]] = {}
    for cell in part.cells:
        at.setdefault((cell.round, cell.table_id), []).append(cell.group)
    return [(n, start, end, [sorted(at.get((n, t.id), []), key=lambda g: g.position) for t in part.tables])
            for n, (start, end) in enumerate(part.round_times(), start=1)]


def _hm(moment: datetime, event: Event) -> str:
    return moment.astimezone(local_time.zone(event.timezone)).strftime("%H:%M")


def feed_lines(event: Event, audience: str, assignment: Assignment | None = None,
               school_ids: frozenset[int] | None = None) -> list[str]:
    """Extra lines of an event's calendar description for `audience` ("role_model", "school",
    "organizer"; the public sees no timetable). Empty while the grid was never planned."""
    if audience == "public":
        return []
    part = rotation_block(event)
    if part is None:
        return []
    lines = [_("Programme :")]
    lines += [f"- {_hm(p.start_at, event)}–{_hm(p.end_at, event)} {p.title}" for p in event.programme_parts]
    if not part.cells:
        return ["\n".join(lines)]
    blocks = ["\n".join(lines)]
    if audience == "role_model" and assignment is not None:
        for table in tables_of(part, assignment):
            rows = [_("Votre table : %(label)s", label=table.label)
                    + (f" ({table.job_family})" if table.job_family else "")]
            for visit in receptions(part, table):
                names = ", ".join(g.label for g in visit.groups) or _("pas de groupe")
                rows.append(f"- {_hm(visit.start, event)}–{_hm(visit.end, event)} : {names}")
            blocks.append("\n".join(rows))
    elif audience in ("school", "organizer"):
        for group in part.groups:
            if audience == "school" and (school_ids is None or group.school_id not in school_ids):
                continue  # a school sees its own groups' paths only
            rows = [_("Parcours du groupe %(label)s :", label=group.label)]
            for step in path(part, group):
                where = (step.table.label + (f" ({step.table.job_family})" if step.table.job_family else "")
                         if step.table is not None else _("pas de table"))
                rows.append(f"- {_hm(step.start, event)}–{_hm(step.end, event)} : {where}")
            blocks.append("\n".join(rows))
    return blocks

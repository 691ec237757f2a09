"""Reading and replacing an event's programme: its parts and the rotation block's tables and
groups, checked as one value so the API's PUT and the organizer's page share every rule.

Saving keeps the grid where it still holds: tables and groups are matched to the stored ones
by label, so renaming nothing and adding a table keeps every cell; a cell whose table or group
went away, or whose round no longer exists, is dropped, and that counts as a grid change
(timetables change, people are told).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import (
    ENGAGED_STATUSES,
    Assignment,
    Event,
    EventStatus,
    PartKind,
    ProgrammePart,
    RotationCell,
    RotationGroup,
    RotationHost,
    RotationTable,
    User,
    limits,
)
from app.services.common import access, audit, text
from app.services.common.errors import Conflict, FieldKey, Invalid
from app.services.programmes import notices
from app.services.programmes.timetables import rotation_block


@dataclass
class TableData:
    label: str
    job_family: str = ""
    capacity: int = 1
    rounds: list[int] = field(default_factory=list)  # from 1; empty: every round
    assignment_ids: list[int] = field(default_factory=list)


@dataclass
class GroupData:
    label: str
    school_id: int | None = None
    headcount: int | None = None
    rounds: list[int] = field(default_factory=list)  # from 1; empty: every round


@dataclass
class PartData:
    kind: PartKind
    title: str
    start_at: datetime
    end_at: datetime
    round_count: int | None = None
    round_minutes: int | None = None
    changeover_minutes: int = 0
    group_size: int | None = None
    tables: list[TableData] = field(default_factory=list)
    groups: list[GroupData] = field(default_factory=list)


def no_rotation_block() -> Conflict:
    return Conflict(_l("Le programme n'a pas de bloc de rotations."), code="no_rotation_block")


def engaged_assignments(event: Event) -> list[Assignment]:
    return [a for a in event.assignments if a.status in ENGAGED_STATUSES]


def table_family(assignments: list[Assignment]) -> str:
    """The job family a table brings, from its role models' profiles: the first sector named,
    else the job title of the first one; empty when none of them says."""
    for assignment in assignments:
        if assignment.role_model.sectors:
            return str(assignment.role_model.sectors[0])[: limits.JOB_FAMILY_LABEL_MAX]
    for assignment in assignments:
        if assignment.role_model.job_title:
            return assignment.role_model.job_title[: limits.JOB_FAMILY_LABEL_MAX]
    return ""


def programme_data(event: Event) -> list[PartData]:
    """The stored programme as the value `save_programme` takes."""
    return [
        PartData(
            kind=part.kind, title=part.title, start_at=part.start_at, end_at=part.end_at,
            round_count=part.round_count, round_minutes=part.round_minutes,
            changeover_minutes=part.changeover_minutes or 0, group_size=part.group_size,
            # A host whose participation ended no longer holds the table (the table stays, to re-plan).
            tables=[TableData(t.label, t.job_family, t.capacity, list(t.rounds or []),
                              [h.assignment_id for h in t.hosts if h.assignment.status in ENGAGED_STATUSES])
                    for t in part.tables],
            groups=[GroupData(g.label, g.school_id, g.headcount, list(g.rounds or [])) for g in part.groups],
        )
        for part in event.programme_parts
    ]


def validate(event: Event, parts: list[PartData]) -> None:
    errors: dict[FieldKey, object] = {}
    if len(parts) > limits.PARTS_MAX:
        errors["parts"] = _l("Un programme compte au plus %(n)s parties.", n=limits.PARTS_MAX)
    engaged = {a.id for a in engaged_assignments(event)}
    school_ids = {link.school_id for link in event.schools}
    rotations = [n for n, part in enumerate(parts) if part.kind == PartKind.ROTATION]
    for n in rotations[1:]:
        errors[("parts", n, "kind")] = _l("Un programme a un seul bloc de rotations.")
    for n, part in enumerate(parts):
        _check_part(event, part, ("parts", n), errors, engaged, school_ids)
    if errors:
        raise Invalid(_l("Certains champs du programme sont à corriger."), fields=errors)


def _check_part(event, part: PartData, at: tuple, errors: dict, engaged: set[int], school_ids: set[int]) -> None:
    if not part.title.strip():
        errors[(*at, "title")] = _l("Indiquez un titre.")
    errors.update(text.problems({(*at, "title"): (part.title, text.SINGLE_LINE)}))
    if len(part.title) > limits.PART_TITLE_MAX:
        errors[(*at, "title")] = _l("%(n)s caractères au plus.", n=limits.PART_TITLE_MAX)
    if part.start_at.tzinfo is None or part.end_at.tzinfo is None:
        raise ValueError("programme instants must be timezone-aware")
    if part.end_at <= part.start_at:
        errors[(*at, "end_at")] = _l("La fin doit être après le début.")
    elif part.start_at < event.start_at or part.end_at > event.end_at:
        errors[(*at, "start_at")] = _l("Chaque partie se tient pendant l'événement.")
    if part.kind != PartKind.ROTATION:
        return
    count, minutes, changeover = part.round_count, part.round_minutes, part.changeover_minutes or 0
    if not count or not 1 <= count <= limits.ROUNDS_MAX:
        errors[(*at, "round_count")] = _l("Entre 1 et %(n)s tours.", n=limits.ROUNDS_MAX)
        count = None
    if not minutes or not 1 <= minutes <= limits.ROUND_MINUTES_MAX:
        errors[(*at, "round_minutes")] = _l("Un tour dure entre 1 et %(n)s minutes.", n=limits.ROUND_MINUTES_MAX)
        minutes = None
    if not 0 <= changeover <= limits.ROUND_MINUTES_MAX:
        errors[(*at, "changeover_minutes")] = _l("Entre 0 et %(n)s minutes.", n=limits.ROUND_MINUTES_MAX)
    elif count and minutes and part.end_at > part.start_at:
        needed = count * minutes + (count - 1) * changeover
        if needed * 60 > (part.end_at - part.start_at).total_seconds():
            errors[(*at, "round_count")] = _l("Les tours durent %(n)s minutes : plus que le bloc.", n=needed)
    if part.group_size is not None and not 1 <= part.group_size <= limits.HEADCOUNT_MAX:
        errors[(*at, "group_size")] = _l("Une taille de groupe positive.")
    _check_items(part.tables, (*at, "tables"), limits.TABLES_MAX, count, errors)
    _check_items(part.groups, (*at, "groups"), limits.GROUPS_MAX, count, errors)
    for k, table in enumerate(part.tables):
        if not 1 <= table.capacity <= limits.TABLE_CAPACITY_MAX:
            errors[(*at, "tables", k, "capacity")] = _l("Entre 1 et %(n)s groupes à la fois.",
                                                        n=limits.TABLE_CAPACITY_MAX)
        if any(a not in engaged for a in table.assignment_ids):
            errors[(*at, "tables", k, "assignment_ids")] = _l("Choisissez parmi les intervenant·es engagé·es.")
        errors.update(text.problems({(*at, "tables", k, "job_family"): (table.job_family, text.SINGLE_LINE)}))
        if len(table.job_family) > limits.JOB_FAMILY_LABEL_MAX:
            errors[(*at, "tables", k, "job_family")] = _l("%(n)s caractères au plus.", n=limits.JOB_FAMILY_LABEL_MAX)
    for k, group in enumerate(part.groups):
        if group.school_id is not None and group.school_id not in school_ids:
            errors[(*at, "groups", k, "school_id")] = _l("Choisissez un établissement inscrit à l'événement.")
        if group.headcount is not None and not 1 <= group.headcount <= limits.HEADCOUNT_MAX:
            errors[(*at, "groups", k, "headcount")] = _l("Un effectif positif.")


def _check_items(items, at: tuple, most: int, count: int | None, errors: dict) -> None:
    if len(items) > most:
        errors[at] = _l("%(n)s au plus.", n=most)
    seen: set[str] = set()
    for k, item in enumerate(items):
        label = item.label.strip()
        if not label:
            errors[(*at, k, "label")] = _l("Indiquez un nom.")
        elif label.casefold() in seen:
            errors[(*at, k, "label")] = _l("Ce nom est déjà pris.")
        seen.add(label.casefold())
        problem = text.problem(item.label, text.SINGLE_LINE)
        if problem or len(item.label) > limits.TABLE_LABEL_MAX:
            errors[(*at, k, "label")] = problem or _l("%(n)s caractères au plus.", n=limits.TABLE_LABEL_MAX)
        if count and any(not 1 <= r <= count for r in item.rounds):
            errors[(*at, k, "rounds")] = _l("Des tours entre 1 et %(n)s.", n=count)


def require_open(event: Event) -> None:
    if event.status in (EventStatus.COMPLETED, EventStatus.CANCELLED):
        raise Conflict(_l("Cet événement est clos : son programme ne change plus."), code="event_closed")


def save_programme(actor: User, event: Event, parts: list[PartData]) -> Event:
    """Replace the programme by `parts` (in order). Returns the event; the grid keeps every cell
    that still holds (see the module docstring)."""
    access.require_event_organizer(actor, event)
    require_open(event)
    validate(event, parts)
    old = rotation_block(event)
    old_cells = _cell_keys(old)
    kept: list[ProgrammePart] = []
    for position, data in enumerate(parts):
        if data.kind == PartKind.ROTATION and old is not None:
            part, old = old, None
        else:
            part = ProgrammePart(kind=data.kind)
        part.position, part.title, part.start_at, part.end_at = position, data.title.strip(), data.start_at, data.end_at
        part.kind = data.kind
        if data.kind == PartKind.ROTATION:
            part.round_count, part.round_minutes = data.round_count, data.round_minutes
            part.changeover_minutes, part.group_size = data.changeover_minutes or 0, data.group_size
            _save_block(part, data)
        else:
            part.round_count = part.round_minutes = part.group_size = None
            part.changeover_minutes = 0
        kept.append(part)
    block = next((p for p in kept if p.kind == PartKind.ROTATION), None)
    if block is not None:
        _drop_broken_cells(block)
    event.programme_parts[:] = kept
    db.session.flush()
    changed = old_cells != _cell_keys(block)
    audit.record(actor, event, "programme.saved", parts=len(parts), grid_changed=changed)
    if changed:
        if block is not None:
            block.grid_version += 1
        notices.grid_changed(actor, event)
    return event


def _save_block(part: ProgrammePart, data: PartData) -> None:
    tables = {t.label.casefold(): t for t in part.tables}
    new_tables = []
    for position, item in enumerate(data.tables):
        table = tables.get(item.label.strip().casefold()) or RotationTable()
        table.position, table.label, table.capacity = position, item.label.strip(), item.capacity
        table.job_family, table.rounds = item.job_family.strip(), sorted(set(item.rounds))
        hosts = {h.assignment_id: h for h in table.hosts}
        table.hosts[:] = [hosts.get(a) or RotationHost(assignment_id=a) for a in dict.fromkeys(item.assignment_ids)]
        new_tables.append(table)
    part.tables[:] = new_tables
    groups = {g.label.casefold(): g for g in part.groups}
    new_groups = []
    for position, item in enumerate(data.groups):
        group = groups.get(item.label.strip().casefold()) or RotationGroup()
        group.position, group.label, group.school_id = position, item.label.strip(), item.school_id
        group.headcount, group.rounds = item.headcount, sorted(set(item.rounds))
        new_groups.append(group)
    part.groups[:] = new_groups


def _drop_broken_cells(part: ProgrammePart) -> None:
    """Before the flush, by object: a removed table's or group's cells go with it."""
    tables, groups = set(map(id, part.tables)), set(map(id, part.groups))
    kept = [c for c in part.cells
            if id(c.table) in tables and id(c.group) in groups and 1 <= c.round <= (part.round_count or 0)]
    dropped = [c for c in part.cells if c not in kept]
    if dropped:
        # What moved, as a re-plan says it: these groups have no table any more in that round.
        part.moves = [{"group": c.group_id, "round": c.round, "before": c.table_id, "after": None,
                       "group_label": c.group.label, "before_label": c.table.label, "after_label": ""}
                      for c in dropped]
    part.cells[:] = kept


def _cell_keys(part: ProgrammePart | None) -> frozenset:
    if part is None or part.id is None:
        return frozenset()
    rows = db.session.execute(select(RotationCell.group_id, RotationCell.round, RotationCell.table_id)
                              .where(RotationCell.part_id == part.id))
    return frozenset(tuple(row) for row in rows)


def groups_from_classes(event: Event, group_size: int) -> list[GroupData]:
    """Groups from the classes registered for the event: each class of `headcount` pupils makes
    ceil(headcount / group_size) groups of near-equal size; a class without a headcount makes one."""
    groups = []
    for link in event.schools:
        name = link.school.name[:60]
        level = f" {link.class_level}" if link.class_level else ""
        count = max(1, -(-(link.headcount or 0) // group_size)) if link.headcount else 1
        for k in range(count):
            size = None
            if link.headcount:
                size = link.headcount // count + (1 if k < link.headcount % count else 0)
            suffix = f" – {chr(ord('A') + k)}" if count > 1 and k < 26 else (f" – {k + 1}" if count > 1 else "")
            groups.append(GroupData(label=f"{name}{level}{suffix}"[: limits.GROUP_LABEL_MAX],
                                    school_id=link.school_id, headcount=size))
    return groups


def make_groups(actor: User, event: Event, group_size: int) -> Event:
    """Replace the rotation block's groups by groups made from the registered classes."""
    access.require_event_organizer(actor, event)
    parts = programme_data(event)
    block = _block_data(parts)
    if not 1 <= group_size <= limits.HEADCOUNT_MAX:
        raise Invalid(_l("Une taille de groupe positive."), fields={"group_size": _l("Une taille de groupe positive.")})
    if not event.schools:
        raise Conflict(_l("Aucune classe n'est inscrite à l'événement."), code="no_classes")
    block.group_size, block.groups = group_size, groups_from_classes(event, group_size)
    return save_programme(actor, event, parts)


# --- one change at a time, for the organizer's page (each saves the whole programme) -----------


def add_part(actor: User, event: Event, part: PartData) -> Event:
    """Add a part, in time order (a part starting with another goes after it)."""
    access.require_event_organizer(actor, event)
    parts = programme_data(event)
    parts.append(part)
    parts.sort(key=lambda p: p.start_at)
    return save_programme(actor, event, parts)


def remove_part(actor: User, event: Event, index: int) -> Event:
    access.require_event_organizer(actor, event)
    parts = programme_data(event)
    if 0 <= index < len(parts):
        del parts[index]
    return save_programme(actor, event, parts)


def _block_data(parts: list[PartData]) -> PartData:
    block = next((p for p in parts if p.kind == PartKind.ROTATION), None)
    if block is None:
        raise no_rotation_block()
    return block


def add_table(actor: User, event: Event, table: TableData) -> Event:
    """Add a table; its job family, when not typed, comes from its role models' profiles."""
    access.require_event_organizer(actor, event)
    parts = programme_data(event)
    if not table.job_family.strip():
        hosts = [a for a in engaged_assignments(event) if a.id in table.assignment_ids]
        table.job_family = table_family(hosts)
    _block_data(parts).tables.append(table)
    return save_programme(actor, event, parts)


def add_group(actor: User, event: Event, group: GroupData) -> Event:
    access.require_event_organizer(actor, event)
    parts = programme_data(event)
    _block_data(parts).groups.append(group)
    return save_programme(actor, event, parts)


def remove_item(actor: User, event: Event, kind: str, index: int) -> Event:
    """Remove the block's table or group (`kind`: "tables" or "groups") at `index`."""
    access.require_event_organizer(actor, event)
    parts = programme_data(event)
    items = getattr(_block_data(parts), kind)
    if 0 <= index < len(items):
        del items[index]
    return save_programme(actor, event, parts)


def follow_event(event: Event, old_start: datetime) -> None:
    """The event moved: its parts move with its start, so the programme keeps its shape (the
    rounds' times follow the block's start). Called by the event's reschedule, which already
    bumps SEQUENCE and tells everyone."""
    delta = event.start_at - old_start
    if not delta:
        return
    for part in event.programme_parts:
        part.start_at, part.end_at = part.start_at + delta, part.end_at + delta


def set_rounds(actor: User, event: Event, kind: str, index: int, rounds: list[int]) -> Event:
    """Say in which rounds the block's table or group (`kind`: "tables" or "groups") at `index`
    is there (empty: every round): a role model arriving late, a class leaving early. Cells in
    the other rounds stay, shown as conflicts, until the organizer re-plans."""
    access.require_event_organizer(actor, event)
    parts = programme_data(event)
    items = getattr(_block_data(parts), kind)
    if 0 <= index < len(items):
        items[index].rounds = rounds
    return save_programme(actor, event, parts)

"""An event's programme: its parts, the rotation block's tables and groups, planning, the grid
with a form per cell to move a group by hand, and the printed group pages and table signs.

Every change is one service call (app/services/programmes) and one commit, then back to the
page (post/redirect/get); a refused change shows the page again with the messages.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import local_time
from app.models import PartKind
from app.services.common.errors import DomainError, Invalid, field_path
from app.services.events import desk
from app.services.programmes import editing, explain, grid, overview, timetables
from app.web import field_errors, units
from app.web.organizer.forms import ActionForm
from app.web.organizer.programme_forms import (
    PART_KINDS,
    ClassesForm,
    GroupForm,
    MoveForm,
    PartForm,
    RoundsForm,
    TableForm,
    parse_rounds,
)
from app.web.organizer.views import bp

PAGE = "organizer.event_programme"


def _forms(event, **given):
    forms = {
        "part_form": given.get("part_form") or PartForm(prefix="part"),
        "table_form": given.get("table_form") or TableForm(prefix="table"),
        "group_form": given.get("group_form") or GroupForm(prefix="group"),
        "classes_form": given.get("classes_form") or ClassesForm(prefix="classes"),
    }
    forms["table_form"].set_hosts(editing.engaged_assignments(event))
    if not given.get("part_form"):
        forms["part_form"].day.data = event.start_at.astimezone(local_time.zone(event.timezone)).date()
    block = editing.rotation_block(event)
    if block is not None and block.group_size and not given.get("classes_form"):
        forms["classes_form"].group_size.data = block.group_size
    return forms


def _page(event, *, status=200, **given):
    block = editing.rotation_block(event)
    return render_template(
        "organizer/events/programme.html", event=event, block=block, kinds=PART_KINDS,
        view=overview.overview(current_user, event),
        rows=timetables.grid(block) if block is not None else [],
        unplaced=_unplaced(block), conflicts=grid.conflicts(block) if block is not None else [],
        describe=explain.describe, action_form=ActionForm(), move_form=MoveForm(prefix="move"),
        **_forms(event, **given),
    ), status


def _unplaced(block):
    """(round, groups without a table that round), for the grid's last column."""
    if block is None:
        return {}
    placed = {(c.round, c.group_id) for c in block.cells}
    return {n: [g for g in block.groups if (n, g.id) not in placed] for n in range(1, (block.round_count or 0) + 1)}


def _flat(error: DomainError) -> DomainError:
    """A programme error keyed by its last name: ("parts", 1, "tables", 4, "label") → "label",
    for the one-item form that sent it."""
    if not error.fields:
        return error
    fields = {}
    for key, message in error.fields.items():
        names = [part for part in field_path(key) if isinstance(part, str)]
        fields[names[-1] if names else key] = message
    return Invalid(error.message, fields=fields)


def _back(event_id: int, anchor: str = ""):
    return redirect(url_for(PAGE, event_id=event_id) + anchor)


def _done(event_id, error, message, anchor=""):
    flash(str(error.message) if error else message, "error" if error else "success")
    return _back(event_id, anchor)


@bp.get("/evenements/<int:event_id>/programme")
def event_programme(event_id: int):
    return _page(desk.get_event(current_user, event_id))


@bp.post("/evenements/<int:event_id>/programme/parties")
def programme_add_part(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = PartForm(prefix="part")
    if not form.validate_on_submit():
        return _page(event, part_form=form, status=422)
    zone = local_time.zone(event.timezone)
    rotation = form.kind.data == PartKind.ROTATION.value
    data = editing.PartData(
        kind=PartKind(form.kind.data), title=form.title.data,
        start_at=datetime.combine(form.day.data, form.start_time.data, zone),
        end_at=datetime.combine(form.day.data, form.end_time.data, zone),
        round_count=form.round_count.data if rotation else None,
        round_minutes=form.round_minutes.data if rotation else None,
        changeover_minutes=(form.changeover_minutes.data or 0) if rotation else 0,
    )
    _result, error = units.attempt(editing.add_part, current_user, event, data)
    if error:
        field_errors.show(form, _flat(error))
        return _page(desk.get_event(current_user, event_id), part_form=form, status=error.status)
    flash(_("Partie ajoutée."), "success")
    return _back(event_id)


@bp.post("/evenements/<int:event_id>/programme/parties/<int(max=999):index>/retirer")
def programme_remove_part(event_id: int, index: int):
    event = desk.get_event(current_user, event_id)
    if not ActionForm().validate_on_submit():
        return _back(event_id)
    _result, error = units.attempt(editing.remove_part, current_user, event, index)
    return _done(event_id, error, _("Partie retirée."))


@bp.post("/evenements/<int:event_id>/programme/tables")
def programme_add_table(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = TableForm(prefix="table")
    if not form.validate_on_submit():
        return _page(event, table_form=form, status=422)
    hosts = [int(form.host.data)] if (form.host.data or "").isdigit() else []
    data = editing.TableData(label=form.label.data, job_family=form.job_family.data or "",
                             capacity=form.capacity.data, rounds=parse_rounds(form.rounds.data), assignment_ids=hosts)
    _result, error = units.attempt(editing.add_table, current_user, event, data)
    if error:
        field_errors.show(form, _flat(error))
        return _page(desk.get_event(current_user, event_id), table_form=form, status=error.status)
    flash(_("Table ajoutée."), "success")
    return _back(event_id, "#tables")


@bp.post("/evenements/<int:event_id>/programme/groupes")
def programme_add_group(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = GroupForm(prefix="group")
    if not form.validate_on_submit():
        return _page(event, group_form=form, status=422)
    data = editing.GroupData(label=form.label.data, headcount=form.headcount.data,
                             rounds=parse_rounds(form.rounds.data))
    _result, error = units.attempt(editing.add_group, current_user, event, data)
    if error:
        field_errors.show(form, _flat(error))
        return _page(desk.get_event(current_user, event_id), group_form=form, status=error.status)
    flash(_("Groupe ajouté."), "success")
    return _back(event_id, "#groupes")


@bp.post("/evenements/<int:event_id>/programme/groupes/classes")
def programme_make_groups(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = ClassesForm(prefix="classes")
    if not form.validate_on_submit():
        return _page(event, classes_form=form, status=422)
    _result, error = units.attempt(editing.make_groups, current_user, event, form.group_size.data)
    if error:
        field_errors.show(form, _flat(error))
        return _page(desk.get_event(current_user, event_id), classes_form=form, status=error.status)
    flash(_("Groupes faits à partir des classes inscrites."), "success")
    return _back(event_id, "#groupes")


@bp.post("/evenements/<int:event_id>/programme/<any(tables, groups):kind>/<int(max=999):index>/retirer")
def programme_remove_item(event_id: int, kind: str, index: int):
    event = desk.get_event(current_user, event_id)
    if not ActionForm().validate_on_submit():
        return _back(event_id)
    _result, error = units.attempt(editing.remove_item, current_user, event, kind, index)
    message = _("Table retirée.") if kind == "tables" else _("Groupe retiré.")
    return _done(event_id, error, message, "#tables" if kind == "tables" else "#groupes")


@bp.post("/evenements/<int:event_id>/programme/<any(tables, groups):kind>/<int(max=999):index>/tours")
def programme_set_rounds(event_id: int, kind: str, index: int):
    event = desk.get_event(current_user, event_id)
    form = RoundsForm(prefix="rounds")
    anchor = "#tables" if kind == "tables" else "#groupes"
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.rounds.errors) or _("Ces tours n'ont pas pu être lus."), "error")
        return _back(event_id, anchor)
    _result, error = units.attempt(editing.set_rounds, current_user, event, kind, index,
                                   parse_rounds(form.rounds.data))
    return _done(event_id, error, _("Tours enregistrés : replanifiez pour en tenir compte."), anchor)


@bp.post("/evenements/<int:event_id>/programme/planifier")
def programme_plan(event_id: int):
    event = desk.get_event(current_user, event_id)
    if not ActionForm().validate_on_submit():
        return _back(event_id)
    block = editing.rotation_block(event)
    replan = bool(block and block.cells)
    _result, error = units.attempt(grid.plan, current_user, event)
    message = _("Grille replanifiée : voyez ce qui a bougé.") if replan else _("Grille planifiée.")
    return _done(event_id, error, message, "#grille")


@bp.post("/evenements/<int:event_id>/programme/deplacer")
def programme_move(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = MoveForm(prefix="move")
    if not form.validate_on_submit():
        flash(_("Ce déplacement n'a pas pu être lu."), "error")
        return _back(event_id, "#grille")
    _result, error = units.attempt(grid.move_group, current_user, event, group_id=form.group_id.data,
                                   round=form.round.data, table_id=form.table_id.data)
    return _done(event_id, error, _("Groupe déplacé."), "#grille")


@bp.get("/evenements/<int:event_id>/programme/groupes/imprimer")
def programme_print_groups(event_id: int):
    event = desk.get_event(current_user, event_id)
    block = editing.rotation_block(event)
    paths = [(g, timetables.path(block, g)) for g in block.groups] if block is not None else []
    return render_template("organizer/events/programme_groups_print.html", event=event, block=block, paths=paths)


@bp.get("/evenements/<int:event_id>/programme/tables/imprimer")
def programme_print_tables(event_id: int):
    event = desk.get_event(current_user, event_id)
    block = editing.rotation_block(event)
    signs = [(t, timetables.receptions(block, t)) for t in block.tables] if block is not None else []
    return render_template("organizer/events/programme_tables_print.html", event=event, block=block, signs=signs)

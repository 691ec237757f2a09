"""Events: list, week and month views, create and edit the four types, reschedule, cancel."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import local_time
from app.models import AssignmentStatus, EventStatus
from app.reference.academies import ACADEMIES
from app.services.events import calendar_view, classes, desk, lifecycle
from app.services.pairing import board
from app.web import days, field_errors, units
from app.web.organizer.forms import ActionForm, CancelForm, EventForm, RescheduleForm, SchoolForm
from app.web.organizer.views import bp


def _date_arg(name: str, default: date | None = None) -> date | None:
    return days.day_arg(name, default)


def _today() -> date:
    return local_time.today()


@bp.get("/evenements")
def event_list():
    filters = calendar_view.EventFilters(
        start=_date_arg("du", _today()), end=_date_arg("au"), status=request.args.get("statut", ""),
        type=request.args.get("type", ""), academie=request.args.get("academie", ""),
        public_only=request.args.get("public") == "1",
    )
    academies = sorted(current_user.academies or ACADEMIES)
    return render_template("organizer/events/list.html", rows=calendar_view.list_events(current_user, filters),
                           filters=filters, academies=[ACADEMIES[a] for a in academies if a in ACADEMIES])


@bp.get("/evenements/semaine")
def event_week():
    period = calendar_view.week(current_user, _date_arg("date", _today()))
    return render_template("organizer/events/week.html", period=period)


@bp.get("/evenements/mois")
def event_month():
    period = calendar_view.month(current_user, _date_arg("date", _today()))
    return render_template("organizer/events/month.html", period=period)


@bp.route("/evenements/nouveau", methods=["GET", "POST"])
def event_new():
    form = EventForm()
    if request.method == "GET":
        form.departement.data = request.args.get("departement", "")
    if form.validate_on_submit():
        status = EventStatus.SCHEDULED if request.form.get("programmer") else EventStatus.DRAFT
        event, error = units.attempt(lifecycle.create_event, current_user, form.to_data(), status=status)
        if error is None:
            flash(_("Événement créé."), "success")
            return redirect(url_for(".event_detail", event_id=event.id))
        field_errors.show(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("organizer/events/form.html", form=form, event=None), status


@bp.route("/evenements/<int:event_id>/modifier", methods=["GET", "POST"])
def event_edit(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = EventForm()
    if request.method == "GET":
        form.fill_from(event)
    elif form.validate_on_submit():
        _event, error = units.attempt(lifecycle.update_event, current_user, event, form.to_data())
        if error is None:
            flash(_("Événement enregistré ; les personnes concernées sont prévenues si l'horaire ou le lieu a changé."),
                  "success")
            return redirect(url_for(".event_detail", event_id=event_id))
        event = desk.get_event(current_user, event_id)
        field_errors.show(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("organizer/events/form.html", form=form, event=event), status


def _detail(event, *, reschedule_form=None, cancel_form=None, school_form=None, status=200):
    if reschedule_form is None:
        reschedule_form = RescheduleForm(prefix="move")
        zone = ZoneInfo(event.timezone)
        start, end = event.start_at.astimezone(zone), event.end_at.astimezone(zone)
        reschedule_form.day.data, reschedule_form.start_time.data, reschedule_form.end_time.data = (
            start.date(), start.time(), end.time())
    query = request.args.get("q", "")
    found = board.search_role_models(current_user, event, query) if query else []
    return render_template(
        "organizer/events/detail.html", event=event, board=board.board(event),
        reschedule_form=reschedule_form, cancel_form=cancel_form or CancelForm(prefix="cancel"),
        school_form=school_form or SchoolForm(prefix="school"), action_form=ActionForm(),
        trail=desk.trail(event), emails=desk.emails(event), query=query, found=found,
        statuses=AssignmentStatus,
        clash_ids=desk.busy_clashes(event),
    ), status


@bp.get("/evenements/<int:event_id>")
def event_detail(event_id: int):
    return _detail(desk.get_event(current_user, event_id))


@bp.post("/evenements/<int:event_id>/programmer")
def event_publish(event_id: int):
    event = desk.get_event(current_user, event_id)
    if ActionForm().validate_on_submit():
        _result, error = units.attempt(lifecycle.publish_event, current_user, event)
        flash(str(error.message) if error else _("L'événement est programmé."), "error" if error else "success")
    return redirect(url_for(".event_detail", event_id=event_id))


@bp.post("/evenements/<int:event_id>/deplacer")
def event_reschedule(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = RescheduleForm(prefix="move")
    if not form.validate_on_submit():
        return _detail(event, reschedule_form=form, status=422)
    zone = ZoneInfo(event.timezone)
    start = datetime.combine(form.day.data, form.start_time.data, zone).astimezone(UTC)
    end = datetime.combine(form.day.data, form.end_time.data, zone).astimezone(UTC)
    _result, error = units.attempt(lifecycle.reschedule_event, current_user, event, start_at=start, end_at=end)
    if error:
        event = desk.get_event(current_user, event_id)
        field_errors.show(form, error)
        return _detail(event, reschedule_form=form, status=error.status)
    flash(_("Événement déplacé : chacun reçoit une invitation mise à jour."), "success")
    return redirect(url_for(".event_detail", event_id=event_id))


@bp.post("/evenements/<int:event_id>/annuler")
def event_cancel(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = CancelForm(prefix="cancel")
    if not form.validate_on_submit():
        return _detail(event, cancel_form=form, status=422)
    _result, error = units.attempt(lifecycle.cancel_event, current_user, event, reason=form.reason.data)
    if error:
        event = desk.get_event(current_user, event_id)
        field_errors.show(form, error)
        return _detail(event, cancel_form=form, status=error.status)
    flash(_("Événement annulé : l'établissement et les intervenant·es sont prévenus."), "success")
    return redirect(url_for(".event_detail", event_id=event_id))


@bp.post("/evenements/<int:event_id>/etablissements")
def event_add_school(event_id: int):
    event = desk.get_event(current_user, event_id)
    form = SchoolForm(prefix="school")
    if not form.validate_on_submit():
        return _detail(event, school_form=form, status=422)
    _result, error = units.attempt(classes.add_school, current_user, event, uai=form.uai.data,
                                   class_level=form.class_level.data or "", headcount=form.headcount.data,
                                   girls_count=form.girls_count.data)
    if error:
        event = desk.get_event(current_user, event_id)
        field_errors.show(form, error)
        return _detail(event, school_form=form, status=error.status)
    flash(_("Établissement ajouté."), "success")
    return redirect(url_for(".event_detail", event_id=event_id) + "#etablissements")


@bp.post("/evenements/<int:event_id>/etablissements/<int:school_id>/retirer")
def event_remove_school(event_id: int, school_id: int):
    event = desk.get_event(current_user, event_id)
    if ActionForm().validate_on_submit():
        _result, error = units.attempt(classes.remove_school, current_user, event, school_id)
        flash(str(error.message) if error else _("Établissement retiré."), "error" if error else "success")
    return redirect(url_for(".event_detail", event_id=event_id) + "#etablissements")

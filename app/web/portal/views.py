"""The role models' portal: their profile, availability and week (sign-in, calendars, answers,
data and the organizer's approval buttons live in the sibling modules, on this blueprint)."""

from __future__ import annotations

from datetime import time
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.models import AssignmentStatus, UserRole
from app.models.types import utcnow
from app.services.pairing import answer_links
from app.services.role_models import profiles, week_view
from app.web import days, field_errors, units
from app.web.portal.forms import ConfirmForm, ExceptionForm, ProfileForm, WindowsForm

bp = Blueprint("portal", __name__)


@bp.after_request
def _not_stored(response):
    # The portal shows a person's profile, availability and engagements (and organizers the
    # applicants): none of it may stay in a shared computer's browser cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.context_processor
def _helpers():
    return {"answer_token": answer_links.answer_token, "format_day": lambda d: format_date(d, "EEEE d MMMM")}


def role_model_required(view):
    """Signed-in role models only; the profile is in `g.role_model`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("portal.sign_in", next=request.full_path))
        if current_user.role != UserRole.ROLE_MODEL:
            abort(403)
        g.role_model = profiles.role_model_of(current_user)
        if g.role_model is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
@role_model_required
def dashboard():
    rm = g.role_model
    rows = profiles.engagements_ahead(rm)
    return render_template(
        "portal/dashboard.html", rm=rm, form=ConfirmForm(), needs_windows=profiles.needs_windows(rm),
        invited=[a for a in rows if a.status == AssignmentStatus.INVITED],
        engaged=[a for a in rows if a.status != AssignmentStatus.INVITED],
    )


@bp.route("/profil", methods=["GET", "POST"])
@role_model_required
def profile():
    rm = g.role_model
    form = ProfileForm()
    if request.method == "GET":
        form.fill_from(rm)
    elif form.validate_on_submit():
        _rm, error = units.attempt(profiles.update_profile, current_user, rm, form.to_data())
        if error is None:
            flash(_("Votre profil est enregistré."), "success")
            return redirect(url_for("portal.profile"))
        field_errors.show(form, error)
    return render_template("portal/profile.html", rm=rm, form=form), 200 if not form.errors else 422


def _windows_form(rm) -> WindowsForm:
    form = WindowsForm()
    if request.method == "GET":
        while len(form.windows):
            form.windows.pop_entry()
        for window in rm.windows:
            form.windows.append_entry({"weekday": str(window.weekday), "start_time": window.start_time,
                                       "end_time": window.end_time})
        for _blank in range(2):
            form.windows.append_entry({"weekday": "", "start_time": None, "end_time": None})
    return form


@bp.route("/disponibilites", methods=["GET", "POST"])
@role_model_required
def availability():
    rm = g.role_model
    form = _windows_form(rm)
    if request.method == "POST" and form.validate_on_submit():
        _rm, error = units.attempt(profiles.set_windows, current_user, rm, form.to_windows())
        if error is None:
            flash(_("Vos créneaux sont enregistrés."), "success")
            return redirect(url_for("portal.availability"))
        field_errors.show(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("portal/availability.html", rm=rm, form=form, exception_form=ExceptionForm(formdata=None),
                           confirm=ConfirmForm()), status


@bp.post("/disponibilites/absences")
@role_model_required
def add_exception():
    rm = g.role_model
    form = ExceptionForm()
    if form.validate_on_submit():
        _exception, error = units.attempt(profiles.add_exception, current_user, rm, form.start_date.data,
                                          form.end_date.data, form.reason.data)
        if error is None:
            flash(_("Indisponibilité enregistrée."), "success")
            return redirect(url_for("portal.availability"))
        field_errors.show(form, error)
    return render_template("portal/availability.html", rm=rm, form=_windows_form(rm), exception_form=form,
                           confirm=ConfirmForm()), 422


@bp.post("/disponibilites/absences/<int:exception_id>/supprimer")
@role_model_required
def remove_exception(exception_id: int):
    if ConfirmForm().validate_on_submit():
        units.run(profiles.remove_exception, current_user, g.role_model, exception_id)
        flash(_("Indisponibilité supprimée."), "success")
    return redirect(url_for("portal.availability"))


@bp.post("/pause")
@role_model_required
def pause():
    return _status_change(profiles.pause, _("Votre profil est en pause : aucune nouvelle invitation."))


@bp.post("/reprise")
@role_model_required
def resume():
    return _status_change(profiles.resume, _("Bon retour ! Vous pouvez de nouveau être invité·e."))


def _status_change(action, message: str):
    if ConfirmForm().validate_on_submit():
        _rm, error = units.attempt(action, current_user, g.role_model)
        flash(str(error.message) if error else message, "error" if error else "success")
    return redirect(url_for("portal.dashboard"))


@bp.get("/semaine")
@role_model_required
def week():
    day = days.day_arg("du", utcnow().astimezone(week_view.TZ).date())
    return render_template("portal/week.html", rm=g.role_model, week=week_view.week(g.role_model, day),
                           today=utcnow().astimezone(week_view.TZ).date(), midnight=time.max)

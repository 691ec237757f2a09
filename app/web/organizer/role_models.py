"""Role models seen by organizers: directory, applications (approve or decline with a reason),
profile, pause, resume."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models import JobFamily, RoleModelStatus
from app.reference.academies import ACADEMIES
from app.services.common import audit
from app.services.role_models import calendar_sync, directory, profiles
from app.web import field_errors, units
from app.web.organizer.forms import ActionForm, ApplicationDeclineForm
from app.web.organizer.views import bp


@bp.get("/intervenants")
def role_model_list():
    filters = directory.RoleModelFilters(
        text=request.args.get("q", "")[:100], status=request.args.get("statut", ""),
        sector=request.args.get("secteur", ""), job_family=request.args.get("famille", ""),
        departement=request.args.get("departement", "")[:3], available_this_month=request.args.get("dispo") == "1",
    )
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    found = directory.directory_page(current_user, filters, page=page)
    departements = sorted({d for a in (current_user.academies or ACADEMIES) if a in ACADEMIES
                           for d in ACADEMIES[a].departements})
    # The filters as they are in the URL, for the pager's links.
    kept = {k: request.args[k] for k in ("q", "statut", "secteur", "famille", "departement", "dispo")
            if request.args.get(k)}
    return render_template("organizer/role_models/list.html", found=found, rows=found.rows, filters=filters,
                           families=JobFamily, statuses=RoleModelStatus, departements=departements, kept=kept)


@bp.get("/intervenants/<int:role_model_id>")
def role_model_detail(role_model_id: int):
    profile = directory.get_profile(current_user, role_model_id)
    return render_template("organizer/role_models/detail.html", profile=profile, rm=profile.role_model,
                           action_form=ActionForm(), trail=audit.trail(profile.role_model),
                           skip_message_for=calendar_sync.skip_message_for)


_ACTIONS = {
    "valider": (profiles.approve, _l("Candidature validée : la personne a reçu un lien pour se connecter.")),
    "pause": (profiles.pause, _l("Mise en pause : la personne ne sera plus proposée.")),
    "reprendre": (profiles.resume, _l("La personne peut de nouveau être proposée.")),
}


@bp.post("/intervenants/<int:role_model_id>/<any(valider, pause, reprendre):action>")
def role_model_status(role_model_id: int, action: str):
    rm = directory.get_profile(current_user, role_model_id).role_model
    if ActionForm().validate_on_submit():
        service, message = _ACTIONS[action]
        _result, error = units.attempt(service, current_user, rm)
        flash(str(error.message) if error else str(message), "error" if error else "success")
    if request.form.get("retour") == "candidatures":  # approved from the list of applications
        return redirect(url_for(".role_model_applications"))
    return redirect(url_for(".role_model_detail", role_model_id=role_model_id))


@bp.get("/intervenants/candidatures")
def role_model_applications():
    return render_template("organizer/role_models/applications.html",
                           pending=profiles.pending_applications(current_user), action_form=ActionForm())


@bp.route("/intervenants/<int:role_model_id>/refuser", methods=["GET", "POST"])
def role_model_decline(role_model_id: int):
    rm = directory.get_role_model(current_user, role_model_id)  # out of scope: the same 404 as a missing id
    form = ApplicationDeclineForm()
    if form.validate_on_submit():
        _rm, error = units.attempt(profiles.decline, current_user, rm, form.reason.data)
        if error is None:
            flash(_l("Candidature de %(name)s refusée : la raison lui a été envoyée.", name=rm.display_name),
                  "success")
            return redirect(url_for(".role_model_applications"))
        field_errors.show(form, error)
    return render_template("organizer/role_models/decline.html", rm=rm, form=form), 422 if form.errors else 200

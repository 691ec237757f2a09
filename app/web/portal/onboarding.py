"""Organizers' side of onboarding: pending applications with an approve button, and inviting
someone by email. Minimal on purpose: the organizer UI links here from its role-model pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.services.role_models import directory, profiles
from app.services.role_models.profiles import InviteData
from app.web import field_errors, units
from app.web.portal.forms import ConfirmForm, InviteForm, split_codes
from app.web.portal.views import bp


def _organizer() -> None:
    if not current_user.is_organizer:
        abort(403)


@bp.get("/candidatures")
@login_required
def applications():
    _organizer()
    # The page moved into the organizers' space (with its menu); old links and bookmarks follow.
    return redirect(url_for("organizer.role_model_applications"))


@bp.post("/candidatures/<int:role_model_id>/valider")
@login_required
def approve(role_model_id: int):
    _organizer()
    rm = directory.get_role_model(current_user, role_model_id)  # out of scope: the same 404 as a missing id
    if ConfirmForm().validate_on_submit():
        _rm, error = units.attempt(profiles.approve, current_user, rm)
        if error is not None:
            flash(str(error.message), "error")
        else:
            flash(_("%(name)s est validé·e et a reçu un lien pour se connecter.", name=rm.display_name), "success")
    return redirect(url_for("organizer.role_model_applications"))


@bp.route("/inviter", methods=["GET", "POST"])
@login_required
def invite():
    _organizer()
    form = InviteForm()
    if form.validate_on_submit():
        data = InviteData(email=form.email.data, first_name=form.first_name.data, last_name=form.last_name.data,
                          job_title=form.job_title.data, job_family=form.job_family.data, company=form.company.data,
                          departements=split_codes(form.departements.data))
        rm, error = units.attempt(profiles.invite, current_user, data)
        if error is None:
            flash(_("Invitation envoyée à %(name)s.", name=rm.display_name), "success")
            return redirect(url_for("portal.invite"))
        field_errors.show(form, error)
    return render_template("portal/invite.html", form=form), 422 if form.errors else 200

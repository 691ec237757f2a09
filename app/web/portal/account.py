"""Portal pages about the account: applying, signing in by email link, personal data."""

from __future__ import annotations

import json

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.extensions import limiter
from app.models import UserRole
from app.services.accounts import magic_links
from app.services.role_models import personal_data, profiles
from app.web import field_errors, units
from app.web.portal.forms import ApplicationForm, ConfirmForm, DeleteAccountForm, SignInForm
from app.web.portal.views import bp, role_model_required
from app.web.redirects import safe_next_url


@bp.route("/devenir-marraine-parrain", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def apply():
    form = ApplicationForm()
    if form.validate_on_submit():
        _rm, error = units.attempt(profiles.apply, form.email.data, form.to_data(), locale=str(get_locale()))
        if error is None:
            # Post/Redirect/Get: reloading the thank-you page sends nothing again, and Back
            # returns to the form instead of the browser's "resend the form?" page (after a
            # first try with errors too: js/form_page.js).
            return redirect(url_for("portal.applied"))
        field_errors.show(form, error)
    return render_template("portal/apply.html", form=form, errors=field_errors.summary(form)), \
        422 if form.errors else 200


@bp.get("/devenir-marraine-parrain/merci")
def applied():
    return render_template("portal/applied.html")


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def sign_in():
    if current_user.is_authenticated and current_user.role == UserRole.ROLE_MODEL:
        return redirect(url_for("portal.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        units.run(profiles.send_sign_in_link, form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("portal/link_sent.html", email=form.email.data)
    return render_template("portal/sign_in.html", form=form), 422 if form.errors else 200


@bp.route("/connexion/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def magic_link(token: str):
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        user, refusal = units.attempt(magic_links.use, token)
        if refusal is None:
            login_user(user, remember=True)
            flash(_("Vous êtes connecté·e."), "success")
            return redirect(safe_next_url(request.args.get("next"), url_for("portal.dashboard")))
        return _link_refused(refusal)
    try:
        link = magic_links.read(token)  # GET: show who the link is for, change nothing
    except magic_links.LinkRefused as refusal:
        return _link_refused(refusal)
    return render_template("portal/magic_link.html", form=form, user=link.user)


def _link_refused(refusal):
    return render_template("portal/link_refused.html", message=refusal.message, form=SignInForm()), 400


@bp.get("/mes-donnees")
@role_model_required
def my_data():
    return render_template("portal/my_data.html", rm=g.role_model, form=DeleteAccountForm())


@bp.get("/mes-donnees.json")
@role_model_required
def export():
    data = personal_data.export(current_user, g.role_model)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="mes-donnees-rencontres.json"',
        "Cache-Control": "no-store",
    })


@bp.post("/supprimer-mon-compte")
@role_model_required
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return render_template("portal/my_data.html", rm=g.role_model, form=form), 422
    units.run(personal_data.delete_account, current_user, g.role_model)
    logout_user()
    return render_template("portal/deleted.html")


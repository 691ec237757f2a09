"""Portal pages about the account: applying, signing in by email link, personal data."""

from __future__ import annotations

import json

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.extensions import db, limiter
from app.models import UserRole
from app.services.accounts import magic_links
from app.services.common.errors import DomainError
from app.services.role_models import personal_data, profiles
from app.web.portal.forms import ApplicationForm, ConfirmForm, DeleteAccountForm, SignInForm
from app.web.portal.views import bp, role_model_required, show_errors
from app.web.redirects import safe_next_url


@bp.route("/devenir-marraine-parrain", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def apply():
    form = ApplicationForm()
    if form.validate_on_submit():
        try:
            profiles.apply(form.email.data, form.to_data(), locale=str(get_locale()))
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            return render_template("portal/applied.html", email=form.email.data)
    return render_template("portal/apply.html", form=form), 422 if form.errors else 200


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def sign_in():
    if current_user.is_authenticated and current_user.role == UserRole.ROLE_MODEL:
        return redirect(url_for("portal.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        profiles.send_sign_in_link(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        return render_template("portal/link_sent.html", email=form.email.data)
    return render_template("portal/sign_in.html", form=form), 422 if form.errors else 200


@bp.route("/connexion/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def magic_link(token: str):
    form = ConfirmForm()
    try:
        if request.method == "POST" and form.validate_on_submit():
            user = magic_links.use(token)
            login_user(user, remember=True)
            db.session.commit()
            flash(_("Vous êtes connecté·e."), "success")
            return redirect(safe_next_url(request.args.get("next"), url_for("portal.dashboard")))
        link = magic_links.read(token)  # GET: show who the link is for, change nothing
    except magic_links.LinkRefused as error:
        db.session.rollback()
        return render_template("portal/link_refused.html", message=error.message, form=SignInForm()), 400
    return render_template("portal/magic_link.html", form=form, user=link.user)


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
    personal_data.delete_account(current_user, g.role_model)
    logout_user()
    db.session.commit()
    return render_template("portal/deleted.html")


"""Sign-in and sign-out for organizers and admins (role models use the portal's magic link)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email

from app.extensions import limiter
from app.services.accounts import users
from app.web import units
from app.web.redirects import safe_next_url

bp = Blueprint("auth", __name__)


def load_user(user_id: str):
    return users.load_session_user(user_id)


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(_l("Indiquez votre adresse e-mail.")),
                                   Email(_l("Adresse e-mail invalide."))])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe."))])
    remember = BooleanField(_l("Rester connecté·e sur cet appareil"))


def _home_for(user) -> str:
    return url_for("organizer.dashboard") if user.is_organizer else url_for("public.home")


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        # A wrong password changes nothing: the commit is then empty.
        user = units.run(users.authenticate, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next"), _home_for(user)))
    return render_template("auth/login.html", form=form)


def _end_sessions(message: str):
    # Forgetting this browser's session is not enough: a copy of its cookie, or the remember-me
    # cookie of another device, would still sign in. Moving the session version ends them all.
    units.run(users.end_sessions, current_user)
    logout_user()
    flash(message, "info")
    return redirect(url_for("public.home"))


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    return _end_sessions(_("Vous êtes déconnecté·e."))


@bp.route("/deconnexion-partout", methods=["POST"])
@login_required
def logout_everywhere():
    return _end_sessions(_("Vous êtes déconnecté·e sur tous vos appareils."))


@bp.app_context_processor
def inject_config():
    return {"app_env": current_app.config.get("ENV_NAME")}

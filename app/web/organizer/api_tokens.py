"""The organizer's account page: personal API tokens (one per tool or partner, copied once,
revoked), the password, and signing out everywhere (a button posting to `auth.logout_everywhere`).

The secret is shown only in the response that created it (never stored in clear, never in a
redirect or a flash message), so that response must not be cached."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import COOKIE_NAME, current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from app.models import limits
from app.services.accounts import api_tokens, users
from app.web import field_errors, units
from app.web.form_text import TextForm
from app.web.organizer.forms import ActionForm
from app.web.organizer.views import bp


class TokenForm(TextForm):
    name = StringField(
        _l("Nom du jeton"),
        validators=[
            InputRequired(_l("Donnez un nom au jeton (par exemple l'outil qui l'utilisera).")),
            Length(
                max=limits.API_TOKEN_NAME_MAX,
                message=_l("%(max)d caractères au plus.", max=limits.API_TOKEN_NAME_MAX),
            ),
        ],
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mot de passe actuel"),
                                     validators=[InputRequired(_l("Indiquez votre mot de passe actuel."))])
    new_password = PasswordField(_l("Nouveau mot de passe"),
                                 validators=[InputRequired(_l("Choisissez un nouveau mot de passe."))])


def _page(form: TokenForm, *, secret: str | None = None, status: int = 200, password_form: PasswordForm | None = None):
    headers = {"Cache-Control": "no-store"} if secret else {}
    return (
        render_template(
            "organizer/api_tokens.html",
            form=form,
            action_form=ActionForm(),
            password_form=password_form or PasswordForm(formdata=None),
            password_rules=_("%(n)d caractères au moins ; une phrase de quelques mots courants est plus sûre "
                             "et plus facile à retenir qu'un mot compliqué.", n=limits.PASSWORD_MIN),
            secret=secret,
            tokens=api_tokens.tokens_of(current_user),
        ),
        status,
        headers,
    )


@bp.get("/api")
def api_token_list():
    return _page(TokenForm())


@bp.post("/api")
def api_token_create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    result, error = units.attempt(api_tokens.create, current_user, name=form.name.data)
    if error is not None:
        field_errors.show(form, error)
        return _page(form, status=error.status)
    _token, secret = result
    return _page(TokenForm(formdata=None), secret=secret)


@bp.post("/api/<int:token_id>/revoquer")
def api_token_revoke(token_id: int):
    if ActionForm().validate_on_submit():
        token, error = units.attempt(api_tokens.revoke, current_user, token_id)
        flash(
            str(error.message)
            if error
            else _("Le jeton « %(name)s » est révoqué : il ne fonctionne plus.", name=token.name),
            "error" if error else "success",
        )
    return redirect(url_for(".api_token_list"))


@bp.post("/mot-de-passe")
def password_change():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(TokenForm(formdata=None), password_form=form, status=422)
    # Whether this browser kept a remember-me cookie: it is renewed with the new session version.
    remembered = bool(request.cookies.get(COOKIE_NAME))  # REMEMBER_COOKIE_NAME is left at its default
    # The user itself, not the proxy: login_user below keeps what it is given as the request's user.
    user, error = units.attempt(users.change_password, current_user._get_current_object(),
                                form.current_password.data, form.new_password.data)
    if error is not None:
        field_errors.show(form, error)
        return _page(TokenForm(formdata=None), password_form=form, status=error.status)
    # Every session ended with the old password, this one included: it goes on with the new version.
    login_user(user, remember=remembered)
    flash(_("Votre mot de passe est changé ; vos autres sessions sont fermées."), "success")
    return redirect(url_for(".api_token_list"))

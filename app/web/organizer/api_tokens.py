"""Personal API tokens: an organizer makes one per tool or partner, copies it once, revokes it.

The secret is shown only in the response that created it (never stored in clear, never in a
redirect or a flash message), so that response must not be cached."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from app.models import limits
from app.services.accounts import api_tokens
from app.web import field_errors, units
from app.web.organizer.forms import ActionForm
from app.web.organizer.views import bp


class TokenForm(FlaskForm):
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


def _page(form: TokenForm, *, secret: str | None = None, status: int = 200):
    headers = {"Cache-Control": "no-store"} if secret else {}
    return (
        render_template(
            "organizer/api_tokens.html",
            form=form,
            action_form=ActionForm(),
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

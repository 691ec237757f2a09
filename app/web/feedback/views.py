from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from app.models import FeedbackRespondent
from app.services.events import feedback
from app.web import field_errors, units

bp = Blueprint("feedback", __name__)


class FeedbackForm(FlaskForm):
    pupils_attended = IntegerField(_l("Nombre d'élèves présents"), validators=[Optional(), NumberRange(min=0)])
    girls_attended = IntegerField(_l("Dont filles"), validators=[Optional(), NumberRange(min=0)])
    satisfaction = RadioField(
        _l("Votre satisfaction"),
        choices=[SelectChoice("5", _l("5 — excellente")), SelectChoice("4"), SelectChoice("3"), SelectChoice("2"),
                 SelectChoice("1", _l("1 — décevante"))],
        validators=[Optional()],
    )
    comment = TextAreaField(_l("Un mot sur la rencontre (facultatif)"), validators=[Optional()])


@bp.route("/avis/<token>", methods=["GET", "POST"])
def form(token: str):
    target = feedback.resolve(token)
    if target is None:
        abort(404)
    answer = feedback.existing(target)
    form = FeedbackForm(obj=answer)
    if answer is not None and form.satisfaction.data is not None:
        form.satisfaction.data = str(form.satisfaction.data)
    is_school = target.respondent == FeedbackRespondent.SCHOOL
    if form.validate_on_submit():
        _answer, error = units.attempt(
            feedback.submit,
            target,
            pupils_attended=form.pupils_attended.data,
            girls_attended=form.girls_attended.data,
            satisfaction=int(form.satisfaction.data) if form.satisfaction.data else None,
            comment=form.comment.data or "",
        )
        if error is None:
            return render_template("feedback/thanks.html", event=target.event)
        field_errors.show(form, error)
    return render_template("feedback/form.html", form=form, event=target.event, is_school=is_school), (
        422 if form.errors else 200
    )

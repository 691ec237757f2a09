from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from app.models import limits
from app.services.common.errors import Conflict
from app.services.events import feedback
from app.web import field_errors, units
from app.web.form_text import TextForm

bp = Blueprint("feedback", __name__)

# The event's own bound (class sizes, capacity) is the service's to check; this one keeps a
# number of any length from reaching it, or the database.
_COUNT = NumberRange(min=0, max=limits.CAPACITY_MAX,
                     message=_l("Indiquez un nombre entre 0 et %(max)s.", max=limits.CAPACITY_MAX))


class FeedbackForm(TextForm):
    pupils_attended = IntegerField(_l("Nombre d'élèves présents"), validators=[Optional(), _COUNT])
    girls_attended = IntegerField(_l("Dont filles"), validators=[Optional(), _COUNT])
    satisfaction = RadioField(
        _l("Votre satisfaction"),
        choices=[SelectChoice("5", _l("5 — excellente")), SelectChoice("4"), SelectChoice("3"), SelectChoice("2"),
                 SelectChoice("1", _l("1 — décevante"))],
        validators=[Optional()],
    )
    comment = TextAreaField(_l("Un mot sur la rencontre (facultatif)"),
                            validators=[Optional(), Length(max=limits.FEEDBACK_COMMENT_MAX,
                                                           message=_l("2000 caractères au plus."))])


@bp.route("/avis/<token>", methods=["GET", "POST"])
def form(token: str):
    target = feedback.resolve(token)
    if target is None:
        abort(404)
    answer = feedback.existing(target)
    if answer is not None and target.answers_once:
        return render_template("feedback/answered.html", event=target.event), 409 if request.method == "POST" else 200
    form = FeedbackForm(obj=answer)
    if answer is not None and form.satisfaction.data is not None:
        form.satisfaction.data = str(form.satisfaction.data)
    most, _announced = feedback.pupils_limit(target.event, target.school_id)
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
            return render_template("feedback/thanks.html", event=target.event, can_correct=not target.answers_once)
        if isinstance(error, Conflict):  # answered meanwhile through the same old school link
            return render_template("feedback/answered.html", event=target.event), 409
        field_errors.show(form, error)
    return render_template("feedback/form.html", form=form, event=target.event, most=most), (
        422 if form.errors else 200
    )

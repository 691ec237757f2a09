"""A role model's meeting page: one of her engagements, its calendar file, and stepping back.
Anything that is not hers (or was never sent to her) is the same 404 as a missing id."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.services.pairing import meetings
from app.web import units
from app.web.portal.forms import WithdrawForm
from app.web.portal.views import bp, role_model_required


def _render(meeting: meetings.Meeting, form: WithdrawForm, status: int = 200):
    return render_template("portal/meeting.html", meeting=meeting, event=meeting.event, a=meeting.assignment,
                           form=form), status


@bp.get("/rencontres/<int:participation_id>")
@role_model_required
def meeting(participation_id: int):
    return _render(units.run(meetings.meeting, current_user, participation_id), WithdrawForm(formdata=None))


@bp.get("/rencontres/<int:participation_id>/rencontre.ics")
@role_model_required
def meeting_calendar(participation_id: int):
    body = units.run(meetings.calendar_file, current_user, participation_id)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="rencontre-{participation_id}.ics"',
    })


@bp.post("/rencontres/<int:participation_id>/retrait")
@role_model_required
def withdraw(participation_id: int):
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render(units.run(meetings.meeting, current_user, participation_id), form, 422)
    assignment, error = units.attempt(meetings.withdraw, current_user, participation_id, reason=form.reason.data or "")
    if error is not None:
        flash(str(error.message), "error")
    else:
        flash(_("C'est noté : vous vous êtes retiré·e de « %(title)s ». L'équipe IndustriElles est prévenue.",
                title=assignment.event.title), "success")
    return redirect(url_for("portal.meeting", participation_id=participation_id))

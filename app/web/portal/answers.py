"""Answering an invitation from the email's links: GET shows what would happen and changes
nothing (mail scanners open links), POST acts once. No sign-in needed: the link is signed.
The page after a recorded answer offers a way into her space without another email (see
`app.services.pairing.answers._sign_in_token` for why that is safe)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app.extensions import limiter
from app.services.accounts.magic_links import LinkRefused
from app.services.pairing import answer_links, answers
from app.web import units
from app.web.portal.forms import AnswerForm
from app.web.portal.views import bp


@bp.route("/reponse/<token>/<any(accept, decline):action>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def answer(token: str, action: str):
    form = AnswerForm()
    try:
        assignment = answer_links.read_answer_token(token)
    except LinkRefused as error:
        return render_template("portal/answer_refused.html", message=error.message), 400
    page = dict(form=form, action=action, assignment=assignment, event=assignment.event, token=token)
    if request.method == "GET" or not form.validate_on_submit():
        state = answers.answer_state(assignment)
        clashes = answers.clashes(assignment) if action == "accept" and not state else []
        return render_template("portal/answer.html", state=state, clashes=clashes, **page)
    actor = current_user if current_user.is_authenticated else None
    result, error = units.attempt(answers.respond, token, action, reason=form.reason.data or "",
                                  despite_clashes=form.despite_clashes.data == "1", actor=actor)
    if error is not None:
        return render_template("portal/answer.html", state=str(error.message), clashes=[], **page), 409
    if not result.done:  # a clash appeared since the page was shown (nothing changed): ask again
        return render_template("portal/answer.html", state=None, clashes=result.clashes, **page), 409
    return render_template("portal/answered.html", action=action, event=assignment.event, assignment=assignment,
                           sign_in_token=result.sign_in_token)

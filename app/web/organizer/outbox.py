"""The email outbox: what was sent, to whom, failures and retries; and what came back from
calendar apps (answers to invitations)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.services.mail import outbox_desk
from app.services.pairing import calendar_replies
from app.web import units
from app.web.organizer.forms import ActionForm
from app.web.organizer.views import bp

PAGE = 50


@bp.get("/courriels")
def outbox_list():
    status = request.args.get("statut", "")
    recipient = request.args.get("destinataire", "")[:200]
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 1000))
    emails = outbox_desk.list_emails(current_user, status=status, recipient=recipient, limit=PAGE + 1,
                                     offset=(page - 1) * PAGE)
    return render_template("organizer/outbox.html", emails=emails[:PAGE], has_more=len(emails) > PAGE, page=page,
                           status=status, recipient=recipient, counts=outbox_desk.counts(current_user),
                           action_form=ActionForm(), sender=outbox_desk.sender_state())


@bp.get("/courriels/<int:email_id>")
def outbox_detail(email_id: int):
    email = outbox_desk.get_email(current_user, email_id)
    return render_template("organizer/outbox_email.html", email=email, body=outbox_desk.masked_text(email.body_text),
                           action_form=ActionForm(), sender=outbox_desk.sender_state())


@bp.post("/courriels/<int:email_id>/renvoyer")
def outbox_retry(email_id: int):
    email = outbox_desk.get_email(current_user, email_id)
    if ActionForm().validate_on_submit():
        _result, error = units.attempt(outbox_desk.send_again, current_user, email)
        flash(str(error.message) if error else _("Le courriel repart : il sera envoyé dans quelques instants."),
              "error" if error else "success")
    return redirect(url_for(".outbox_detail", email_id=email_id))


@bp.get("/courriels/reponses-agenda")
def calendar_replies_list():
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 1000))
    replies = calendar_replies.list_replies(current_user, limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render_template("organizer/calendar_replies.html", replies=replies[:PAGE], has_more=len(replies) > PAGE,
                           page=page)

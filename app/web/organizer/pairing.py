"""Pairing on an event (invite, confirm, remove, replace, add by hand) and the period review
that sends a batch of matching's proposals out at once."""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import labels
from app.services.events import desk
from app.services.pairing import assignments, board, proposals
from app.web import units
from app.web.organizer.forms import ActionForm, PeriodForm, ReasonForm
from app.web.organizer.views import bp


# Ids come from form fields: ASCII digits only ("²" passes str.isdigit but not int()).
def _ids() -> list[int]:
    return [int(v) for v in request.form.getlist("assignment") if v.isascii() and v.isdigit()][:500]


def _report(result: board.BatchResult, done_message) -> None:
    if result.done:
        flash(done_message(len(result.done)), "success")
    for assignment, message in result.refused:
        flash(f"{assignment.role_model.display_name} : {message}", "error")
    if not result.done and not result.refused:
        flash(_("Cochez au moins une personne."), "error")


def _invited(n: int) -> str:
    return ngettext("%(num)d invitation envoyée.", "%(num)d invitations envoyées.", n)


def _confirmed(n: int) -> str:
    return ngettext("%(num)d participation confirmée.", "%(num)d participations confirmées.", n)


def _back(event_id: int):
    return redirect(url_for(".event_detail", event_id=event_id) + "#intervenants")


@bp.post("/evenements/<int:event_id>/intervenants/inviter")
def pairing_invite(event_id: int):
    event = desk.get_event(current_user, event_id)
    if ActionForm().validate_on_submit():
        result, error = units.attempt(board.invite_many, current_user, _ids(), event=event)
        if error:
            flash(str(error.message), "error")
        else:
            _report(result, _invited)
    return _back(event_id)


def _gaps(reasons) -> str:
    return ", ".join(labels.label(labels.MATCH_GAPS, r) for r in reasons)


@bp.post("/evenements/<int:event_id>/intervenants/proposer")
def pairing_propose(event_id: int):
    """Ask matching for the best candidates for the event's missing seats."""
    event = desk.get_event(current_user, event_id)
    if ActionForm().validate_on_submit():
        result, error = units.attempt(proposals.propose, event, actor=current_user)
        if error:
            flash(str(error.message), "error")
        elif result.created:
            flash(ngettext("%(num)d proposition ajoutée.", "%(num)d propositions ajoutées.", len(result.created)),
                  "success")
        elif result.outcome is None:
            flash(_("Toutes les places sont déjà pourvues ou proposées."), "info")
        else:
            why = _gaps(result.outcome.reasons) or _("aucune raison connue")
            flash(_("Personne de plus à proposer : %(why)s.", why=why), "error")
    return _back(event_id)


@bp.post("/evenements/<int:event_id>/intervenants/confirmer")
def pairing_confirm_all(event_id: int):
    event = desk.get_event(current_user, event_id)
    if ActionForm().validate_on_submit():
        result, error = units.attempt(board.confirm_accepted, current_user, event)
        if error:
            flash(str(error.message), "error")
        else:
            _report(result, _confirmed)
    return _back(event_id)


@bp.post("/evenements/<int:event_id>/intervenants/ajouter")
def pairing_add(event_id: int):
    event = desk.get_event(current_user, event_id)
    role_model_id = request.form.get("role_model", "")
    if ActionForm().validate_on_submit() and role_model_id.isascii() and role_model_id.isdigit():
        _result, error = units.attempt(board.add_by_hand, current_user, event, int(role_model_id))
        flash(str(error.message) if error else _("Personne ajoutée aux propositions : invitez-la quand vous voulez."),
              "error" if error else "success")
    return _back(event_id)


@bp.post("/participations/<int:assignment_id>/confirmer")
def assignment_confirm(assignment_id: int):
    assignment = board.get_assignment(current_user, assignment_id)
    if ActionForm().validate_on_submit():
        _result, error = units.attempt(assignments.confirm, current_user, assignment)
        flash(str(error.message) if error else _("Participation confirmée."), "error" if error else "success")
    if request.form.get("retour") == "tableau":  # confirmed from the dashboard's to-do list
        return redirect(url_for(".dashboard"))
    return _back(assignment.event_id)


@bp.post("/participations/<int:assignment_id>/retirer")
def assignment_cancel(assignment_id: int):
    assignment = board.get_assignment(current_user, assignment_id)
    event_id = assignment.event_id
    form = ReasonForm(prefix=f"remove{assignment_id}")
    if form.validate_on_submit():
        _result, error = units.attempt(assignments.cancel, current_user, assignment, reason=form.reason.data)
        flash(str(error.message) if error else _("Participation retirée."), "error" if error else "success")
    else:
        flash(_("Indiquez la raison du retrait."), "error")
    return _back(event_id)


@bp.post("/participations/<int:assignment_id>/remplacer")
def assignment_replace(assignment_id: int):
    assignment = board.get_assignment(current_user, assignment_id)
    event_id = assignment.event_id
    replacement_id = request.form.get("replacement", "")
    if ActionForm().validate_on_submit() and replacement_id.isascii() and replacement_id.isdigit():
        replacement = board.get_assignment(current_user, int(replacement_id))
        _result, error = units.attempt(board.replace, current_user, assignment, replacement)
        flash(str(error.message) if error else _("Remplacement fait : la nouvelle personne est invitée."),
              "error" if error else "success")
    else:
        flash(_("Choisissez la personne qui remplace."), "error")
    return _back(event_id)


def _period() -> PeriodForm:
    form = PeriodForm(request.args)
    if not request.args:
        today = date.today()
        form.start.data, form.end.data = today, today + timedelta(days=13)
    return form


@bp.get("/planification")
def plan_period():
    form = _period()
    valid = not request.args or form.validate()
    proposals = board.proposals_in_period(current_user, form.start.data, form.end.data) if valid else []
    by_event: dict = {}
    for a in proposals:
        by_event.setdefault(a.event, []).append(a)
    return render_template("organizer/pairing/plan.html", form=form, by_event=by_event, action_form=ActionForm(),
                           status=200 if valid else 422), (200 if valid else 422)


@bp.post("/planification/lancer")
def plan_run():
    """Batch matching over the period: proposals (not invitations) for every open event."""
    form = PeriodForm(request.form)
    if ActionForm().validate_on_submit() and form.validate():
        summary, error = units.attempt(proposals.plan_period, form.start.data, form.end.data, actor=current_user)
        if error:
            flash(str(error.message), "error")
        else:
            flash(" ".join((
                ngettext("%(num)d événement ouvert :", "%(num)d événements ouverts :", summary.events),
                ngettext("%(num)d proposition", "%(num)d propositions", summary.seats_proposed),
                ngettext("pour %(num)d place à pourvoir.", "pour %(num)d places à pourvoir.", summary.seats_missing),
            )), "success")
            short = [o for o in summary.outcomes if o.seats_left]
            if short:
                flash(ngettext("%(num)d événement reste incomplet : voir le détail ci-dessous.",
                               "%(num)d événements restent incomplets : voir le détail ci-dessous.", len(short)),
                      "info")
    else:
        flash(_("Choisissez une période valide."), "error")
    return redirect(url_for(".plan_period", start=request.form.get("start", ""), end=request.form.get("end", "")))


@bp.post("/planification/inviter")
def plan_invite():
    if ActionForm().validate_on_submit():
        result, error = units.attempt(board.invite_many, current_user, _ids())
        if error:
            flash(str(error.message), "error")
        else:
            _report(result, _invited)
    return redirect(url_for(".plan_period", start=request.form.get("start", ""), end=request.form.get("end", "")))

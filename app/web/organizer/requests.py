"""The request queue: filter, open one, see its windows against holidays, confirm a slot."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import labels
from app.models import EventType, RequestStatus
from app.reference.academies import ACADEMIES
from app.services.common import audit
from app.services.events import lifecycle
from app.services.requests import contacts, slots, triage
from app.web import days, field_errors, units
from app.web.organizer.forms import ActionForm, DeclineForm, EventForm, type_choices
from app.web.organizer.views import bp

# A school request becomes one of these; a conference is the organizers' own initiative.
SLOT_FORMATS = (EventType.SCHOOL_VISIT, EventType.DISCOVERY_HALF_DAY, EventType.ROUNDTABLE)


def _date_arg(name: str) -> date | None:
    return days.day_arg(name)


@bp.get("/demandes")
def request_list():
    filters = triage.RequestFilters(
        status=request.args.get("statut", "open"), academie=request.args.get("academie", ""),
        format=request.args.get("format", ""), priority=request.args.get("priorite", ""),
        window_from=_date_arg("du"), window_to=_date_arg("au"), sort=request.args.get("tri", "oldest"),
    )
    academies = sorted(current_user.academies or ACADEMIES)
    return render_template(
        "organizer/requests/list.html", requests=triage.list_requests(current_user, filters), filters=filters,
        academies=[ACADEMIES[a] for a in academies if a in ACADEMIES],
    )


def _slot_form(visit_request, *, formdata=None) -> EventForm:
    """The confirmation form, prefilled from the request and the chosen suggestion (?debut=…)."""
    form = EventForm(formdata=formdata)
    form.type.choices = type_choices(SLOT_FORMATS)
    if formdata is not None:
        return form
    school = visit_request.school
    wanted = visit_request.format if visit_request.format in SLOT_FORMATS else EventType.SCHOOL_VISIT
    zone = slots.timezone_of(visit_request)
    form.type.data = wanted.value
    form.title.data = f"{labels.label(labels.EVENT_TYPES, wanted)} — {school.name}"
    form.timezone.data = zone
    form.departement.data = school.departement
    form.venue.data = school.name
    form.address.data = visit_request.address  # what invitations and feeds lead people to
    form.commune.data = school.commune
    form.is_online.data = visit_request.delivery.value == "remote"
    needed = slots.NEEDED.get(wanted, 1)
    form.role_models_min.data = needed
    form.role_models_max.data = max(needed, 1 if wanted == EventType.SCHOOL_VISIT else needed + 1)
    form.topics.data = ", ".join(visit_request.topics or [])
    form.description.data = visit_request.remarks or ""
    chosen = request.args.get("debut", "")
    fin = request.args.get("fin", "")
    try:
        start = datetime.fromisoformat(chosen).astimezone(ZoneInfo(zone))
        end = datetime.fromisoformat(fin).astimezone(ZoneInfo(zone))
    except (ValueError, TypeError, OverflowError):  # overflow: year 1 or 9999 moved to the zone
        return form
    if not (days.in_range(start.date()) and days.in_range(end.date())):
        return form  # only a suggestion to prefill the form: one out of range is left out
    form.day.data, form.start_time.data, form.end_time.data = start.date(), start.time(), end.time()
    return form


def _detail(visit_request, *, form=None, decline_form=None, status=200):
    plan = slots.plan_slots(visit_request)
    return render_template(
        "organizer/requests/detail.html", r=visit_request, plan=plan, form=form or _slot_form(visit_request),
        decline_form=decline_form or DeclineForm(prefix="decline"), action_form=ActionForm(),
        trail=audit.trail(visit_request), statuses=RequestStatus,
    ), status


@bp.get("/demandes/<int:request_id>")
def request_detail(request_id: int):
    return _detail(triage.get_request(current_user, request_id))


@bp.post("/demandes/<int:request_id>/prise-en-charge")
def request_review(request_id: int):
    visit_request = triage.get_request(current_user, request_id)
    if ActionForm().validate_on_submit():
        _result, error = units.attempt(triage.start_review, current_user, visit_request)
        flash(str(error.message) if error else _("Vous avez pris la demande en charge."),
              "error" if error else "success")
    return redirect(url_for(".request_detail", request_id=request_id))


@bp.post("/demandes/<int:request_id>/confirmer-contact")
def request_confirm_contact(request_id: int):
    visit_request = triage.get_request(current_user, request_id)
    if ActionForm().validate_on_submit():
        _result, error = units.attempt(contacts.confirm, current_user, visit_request)
        flash(str(error.message) if error else _("Contact confirmé : il reçoit désormais le calendrier et les "
                                                   "courriels de tout l'établissement."),
              "error" if error else "success")
    return redirect(url_for(".request_detail", request_id=request_id))


@bp.post("/demandes/<int:request_id>/programmer")
def request_schedule(request_id: int):
    visit_request = triage.get_request(current_user, request_id)
    form = _slot_form(visit_request, formdata=request.form)
    if not form.validate():
        return _detail(visit_request, form=form, status=422)
    event, error = units.attempt(lifecycle.schedule_request, current_user, visit_request, form.to_data())
    if error:
        visit_request = triage.get_request(current_user, request_id)
        field_errors.show(form, error)
        return _detail(visit_request, form=form, status=error.status)
    flash(_("Créneau confirmé : l'établissement est prévenu. Invitez maintenant les intervenant·es."), "success")
    return redirect(url_for(".event_detail", event_id=event.id))


@bp.post("/demandes/<int:request_id>/decliner")
def request_decline(request_id: int):
    visit_request = triage.get_request(current_user, request_id)
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        return _detail(visit_request, decline_form=form, status=422)
    _result, error = units.attempt(triage.decline_request, current_user, visit_request, reason=form.reason.data)
    if error:
        visit_request = triage.get_request(current_user, request_id)
        field_errors.show(form, error)
        return _detail(visit_request, decline_form=form, status=error.status)
    flash(_("La demande est déclinée ; l'établissement en est informé par email."), "success")
    return redirect(url_for(".request_list"))

"""A school asks for a visit (no account), then follows it by a private link.

The form works without JavaScript: "search" and "check the dates" are ordinary submit buttons
that re-render the form with everything typed kept; request_form.js does the same live.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import local_time
from app.extensions import limiter
from app.links import webcal_url
from app.models import ContactRole, Delivery, EducationPriority, EventType, SchoolKind, TimeOfDay
from app.reference.uai import example_uai
from app.services.common.errors import Invalid
from app.services.requests import emails, schools, visit_requests
from app.services.requests.windows import MAX_WINDOWS, Window
from app.web import field_errors, units
from app.web.public.forms import CancelForm, CorrectionForm, RequestForm, WithdrawForm, error_summary
from app.web.public.views import bp

log = logging.getLogger(__name__)

# The follow-up page's history, by audit action (other actions read "Mise à jour de la demande").
HISTORY_LABELS = {
    "request.submitted": _l("Demande envoyée"),
    "request.in_review": _l("Demande à l'étude"),
    "request.scheduled": _l("Rencontre programmée"),
    "request.back_to_review": _l("Rencontre annulée par l'équipe : la demande est de nouveau à l'étude"),
    "request.declined": _l("Demande déclinée"),
    "request.withdrawn": _l("Demande retirée"),
    "request.completed": _l("Rencontre réalisée"),
    "request.contact_confirmed": _l("L'équipe vous a confirmé·e comme contact de l'établissement"),
    "event.confirmed": _l("Intervenant·es confirmé·es : la rencontre est confirmée"),
    "event.short_of_role_models": _l("Un·e intervenant·e s'est retiré·e : en attente d'une nouvelle confirmation"),
    "event.updated": _l("Rencontre replanifiée (date, horaire ou lieu)"),
    "event.cancelled": _l("Rencontre annulée"),
}
FORM_RATE_LIMIT = "10 per minute; 60 per hour"
# Follow-up links of the last requests sent from this browser, kept in its session so that
# sending one again can lead straight back to it (the database keeps only their hashes).
REMEMBERED_REQUESTS = 5
LOOKUP_RATE_LIMIT = "60 per minute"


def _form_rate_limit() -> str:
    return current_app.config["REQUEST_FORM_RATE_LIMIT"]


def _no_referrer(response):
    # The follow-up token is in the URL: never leak it to another site through Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/demandes/nouvelle", methods=["GET", "POST"])
@limiter.limit(_form_rate_limit, methods=["POST"])
def request_form():
    form = RequestForm()
    results = None
    refused = False
    if request.method == "POST":
        if form.website.data:
            log.info("request form: honeypot filled, nothing saved")
            return redirect(url_for("public.request_sent"))
        if request.form.get("pick_uai"):
            _fill_school(form, request.form["pick_uai"])
        elif request.form.get("action") == "search":
            results = schools.search(form.school_query.data or "")
        elif request.form.get("action") == "check":
            pass  # re-render with the dates' warnings below
        elif not form.validate():
            # Also run the domain's checks, so every error shows at once, not one round at a time.
            try:
                visit_requests.validate(_request_data(form), today=local_time.today())
            except Invalid as exc:
                field_errors.show(form, exc)
        else:
            submission, refusal = units.attempt(visit_requests.submit, _request_data(form),
                                                idempotency_key=form.idempotency_key.data)
            if refusal is not None:
                refused = True
                if refusal.code == visit_requests.IDEMPOTENCY_KEY_REUSED:
                    # changed after it was sent (back button): say so, and let a deliberate
                    # second send make a separate request
                    form.new_idempotency_key()
                    flash(_("%(refused)s Pour demander une autre rencontre, à d'autres dates, envoyez à nouveau "
                            "ce formulaire.", refused=refusal.message), "error")
                else:
                    field_errors.show(form, refusal)
            else:
                _remember(submission)
                session["request_sent"] = {
                    "id": submission.request.id,
                    "token": submission.followup_token or _remembered_token(submission.request.id),
                    "created": submission.created,
                    "duplicate": submission.duplicate,
                    "submitted_at": submission.request.submitted_at.isoformat(),
                    "warnings": {str(k): [str(m) for m in v] for k, v in submission.warnings.items()},
                }
                return redirect(url_for("public.request_sent"))
    checked = visit_requests.check_windows(form.uai.data or "", _windows(form), today=local_time.today()) \
        if request.method == "POST" else None
    placement = _placement(form.uai.data)
    status = 422 if refused or error_summary(form) else 200
    return render_template(
        "public/request_form.html", form=form, errors=error_summary(form), results=results, checked=checked,
        placement=placement, known_school=schools.find_by_uai(form.uai.data or "") if placement else None,
        today=local_time.today().isoformat(), uai_example=example_uai("0691234"),
    ), status


@bp.get("/demandes/merci")
def request_sent():
    sent = session.pop("request_sent", None)
    followup_url = feed_url = None
    if sent and sent.get("submitted_at"):
        sent["submitted_at"] = datetime.fromisoformat(sent["submitted_at"])
    if sent and sent.get("token"):
        followup_url = url_for("public.request_followup", token=sent["token"], _external=True)
        feed_url = emails.school_feed_url(visit_requests.school_feed_token(sent["token"]))
    response = current_app.make_response(render_template(
        "public/request_sent.html", sent=sent, followup_url=followup_url, feed_url=feed_url))
    return _no_referrer(response)


@bp.get("/demandes/etablissements.json")
@limiter.limit(LOOKUP_RATE_LIMIT)
def request_school_search():
    found = schools.search(request.args.get("q", "")[:100])
    return jsonify([_school_json(s) for s in found])


@bp.get("/demandes/verification.json")
@limiter.limit(LOOKUP_RATE_LIMIT)
def request_check():
    """Live feedback for the form: where the UAI places the school and what its dates touch."""
    uai = request.args.get("uai", "")[:20]
    windows = []
    for i in range(MAX_WINDOWS):
        start, end = _iso(request.args.get(f"windows-{i}-start_date")), _iso(request.args.get(f"windows-{i}-end_date"))
        windows.append(Window(start, end) if start and end else Window(None, None))
    checked = visit_requests.check_windows(uai, windows, today=local_time.today())
    placement = _placement(uai)
    school = schools.find_by_uai(uai) if placement else None
    body = checked.as_json()
    body["placement"] = _placement_json(placement) if placement else None
    body["school"] = {**_school_json(school), "address": schools.last_known_address(school)} if school else None
    return jsonify(body)


@bp.get("/demandes/suivi/<token>")
def request_followup(token: str):
    visit = _visit_or_404(token)
    return _followup_page(visit, token, WithdrawForm(), CancelForm())


@bp.route("/demandes/suivi/<token>/correction", methods=["GET", "POST"])
@limiter.limit(FORM_RATE_LIMIT, methods=["POST"])
def request_correct(token: str):
    """The school corrects its request (until it is scheduled); what was saved stays as it was
    until a correction passes every check."""
    visit = _visit_or_404(token)
    if not visit_requests.can_correct(visit):
        flash(_("Cette demande ne peut plus être corrigée en ligne (elle est programmée ou close) : "
                "écrivez à l'équipe de votre académie."), "error")
        return redirect(url_for("public.request_followup", token=token))
    if request.method == "GET":
        form = CorrectionForm(formdata=None, data=_correction_data(visit))
    else:
        form = CorrectionForm()
        if request.form.get("action") == "check":
            pass  # re-render with the dates' warnings below
        elif form.validate():
            changed, error = units.attempt(visit_requests.correct, visit, _correction(form), today=local_time.today())
            if error is None:
                flash(_("Votre demande est corrigée ; l'équipe de votre académie voit vos changements.") if changed
                      else _("Rien n'a changé dans votre demande."), "success")
                return redirect(url_for("public.request_followup", token=token))
            if not isinstance(error, Invalid):
                flash(str(error.message), "error")
                return redirect(url_for("public.request_followup", token=token))
            visit = _visit_or_404(token)
            field_errors.show(form, error)
        else:
            try:  # the domain's checks too, so every message shows at once
                visit_requests.check_correction(visit, _correction(form), today=local_time.today())
            except Invalid as exc:
                field_errors.show(form, exc)
    errors = error_summary(form)
    checked = visit_requests.check_windows(visit.school.uai, _windows(form), today=local_time.today()) \
        if request.method == "POST" else None
    response = current_app.make_response((render_template(
        "public/request_correct.html", visit=visit, token=token, form=form, errors=errors, checked=checked,
        today=local_time.today().isoformat(),
    ), 422 if errors else 200))
    return _no_referrer(response)


@bp.post("/demandes/suivi/<token>/retrait")
@limiter.limit(FORM_RATE_LIMIT)
def request_withdraw(token: str):
    visit = _visit_or_404(token)
    form = WithdrawForm()
    if form.validate():
        _withdrawn, error = units.attempt(visit_requests.withdraw, visit, reason=form.reason.data or "")
        if error is not None:
            flash(str(error.message), "error")
        else:
            flash(_("Votre demande est retirée. L'équipe de votre académie en est informée."), "success")
        return redirect(url_for("public.request_followup", token=token))
    return _followup_page(visit, token, form, CancelForm(), status=422)


@bp.post("/demandes/suivi/<token>/annulation")
@limiter.limit(FORM_RATE_LIMIT)
def request_cancel(token: str):
    visit = _visit_or_404(token)
    form = CancelForm()
    if form.validate():
        _event, error = units.attempt(visit_requests.cancel_visit, visit, reason=form.reason.data or "")
        if error is None:
            flash(_("La rencontre est annulée. Les intervenant·es et l'équipe de votre académie sont prévenu·es."),
                  "success")
            return redirect(url_for("public.request_followup", token=token))
        if not isinstance(error, Invalid):
            flash(str(error.message), "error")
            return redirect(url_for("public.request_followup", token=token))
        field_errors.show(form, error)
    return _followup_page(visit, token, WithdrawForm(), form, status=422)


def _followup_page(visit, token, withdraw_form, cancel_form, *, status: int = 200):
    event = visit_requests.current_event(visit)
    feed_token = visit_requests.live_feed_token(visit, token)
    feed_url = emails.school_feed_url(feed_token) if feed_token else None
    response = current_app.make_response((render_template(
        "public/request_followup.html",
        visit=visit, token=token, event=event,
        role_models=visit_requests.visible_role_models(event) if event else [],
        history=visit_requests.followup_history(visit), history_labels=HISTORY_LABELS,
        feed_url=feed_url, webcal_url=webcal_url(feed_url) if feed_url else None,
        whole_school=visit_requests.shows_whole_school(visit),
        can_withdraw=visit_requests.can_withdraw(visit),
        can_correct=visit_requests.can_correct(visit),
        can_cancel=visit_requests.can_cancel_visit(visit, event),
        withdraw_form=withdraw_form, cancel_form=cancel_form,
        errors=error_summary(cancel_form) + error_summary(withdraw_form),
    ), status))
    return _no_referrer(response)


def _remember(submission: visit_requests.Submission) -> None:
    if submission.followup_token is None:
        return
    remembered = dict(session.get("my_requests") or {})
    remembered[str(submission.request.id)] = submission.followup_token
    session["my_requests"] = dict(list(remembered.items())[-REMEMBERED_REQUESTS:])


def _remembered_token(request_id: int) -> str | None:
    return (session.get("my_requests") or {}).get(str(request_id))


def _visit_or_404(token: str):
    visit = visit_requests.find_by_followup_token(token)
    if visit is None:
        abort(404)
    return visit


def _request_data(form: RequestForm) -> visit_requests.RequestData:
    return visit_requests.RequestData(
        uai=form.uai.data or "",
        school=schools.NewSchool(
            name=form.school_name.data or "", commune=form.commune.data or "", postal_code=form.postal_code.data or "",
            kind=_enum(SchoolKind, form.school_kind.data, SchoolKind.OTHER),
            priority=_enum(EducationPriority, form.priority.data, EducationPriority.NONE),
        ),
        contact_name=form.contact_name.data,
        contact_role=_enum(ContactRole, form.contact_role.data, ContactRole.OTHER),
        email=form.email.data or "",
        phone=form.phone.data or "",
        format=_enum(EventType, form.format.data, EventType.SCHOOL_VISIT),
        delivery=_enum(Delivery, form.delivery.data, Delivery.IN_PERSON),
        class_levels=form.class_levels.data or [],
        headcount=form.headcount.data or 0,
        girls_count=form.girls_count.data or 0,
        topics=form.topics.data or [],
        windows=_windows(form),
        remarks=form.remarks.data or "",
        address=form.address.data or "",
        consent=bool(form.consent.data),
        locale=str(get_locale() or "fr"),
    )


def _correction(form: CorrectionForm) -> visit_requests.Correction:
    return visit_requests.Correction(
        format=_enum(EventType, form.format.data, EventType.SCHOOL_VISIT),
        delivery=_enum(Delivery, form.delivery.data, Delivery.IN_PERSON),
        class_levels=form.class_levels.data or [], headcount=form.headcount.data or 0,
        girls_count=form.girls_count.data or 0, topics=form.topics.data or [], windows=_windows(form),
        remarks=form.remarks.data or "", phone=form.phone.data or "", address=form.address.data or "",
    )


def _correction_data(visit) -> dict:
    """The correction form's starting values: the request as saved."""
    now = visit_requests.Correction.of(visit)
    windows = [{"start_date": w.start, "end_date": w.end, "time_of_day": w.time_of_day.value} for w in now.windows]
    windows += [{"time_of_day": TimeOfDay.ANY.value}] * (MAX_WINDOWS - len(windows))
    return {"format": now.format.value, "delivery": now.delivery.value, "class_levels": now.class_levels,
            "headcount": now.headcount, "girls_count": now.girls_count, "topics": now.topics, "windows": windows,
            "remarks": now.remarks, "phone": now.phone, "address": now.address}


def _windows(form: RequestForm | CorrectionForm) -> list[Window]:
    windows = []
    for entry in form.windows:
        sub = entry.form
        if sub.start_date.errors or sub.end_date.errors:  # unreadable dates are already reported
            windows.append(Window(None, None))
            continue
        try:
            time_of_day = TimeOfDay(sub.time_of_day.data)
        except ValueError:
            time_of_day = TimeOfDay.ANY
        windows.append(Window(sub.start_date.data, sub.end_date.data, time_of_day))
    return windows


def _fill_school(form: RequestForm, uai: str) -> None:
    school = schools.find_by_uai(uai)
    if school is None:
        return
    form.uai.data = school.uai
    form.school_name.data = school.name
    form.commune.data = school.commune
    form.postal_code.data = school.postal_code or ""
    form.school_kind.data = school.kind.value
    form.priority.data = school.priority.value
    if not form.address.data:
        form.address.data = schools.last_known_address(school)


def _placement(uai: str | None):
    try:
        return schools.place_uai(uai or "")
    except Invalid:
        return None


def _placement_json(placement) -> dict:
    return {"uai": placement.uai, "departement": placement.departement, "academie": placement.academie.name,
            "zone": placement.academie.zone}


def _school_json(school) -> dict:
    return {"uai": school.uai, "name": school.name, "commune": school.commune, "postal_code": school.postal_code or "",
            "kind": school.kind.value, "priority": school.priority.value}


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _enum(enum_cls, value, default):
    """Form choices are validated by the form; a tampered value must still not raise here."""
    try:
        return enum_cls(value)
    except ValueError:
        return default

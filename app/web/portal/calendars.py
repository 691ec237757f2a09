"""Portal pages about calendars: the role model's own calendars (imported as busy times) and
their personal Rencontres feed (to subscribe to from their calendar app)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.feeds import personal_urls
from app.links import webcal_url
from app.models import ExternalCalendar
from app.models.types import utcnow
from app.services.role_models import calendar_sync
from app.web import field_errors, units
from app.web.portal.forms import CalendarForm, ConfirmForm
from app.web.portal.views import bp, role_model_required

SHOWN_AHEAD = timedelta(days=28)


def _own_calendar(calendar_id: int) -> ExternalCalendar:
    calendar = db.session.get(ExternalCalendar, calendar_id)
    if calendar is None or calendar.role_model_id != g.role_model.id:
        abort(404)
    return calendar


def _render_calendars(form: CalendarForm, status: int = 200):
    now = utcnow()
    return render_template(
        "portal/calendars.html", rm=g.role_model, form=form, confirm=ConfirmForm(),
        calendars=calendar_sync.calendars_of(g.role_model), message_for=calendar_sync.message_for,
        skip_message_for=calendar_sync.skip_message_for,
        busy=calendar_sync.busy_between(g.role_model, now, now + SHOWN_AHEAD), weeks=SHOWN_AHEAD.days // 7,
    ), status


@bp.route("/agendas", methods=["GET", "POST"])
@role_model_required
def calendars():
    form = CalendarForm()
    if form.validate_on_submit():
        calendar, error = units.attempt(calendar_sync.connect, current_user, g.role_model, form.url.data,
                                        label=form.label.data)
        if error is not None:
            field_errors.show(form, error)
            return _render_calendars(form, 422)
        flash(ngettext("Agenda connecté : %(num)d créneau occupé importé.",
                       "Agenda connecté : %(num)d créneaux occupés importés.", len(calendar.busy_intervals)), "success")
        return redirect(url_for("portal.calendars"))
    return _render_calendars(form, 422 if form.errors else 200)


@bp.post("/agendas/<int:calendar_id>/synchroniser")
@role_model_required
def sync_calendar(calendar_id: int):
    calendar = _own_calendar(calendar_id)
    if ConfirmForm().validate_on_submit():
        outcome = units.run(calendar_sync.sync_now, current_user, calendar)
        if outcome.error_code:
            flash(_("La mise à jour a échoué : %(why)s Les derniers créneaux connus sont conservés.",
                    why=calendar_sync.message_for(outcome.error_code)), "error")
        else:
            flash(_("Agenda mis à jour."), "success")
    return redirect(url_for("portal.calendars"))


@bp.post("/agendas/<int:calendar_id>/supprimer")
@role_model_required
def disconnect_calendar(calendar_id: int):
    calendar = _own_calendar(calendar_id)
    if ConfirmForm().validate_on_submit():
        units.run(calendar_sync.disconnect, current_user, calendar)
        flash(_("Agenda déconnecté : ses créneaux occupés ont été retirés."), "success")
    return redirect(url_for("portal.calendars"))


@bp.get("/mon-agenda")
@role_model_required
def feed():
    url = personal_urls.current_url(current_user)
    return render_template("portal/feed.html", rm=g.role_model, url=url, webcal=webcal_url(url) if url else None,
                           form=ConfirmForm(), regenerated=False)


@bp.post("/mon-agenda/regenerer")
@role_model_required
def regenerate_feed():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("portal.feed"))
    had_one = personal_urls.current_url(current_user) is not None
    url = units.run(personal_urls.regenerate, current_user, current_user)
    # Rendered (not redirected) so the new address is right here, with what changed.
    return render_template("portal/feed.html", rm=g.role_model, url=url, webcal=webcal_url(url),
                           form=ConfirmForm(), regenerated=had_one, created=not had_one)

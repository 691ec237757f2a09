"""CSV exports of events and requests for a period."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user

from app.services.statistics import exports
from app.web.organizer.forms import PeriodForm
from app.web.organizer.views import bp


@bp.get("/exports")
def export_page():
    return render_template("organizer/exports.html", form=PeriodForm(request.args or None))


@bp.get("/exports/<any(evenements, demandes):what>.csv")
def export_csv(what: str):
    form = PeriodForm(request.args)
    if not form.validate():
        return render_template("organizer/exports.html", form=form), 422
    build = exports.events_csv if what == "evenements" else exports.requests_csv
    body = build(current_user, form.start.data, form.end.data)
    name = f"{what}-{form.start.data:%Y%m%d}-{form.end.data:%Y%m%d}.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })

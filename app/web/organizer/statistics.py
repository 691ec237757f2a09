"""Impact statistics for organizers (their académies) and admins (national): the page, its
CSV export and a one-page printable report, all for the period chosen in a GET form."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField
from wtforms.validators import InputRequired

from app import local_time
from app.services.common.errors import Invalid
from app.services.statistics import impact
from app.web import field_errors, statistics_view
from app.web.days import DayInRange
from app.web.form_text import TextForm
from app.web.organizer.views import bp

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class PeriodForm(TextForm):
    """A GET form (bookmarkable, no CSRF): the last day is included, as people say it."""

    class Meta:
        csrf = False

    # The browser's date picker sends ISO dates; typed French dates are accepted too.
    start = DateField(_l("Du"), format=DATE_FORMATS,
                      validators=[InputRequired(_l("Indiquez une date de début valide.")), DayInRange()])
    end = DateField(_l("Au (inclus)"), format=DATE_FORMATS,
                    validators=[InputRequired(_l("Indiquez une date de fin valide.")), DayInRange()])


def _today() -> date:
    return local_time.today()


def _presets(today: date) -> list[tuple[str, impact.Period]]:
    this_year = impact.Period.school_year(today)
    last_year = impact.Period.school_year(this_year.start - timedelta(days=1))
    return [
        (_("Année scolaire en cours"), this_year),
        (_("Année scolaire précédente"), last_year),
        (_("Année civile %(year)s", year=today.year),
         impact.Period(date(today.year, 1, 1), date(today.year + 1, 1, 1))),
    ]


def _period_from_request() -> tuple[PeriodForm, impact.Period | None]:
    """The period asked for (the current school year when nothing is asked), or None with the
    form's fields carrying the errors."""
    if not request.args.get("start") and not request.args.get("end"):
        period = impact.Period.school_year(_today())
        return PeriodForm(data={"start": period.start, "end": period.last_day}), period
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        for f in (form.start, form.end):
            if f.errors and f.data is None and f.raw_data and f.raw_data[0]:  # typed, unreadable
                f.errors[:] = [_("Date invalide : choisissez-la dans le calendrier ou écrivez-la jj/mm/aaaa.")]
        return form, None
    try:
        return form, impact.Period(form.start.data, form.end.data + timedelta(days=1))
    except Invalid as error:
        field_errors.show(form, error)
        return form, None


def _figures() -> tuple[PeriodForm, impact.Figures | None]:
    form, period = _period_from_request()
    return form, (impact.compute(current_user, period) if period else None)


def _page(template: str, form: PeriodForm, figures: impact.Figures | None):
    return render_template(
        template, form=form, figures=figures, view=statistics_view.present(figures) if figures else None,
        presets=_presets(_today()), fmt=statistics_view.number, share=statistics_view.share,
        period_label=period_label, academie_names=statistics_view.academie_names,
    ), (200 if figures else 422)


@bp.get("/statistiques")
def statistics_page():
    return _page("organizer/statistics.html", *_figures())


@bp.get("/statistiques/rapport")
def statistics_report():
    return _page("organizer/statistics_report.html", *_figures())


@bp.get("/statistiques.csv")
def statistics_csv():
    form, figures = _figures()
    if figures is None:
        return _page("organizer/statistics.html", form, None)
    period = figures.period
    filename = f"statistiques-rencontres_{period.start.isoformat()}_{period.last_day.isoformat()}.csv"
    return Response(
        statistics_view.to_csv(figures), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def period_label(period: impact.Period) -> str:
    return _("du %(start)s au %(end)s", start=format_date(period.start, "d MMMM y"),
             end=format_date(period.last_day, "d MMMM y"))

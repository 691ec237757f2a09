"""How the impact figures are shown: chart data for the SVG macros, and the CSV export.

The CSV is written for French spreadsheets by app/services/statistics/spreadsheet.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _

from app import labels
from app.models import EducationPriority, EventStatus, EventType, JobFamily, SchoolKind
from app.reference.academies import academie_name
from app.services.statistics import spreadsheet
from app.services.statistics.impact import Figures


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as shown next to the bar
    part: float = 0  # columns: the highlighted share (girls among pupils)


@dataclass
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)

    @property
    def top(self) -> float:
        return max((b.value for b in self.bars), default=0) or 1

    @property
    def is_empty(self) -> bool:
        return not any(b.value for b in self.bars)


def number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return format_decimal(round(value, digits), format="#,##0" + ("." + "0" * digits if digits else ""))


def share(part: int, whole: int) -> str:
    return number(100 * part / whole) + " %" if whole else "—"


def academie_names(codes) -> str:
    return ", ".join(sorted(academie_name(c) for c in codes))


def present(figures: Figures) -> dict:
    return {
        "months": _months_chart(figures),
        "academies": _academies_chart(figures),
        "families": _families_chart(figures),
        "funnel": _funnel_chart(figures),
        "event_rows": _event_rows(figures),
        "school_kinds": [(labels.label(labels.SCHOOL_KINDS, k), figures.schools_by_kind[k]) for k in SchoolKind
                         if figures.schools_by_kind[k]],
        "sectors": figures.role_models.active_by_sector.most_common(10),
        "family_rows": [(labels.label(labels.JOB_FAMILIES, f), figures.role_models.active_by_family[f],
                         figures.role_models.new_by_family[f], figures.role_models.pool_by_family[f],
                         figures.role_models.dormant_by_family[f]) for f in JobFamily],
    }


def _pupils(n: int) -> str:
    """A month or an académie of a small period may count a single pupil or girl."""
    return ngettext("%(n)s élève", "%(n)s élèves", n, n=number(n))


def _girls(n: int) -> str:
    return ngettext("%(n)s fille", "%(n)s filles", n, n=number(n))


def _months_chart(figures: Figures) -> Chart:
    reach = figures.reach
    chart = Chart("chart-months", _("Élèves rencontrés par mois"),
                  _("%(pupils)s élèves dont %(girls)s filles sur la période, par mois ; en couleur : les filles.",
                    pupils=number(reach.pupils), girls=number(reach.girls)))
    for month, r in figures.reach_by_month:
        chart.bars.append(Bar(format_date(month, "MMM yy"), r.pupils, f"{_pupils(r.pupils)}, {_girls(r.girls)}",
                              part=r.girls))
    return chart


def _academies_chart(figures: Figures) -> Chart:
    chart = Chart("chart-academies", _("Filles rencontrées par académie"),
                  _("Académies classées par nombre de filles rencontrées."))
    for code, r in figures.reach_by_academie:
        chart.bars.append(Bar(academie_name(code), r.girls, f"{_girls(r.girls)} / {_pupils(r.pupils)}"))
    return chart


def _families_chart(figures: Figures) -> Chart:
    active = figures.role_models.active_by_family
    chart = Chart("chart-families", _("Marraines et parrains actifs par famille de métiers"),
                  _("Personnes ayant au moins une participation confirmée sur la période."))
    for family, n in sorted(active.items(), key=lambda kv: (-kv[1], kv[0])):
        chart.bars.append(Bar(labels.label(labels.JOB_FAMILIES, family), n, number(n)))
    return chart


def _funnel_chart(figures: Figures) -> Chart:
    r = figures.requests
    chart = Chart("chart-funnel", _("Des demandes aux rencontres"),
                  _("Demandes reçues sur la période, puis celles qui ont été programmées et réalisées."))
    for text, n in ((_("Reçues"), r.received), (_("Traitées"), r.answered), (_("Programmées"), r.scheduled),
                    (_("Réalisées"), r.completed)):
        chart.bars.append(Bar(text, n, f"{number(n)} ({share(n, r.received)})" if r.received else number(n)))
    return chart


def _event_rows(figures: Figures) -> list[tuple[str, list[int], int]]:
    rows = []
    for t in EventType:
        counts = [figures.events_with(type=t, status=s) for s in EventStatus]
        if any(counts):
            rows.append((labels.label(labels.EVENT_TYPES, t), counts, sum(counts)))
    return rows


# --- CSV -----------------------------------------------------------------------------------

def csv_rows(figures: Figures) -> list[list]:
    period, reach, req, rm = figures.period, figures.reach, figures.requests, figures.role_models
    scope = _("National") if figures.academies is None else academie_names(figures.academies)
    rows: list[list] = [
        [_("Rubrique"), _("Indicateur"), _("Valeur"), _("Dont estimation")],
        [_("Période"), _("Début"), period.start.isoformat(), None],
        [_("Période"), _("Fin (incluse)"), period.last_day.isoformat(), None],
        [_("Périmètre"), _("Académies"), scope, None],
    ]
    for t in EventType:
        for s in EventStatus:
            if n := figures.events_with(type=t, status=s):
                rows.append([_("Événements"), f"{labels.label(labels.EVENT_TYPES, t)} : "
                             f"{labels.label(labels.EVENT_STATUSES, s)}", n, None])
    rows += [
        [_("Événements"), _("Total"), figures.events, None],
        [_("Public rencontré"), _("Événements réalisés"), reach.events, None],
        [_("Public rencontré"), _("Élèves"), reach.pupils, reach.pupils_estimated],
        [_("Public rencontré"), _("Filles"), reach.girls, reach.girls_estimated],
    ]
    for month, r in figures.reach_by_month:
        rows.append([_("Élèves par mois"), month.strftime("%Y-%m"), r.pupils, r.pupils_estimated])
        rows.append([_("Filles par mois"), month.strftime("%Y-%m"), r.girls, r.girls_estimated])
    for code, r in figures.reach_by_academie:
        rows.append([_("Élèves par académie"), academie_name(code), r.pupils, r.pupils_estimated])
        rows.append([_("Filles par académie"), academie_name(code), r.girls, r.girls_estimated])
    rows.append([_("Établissements"), _("Total"), figures.schools, None])
    for kind in SchoolKind:
        if n := figures.schools_by_kind[kind]:
            rows.append([_("Établissements"), labels.label(labels.SCHOOL_KINDS, kind), n, None])
    rows += [
        [_("Établissements"), _("REP"), figures.schools_by_priority[EducationPriority.REP], None],
        [_("Établissements"), _("REP+"), figures.schools_by_priority[EducationPriority.REP_PLUS], None],
        [_("Demandes"), _("Reçues"), req.received, None],
        [_("Demandes"), _("Traitées"), req.answered, None],
        [_("Demandes"), _("Programmées"), req.scheduled, None],
        [_("Demandes"), _("Réalisées"), req.completed, None],
        [_("Demandes"), _("Déclinées"), req.declined, None],
        [_("Demandes"), _("Retirées par l'établissement"), req.withdrawn, None],
        [_("Demandes"), _("En attente"), req.pending, None],
        [_("Demandes"), _("Délai médian de programmation (jours)"), req.median_days, None],
        [_("Demandes"), _("Délai moyen de programmation (jours)"), req.mean_days, None],
        [_("Marraines et parrains"), _("Actives et actifs"), rm.active, None],
        [_("Marraines et parrains"), _("Nouvelles inscriptions"), rm.new, None],
        [_("Marraines et parrains"), _("Vivier (comptes actifs)"), rm.pool, None],
        [_("Marraines et parrains"), _("Sans participation depuis 12 mois"), rm.dormant, None],
        [_("Marraines et parrains"), _("Heures données"), float(rm.hours_given), None],
    ]
    for family in JobFamily:
        name = labels.label(labels.JOB_FAMILIES, family)
        for heading, counter in ((_("Actives et actifs par famille"), rm.active_by_family),
                                 (_("Nouvelles inscriptions par famille"), rm.new_by_family),
                                 (_("Sans participation depuis 12 mois par famille"), rm.dormant_by_family)):
            if counter[family]:
                rows.append([heading, name, counter[family], None])
    for sector, n in sorted(rm.active_by_sector.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append([_("Actives et actifs par secteur"), sector, n, None])
    for reason, n in figures.cancellations:
        rows.append([_("Annulations d'événements"), reason, n, None])
    for reason, n in figures.withdrawals:
        rows.append([_("Désistements d'intervenant·es"), reason, n, None])
    return rows


def to_csv(figures: Figures) -> bytes:
    return spreadsheet.write_csv(csv_rows(figures))

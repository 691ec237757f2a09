"""Forms of the organizer's programme page: a part, a table, a group, groups from the classes,
moving a group in the grid."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.models import PartKind, limits
from app.web.days import DayInRange
from app.web.form_text import TextForm

PART_KINDS = {
    "plenary": _l("Plénière"),
    "rotation": _l("Bloc de rotations"),
    "visit": _l("Visite"),
    "break": _l("Pause"),
    "closing": _l("Clôture"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_rounds(value: str | None) -> list[int]:
    """"1, 2, 5" → [1, 2, 5]; empty → [] (every round)."""
    text = (value or "").replace(";", ",").replace(" ", ",")
    return sorted({int(item) for item in text.split(",") if item})


class Rounds:
    def __call__(self, form, field) -> None:
        try:
            rounds = parse_rounds(field.data)
        except ValueError:
            raise ValidationError(_l("Des numéros de tours séparés par des virgules, par exemple 1, 2, 3.")) from None
        if any(not 1 <= r <= limits.ROUNDS_MAX for r in rounds):
            raise ValidationError(_l("Des tours entre 1 et %(n)s.", n=limits.ROUNDS_MAX))


class PartForm(TextForm):
    kind = SelectField(_l("Type"), choices=[SelectChoice(k.value, PART_KINDS[k.value]) for k in PartKind])
    title = StringField(_l("Titre"), filters=[_strip],
                        validators=[DataRequired(_l("Indiquez un titre.")), Length(max=limits.PART_TITLE_MAX)])
    day = DateField(_l("Date"), validators=[InputRequired(_l("Indiquez une date valide.")), DayInRange()])
    start_time = TimeField(_l("Début"), validators=[InputRequired(_l("Indiquez une heure de début valide."))])
    end_time = TimeField(_l("Fin"), validators=[InputRequired(_l("Indiquez une heure de fin valide."))])
    round_count = IntegerField(_l("Nombre de tours"), validators=[Optional(), NumberRange(1, limits.ROUNDS_MAX)])
    round_minutes = IntegerField(_l("Durée d'un tour (minutes)"),
                                 validators=[Optional(), NumberRange(1, limits.ROUND_MINUTES_MAX)])
    changeover_minutes = IntegerField(_l("Changement de table (minutes)"), default=0,
                                      validators=[Optional(), NumberRange(0, limits.ROUND_MINUTES_MAX)])
    ALIASES = {"start_at": "start_time", "end_at": "end_time"}


class TableForm(TextForm):
    label = StringField(_l("Nom de la table"), filters=[_strip],
                        validators=[DataRequired(_l("Indiquez un nom.")), Length(max=limits.TABLE_LABEL_MAX)])
    host = SelectField(_l("Tenue par"), choices=[], validate_choice=False)
    job_family = StringField(_l("Famille de métiers"), filters=[_strip],
                             validators=[Length(max=limits.JOB_FAMILY_LABEL_MAX)])
    capacity = IntegerField(_l("Groupes à la fois"), default=1,
                            validators=[InputRequired(), NumberRange(1, limits.TABLE_CAPACITY_MAX)])
    rounds = StringField(_l("Tours où la table est tenue"), filters=[_strip], validators=[Rounds()])
    ALIASES = {"assignment_ids": "host"}

    def set_hosts(self, assignments) -> None:
        self.host.choices = [SelectChoice("", _l("Personne pour l'instant"))] + [
            SelectChoice(str(a.id), f"{a.role_model.display_name} — {a.role_model.job_title}") for a in assignments]


class GroupForm(TextForm):
    label = StringField(_l("Nom du groupe"), filters=[_strip],
                        validators=[DataRequired(_l("Indiquez un nom.")), Length(max=limits.GROUP_LABEL_MAX)])
    headcount = IntegerField(_l("Effectif"), validators=[Optional(), NumberRange(1, limits.HEADCOUNT_MAX)])
    rounds = StringField(_l("Tours où le groupe est là"), filters=[_strip], validators=[Rounds()])


class RoundsForm(TextForm):
    """The rounds a table is held or a group is there, on each row of the page."""

    rounds = StringField(_l("Tours"), filters=[_strip], validators=[Rounds()])


class ClassesForm(TextForm):
    group_size = IntegerField(_l("Élèves par groupe"), default=14,
                              validators=[InputRequired(_l("Indiquez une taille de groupe.")),
                                          NumberRange(1, limits.HEADCOUNT_MAX)])


class MoveForm(TextForm):
    group_id = IntegerField(validators=[InputRequired(), NumberRange(1, 2**31 - 1)])
    round = IntegerField(validators=[InputRequired(), NumberRange(1, limits.ROUNDS_MAX)])
    table_id = IntegerField(_l("Table"), validators=[Optional(), NumberRange(1, 2**31 - 1)])


__all__ = ["PART_KINDS", "ClassesForm", "GroupForm", "MoveForm", "PartForm", "RoundsForm", "TableForm"]

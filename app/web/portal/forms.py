"""Forms of the role-model portal (Flask-WTF): they parse; the services validate the rules."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app import labels
from app.models import limits
from app.services.role_models.profiles import LANGUAGES, ProfileData
from app.web.days import DayInRange
from app.web.form_text import SingleLine, TextForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def split_codes(text: str | None) -> list[str]:
    """"75, 92 93" → ["75", "92", "93"]; codes are upper-cased (2A, 2B)."""
    return [c.upper() for c in re.split(r"[\s,;]+", text or "") if c]



def _choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in mapping.items()]

class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


LANGUAGE_LABELS = {"fr": _l("Français"), "en": _l("Anglais"), "es": _l("Espagnol"), "de": _l("Allemand"),
                   "it": _l("Italien"), "ar": _l("Arabe"), "pt": _l("Portugais"), "lsf": _l("Langue des signes (LSF)")}


class ProfileForm(TextForm):
    first_name = StringField(_l("Prénom"), filters=[_strip],
                             validators=[DataRequired(_l("Indiquez votre prénom.")), Length(max=limits.FIRST_NAME_MAX)])
    last_name = StringField(_l("Nom"), filters=[_strip],
                            validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=limits.LAST_NAME_MAX)])
    phone = StringField(_l("Téléphone (facultatif)"), filters=[_strip],
                        validators=[Optional(), Length(max=limits.PHONE_MAX)])
    job_title = StringField(_l("Métier"), filters=[_strip],
                            validators=[DataRequired(_l("Indiquez votre métier.")), Length(max=limits.JOB_TITLE_MAX)])
    job_family = SelectField(_l("Famille de métiers"), choices=_choices(labels.JOB_FAMILIES))
    company = StringField(_l("Entreprise"), filters=[_strip],
                          validators=[DataRequired(_l("Indiquez votre entreprise.")), Length(max=limits.COMPANY_MAX)])
    sectors = StringField(_l("Secteurs (séparés par des virgules)"), filters=[_strip],
                          validators=[Length(max=limits.SECTORS_TEXT_MAX)])
    departements = StringField(_l("Départements où vous pouvez intervenir"), filters=[_strip],
                               validators=[Length(max=limits.DEPARTEMENTS_TEXT_MAX)])
    home_departement = StringField(_l("Votre département (facultatif)"), filters=[_strip],
                                   validators=[Optional(), Length(max=limits.DEPARTEMENT_MAX)])
    accepts_in_person = BooleanField(_l("J'interviens en présentiel"), default=True)
    accepts_remote = BooleanField(_l("J'interviens à distance (visioconférence)"))
    event_types = MultiCheckboxField(_l("Types de rencontres"), choices=_choices(labels.EVENT_TYPES))
    languages = MultiCheckboxField(_l("Langues"), choices=[SelectChoice(c, LANGUAGE_LABELS[c]) for c in LANGUAGES],
                                   default=["fr"])
    monthly_cap = IntegerField(_l("Rencontres par mois, au plus"), default=2,
                               validators=[DataRequired(_l("Indiquez un nombre.")),
                                           NumberRange(0, limits.MONTHLY_CAP_MAX, _l("Entre 0 et 60."))])
    presentation = TextAreaField(_l("Présentation montrée aux établissements"),
                                 validators=[Length(max=limits.PRESENTATION_MAX)])

    def to_data(self) -> ProfileData:
        return ProfileData(
            first_name=self.first_name.data or "", last_name=self.last_name.data or "",
            job_title=self.job_title.data or "", job_family=self.job_family.data or "",
            company=self.company.data or "", phone=self.phone.data or None,
            sectors=[s.strip() for s in (self.sectors.data or "").split(",") if s.strip()],
            departements=split_codes(self.departements.data),
            home_departement=(self.home_departement.data or "").upper() or None,
            accepts_in_person=bool(self.accepts_in_person.data), accepts_remote=bool(self.accepts_remote.data),
            event_types=list(self.event_types.data or []), languages=list(self.languages.data or []),
            monthly_cap=self.monthly_cap.data if self.monthly_cap.data is not None else -1,
            presentation=self.presentation.data or "",
        )

    def fill_from(self, rm) -> None:
        for name in ("first_name", "last_name", "phone", "job_title", "company", "home_departement",
                     "accepts_in_person", "accepts_remote", "monthly_cap", "presentation"):
            getattr(self, name).data = getattr(rm, name)
        self.job_family.data = rm.job_family.value
        self.sectors.data = ", ".join(rm.sectors or [])
        self.departements.data = " ".join(rm.departement_codes)
        self.event_types.data = list(rm.event_types or [])
        self.languages.data = list(rm.languages or [])


class ApplicationForm(ProfileForm):
    PAGE_FIRST = ("email",)  # asked first on the page (app.web.field_errors.summary)

    email = EmailField(_l("Adresse e-mail"), filters=[_strip],
                       validators=[DataRequired(_l("Indiquez votre adresse e-mail.")),
                                   Email(_l("Adresse e-mail invalide."))])
    consent = BooleanField(_l("J'accepte que l'équipe IndustriElles conserve ces informations "
                              "pour organiser des rencontres."),
                           validators=[DataRequired(_l("Votre accord est nécessaire "
                                                       "pour que nous puissions vous contacter."))],
                           description=_l("Votre accord"))


class SignInForm(TextForm):
    # Only a single line: an account made before the address rules must still get its link.
    email = EmailField(_l("Adresse e-mail"), filters=[_strip],
                       validators=[DataRequired(_l("Indiquez votre adresse e-mail.")),
                                   Email(_l("Adresse e-mail invalide.")), SingleLine()])


class ConfirmForm(TextForm):
    """A button that acts (sign in with a link, regenerate, pause...): only the CSRF token."""


WEEKDAYS = [SelectChoice(str(i), day) for i, day in enumerate(
    [_l("Lundi"), _l("Mardi"), _l("Mercredi"), _l("Jeudi"), _l("Vendredi"), _l("Samedi"), _l("Dimanche")])]
# A new row names no day: a day picked for her would be saved as hers if she only typed times.
NO_DAY = SelectChoice("", _l("Choisir un jour"))


class WindowForm(Form):
    weekday = SelectField(_l("Jour"), choices=[NO_DAY, *WEEKDAYS], default="")
    start_time = TimeField(_l("De"), validators=[Optional()])
    end_time = TimeField(_l("À"), validators=[Optional()])


class WindowsForm(TextForm):
    windows = FieldList(FormField(WindowForm), min_entries=1)

    def to_windows(self) -> list[tuple[int, object, object]]:
        return [(int(e.form.weekday.data), e.form.start_time.data, e.form.end_time.data)
                for e in self.sent_entries(self.windows)]

    def sent_entries(self, field: FieldList) -> list:
        """The rows given to the service: blank rows are left out, so its index 0 is the first
        row filled in (`app.web.field_errors`)."""
        return [e for e in field if e.form.start_time.data is not None or e.form.end_time.data is not None]

    def validate_windows(self, field) -> None:
        problems = False
        for entry in field:
            start, end = entry.form.start_time.data, entry.form.end_time.data
            if (start is None) != (end is None):
                (entry.form.end_time if end is None else entry.form.start_time).errors.append(
                    _l("Indiquez le début et la fin."))
                problems = True
            if (start is not None or end is not None) and not entry.form.weekday.data:
                entry.form.weekday.errors.append(_l("Choisissez le jour de ce créneau."))
                problems = True
        if problems:
            raise ValidationError("")


class ExceptionForm(TextForm):
    start_date = DateField(_l("Du"), validators=[DataRequired(_l("Indiquez le premier jour.")), DayInRange()])
    end_date = DateField(_l("Au (inclus)"), validators=[DataRequired(_l("Indiquez le dernier jour.")), DayInRange()])
    reason = StringField(_l("Motif (facultatif)"), filters=[_strip], validators=[Length(max=limits.DAY_OFF_REASON_MAX)])


class CalendarForm(TextForm):
    url = StringField(_l("Adresse de votre agenda (iCal, .ics)"), filters=[_strip],
                      validators=[DataRequired(_l("Collez l'adresse de votre agenda.")), Length(max=4096)])
    label = StringField(_l("Nom pour vous y retrouver (facultatif)"), filters=[_strip],
                        validators=[Length(max=limits.CALENDAR_LABEL_MAX)])


class AnswerForm(TextForm):
    reason = TextAreaField(_l("Un mot pour l'équipe (facultatif)"), validators=[Length(max=limits.ANSWER_REASON_MAX)])
    despite_clashes = HiddenField()


class WithdrawForm(TextForm):
    reason = TextAreaField(_l("Pourquoi vous retirez-vous ? (facultatif)"),
                           validators=[Length(max=limits.ANSWER_REASON_MAX)])


class DeleteAccountForm(TextForm):
    confirm = StringField(_l("Pour confirmer, écrivez SUPPRIMER"), filters=[_strip],
                          validators=[DataRequired(_l("Écrivez SUPPRIMER pour confirmer."))])

    def validate_confirm(self, field) -> None:
        if (field.data or "").upper() != "SUPPRIMER":
            raise ValidationError(_l("Écrivez SUPPRIMER pour confirmer."))


class InviteForm(TextForm):
    email = EmailField(_l("Adresse e-mail"), filters=[_strip],
                       validators=[DataRequired(_l("Indiquez l'adresse e-mail.")),
                                   Email(_l("Adresse e-mail invalide."))])
    first_name = StringField(_l("Prénom"), filters=[_strip],
                             validators=[DataRequired(_l("Indiquez le prénom.")), Length(max=limits.FIRST_NAME_MAX)])
    last_name = StringField(_l("Nom"), filters=[_strip],
                            validators=[DataRequired(_l("Indiquez le nom.")), Length(max=limits.LAST_NAME_MAX)])
    job_title = StringField(_l("Métier"), filters=[_strip],
                            validators=[DataRequired(_l("Indiquez le métier.")), Length(max=limits.JOB_TITLE_MAX)])
    job_family = SelectField(_l("Famille de métiers"), choices=_choices(labels.JOB_FAMILIES))
    company = StringField(_l("Entreprise"), filters=[_strip],
                          validators=[DataRequired(_l("Indiquez l'entreprise.")), Length(max=limits.COMPANY_MAX)])
    departements = StringField(_l("Départements"), filters=[_strip],
                               validators=[DataRequired(_l("Indiquez au moins un département.")),
                                           Length(max=limits.DEPARTEMENTS_TEXT_MAX)])


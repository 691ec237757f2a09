"""The school's request form and the follow-up page's forms (Flask-WTF).

No field can hold anything about a pupil but class levels and counts.
"""

from __future__ import annotations

import secrets

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
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, Regexp, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app import labels
from app.models import ContactRole, Delivery, EducationPriority, EventType, SchoolKind, TimeOfDay, limits
from app.reference.uai import normalize_uai
from app.services.requests import windows as request_windows
from app.web.form_text import TextForm

SECTORS = tuple(labels.SECTORS)
THEMES = tuple(labels.THEMES)
CLASS_LEVELS = ("6e", "5e", "4e", "3e", "2nde", "1re", "Tle", "CAP", "2nde pro", "1re pro", "Tle pro", "BTS", "CFA")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _choices(mapping: dict, enum_cls) -> list[SelectChoice]:
    return [SelectChoice(member.value, mapping[member.value]) for member in enum_cls]


def _readable(form, field):
    """First in a chain: a value the field could not read has its message already; stop there."""
    if field.process_errors:
        raise StopValidation()


class CountField(IntegerField):
    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(_l("Indiquez un nombre entier, en chiffres.")) from None


class DayField(DateField):
    """A date (YYYY-MM-DD, as date inputs send it) with a French message: subforms are plain
    WTForms forms, which Flask-WTF does not translate."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Cette date n'est pas valide (attendu : jj/mm/aaaa).")) from None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WindowForm(Form):
    start_date = DayField(_l("Du"), validators=[Optional()])
    end_date = DayField(_l("Au"), validators=[Optional()])
    time_of_day = SelectField(_l("Moment de la journée"), choices=_choices(labels.TIMES_OF_DAY, TimeOfDay),
                              default=TimeOfDay.ANY.value)


class RequestForm(TextForm):
    idempotency_key = HiddenField()
    # Honeypot: hidden from people (and from assistive technology), filled in by bots.
    website = StringField(_l("Site web (laissez ce champ vide)"))

    school_query = StringField(_l("Rechercher votre établissement"), filters=[_strip],
                               validators=[Length(max=100)])
    uai = StringField(_l("Numéro UAI (ex-RNE)"), filters=[normalize_uai],
                      validators=[InputRequired(_l("Indiquez le numéro UAI de l'établissement.")),
                                  Length(max=limits.UAI_INPUT_MAX, message=_l("Un numéro UAI a 8 caractères."))])
    school_name = StringField(_l("Nom de l'établissement"), filters=[_strip],
                              validators=[Length(max=limits.SCHOOL_NAME_MAX)])
    commune = StringField(_l("Commune"), filters=[_strip], validators=[Length(max=limits.COMMUNE_MAX)])
    postal_code = StringField(_l("Code postal"), filters=[_strip],
                              validators=[Length(max=limits.POSTAL_CODE_LENGTH,
                                                 message=_l("Un code postal a cinq chiffres."))])
    school_kind = SelectField(_l("Type d'établissement"), choices=_choices(labels.SCHOOL_KINDS, SchoolKind),
                              default=SchoolKind.COLLEGE.value)
    priority = SelectField(_l("Éducation prioritaire"),
                           choices=_choices(labels.EDUCATION_PRIORITIES, EducationPriority),
                           default=EducationPriority.NONE.value)

    address = StringField(_l("Adresse de l'établissement (facultatif)"), filters=[_strip],
                          validators=[Length(max=limits.ADDRESS_MAX, message=_l("300 caractères au plus."))])

    contact_name = StringField(_l("Vos prénom et nom"), filters=[_strip],
                               validators=[InputRequired(_l("Indiquez vos prénom et nom.")),
                                           Length(max=limits.FULL_NAME_MAX, message=_l("200 caractères au plus."))])
    contact_role = SelectField(_l("Votre fonction"), choices=_choices(labels.CONTACT_ROLES, ContactRole),
                               default=ContactRole.TEACHER.value)
    email = EmailField(_l("Adresse e-mail professionnelle"), filters=[_strip],
                       validators=[InputRequired(_l("Indiquez votre adresse e-mail.")),
                                   Email(_l("Cette adresse e-mail n'est pas valide "
                                            "(exemple : prenom.nom@ac-lyon.fr).")),
                                   Length(max=limits.EMAIL_MAX)])
    phone = TelField(_l("Téléphone (facultatif)"), filters=[_strip],
                     validators=[Optional(), Regexp(rf"^[0-9 +().-]{{6,{limits.PHONE_MAX}}}$",
                                                    message=_l("Ce numéro de téléphone n'est pas valide."))])

    class_levels = MultiCheckboxField(_l("Niveau(x) de classe"), choices=[SelectChoice(c) for c in CLASS_LEVELS])
    headcount = CountField(_l("Nombre d'élèves"),
                             validators=[_readable, InputRequired(_l("Indiquez le nombre d'élèves.")),
                                         NumberRange(1, limits.HEADCOUNT_MAX,
                                                     _l("Indiquez un effectif entre 1 et 1000 élèves."))],
                             render_kw={"inputmode": "numeric", "min": 1, "max": limits.HEADCOUNT_MAX})
    girls_count = CountField(_l("Dont filles"),
                               validators=[_readable,
                                           InputRequired(_l("Indiquez le nombre de filles (0 s'il n'y en a pas).")),
                                           NumberRange(0, limits.HEADCOUNT_MAX,
                                                       _l("Indiquez un nombre entre 0 et 1000."))],
                               render_kw={"inputmode": "numeric", "min": 0, "max": limits.HEADCOUNT_MAX})

    format = RadioField(_l("Ce que vous souhaitez"), choices=_choices(labels.EVENT_TYPES, EventType),
                        default=EventType.SCHOOL_VISIT.value,
                        validators=[InputRequired(_l("Choisissez un format de rencontre."))])
    delivery = RadioField(_l("Sur place ou à distance"), choices=_choices(labels.DELIVERIES, Delivery),
                          default=Delivery.IN_PERSON.value, validators=[InputRequired(_l("Choisissez une modalité."))])
    topics = MultiCheckboxField(_l("Secteurs ou thèmes qui intéressent la classe (facultatif)"),
                                choices=[SelectChoice(t, labels.TOPICS[t]) for t in SECTORS + THEMES])

    windows = FieldList(FormField(WindowForm), min_entries=request_windows.MAX_WINDOWS,
                        max_entries=request_windows.MAX_WINDOWS)

    remarks = TextAreaField(_l("Remarques (facultatif)"),
                            validators=[Length(max=limits.REMARKS_MAX, message=_l("2000 caractères au plus."))])
    consent = BooleanField(
        label=_l("J'ai lu la notice de confidentialité et j'accepte que ces informations soient utilisées "
                 "pour organiser la rencontre."),
        description=_l("Notice de confidentialité"),  # its name in the error summary
    )

    # The school's details sit at the top level of the form, not under a `school` group.
    ALIASES = {("school", "name"): "school_name", ("school", "commune"): "commune",
               ("school", "postal_code"): "postal_code"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.new_idempotency_key()

    def new_idempotency_key(self) -> None:
        """Sending this form again makes a new request (not a replay of the one already sent)."""
        self.idempotency_key.data = secrets.token_urlsafe(24)


class CorrectionForm(TextForm):
    """What a school may correct from its follow-up page: the request form's own fields (same
    labels, checks and order), without the school, the contact's identity nor the consent."""

    phone = RequestForm.phone
    address = RequestForm.address
    class_levels = RequestForm.class_levels
    headcount = RequestForm.headcount
    girls_count = RequestForm.girls_count
    format = RequestForm.format
    delivery = RequestForm.delivery
    topics = RequestForm.topics
    windows = RequestForm.windows
    remarks = RequestForm.remarks


class WithdrawForm(TextForm):
    reason = TextAreaField(_l("Raison (facultatif)"),
                           validators=[Length(max=limits.REASON_MAX, message=_l("2000 caractères au plus."))])


class CancelForm(TextForm):
    reason = TextAreaField(_l("Raison de l'annulation"),
                           validators=[InputRequired(_l("Indiquez la raison de l'annulation : "
                                                        "elle aide l'équipe et les intervenant·es.")),
                                       Length(max=limits.REASON_MAX, message=_l("2000 caractères au plus."))])


def error_summary(form) -> list[tuple[str, str, str]]:
    """(anchor id, label, message) for every error, in the order of the page."""
    items: list[tuple[str, str, str]] = []
    for field in form:
        if isinstance(field, FieldList):
            for index, entry in enumerate(field):
                for sub in entry.form:
                    for message in sub.errors:
                        items.append((sub.id, f"{_l('Période')} {index + 1} — {sub.label.text}", message))
            continue
        if not field.errors or field.type in ("CSRFTokenField", "HiddenField"):
            continue
        anchor = f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id
        for message in field.errors:
            items.append((anchor, str(field.description or field.label.text), message))
    return items

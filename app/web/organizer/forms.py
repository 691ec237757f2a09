"""Forms of the organizer pages; `ALIASES` names the domain keys a form spells otherwise
(`app.web.field_errors`)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app import labels, local_time
from app.models import EventType, limits
from app.reference.academies import ACADEMIES
from app.services.events.lifecycle import EventData
from app.web.days import DayInRange
from app.web.form_text import TextForm

# The académies' zones, Paris first, then outre-mer in the order of the reference list.
TIMEZONES = list(dict.fromkeys(["Europe/Paris", *(a.timezone for a in ACADEMIES.values())]))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def type_choices(types=tuple(EventType)):
    return [SelectChoice(t.value, labels.EVENT_TYPES[t.value]) for t in types]


class EventForm(TextForm):
    type = SelectField(_l("Format"), choices=type_choices())
    title = StringField(_l("Titre"), filters=[_strip],
                        validators=[DataRequired(_l("Indiquez un titre.")), Length(max=limits.EVENT_TITLE_MAX)])
    day = DateField(_l("Date"), validators=[InputRequired(_l("Indiquez une date valide.")), DayInRange()])
    start_time = TimeField(_l("Début"), validators=[InputRequired(_l("Indiquez une heure de début valide."))])
    end_time = TimeField(_l("Fin"), validators=[InputRequired(_l("Indiquez une heure de fin valide."))])
    timezone = SelectField(_l("Fuseau horaire"),
                           choices=[SelectChoice(z, labels.TIMEZONES.get(z, z)) for z in TIMEZONES],
                           default=local_time.DISPLAY_TIMEZONE)
    departement = StringField(_l("Département"), filters=[_strip],
                              validators=[DataRequired(_l("Indiquez le département.")),
                                          Length(max=limits.DEPARTEMENT_MAX)])
    venue = StringField(_l("Lieu"), filters=[_strip], validators=[Length(max=limits.VENUE_MAX)])
    address = StringField(_l("Adresse"), filters=[_strip], validators=[Length(max=limits.ADDRESS_MAX)])
    commune = StringField(_l("Commune"), filters=[_strip], validators=[Length(max=limits.COMMUNE_MAX)])
    is_online = BooleanField(_l("En ligne"))
    online_url = URLField(_l("Lien de la réunion en ligne"), filters=[_strip],
                          validators=[Optional(), Length(max=limits.ONLINE_URL_FORM_MAX)])
    role_models_min = IntegerField(_l("Intervenant·es : minimum"), default=1,
                                   validators=[InputRequired(_l("Indiquez un nombre.")),
                                               NumberRange(0, limits.ROLE_MODELS_PER_EVENT_FORM_MAX,
                                                           _l("Entre 0 et 20."))])
    role_models_max = IntegerField(_l("Intervenant·es : maximum"), default=1,
                                   validators=[InputRequired(_l("Indiquez un nombre.")),
                                               NumberRange(1, limits.ROLE_MODELS_PER_EVENT_FORM_MAX,
                                                           _l("Entre 1 et 20."))])
    capacity = IntegerField(_l("Capacité (places)"),
                            validators=[Optional(),
                                        NumberRange(1, limits.CAPACITY_MAX, _l("La capacité doit être positive."))])
    is_public = BooleanField(_l("Événement public (annoncé sur le site et le calendrier public)"))
    topics = StringField(_l("Thèmes (séparés par des virgules)"), filters=[_strip],
                         validators=[Length(max=limits.TOPICS_TEXT_MAX)])
    description = TextAreaField(_l("Description"), filters=[_strip],
                                validators=[Length(max=limits.EVENT_DESCRIPTION_FORM_MAX)])

    # The service speaks of instants; the form splits them into a day and two times.
    ALIASES = {"start_at": "start_time", "end_at": "end_time"}

    def to_data(self) -> EventData:
        zone = ZoneInfo(self.timezone.data)
        start = datetime.combine(self.day.data, self.start_time.data, zone).astimezone(UTC)
        end = datetime.combine(self.day.data, self.end_time.data, zone).astimezone(UTC)
        return EventData(
            type=EventType(self.type.data), title=self.title.data, start_at=start, end_at=end,
            departement=self.departement.data.upper(), timezone=self.timezone.data,
            description=self.description.data or "",
            venue=self.venue.data or "", address=self.address.data or "", commune=self.commune.data or "",
            is_online=self.is_online.data, online_url=self.online_url.data or None, capacity=self.capacity.data,
            role_models_min=self.role_models_min.data, role_models_max=self.role_models_max.data,
            is_public=self.is_public.data, topics=[t.strip() for t in (self.topics.data or "").split(",") if t.strip()],
        )

    def fill_from(self, event) -> None:
        zone = ZoneInfo(event.timezone)
        start, end = event.start_at.astimezone(zone), event.end_at.astimezone(zone)
        for name in ("title", "timezone", "departement", "venue", "address", "commune", "is_online", "online_url",
                     "role_models_min", "role_models_max", "capacity", "is_public", "description"):
            getattr(self, name).data = getattr(event, name)
        self.type.data = event.type.value
        self.day.data, self.start_time.data, self.end_time.data = start.date(), start.time(), end.time()
        self.topics.data = ", ".join(event.topics or [])


class RescheduleForm(TextForm):
    day = DateField(_l("Nouvelle date"), validators=[InputRequired(_l("Indiquez une date valide.")), DayInRange()])
    start_time = TimeField(_l("Début"), validators=[InputRequired(_l("Indiquez une heure de début valide."))])
    end_time = TimeField(_l("Fin"), validators=[InputRequired(_l("Indiquez une heure de fin valide."))])
    ALIASES = {"start_at": "start_time", "end_at": "end_time"}


class ReasonForm(TextForm):
    reason = TextAreaField(_l("Raison"), filters=[_strip],
                           validators=[DataRequired(_l("Indiquez une raison.")), Length(max=limits.REASON_MAX)])


class CancelForm(ReasonForm):
    reason = TextAreaField(_l("Raison de l'annulation"), filters=[_strip],
                           validators=[DataRequired(_l("Indiquez la raison de l'annulation.")),
                                       Length(max=limits.REASON_MAX)])


class ApplicationDeclineForm(ReasonForm):
    reason = TextAreaField(_l("Raison du refus, envoyée à la personne"), filters=[_strip],
                           validators=[DataRequired(_l("Indiquez la raison : elle est envoyée à la personne.")),
                                       Length(max=limits.REASON_MAX)])


class DeclineForm(ReasonForm):
    reason = TextAreaField(_l("Pourquoi la demande est déclinée"), filters=[_strip],
                           validators=[DataRequired(_l("Indiquez une raison.")), Length(max=limits.REASON_MAX)])


class SchoolForm(TextForm):
    uai = StringField(_l("UAI de l'établissement"), filters=[_strip],
                      validators=[DataRequired(_l("Indiquez le numéro UAI.")), Length(max=limits.UAI_LENGTH)])
    class_level = StringField(_l("Classe ou niveau"), filters=[_strip], validators=[Length(max=limits.CLASS_LEVEL_MAX)])
    headcount = IntegerField(_l("Effectif"),
                             validators=[Optional(), NumberRange(1, limits.HEADCOUNT_MAX, _l("Entre 1 et 1000."))])
    girls_count = IntegerField(_l("Dont filles"),
                               validators=[Optional(), NumberRange(0, limits.HEADCOUNT_MAX, _l("Entre 0 et 1000."))])


class PeriodForm(TextForm):
    """A period (GET, no CSRF): exports and the period planning screen."""

    class Meta:
        csrf = False

    start = DateField(_l("Du"), validators=[InputRequired(_l("Indiquez une date valide.")), DayInRange()])
    end = DateField(_l("Au"), validators=[InputRequired(_l("Indiquez une date valide.")), DayInRange()])

    def validate_end(self, field):
        from wtforms.validators import ValidationError

        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("La fin doit être après le début."))
        if self.start.data and field.data and (field.data - self.start.data).days > 366:
            raise ValidationError(_l("Une période couvre au plus un an."))


class ActionForm(TextForm):
    """A button that only needs CSRF protection, plus the ids it acts on."""

    ids = HiddenField()

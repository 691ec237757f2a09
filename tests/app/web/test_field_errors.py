"""One mapper from a service's field messages (keyed by domain names) to a form's fields and to
the API's problem+json `errors` (app.web.field_errors)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import DateField, FieldList, Form, FormField, StringField
from wtforms.validators import InputRequired

from app.services.common.errors import Conflict, Invalid
from app.web import field_errors


class WindowForm(Form):
    start_date = StringField()
    end_date = StringField()


class RequestForm(Form):
    uai = StringField(validators=[InputRequired("Indiquez le numéro UAI.")])
    school_name = StringField()
    start_time = StringField()
    windows = FieldList(FormField(WindowForm), min_entries=3)

    ALIASES = {("school", "name"): "school_name", "start_at": "start_time"}


class RowsForm(Form):
    """Blank rows never reach the service: its index counts the rows filled in."""

    windows = FieldList(FormField(WindowForm), min_entries=3)

    def sent_entries(self, field):
        return [e for e in field if e.form.start_date.data]


def _form(cls=RequestForm, **data):
    return cls(MultiDict(data))


def test_plain_names_aliases_and_list_items_land_next_to_their_fields():
    form = _form()
    error = Invalid(fields={
        "uai": "UAI inconnu.",
        ("school", "name"): "Indiquez son nom.",
        "start_at": "Trop tôt.",
        ("windows", 1, "start_date"): "Période dans le passé.",
    })
    assert field_errors.place(form, error) == []
    assert form.uai.errors == ["UAI inconnu."]
    assert form.school_name.errors == ["Indiquez son nom."]
    assert form.start_time.errors == ["Trop tôt."]
    assert form.windows[1].form.start_date.errors == ["Période dans le passé."]
    assert not form.windows[0].form.start_date.errors


def test_list_indexes_follow_the_entries_the_service_was_given():
    form = _form(RowsForm, **{"windows-0-start_date": "", "windows-1-start_date": "2027-01-04",
                              "windows-2-start_date": "2027-02-01"})
    top = field_errors.place(form, Invalid(fields={("windows", 1, "start_date"): "Pendant les vacances."}))
    assert top == []
    assert form.windows[2].form.start_date.errors == ["Pendant les vacances."]
    assert not form.windows[1].form.start_date.errors


def test_messages_without_a_field_go_to_the_top():
    form = _form()
    error = Invalid(fields={
        "nothing_like_it": "Inconnu.",
        ("windows", 7, "start_date"): "Hors liste.",
        "windows": "Trois périodes au plus.",  # the whole list has no place of its own
        ("uai", "more"): "Trop profond.",
    })
    assert field_errors.place(form, error) == ["Inconnu.", "Hors liste.", "Trois périodes au plus.", "Trop profond."]
    assert field_errors.place(_form(), Conflict("Cet événement est complet.")) == ["Cet événement est complet."]


def test_the_forms_own_message_comes_first():
    form = _form()
    form.validate()  # uai is required
    error = Invalid(fields={"uai": "Indiquez un UAI.", "start_at": "Trop tôt.", "start_time": "Et trop court."})
    assert field_errors.place(form, error) == []
    assert form.uai.errors == ["Indiquez le numéro UAI."]
    assert form.start_time.errors == ["Trop tôt.", "Et trop court."]


def test_show_flashes_what_has_no_field(app):
    from flask import get_flashed_messages

    class DayForm(Form):
        day = DateField()

    with app.test_request_context():
        field_errors.show(DayForm(), Invalid("Certains champs sont à corriger.", fields={"end": "Trop long."}))
        field_errors.show(DayForm(), Conflict("Complet."))
        assert get_flashed_messages(with_categories=True) == [("error", "Trop long."), ("error", "Complet.")]


def test_api_names_are_dotted_paths_or_the_apis_aliases():
    error = Invalid(fields={"headcount": "a", ("windows", 0, "start_date"): "b", ("school", "name"): "c",
                            "contact_name": "d"})
    assert field_errors.problem_errors(error, location="body", aliases={"contact_name": "contact.name"}) == [
        {"in": "body", "field": "headcount", "message": "a"},
        {"in": "body", "field": "windows.0.start_date", "message": "b"},
        {"in": "body", "field": "school.name", "message": "c"},
        {"in": "body", "field": "contact.name", "message": "d"},
    ]

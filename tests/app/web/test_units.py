"""The one way a view runs a service (app.web.units): success commits once, a domain error
keeps nothing of what the service did, and the whole view can run again after a deadlock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app import transactions
from app.extensions import db
from app.models import School
from app.services.common.errors import Conflict, Invalid, NotAllowed, NotFound
from app.web import units
from tests.support import factories


def _schools() -> int:
    return db.session.scalar(select(func.count()).select_from(School))


def _adds_a_school_then(error: Exception | None = None):
    def service():
        school = factories.create_school()
        if error is not None:
            raise error
        return school

    return service


def test_success_is_committed(db):
    school = units.run(_adds_a_school_then())
    db.session.rollback()  # nothing left to undo: the unit committed
    assert _schools() == 1 and db.session.get(School, school.id) is not None


def test_a_domain_error_keeps_nothing_and_is_given_back_to_the_form(db):
    refusal = Invalid("Certains champs sont à corriger.", fields={"uai": "Numéro inconnu."})
    result, error = units.attempt(_adds_a_school_then(refusal))
    assert result is None and error is refusal
    assert _schools() == 0


@pytest.mark.parametrize("refusal", [NotFound(), NotAllowed()])
def test_missing_or_out_of_scope_objects_still_raise_from_a_form_view(db, refusal):
    with pytest.raises(type(refusal)):
        units.attempt(_adds_a_school_then(refusal))
    assert _schools() == 0


def test_the_api_gets_the_domain_error_raised_after_the_rollback(db):
    with pytest.raises(Conflict):
        units.run(_adds_a_school_then(Conflict("Complet.", code="event_full")))
    assert _schools() == 0


def test_a_view_run_again_after_a_deadlock_keeps_one_copy(db):
    deadlock = OperationalError("UPDATE …", {}, type("DriverError", (Exception,), {"sqlstate": "40P01"})())
    attempts = []

    def view():
        attempts.append(1)
        return units.run(_adds_a_school_then(deadlock if len(attempts) == 1 else None))

    transactions.retrying(view, sleep=lambda s: None)()
    assert len(attempts) == 2 and _schools() == 1


@pytest.mark.parametrize(("refusal", "status"), [(NotFound("Événement introuvable."), 404),
                                                 (NotAllowed("Hors de votre périmètre."), 403)])
def test_what_a_page_does_not_give_back_to_a_form_is_an_error_page(app, db, refusal, status):
    with app.test_request_context("/espace/profil", method="POST"):
        response = app.make_response(app.handle_user_exception(refusal))
    assert response.status_code == status and response.mimetype == "text/html"
    assert refusal.message in response.get_data(as_text=True)

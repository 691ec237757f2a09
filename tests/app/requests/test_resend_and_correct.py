"""The service side of two things a school does after sending: sending the same request again
(another idempotency key, the same school, contact and periods) finds the first one, and
correcting a request while it is not scheduled changes it all at once, or not at all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.models import (
    AuditEntry,
    ContactRole,
    Delivery,
    EventType,
    OutboxEmail,
    RequestStatus,
    TimeOfDay,
    VisitRequest,
)
from app.services.common.errors import Conflict, Invalid
from app.services.requests import schools, visit_requests
from app.services.requests.windows import Window
from tests.support.school_requests import PARIS_UAI, TODAY

DAY = TODAY.date()
JANUARY = Window(date(2027, 1, 11), date(2027, 1, 22), TimeOfDay.MORNING)
FEBRUARY = Window(date(2027, 2, 1), date(2027, 2, 5), TimeOfDay.ANY)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def data(**overrides) -> visit_requests.RequestData:
    values = dict(
        uai=PARIS_UAI, contact_name="Sophie Martin", contact_role=ContactRole.TEACHER,
        email="sophie.martin@ac-paris.fr", format=EventType.SCHOOL_VISIT, class_levels=["4e"], headcount=28,
        girls_count=13, windows=[JANUARY], consent=True,
        school=schools.NewSchool(name="Collège Marie Curie", commune="Paris", postal_code="75013"),
        address="12 rue Jean Moulin",
    )
    values.update(overrides)
    return visit_requests.RequestData(**values)


def send(key: str, **overrides) -> visit_requests.Submission:
    try:
        return visit_requests.submit(data(**overrides), idempotency_key=key, today=DAY)
    except Invalid as exc:
        raise AssertionError({k: str(v) for k, v in exc.fields.items()}) from exc


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def confirmations(db) -> int:
    return count(db, OutboxEmail, OutboxEmail.to_address == "sophie.martin@ac-paris.fr")


def test_the_same_request_sent_again_with_another_key_is_the_first_one(db):
    first = send("first-form-key-0001")
    again = send("second-form-key-0002", email="Sophie.Martin@ac-paris.fr", headcount=30)
    assert first.created and again.duplicate and not again.created
    assert again.request.id == first.request.id and again.followup_token is None
    assert count(db, VisitRequest) == 1 and confirmations(db) == 1
    assert db.session.get(VisitRequest, first.request.id).headcount == 28  # a resend changes nothing
    # the same key is still the same request
    assert send("first-form-key-0001").request.id == first.request.id


def test_the_address_is_kept_without_extra_spaces(db):
    assert send("address-key-000001", address="  12  rue Jean Moulin ").request.address == "12 rue Jean Moulin"


@pytest.mark.parametrize("change", [
    {"windows": [FEBRUARY]},
    {"windows": [JANUARY, FEBRUARY]},
    {"windows": [Window(JANUARY.start, JANUARY.end, TimeOfDay.AFTERNOON)]},
    {"email": "autre.collegue@ac-paris.fr"},
], ids=["other period", "one more period", "other time of day", "another colleague"])
def test_other_periods_or_another_contact_make_a_second_request(db, change):
    send("first-form-key-0001")
    assert send("second-form-key-0002", **change).created
    assert count(db, VisitRequest) == 2


def test_after_the_duplicate_window_it_is_a_new_request(db):
    send("first-form-key-0001")
    with time_machine.travel(TODAY + visit_requests.DUPLICATE_WITHIN + timedelta(minutes=1), tick=False):
        assert send("second-form-key-0002").created


def test_a_withdrawn_request_does_not_catch_the_next_one(db):
    first = send("first-form-key-0001")
    visit_requests.withdraw(first.request)
    assert send("second-form-key-0002").created


def correction(request, **overrides) -> visit_requests.Correction:
    values = visit_requests.Correction.of(request)
    for name, value in overrides.items():
        setattr(values, name, value)
    return values


def test_a_school_corrects_its_request_and_the_organizers_see_it(db, create_user):
    create_user(email="paris@example.org", academies=["paris"])
    request = send("first-form-key-0001").request
    changed = visit_requests.correct(request, correction(
        request, headcount=24, girls_count=12, class_levels=["3e", "4e"], windows=[FEBRUARY],
        phone="01 23 45 67 89", address="14 rue Jean Moulin", delivery=Delivery.EITHER, remarks="Salle B12"),
        today=DAY)
    assert sorted(changed) == ["address", "class_levels", "delivery", "girls_count", "headcount", "phone",
                               "remarks", "windows"]
    db.session.expire_all()
    request = db.session.get(VisitRequest, request.id)
    assert (request.headcount, request.girls_count, request.address) == (24, 12, "14 rue Jean Moulin")
    assert [(w.start_date, w.end_date) for w in request.windows] == [(FEBRUARY.start, FEBRUARY.end)]
    assert request.contact.phone == "01 23 45 67 89" and request.corrected_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "request.corrected"))
    assert entry.subject_id == request.id and entry.actor_label == "school"
    told = db.session.scalars(select(OutboxEmail).where(OutboxEmail.subject.like("Demande corrigée%"))).all()
    assert [e.to_address for e in told] == ["paris@example.org"] and "24 élèves dont 12 filles" in told[0].body_text
    visit_requests.correct(request, correction(request, headcount=25), today=DAY)
    assert count(db, OutboxEmail, OutboxEmail.subject.like("Demande corrigée%")) == 1  # once per request


def test_a_correction_that_changes_nothing_is_not_recorded(db):
    request = send("first-form-key-0001").request
    assert visit_requests.correct(request, correction(request), today=DAY) == []
    assert request.corrected_at is None
    assert count(db, AuditEntry, AuditEntry.action == "request.corrected") == 0


def test_a_wrong_correction_changes_nothing_and_says_every_problem(db):
    request = send("first-form-key-0001").request
    with pytest.raises(Invalid) as caught:
        visit_requests.correct(request, correction(
            request, headcount=10, girls_count=12, class_levels=[], windows=[Window(None, None)], address="a\x00b"),
            today=DAY)
    assert {"girls_count", "class_levels", ("windows", 0, "start_date"), "address"} <= set(caught.value.fields)
    db.session.expire_all()
    request = db.session.get(VisitRequest, request.id)
    assert (request.headcount, request.class_levels, len(request.windows)) == (28, ["4e"], 1)


def test_periods_left_as_they_were_are_not_judged_again(db):
    request = send("first-form-key-0001").request
    later = JANUARY.start + timedelta(days=3)  # the period has started since it was sent
    with time_machine.travel(TODAY + timedelta(days=(later - DAY).days), tick=False):
        assert visit_requests.correct(request, correction(request, headcount=27), today=later) == ["headcount"]


def test_a_scheduled_request_cannot_be_corrected(db):
    request = send("first-form-key-0001").request
    request.status = RequestStatus.SCHEDULED
    db.session.flush()
    assert not visit_requests.can_correct(request)
    with pytest.raises(Conflict):
        visit_requests.correct(request, correction(request, headcount=20), today=DAY)

"""The feedback form after an event: numbers bounded by the event, a bounded comment, and a
link that answers for the one person it was sent to (issue #17, item 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import EventFeedback, EventSchool, EventStatus, FeedbackRespondent, OutboxEmail, limits
from app.services.common.errors import Invalid
from app.services.events import feedback, reminders
from tests.app.conftest import csrf_token_from


@pytest.fixture
def held(db, create_school, create_contact, create_event):
    """A completed event of one school (a class of 28 asked for), two contacts an organizer
    confirmed for that school (only confirmed contacts get a school's event emails)."""
    now = datetime.now(UTC).replace(microsecond=0)
    school = create_school()
    anne = create_contact(school=school, full_name="Anne Martin", email="anne@ac-paris.example", confirmed_at=now)
    bruno = create_contact(school=school, full_name="Bruno Petit", email="bruno@ac-paris.example", confirmed_at=now)
    event = create_event(title="Forum des métiers", status=EventStatus.COMPLETED,
                         start_at=now - timedelta(hours=6), end_at=now - timedelta(hours=4))
    event.schools.append(EventSchool(school=school, class_level="3e", headcount=28, girls_count=12))
    db.session.commit()
    return event, school, anne, bruno


def link(event, respondent: FeedbackRespondent, respondent_id: int) -> str:
    return f"/avis/{feedback.sign(event.id, respondent, respondent_id)}"


def answer(client, path: str, **data):
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), **data})


def stored(db) -> list[EventFeedback]:
    return db.session.scalars(select(EventFeedback).order_by(EventFeedback.id)).all()


def test_two_billion_pupils_is_a_field_error(client, db, held):
    event, _school, anne, _ = held
    response = answer(client, link(event, FeedbackRespondent.CONTACT, anne.id), pupils_attended="2000000000")
    assert response.status_code == 422
    assert 'id="pupils_attended-error"' in response.get_data(as_text=True)
    assert stored(db) == []


@pytest.mark.parametrize("name", ["pupils_attended", "girls_attended"])
@pytest.mark.parametrize("value", ["12345678901234567890", "9" * 5000])
def test_numbers_of_any_length_are_field_errors(client, db, held, name, value):
    event, _school, anne, _ = held
    response = answer(client, link(event, FeedbackRespondent.CONTACT, anne.id), **{name: value})
    assert response.status_code == 422
    assert f'id="{name}-error"' in response.get_data(as_text=True)
    assert stored(db) == []


def test_pupils_are_bounded_by_the_class_sizes_asked(client, db, held):
    event, school, anne, _ = held
    path = link(event, FeedbackRespondent.CONTACT, anne.id)
    refused = answer(client, path, pupils_attended="29")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="pupils_attended-error"' in html and "Au plus 28" in html
    assert 'max="28"' in html  # the browser is told too
    assert stored(db) == []

    assert answer(client, path, pupils_attended="28", girls_attended="12").status_code == 200
    (row,) = stored(db)
    assert (row.pupils_attended, row.girls_attended, row.school_id) == (28, 12, school.id)


@pytest.mark.parametrize("pupils, girls", [("20", "25"), ("", "29")])
def test_girls_beyond_the_pupils_or_the_class_are_refused(client, db, held, pupils, girls):
    # Girls over the pupils given were refused before; girls alone over the class were not.
    event, _school, anne, _ = held
    response = answer(client, link(event, FeedbackRespondent.CONTACT, anne.id),
                      pupils_attended=pupils, girls_attended=girls)
    assert response.status_code == 422
    assert 'id="girls_attended-error"' in response.get_data(as_text=True)
    assert stored(db) == []


def test_the_comment_is_bounded(client, db, held):
    event, _school, anne, _ = held
    path = link(event, FeedbackRespondent.CONTACT, anne.id)
    huge = answer(client, path, pupils_attended="20", comment="x" * 1_000_000)
    # 413 if a request size limit answers first; either way nothing is stored.
    assert huge.status_code in (413, 422)
    assert stored(db) == []

    over = answer(client, path, pupils_attended="20", comment="x" * (limits.FEEDBACK_COMMENT_MAX + 1))
    assert over.status_code == 422 and 'id="comment-error"' in over.get_data(as_text=True)
    assert stored(db) == []

    assert answer(client, path, pupils_attended="20", comment="x" * limits.FEEDBACK_COMMENT_MAX).status_code == 200
    assert len(stored(db)[0].comment) == limits.FEEDBACK_COMMENT_MAX


def test_the_service_refuses_what_the_form_would(db, held):
    """For callers other than the form: the bounds are the service's, not only the page's."""
    event, _school, anne, _ = held
    target = feedback.resolve(link(event, FeedbackRespondent.CONTACT, anne.id).removeprefix("/avis/"))
    for numbers in ({"pupils_attended": 10 ** 19}, {"pupils_attended": 29}, {"girls_attended": 29},
                    {"pupils_attended": -1}):
        with pytest.raises(Invalid) as excinfo:
            feedback.submit(target, **{"pupils_attended": None, "girls_attended": None, **numbers}, satisfaction=None)
        assert set(excinfo.value.fields) == set(numbers)
    with pytest.raises(Invalid) as excinfo:
        feedback.submit(target, pupils_attended=None, girls_attended=None, satisfaction=None, comment="x" * 10 ** 6)
    assert set(excinfo.value.fields) == {"comment"}


def test_each_contact_gets_a_link_that_answers_for_them_alone(client, db, held):
    event, school, anne, bruno = held
    assert reminders.send_feedback_requests() == 2
    db.session.commit()
    links = {}
    for email in db.session.scalars(select(OutboxEmail).where(OutboxEmail.event_id == event.id)):
        url = next(line for line in email.body_text.splitlines() if "/avis/" in line).strip()
        links[email.to_address] = url.removeprefix("http://localhost")
    anne_link, bruno_link = links[anne.email], links[bruno.email]
    assert anne_link != bruno_link

    assert answer(client, anne_link, pupils_attended="20", girls_attended="9", comment="Anne").status_code == 200
    bruno_page = client.get(bruno_link).get_data(as_text=True)
    assert 'value="20"' not in bruno_page and "Anne" not in bruno_page  # Anne's answer is not Bruno's
    assert answer(client, bruno_link, pupils_attended="25").status_code == 200
    assert answer(client, anne_link, pupils_attended="21", girls_attended="9").status_code == 200  # Anne corrects hers

    rows = {(r.respondent, r.respondent_id): (r.pupils_attended, r.school_id) for r in stored(db)}
    assert rows == {(FeedbackRespondent.CONTACT, anne.id): (21, school.id),
                    (FeedbackRespondent.CONTACT, bruno.id): (25, school.id)}


def test_old_whole_school_links_answer_once(client, db, held):
    event, school, _anne, _ = held
    path = link(event, FeedbackRespondent.SCHOOL, school.id)
    page = client.get(path)
    token = csrf_token_from(page.get_data(as_text=True))
    first = client.post(path, data={"csrf_token": token, "pupils_attended": "20"})
    assert first.status_code == 200 and "corriger" not in first.get_data(as_text=True)

    again = client.get(path)
    assert again.status_code == 200 and "déjà répondu" in again.get_data(as_text=True)
    assert 'name="pupils_attended"' not in again.get_data(as_text=True)  # nor is the answer shown
    changed = client.post(path, data={"csrf_token": token, "pupils_attended": "1"})
    assert changed.status_code == 409
    (row,) = stored(db)
    assert (row.respondent, row.respondent_id, row.school_id, row.pupils_attended) == (
        FeedbackRespondent.SCHOOL, school.id, school.id, 20)


def test_a_role_model_is_bounded_by_the_capacity(client, db, held, create_role_model):
    event, _school, _anne, _ = held
    role_model = create_role_model()
    event.capacity = 60
    db.session.commit()
    path = link(event, FeedbackRespondent.ROLE_MODEL, role_model.id)
    assert answer(client, path, pupils_attended="61").status_code == 422
    event.capacity = None  # neither capacity nor a role model's class: the general bound
    db.session.commit()
    assert answer(client, path, pupils_attended=str(limits.CAPACITY_MAX + 1)).status_code == 422
    assert stored(db) == []
    assert answer(client, path, pupils_attended="61").status_code == 200
    assert stored(db)[0].school_id is None


def test_the_bound_for_a_school(db, held, create_school, create_request, create_event):
    event, school, _anne, _ = held
    assert feedback.pupils_limit(event, school.id) == (28, True)
    other = create_school()
    assert feedback.pupils_limit(event, other.id) == (limits.HEADCOUNT_MAX, False)  # not one of the event's
    event.capacity = 120
    assert feedback.pupils_limit(event, other.id) == (120, True)
    request, _ = create_request(headcount=24)
    from_request = create_event(status=EventStatus.COMPLETED, visit_request=request)
    assert feedback.pupils_limit(from_request, request.school_id) == (24, True)  # it lists no school: the request's


def test_a_link_for_a_contact_who_is_gone_is_404(client, db, held):
    event, _school, anne, _ = held
    path = link(event, FeedbackRespondent.CONTACT, anne.id)
    db.session.delete(anne)
    db.session.commit()
    assert client.get(path).status_code == 404

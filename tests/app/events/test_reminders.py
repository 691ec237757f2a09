"""Reminders before an event (the clock moved with time-machine) and feedback requests after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.models import (
    AssignmentStatus,
    EventFeedback,
    EventSchool,
    EventStatus,
    FeedbackRespondent,
    OutboxEmail,
)
from app.services.events import feedback, lifecycle, reminders
from app.services.pairing import assignments
from tests.app.conftest import csrf_token_from

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def staffed(db, create_user, create_request, create_role_model, create_event, create_assignment):
    def make(start=START, status=EventStatus.CONFIRMED):
        organizer = create_user(full_name="Claire Organisatrice", academies=["paris"])
        request, _ = create_request()
        event = create_event(title="Intervention au collège", start_at=start, organizer=organizer,
                             visit_request=request, status=status, role_models_max=3)
        event.schools.append(EventSchool(school=request.school, class_level="4e", headcount=28))
        confirmed = create_role_model(first_name="Confirmée")
        invited = create_role_model(first_name="Invitée")
        create_assignment(event=event, role_model=confirmed, status=AssignmentStatus.CONFIRMED,
                          invited_at=start - timedelta(days=40), confirmed_at=start - timedelta(days=30))
        create_assignment(event=event, role_model=invited, status=AssignmentStatus.INVITED,
                          invited_at=start - timedelta(days=40))
        db.session.commit()
        return event, request.contact, confirmed, invited

    return make


def reminders_at(db, when: datetime) -> list[OutboxEmail]:
    with time_machine.travel(when, tick=False):
        before = set(db.session.scalars(select(OutboxEmail.id)))
        reminders.send_reminders()
        db.session.commit()
    return [e for e in db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)) if e.id not in before]


def test_reminders_go_once_at_7_days_and_1_day_and_follow_a_reschedule(db, staffed):
    event, contact, confirmed, invited = staffed()
    expected = {contact.email, confirmed.user.email}  # the invited one has not confirmed

    assert reminders_at(db, START - timedelta(days=8)) == []
    week = reminders_at(db, START - timedelta(days=7) + timedelta(hours=1))
    assert {e.to_address for e in week} == expected
    assert all(e.subject.startswith("Rappel : Intervention au collège, mardi 16 mars") for e in week)
    assert reminders_at(db, START - timedelta(days=7) + timedelta(hours=2)) == []  # a second run: nothing
    assert reminders_at(db, START - timedelta(days=2)) == []
    day = reminders_at(db, START - timedelta(hours=20))
    assert {e.to_address for e in day} == expected
    assert reminders_at(db, START - timedelta(hours=19)) == []

    moved = START + timedelta(days=10)
    with time_machine.travel(START - timedelta(hours=18), tick=False):
        lifecycle.reschedule_event(event.organizer, event, start_at=moved, end_at=moved + timedelta(hours=2))
        db.session.commit()
        # Asked again for the new time, the confirmed role model says yes: confirmed again at once.
        again_yes = next(a for a in event.assignments if a.role_model_id == confirmed.id)
        assignments.accept(again_yes)
        db.session.commit()
    assert again_yes.status == AssignmentStatus.CONFIRMED
    assert reminders_at(db, START - timedelta(hours=2)) == []  # the old time means nothing now
    assert reminders_at(db, moved - timedelta(days=8)) == []
    again = reminders_at(db, moved - timedelta(days=7) + timedelta(minutes=5))
    assert {e.to_address for e in again} == expected
    assert all("mars 2027" in e.body_text and "26 mars" in e.subject for e in again)
    assert {e.to_address for e in reminders_at(db, moved - timedelta(hours=3))} == expected
    assert reminders_at(db, moved + timedelta(hours=1)) == []  # started: too late for reminders


def test_reminder_days_come_from_the_configuration(app, db, staffed):
    app.config["REMINDER_DAYS"] = (3,)
    staffed()
    assert reminders_at(db, START - timedelta(days=7) + timedelta(hours=1)) == []
    assert len(reminders_at(db, START - timedelta(days=3) + timedelta(hours=1))) == 2


def test_cancelled_events_get_no_reminder(db, staffed):
    event, *_ = staffed()
    lifecycle.cancel_event(event.organizer, event, reason="Annulée")
    db.session.commit()
    assert reminders_at(db, START - timedelta(hours=20)) == []


def test_feedback_requests_after_the_event_once_with_a_working_link(client, db, staffed):
    now = datetime.now(UTC).replace(microsecond=0)
    event, contact, confirmed, _ = staffed(start=now - timedelta(hours=6), status=EventStatus.CONFIRMED)
    event.end_at = now - timedelta(hours=4)
    old, *_ = staffed(start=now - timedelta(days=20))
    old.end_at = old.start_at + timedelta(hours=2)
    db.session.commit()
    assert lifecycle.complete_past_events() == 2  # the job before it marks them completed

    assert reminders.send_feedback_requests() == 2
    assert reminders.send_feedback_requests() == 0
    db.session.commit()
    asked = {e.to_address: e for e in db.session.scalars(select(OutboxEmail).where(OutboxEmail.event_id == event.id))}
    assert set(asked) == {contact.email, confirmed.user.email}
    assert not db.session.scalars(select(OutboxEmail).where(OutboxEmail.event_id == old.id)).first()

    link = next(line for line in asked[contact.email].body_text.splitlines() if "/avis/" in line).strip()
    path = link.removeprefix("http://localhost")
    page = client.get(path)
    assert page.status_code == 200 and "Intervention au collège" in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))

    wrong = client.post(path, data={"csrf_token": token, "pupils_attended": "20", "girls_attended": "25"})
    assert wrong.status_code == 422
    assert 'id="girls_attended-error"' in wrong.get_data(as_text=True)
    assert db.session.scalars(select(EventFeedback)).first() is None

    for satisfaction in ("4", "5"):  # a second answer corrects the first
        done = client.post(path, data={"csrf_token": token, "pupils_attended": "27", "girls_attended": "12",
                                       "satisfaction": satisfaction, "comment": "Très bien"})
        assert done.status_code == 200 and "Merci" in done.get_data(as_text=True)
    answers = db.session.scalars(select(EventFeedback)).all()
    assert len(answers) == 1
    assert (answers[0].respondent, answers[0].respondent_id) == (FeedbackRespondent.CONTACT, contact.id)
    assert answers[0].school_id == contact.school_id
    assert (answers[0].pupils_attended, answers[0].girls_attended, answers[0].satisfaction) == (27, 12, 5)

    assert client.get(path[:-3] + "xyz").status_code == 404  # tampered
    forged = feedback.sign(event.id, FeedbackRespondent.CONTACT, contact.id)
    assert client.get(f"/avis/{forged}").status_code == 200

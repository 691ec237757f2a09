"""A school's calendar and event emails by right, not by form (issue #17, item 2).

Anyone can send a request with a school's UAI (UAIs are public): that gives them their own
request's calendar and nothing of the school's. The whole school's calendar and its event emails
go to contacts an organizer confirmed (by hand, audited, or by scheduling one of their
requests). Withdrawing or declining takes the request's calendar back. Whatever a school sees
of a person is a first name and a job title.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import icalendar
import pytest
import time_machine
from sqlalchemy import select

from app.feeds import tokens
from app.models import (
    AssignmentStatus,
    AuditEntry,
    EventSchool,
    EventStatus,
    EventType,
    FeedKind,
    FeedToken,
    OutboxEmail,
    RequestStatus,
    SchoolContact,
)
from app.services.common import audit
from app.services.events import lifecycle, reminders
from app.services.mail import delivery
from app.services.requests import triage, visit_requests
from tests.app.conftest import csrf_token_from
from tests.support.school_requests import PARIS_UAI, TODAY, followup_token_from, submit
from tests.support.smtp import SmtpServer

START = datetime(2027, 1, 14, 8, 0, tzinfo=UTC)
OUTSIDER = "ivan.intrus@example.org"
# What a school must never read about the people of the world below.
PRIVATE = ("Diallo", "Chantiers Navals", "06 11 22 33 44", "ines.diallo@example.org", "Claire Organisatrice",
           "claire@industrielles.example")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def world(db, create_user, create_school, create_contact, create_request, create_event, create_role_model,
          create_assignment):
    """A known school with a confirmed teacher, her scheduled visit and a conference the school joined."""
    organizer = create_user(email="claire@industrielles.example", full_name="Claire Organisatrice",
                            academies=["paris"])
    school = create_school(uai=PARIS_UAI, name="Collège Marie Curie", commune="Paris")
    teacher = create_contact(school=school, full_name="Brigitte Enseignante", email="brigitte@ac-paris.example",
                             confirmed_at=datetime(2026, 9, 1, tzinfo=UTC), confirmed_by_id=organizer.id)
    her_request, _ = create_request(school=school, contact=teacher, status=RequestStatus.SCHEDULED)
    visit = create_event(title="Visite demandée par Brigitte", visit_request=her_request, organizer=organizer,
                         status=EventStatus.CONFIRMED, start_at=START)
    visit.schools.append(EventSchool(school=school, class_level="4e", headcount=28, girls_count=13))
    conference = create_event(title="Conférence des métiers", type=EventType.CONFERENCE, organizer=organizer,
                              status=EventStatus.CONFIRMED, start_at=START + timedelta(days=2))
    conference.schools.append(EventSchool(school=school, class_level="3e", headcount=60))
    marraine = create_role_model(first_name="Inès", last_name="Diallo", job_title="Soudeuse",
                                 company="Chantiers Navals", phone="06 11 22 33 44")
    marraine.user.email = "ines.diallo@example.org"
    for event in (visit, conference):
        create_assignment(event=event, role_model=marraine, status=AssignmentStatus.CONFIRMED,
                          invited_at=START - timedelta(days=20))
    db.session.commit()
    return SimpleNamespace(organizer=organizer, school=school, teacher=teacher, visit=visit, conference=conference)


def outsider_request(client, db):
    """An outsider sends a request with the school's UAI: (request, follow-up token, feed path)."""
    response, _ = submit(client, email=OUTSIDER, contact_name="Ivan Intrus")
    assert response.status_code == 302
    email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == OUTSIDER))
    token = followup_token_from(email.body_text)
    feed = re.search(r"/feeds/schools/[A-Za-z0-9_-]+\.ics", email.body_text).group(0)
    return visit_requests.find_by_followup_token(token), token, feed


def school_link(db, school, request=None) -> str:
    """A live school token written as submit() wrote them (`tokens.issue` would revoke the others)."""
    secret = tokens.new_token()
    row = FeedToken(token_hash=tokens.hash_token(secret), kind=FeedKind.SCHOOL, school_id=school.id)
    db.session.add(row)
    db.session.flush()
    if request is not None:
        request.feed_token_id = row.id
    return f"/feeds/schools/{secret}.ics"


def summaries(client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(e["SUMMARY"]).removeprefix("Annulé : ") for e in calendar.walk("VEVENT")}


def unfolded(data: bytes | str) -> str:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return text.replace("\r\n ", "").replace("\n ", "")


def confirm_by_hand(client, request_id: int):
    page = client.get(f"/organisation/demandes/{request_id}").get_data(as_text=True)
    return client.post(f"/organisation/demandes/{request_id}/confirmer-contact",
                       data={"csrf_token": csrf_token_from(page)}), page


def test_an_outsider_with_a_known_uai_sees_only_their_own_requests_events(client, db, world, create_event):
    request, token, feed = outsider_request(client, db)
    assert request.school_id == world.school.id
    assert summaries(client, feed) == set()  # not the school's visit, not its conference

    own = create_event(title="Visite demandée par Ivan", visit_request=request, organizer=world.organizer,
                       status=EventStatus.SCHEDULED, start_at=START + timedelta(days=5))
    own.schools.append(EventSchool(school=world.school, class_level="4e", headcount=28))
    db.session.commit()
    assert summaries(client, feed) == {"Visite demandée par Ivan"}
    page = html.unescape(client.get(f"/demandes/suivi/{token}").get_data(as_text=True))
    assert "Calendrier de votre demande" in page and feed in page


def test_an_outsider_gets_none_of_the_schools_event_emails(client, db, world):
    outsider_request(client, db)
    moved = world.conference.start_at + timedelta(days=1)
    lifecycle.reschedule_event(world.organizer, world.conference, start_at=moved, end_at=moved + timedelta(hours=2))
    db.session.commit()
    with time_machine.travel(moved - timedelta(hours=20), tick=False):
        reminders.send_reminders()
    lifecycle.cancel_event(world.organizer, world.conference, reason="Salle indisponible")
    db.session.commit()
    told = db.session.scalars(select(OutboxEmail.to_address).where(OutboxEmail.event_id == world.conference.id))
    told = list(told)
    assert OUTSIDER not in told
    assert told.count(world.teacher.email) == 3  # rescheduled, reminded, cancelled: the confirmed teacher


def test_an_organizer_confirms_a_contact_from_the_request_page_and_it_opens_the_school(client, db, auth, world):
    request, token, feed = outsider_request(client, db)
    auth.login("claire@industrielles.example")
    response, page = confirm_by_hand(client, request.id)
    assert "Confirmer ce contact pour l'établissement" in html.unescape(page)
    assert response.status_code == 302
    again, _ = confirm_by_hand(client, request.id)  # a double click confirms once
    assert again.status_code == 302

    contact = db.session.get(SchoolContact, request.contact_id)
    db.session.refresh(contact)
    assert contact.confirmed_at is not None and contact.confirmed_by_id == world.organizer.id
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "request.contact_confirmed")).all()
    assert [(e.subject_id, e.actor_user_id, e.details["via"]) for e in entries] == [
        (request.id, world.organizer.id, "by_hand")]
    assert "Confirmé·e pour l'établissement" in client.get(f"/organisation/demandes/{request.id}").get_data(
        as_text=True)
    # The same link now shows the whole school, and the school's emails reach the contact.
    assert summaries(client, feed) == {"Visite demandée par Brigitte", "Conférence des métiers"}
    followup = html.unescape(client.get(f"/demandes/suivi/{token}").get_data(as_text=True))
    assert "Calendrier de l'établissement" in followup
    moved = world.conference.start_at + timedelta(days=1)
    lifecycle.reschedule_event(world.organizer, world.conference, start_at=moved, end_at=moved + timedelta(hours=2))
    db.session.commit()
    assert db.session.scalar(select(OutboxEmail.id).where(OutboxEmail.event_id == world.conference.id,
                                                          OutboxEmail.to_address == OUTSIDER)) is not None


def test_an_organizer_out_of_scope_cannot_confirm(client, db, auth, world, create_user):
    request, _token, feed = outsider_request(client, db)
    create_user(email="lyon@example.org", academies=["lyon"])
    auth.login("lyon@example.org")
    page = client.get("/organisation/").get_data(as_text=True)
    response = client.post(f"/organisation/demandes/{request.id}/confirmer-contact",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 404
    assert db.session.get(SchoolContact, request.contact_id).confirmed_at is None
    assert summaries(client, feed) == set()


def test_scheduling_a_request_confirms_its_contact(client, db, world):
    request, _token, feed = outsider_request(client, db)
    data = lifecycle.EventData(type=EventType.SCHOOL_VISIT, title="Visite demandée par Ivan",
                               start_at=START + timedelta(days=7), end_at=START + timedelta(days=7, hours=2),
                               departement="75", venue="CDI", commune="Paris")
    lifecycle.schedule_request(world.organizer, request, data)
    db.session.commit()
    assert db.session.get(SchoolContact, request.contact_id).confirmed_by_id == world.organizer.id
    assert summaries(client, feed) == {"Visite demandée par Brigitte", "Conférence des métiers",
                                       "Visite demandée par Ivan"}


def test_withdrawing_revokes_the_requests_calendar(client, db, world):
    request, token, feed = outsider_request(client, db)
    page = f"/demandes/suivi/{token}"
    csrf = csrf_token_from(client.get(page).get_data(as_text=True))
    assert client.post(f"{page}/retrait", data={"csrf_token": csrf, "reason": "Erreur"}).status_code == 302
    assert client.get(feed).status_code == 404
    assert db.session.get(FeedToken, request.feed_token_id).revoked_at is not None
    assert "a été désactivé" in html.unescape(client.get(page).get_data(as_text=True))


def test_declining_revokes_the_requests_calendar(client, db, world):
    request, _token, feed = outsider_request(client, db)
    assert client.get(feed).status_code == 200
    triage.decline_request(world.organizer, request, reason="Aucune marraine disponible.")
    db.session.commit()
    assert client.get(feed).status_code == 404


def test_tokens_issued_before_the_rule_follow_it(client, db, world, create_contact, create_request):
    """Rows written before confirmations existed need no rewriting: the rule is read from the data."""
    links = {}
    for name, confirmed, status in [("unconfirmed", False, RequestStatus.IN_REVIEW),
                                    ("withdrawn", False, RequestStatus.WITHDRAWN),
                                    ("declined", False, RequestStatus.DECLINED),
                                    ("confirmed", True, RequestStatus.WITHDRAWN)]:
        contact = create_contact(school=world.school,
                                 confirmed_at=datetime(2026, 9, 1, tzinfo=UTC) if confirmed else None)
        request, _ = create_request(school=world.school, contact=contact, status=status)
        links[name] = school_link(db, world.school, request)  # as submit() wrote it before: never revoked
    organizers_link = school_link(db, world.school)  # no request: an organizer's
    db.session.commit()
    everything = {"Visite demandée par Brigitte", "Conférence des métiers"}
    assert summaries(client, links["unconfirmed"]) == set()
    assert client.get(links["withdrawn"]).status_code == 404
    assert client.get(links["declined"]).status_code == 404
    assert summaries(client, links["confirmed"]) == everything
    assert summaries(client, organizers_link) == everything


def test_a_school_sees_only_first_names_and_jobs_in_feeds(client, db, world, create_event, create_assignment):
    request, token, feed = outsider_request(client, db)
    own = create_event(title="Visite demandée par Ivan", visit_request=request, organizer=world.organizer,
                       status=EventStatus.CONFIRMED, start_at=START + timedelta(days=5))
    marraine = world.visit.assignments[0].role_model
    create_assignment(event=own, role_model=marraine, status=AssignmentStatus.CONFIRMED,
                      invited_at=START - timedelta(days=1))
    whole = school_link(db, world.school)
    db.session.commit()
    for path in (feed, whole):
        body = unfolded(client.get(path).data)
        assert "Inès — Soudeuse" in body, path
        for secret in PRIVATE:
            assert secret not in body, (path, secret)
    page = html.unescape(client.get(f"/demandes/suivi/{token}").get_data(as_text=True))
    assert "Inès, Soudeuse" in page
    for secret in PRIVATE:
        assert secret not in page, secret


def test_a_school_sees_only_first_names_and_jobs_in_its_emails(client, db, world):
    # A new place (a new time would ask the role models again: nobody confirmed to show).
    data = lifecycle.EventData(**{k: getattr(world.visit, k) for k in lifecycle.EventData.__dataclass_fields__})
    data.venue = "Salle polyvalente"
    lifecycle.update_event(world.organizer, world.visit, data)
    moved = world.visit.start_at
    db.session.commit()
    with time_machine.travel(moved - timedelta(hours=20), tick=False):
        reminders.send_reminders()
    db.session.commit()
    emails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == world.teacher.email,
                                                          OutboxEmail.event_id == world.visit.id)).all()
    assert sorted(e.subject.split(" : ")[0] for e in emails) == ["Rappel", "Rencontre modifiée"]
    invitation = next(e for e in emails if e.ics)
    assert "Inès — Soudeuse" in unfolded(invitation.ics) and "ORGANIZER" in invitation.ics

    server = SmtpServer()
    server.start()
    try:
        with time_machine.travel(moved - timedelta(hours=19), tick=False):  # the reminder is due by then
            delivery.send_due(smtp_url=server.url)
    finally:
        server.stop()
    received = [m for m in server.messages if world.teacher.email in m["To"]]
    assert len(received) >= len(emails) == 2
    for message in received:
        raw = unfolded(message.as_string())
        for part in message.walk():
            if part.get_content_maintype() == "text":
                raw += unfolded(part.get_content())
        for secret in PRIVATE:
            assert secret not in raw, secret


def test_contacts_of_requests_scheduled_before_the_upgrade_are_confirmed_once(app, db, world, create_contact,
                                                                               create_request):
    contact = create_contact(school=world.school)
    request, _ = create_request(school=world.school, contact=contact, status=RequestStatus.SCHEDULED)
    entry = audit.record(world.organizer, request, "request.scheduled", event_id=0)
    unscheduled = create_contact(school=world.school)
    create_request(school=world.school, contact=unscheduled)
    db.session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["confirm-scheduled-contacts", "--dry-run"])
    assert dry.exit_code == 0 and "would confirm 1 contact(s)" in dry.output
    assert db.session.get(SchoolContact, contact.id).confirmed_at is None
    first = runner.invoke(args=["confirm-scheduled-contacts"])
    assert first.exit_code == 0 and "confirmed 1 contact(s)" in first.output
    db.session.expire_all()
    confirmed = db.session.get(SchoolContact, contact.id)
    assert (confirmed.confirmed_at, confirmed.confirmed_by_id) == (entry.created_at, world.organizer.id)
    assert db.session.get(SchoolContact, unscheduled.id).confirmed_at is None
    assert "confirmed 0 contact(s)" in runner.invoke(args=["confirm-scheduled-contacts"]).output

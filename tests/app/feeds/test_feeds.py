"""Feeds through the HTTP client: what each audience sees, privacy, cancellations, demo data.

Every feed fetched here is also parsed by icalendar, vobject and ical.js.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import icalendar
import pytest
import time_machine
from sqlalchemy import select

from app.demo import seed
from app.feeds import rendering, tokens
from app.models import (
    AssignmentStatus,
    EventSchool,
    EventStatus,
    EventType,
    FeedKind,
    RoleModel,
    School,
    User,
    UserRole,
)
from app.services.events import lifecycle
from tests.support.ical_parsers import assert_parses_everywhere

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    """The feed's events by SUMMARY (without the cancelled prefix)."""
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["SUMMARY"]).removeprefix("Annulé : "): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def world(db, create_user, create_school, create_contact, create_role_model, create_event, create_request,
          create_assignment):
    organizer = create_user(full_name="Claire Organisatrice", email="claire@industrielles.example",
                            academies=["paris"])
    school = create_school(name="Collège Marie Curie", commune="Paris")
    contact = create_contact(school=school, full_name="Brigitte Enseignante", email="brigitte@ac-paris.example",
                             phone="01 23 45 67 89")
    request, _ = create_request(school=school, contact=contact)
    marraine = create_role_model(first_name="Inès", last_name="Diallo", phone="06 11 22 33 44",
                                 job_title="Soudeuse", company="Chantiers Navals")
    parrain = create_role_model(first_name="Paul", last_name="Invité", phone="06 55 66 77 88")
    proposed = create_role_model(first_name="Zoé", last_name="Proposée")
    visit = create_event(title="Intervention au collège Marie Curie", start_at=START, organizer=organizer,
                         visit_request=request, venue="Collège Marie Curie", commune="Paris",
                         status=EventStatus.CONFIRMED)
    visit.schools.append(EventSchool(school=school, class_level="4e", headcount=28, girls_count=13))
    create_assignment(event=visit, role_model=marraine, status=AssignmentStatus.CONFIRMED,
                      invited_at=START - timedelta(days=20))
    create_assignment(event=visit, role_model=parrain, status=AssignmentStatus.INVITED,
                      invited_at=START - timedelta(days=20))
    create_assignment(event=visit, role_model=proposed, status=AssignmentStatus.PROPOSED)
    conference = create_event(title="Conférence publique à Paris", type=EventType.CONFERENCE, is_public=True,
                              start_at=START + timedelta(days=2), organizer=organizer, venue="Salle des fêtes")
    conference.schools.append(EventSchool(school=school, class_level="3e", headcount=60))
    create_assignment(event=conference, role_model=marraine, status=AssignmentStatus.INVITED,
                      invited_at=START - timedelta(days=3))
    lyon = create_event(title="Table ronde à Lyon", type=EventType.ROUNDTABLE, departement="69", is_public=True,
                        start_at=START + timedelta(days=5))
    draft = create_event(title="Brouillon public", is_public=True, status=EventStatus.DRAFT)
    private = create_event(title="Visite privée ailleurs", start_at=START + timedelta(days=1))
    db.session.commit()
    return SimpleNamespace(
        organizer=organizer, school=school, contact=contact, request=request, marraine=marraine,
        parrain=parrain, proposed=proposed, visit=visit, conference=conference, lyon=lyon, draft=draft,
        private=private,
        tokens=SimpleNamespace(
            marraine=tokens.issue(FeedKind.ROLE_MODEL, user=marraine.user),
            parrain=tokens.issue(FeedKind.ROLE_MODEL, user=parrain.user),
            proposed=tokens.issue(FeedKind.ROLE_MODEL, user=proposed.user),
            school=tokens.issue(FeedKind.SCHOOL, school=school),
            organizer=tokens.issue(FeedKind.ORGANIZER, user=organizer),
        ),
    )


def text(body: bytes) -> str:
    """The feed unfolded (lines are folded at 75 octets), to search for a name or a number."""
    return body.decode("utf-8").replace("\r\n ", "")


def fetch(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response.data


def test_role_model_feed_shows_their_invitations_tentative_and_participations_confirmed(client, world):
    marraine = fetch(client, f"/feeds/role-models/{world.tokens.marraine}.ics")
    parrain = fetch(client, f"/feeds/role-models/{world.tokens.parrain}.ics")
    proposed = fetch(client, f"/feeds/role-models/{world.tokens.proposed}.ics")
    assert_parses_everywhere(marraine, parrain, proposed)

    mine = vevents(marraine)
    assert set(mine) == {"Intervention au collège Marie Curie", "Conférence publique à Paris"}
    assert str(mine["Intervention au collège Marie Curie"]["STATUS"]) == "CONFIRMED"
    assert str(mine["Conférence publique à Paris"]["STATUS"]) == "TENTATIVE"
    visit = mine["Intervention au collège Marie Curie"]
    assert str(visit["UID"]) == world.visit.uid
    assert "Collège Marie Curie" in str(visit["DESCRIPTION"]) and "28 élèves" in str(visit["DESCRIPTION"])
    assert "claire@industrielles.example" in str(visit["DESCRIPTION"])  # whom to contact
    assert str(vevents(parrain)["Intervention au collège Marie Curie"]["STATUS"]) == "TENTATIVE"
    assert vevents(proposed) == {}  # a proposal is not an invitation: she has not been asked yet
    # Nobody else's personal data in a role model's feed.
    for secret in ("Brigitte", "brigitte@", "01 23 45 67 89", "Paul", "06 ", "Proposée"):
        assert secret not in text(marraine)


def test_school_feed_shows_its_events_and_the_confirmed_role_models(client, world):
    body = fetch(client, f"/feeds/schools/{world.tokens.school}.ics")
    assert_parses_everywhere(body)
    seen = vevents(body)
    assert set(seen) == {"Intervention au collège Marie Curie", "Conférence publique à Paris"}
    description = str(seen["Intervention au collège Marie Curie"]["DESCRIPTION"])
    assert "Inès — Soudeuse" in description  # a first name and a job: nothing to look her up by
    assert "Paul" not in description  # invited, not confirmed: not announced to the school
    for secret in ("06 11 22 33 44", world.marraine.user.email, "Proposée", "Diallo", "Chantiers Navals",
                   world.organizer.email, world.organizer.full_name):
        assert secret not in text(body)


def test_organizer_feed_covers_their_academies_with_contacts_and_role_models(client, world):
    body = fetch(client, f"/feeds/organizers/{world.tokens.organizer}.ics")
    assert_parses_everywhere(body)
    seen = vevents(body)
    assert "Table ronde à Lyon" not in seen  # outside her académies
    assert "Brouillon public" not in seen
    assert {"Intervention au collège Marie Curie", "Conférence publique à Paris", "Visite privée ailleurs"} <= set(seen)
    description = str(seen["Intervention au collège Marie Curie"]["DESCRIPTION"])
    assert "Brigitte Enseignante" in description and "brigitte@ac-paris.example" in description
    assert "Inès Diallo" in description and "Paul Invité" in description


def test_public_feeds_carry_public_events_and_no_personal_data(client, world):
    everything = fetch(client, "/feeds/public.ics")
    paris = fetch(client, "/feeds/public/paris.ics")
    lyon = fetch(client, "/feeds/public/lyon.ics")
    nowhere = fetch(client, "/feeds/public/guyane.ics")
    assert_parses_everywhere(everything, paris, lyon, nowhere)

    assert set(vevents(everything)) == {"Conférence publique à Paris", "Table ronde à Lyon"}
    assert set(vevents(paris)) == {"Conférence publique à Paris"}
    assert set(vevents(lyon)) == {"Table ronde à Lyon"}
    assert vevents(nowhere) == {}
    people = [world.marraine, world.parrain, world.proposed]
    secrets = [
        *(p.first_name for p in people), *(p.last_name for p in people), *(p.user.email for p in people),
        *(p.phone for p in people if p.phone), world.contact.full_name, world.contact.email, world.contact.phone,
        world.organizer.full_name, world.organizer.email, "mailto:", "ORGANIZER", "ATTENDEE", "élèves",
    ]
    for body in (everything, paris):
        for secret in secrets:
            assert secret not in text(body), secret
        # The only "@" left is in UIDs: no email address at all.
        assert all(line.startswith("UID:") for line in text(body).splitlines() if "@" in line)


def test_unknown_academie_is_404(client, world):
    assert client.get("/feeds/public/atlantide.ics").status_code == 404


def test_cancellation_stays_as_cancelled_with_a_higher_sequence_for_30_days(client, db, world):
    path = f"/feeds/role-models/{world.tokens.marraine}.ics"
    before = vevents(fetch(client, path))["Intervention au collège Marie Curie"]
    with time_machine.travel(START - timedelta(days=10), tick=False):
        lifecycle.cancel_event(world.organizer, world.visit, reason="Grève des transports")
        db.session.commit()
        cancelled_feeds = [fetch(client, p) for p in (path, f"/feeds/schools/{world.tokens.school}.ics",
                                                        f"/feeds/organizers/{world.tokens.organizer}.ics")]
    with time_machine.travel(START + timedelta(days=19), tick=False):
        still = fetch(client, path)
    with time_machine.travel(START + timedelta(days=21), tick=False):
        gone = fetch(client, path)
    assert_parses_everywhere(*cancelled_feeds, still, gone)

    for body in cancelled_feeds:
        after = vevents(body)["Intervention au collège Marie Curie"]
        assert str(after["STATUS"]) == "CANCELLED"
        assert str(after["SUMMARY"]).startswith("Annulé : ")
        assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
        assert str(after["UID"]) == str(before["UID"])
    assert "Intervention au collège Marie Curie" in vevents(still)
    assert "Intervention au collège Marie Curie" not in vevents(gone)
    assert "Conférence publique à Paris" in vevents(gone)


def test_a_participation_that_ended_shows_as_cancelled_to_that_role_model_only(client, db, world):
    invitation = next(a for a in world.visit.assignments if a.role_model_id == world.parrain.id)
    invitation.status = AssignmentStatus.DECLINED
    invitation.responded_at = datetime.now(UTC)
    db.session.commit()
    parrain = fetch(client, f"/feeds/role-models/{world.tokens.parrain}.ics")
    marraine = fetch(client, f"/feeds/role-models/{world.tokens.marraine}.ics")
    assert_parses_everywhere(parrain, marraine)
    assert str(vevents(parrain)["Intervention au collège Marie Curie"]["STATUS"]) == "CANCELLED"
    assert str(vevents(marraine)["Intervention au collège Marie Curie"]["STATUS"]) == "CONFIRMED"


def test_feed_text_follows_the_role_models_language(client, db, world):
    world.marraine.user.locale = "en"
    db.session.commit()
    body = fetch(client, f"/feeds/role-models/{world.tokens.marraine}.ics")
    assert_parses_everywhere(body)
    assert b"X-WR-CALNAME:" in body


def test_every_feed_of_the_demo_data_parses_everywhere(client, db):
    seed.seed(seed=7)
    db.session.commit()
    # The same functions the endpoints call once a token is resolved (tokens are tested above).
    feeds_made = [rendering.public_feed()]
    feeds_made += [rendering.public_feed(code)
                   for code in sorted({s.academie for s in db.session.scalars(select(School))})]
    feeds_made += [rendering.school_calendar(school_id) for school_id in db.session.scalars(select(School.id))]
    feeds_made += [rendering.role_model_calendar(rm_id) for rm_id in db.session.scalars(select(RoleModel.id))]
    feeds_made += [rendering.organizer_calendar(user.id) for user in
                   db.session.scalars(select(User).where(User.role.in_((UserRole.ORGANIZER, UserRole.ADMIN))))]
    bodies = [feed.body for feed in feeds_made]
    assert sum(body.count(b"BEGIN:VEVENT") for body in bodies) > 50  # the demo data does fill them
    assert any(b"STATUS:CANCELLED" in body for body in bodies)
    assert any(b"STATUS:TENTATIVE" in body for body in bodies)
    assert_parses_everywhere(*dict.fromkeys(bodies))  # identical feeds (the empty ones) once


def test_an_empty_feed_of_an_overseas_academie_describes_its_own_zone(client, db):
    body = fetch(client, "/feeds/public/la-reunion.ics")
    assert b"BEGIN:VEVENT" not in body
    calendar = icalendar.Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Indian/Reunion"]


@pytest.mark.parametrize(("status", "expected"), [
    (EventStatus.SCHEDULED, "TENTATIVE"), (EventStatus.CONFIRMED, "CONFIRMED"), (EventStatus.COMPLETED, "CONFIRMED"),
])
def test_every_audience_sees_the_apps_own_status(db, create_event, status, expected):
    """A scheduled event (role models not all confirmed) is TENTATIVE for schools, the public
    and organizers alike; CONFIRMED only once the event is."""
    from app.feeds.mapping import Audience, calendar_event

    event = create_event(status=status, is_public=True)
    for audience in (Audience.PUBLIC, Audience.SCHOOL, Audience.ORGANIZER):
        assert calendar_event(event, audience).status.value == expected, audience

"""The personal feed from the portal: the URL is shown (again, after a visit elsewhere),
regenerating makes the old URL 404 at once, and the feed follows status changes with SEQUENCE."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.services.events import lifecycle
from app.services.pairing import assignments
from tests.support.portal import csrf_token_of, sign_in


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"])


@pytest.fixture
def role_model(create_role_model):
    return create_role_model()


def feed_url_on(page) -> str:
    match = re.search(r'id="feed-url" value="http://localhost(/feeds/role-models/[^"]+\.ics)"',
                      page.get_data(as_text=True))
    assert match, "no feed URL on the page"
    return match.group(1)


def regenerate(client) -> object:
    page = client.get("/espace/mon-agenda")
    return client.post("/espace/mon-agenda/regenerer", data={"csrf_token": csrf_token_of(page.get_data(as_text=True))})


@pytest.fixture
def calendar_app(app, db):
    """A second client without cookies: calendar apps send none."""
    return app.test_client()


def sequence(vevent_text: str) -> int:
    return int(re.search(r"SEQUENCE:(\d+)", vevent_text).group(1))


def vevent(body: str) -> str:
    return body.split("BEGIN:VEVENT", 1)[1].split("END:VEVENT", 1)[0]


def test_regenerate_makes_the_old_url_404_and_shows_the_new_one(db, client, calendar_app, role_model):
    sign_in(client, role_model.user)
    created = regenerate(client)
    first = feed_url_on(created)
    assert "webcal://localhost/feeds/role-models/" in created.get_data(as_text=True)
    assert calendar_app.get(first).status_code == 200

    # Shown again on a later visit: the token is sealed with a key derived from SECRET_KEY.
    assert feed_url_on(client.get("/espace/mon-agenda")) == first

    again = regenerate(client)
    second = feed_url_on(again)
    assert second != first
    assert "ancienne ne fonctionne plus" in html.unescape(again.get_data(as_text=True))
    assert calendar_app.get(first).status_code == 404
    assert calendar_app.get(second).status_code == 200
    assert feed_url_on(client.get("/espace/mon-agenda")) == second


def test_feed_follows_status_changes_with_sequence_bumped(db, client, calendar_app, organizer, role_model, create_event,
                                                         create_assignment):
    event = create_event(title="Forum des métiers", organizer=organizer,
                         start_at=datetime(2027, 3, 16, 9, tzinfo=UTC))
    assignment = create_assignment(event=event, role_model=role_model)
    sign_in(client, role_model.user)
    url = feed_url_on(regenerate(client))
    assert "BEGIN:VEVENT" not in calendar_app.get(url).get_data(as_text=True)  # proposed only: not theirs yet

    assignments.invite(organizer, assignment)
    db.session.commit()  # feeds are re-rendered when a change commits
    invited = vevent(calendar_app.get(url).get_data(as_text=True))
    assert "STATUS:TENTATIVE" in invited and "SEQUENCE:0" in invited and event.uid in invited

    assignments.accept(assignment)
    assignments.confirm(organizer, assignment)
    db.session.commit()
    confirmed = vevent(calendar_app.get(url).get_data(as_text=True))
    # The event became confirmed (the school's update went out with SEQUENCE bumped).
    assert "STATUS:CONFIRMED" in confirmed and "SEQUENCE:1" in confirmed

    lifecycle.reschedule_event(organizer, event, start_at=event.start_at + timedelta(days=1),
                            end_at=event.end_at + timedelta(days=1))
    db.session.commit()
    moved = vevent(calendar_app.get(url).get_data(as_text=True))
    assert "SEQUENCE:2" in moved and "DTSTART;TZID=Europe/Paris:20270317T100000" in moved
    assert "STATUS:TENTATIVE" in moved  # asked again for the new time

    lifecycle.cancel_event(organizer, event, reason="Grève des transports")
    db.session.commit()
    cancelled = vevent(calendar_app.get(url).get_data(as_text=True))
    assert "STATUS:CANCELLED" in cancelled and sequence(cancelled) > sequence(moved)

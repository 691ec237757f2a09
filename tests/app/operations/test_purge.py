"""`flask purge`: what is past retention goes, and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.feeds import tokens
from app.models import (
    AuditEntry,
    Event,
    FeedKind,
    FeedToken,
    InboundReply,
    OutboxEmail,
    RequestWindow,
    School,
    SchoolContact,
    VisitRequest,
)
from app.services.common import audit
from app.services.operations import retention

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=3 * 365 + 30)  # past three years
RECENT = NOW - timedelta(days=2 * 365)


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def aged(db, request, when: datetime) -> None:
    db.session.execute(update(VisitRequest).where(VisitRequest.id == request.id)
                       .values(submitted_at=when, updated_at=when))
    db.session.execute(update(SchoolContact).where(SchoolContact.id == request.contact_id).values(created_at=when))


@pytest.fixture
def world(db, create_school, create_contact, create_request, create_event):
    """Requests of every age, with what hangs off them."""
    school = create_school()
    old, _ = create_request(school=school, windows=[(date(2023, 3, 1), date(2023, 3, 10))])
    token = tokens.new_token()
    feed = FeedToken(token_hash=tokens.hash_token(token), kind=FeedKind.SCHOOL, school_id=school.id)
    db.session.add(feed)
    db.session.flush()
    old.feed_token_id = feed.id
    audit.record("school", old, "request.submitted")
    old_email = OutboxEmail(to_address=old.contact.email, subject="Votre demande", body_text="lien", created_at=OLD)
    event = create_event(visit_request=old, start_at=OLD + timedelta(days=20))
    recent, _ = create_request(school=school)
    # An old request whose visit happened recently: its last activity is recent.
    lingering, _ = create_request(school=school)
    create_event(visit_request=lingering, start_at=RECENT)
    # One person, an old request and a recent one: the old one goes, the person stays.
    faithful = create_contact(school=school, email="fidele@ac-paris.example")
    first, _ = create_request(school=school, contact=faithful)
    again, _ = create_request(school=school, contact=faithful)
    recent_email = OutboxEmail(to_address="fidele@ac-paris.example", subject="x", body_text="x", created_at=RECENT)
    db.session.add_all([old_email, recent_email])
    db.session.flush()
    for request in (old, lingering, first):
        aged(db, request, OLD)
    aged(db, recent, RECENT)
    aged(db, again, RECENT)
    db.session.execute(update(SchoolContact).where(SchoolContact.id == faithful.id).values(created_at=OLD))
    db.session.commit()
    return {"school_id": school.id, "old": old.id, "recent": recent.id, "lingering": lingering.id, "first": first.id,
            "again": again.id, "faithful": faithful.id, "event": event.id, "old_contact": old.contact_id,
            "feed": feed.id, "old_email": old_email.id, "recent_email": recent_email.id}


def test_purge_removes_what_is_past_retention_and_nothing_else(db, world):
    report = retention.purge(now=NOW)
    db.session.commit()
    remaining = set(db.session.scalars(select(VisitRequest.id)))
    assert remaining == {world["recent"], world["lingering"], world["again"]}
    assert (report.requests, report.contacts, report.feed_tokens, report.emails) == (2, 1, 1, 1)
    assert db.session.get(SchoolContact, world["old_contact"]) is None
    assert db.session.get(SchoolContact, world["faithful"]) is not None
    assert db.session.get(FeedToken, world["feed"]) is None
    assert db.session.get(OutboxEmail, world["old_email"]) is None
    assert db.session.get(OutboxEmail, world["recent_email"]) is not None
    assert count(db, AuditEntry, AuditEntry.subject_type == "visit_request", AuditEntry.subject_id == world["old"]) == 0
    assert count(db, RequestWindow, RequestWindow.request_id == world["old"]) == 0
    # The event stays for the statistics, without its request; the school stays.
    event = db.session.get(Event, world["event"])
    assert event is not None and event.visit_request_id is None
    assert db.session.get(School, world["school_id"]) is not None
    # Idempotent.
    again = retention.purge(now=NOW)
    assert (again.requests, again.contacts, again.feed_tokens, again.emails, again.audit_entries) == (0, 0, 0, 0, 0)


def test_calendar_answers_past_retention_go_too(db, world):
    # Answers keep a sender's address, sometimes a stranger's (forged, misdirected): they go
    # with the rest once past retention, whatever became of them.
    old = InboundReply(message_id="<old@x>", source="imap", sender="inconnu@example.org", outcome="unknown",
                       received_at=OLD)
    recent = InboundReply(message_id="<recent@x>", source="pipe", sender="ines@example.org", outcome="applied",
                          received_at=RECENT)
    db.session.add_all([old, recent])
    db.session.commit()
    assert retention.purge(now=NOW, dry_run=True).calendar_answers == 1
    assert count(db, InboundReply) == 2
    assert retention.purge(now=NOW).calendar_answers == 1
    db.session.commit()
    assert set(db.session.scalars(select(InboundReply.message_id))) == {"<recent@x>"}


def test_the_retention_period_is_a_setting(db, world):
    assert retention.purge(now=NOW, years=5, dry_run=True).requests == 0
    with pytest.raises(ValueError):
        retention.purge(now=NOW, years=0)


def test_cutoff_handles_29_february():
    assert retention.cutoff_for(datetime(2028, 2, 29, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)


class TestCommand:
    @pytest.fixture
    def app_config(self):
        return {"RETENTION_YEARS": 3}

    def test_dry_run_counts_then_purge_erases(self, app, db, world):
        import time_machine

        runner = app.test_cli_runner()
        with time_machine.travel(NOW, tick=False):
            dry = runner.invoke(args=["purge", "--dry-run"])
            assert dry.exit_code == 0, dry.output
            assert "would erase" in dry.output and "requests: 2" in dry.output and "contacts: 1" in dry.output
            assert count(db, VisitRequest) == 5
            done = runner.invoke(args=["purge"])
            assert done.exit_code == 0 and "erased" in done.output and "requests: 2" in done.output
            assert count(db, VisitRequest) == 3
            bad = runner.invoke(args=["purge", "--years", "0"])
            assert bad.exit_code != 0 and "at least one year" in bad.output

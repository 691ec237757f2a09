"""Backfill: when someone steps back, the next-best person is proposed once and the organizer told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.models import Assignment, AssignmentStatus, EventStatus, OutboxEmail
from app.services.common import audit
from app.services.events import lifecycle
from app.services.pairing import assignments, proposals


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"], email="orga@example.org")


@pytest.fixture
def event(create_event, organizer):
    return create_event(role_models_max=1, organizer=organizer)


def proposals_on(db, event) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(
        Assignment.event_id == event.id, Assignment.status == AssignmentStatus.PROPOSED)))


def backfill_emails(db) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.dedupe_key.like("%:backfill"))))


def invited(create_assignment, event, role_model):
    return create_assignment(event=event, role_model=role_model, status=AssignmentStatus.INVITED,
                             invited_at=datetime.now(UTC))


def test_a_decline_brings_the_next_best_and_tells_the_organizer(db, event, create_role_model, create_assignment):
    first = invited(create_assignment, event, create_role_model())
    next_best = create_role_model()
    assignments.decline(first, reason="Pas disponible")
    [proposal] = proposals_on(db, event)
    assert proposal.role_model_id == next_best.id
    assert proposal.explanation["source"] == "backfill" and proposal.score is not None
    assert first.backfilled_at is not None
    assert "assignment.backfilled" in [e.action for e in audit.trail(first)]
    [email] = backfill_emails(db)
    assert email.to_address == "orga@example.org"
    assert next_best.display_name in email.body_text and first.role_model.display_name in email.body_text
    assert "Remplacement proposé" in email.subject


def test_backfill_happens_once_under_retries(db, event, create_role_model, create_assignment):
    first = invited(create_assignment, event, create_role_model())
    create_role_model()
    create_role_model()
    assignments.decline(first)
    for _ in range(3):  # a retried job, a double click, a second worker
        assert proposals.backfill(first) is None
    assert len(proposals_on(db, event)) == 1
    assert len(backfill_emails(db)) == 1


def test_a_rolled_back_attempt_then_a_retry_backfills_once(db, event, create_role_model, create_assignment):
    first = invited(create_assignment, event, create_role_model())
    create_role_model()
    savepoint = db.session.begin_nested()
    assignments.decline(first)
    assert len(proposals_on(db, event)) == 1
    savepoint.rollback()  # e.g. the request failed after the decline: nothing of it stays
    db.session.refresh(first)
    assert first.status == AssignmentStatus.INVITED and first.backfilled_at is None
    assert proposals_on(db, event) == []
    assignments.decline(first)  # the retry
    assert len(proposals_on(db, event)) == 1 and len(backfill_emails(db)) == 1


def test_withdrawal_and_cancellation_backfill_too(db, organizer, create_event, create_role_model, create_assignment):
    event = create_event(role_models_max=2, organizer=organizer)
    leaving = create_assignment(event=event, role_model=create_role_model(), status=AssignmentStatus.ACCEPTED)
    removed = create_assignment(event=event, role_model=create_role_model(), status=AssignmentStatus.CONFIRMED)
    spares = {create_role_model().id, create_role_model().id}
    assignments.withdraw(leaving, reason="Empêchement")
    assignments.cancel(organizer, removed, reason="Changement de programme")
    assert {a.role_model_id for a in proposals_on(db, event)} == spares
    assert len(backfill_emails(db)) == 2


def test_dismissing_a_proposal_brings_no_replacement(db, organizer, event, create_role_model, create_assignment):
    proposal = create_assignment(event=event, role_model=create_role_model())
    create_role_model()
    assignments.cancel(organizer, proposal)
    assert proposals_on(db, event) == [] and backfill_emails(db) == []


def test_no_backfill_when_the_seat_is_already_covered(db, organizer, create_event, create_role_model,
                                                      create_assignment):
    event = create_event(role_models_max=1, organizer=organizer)
    first = invited(create_assignment, event, create_role_model())
    create_assignment(event=event, role_model=create_role_model())  # a pending proposal covers the seat
    create_role_model()
    assignments.decline(first)
    assert len(proposals_on(db, event)) == 1 and backfill_emails(db) == []


def test_no_backfill_on_a_cancelled_event(db, organizer, event, create_role_model, create_assignment):
    invited(create_assignment, event, create_role_model())
    create_role_model()
    lifecycle.cancel_event(organizer, event, reason="Grève")
    assert event.status == EventStatus.CANCELLED and proposals_on(db, event) == []
    assert backfill_emails(db) == []


def test_nobody_left_the_organizer_is_told_why(db, event, create_role_model, create_assignment):
    first = invited(create_assignment, event, create_role_model())
    assignments.decline(first)
    assert proposals_on(db, event) == []
    [email] = backfill_emails(db)
    assert "Personne pour remplacer" in email.subject
    assert "personne pour ce remplacement" in email.body_text


def test_a_failing_backfill_never_blocks_the_decline(db, event, create_role_model, create_assignment, monkeypatch):
    first = invited(create_assignment, event, create_role_model())
    create_role_model()

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(proposals, "propose", broken)
    assignments.decline(first)
    assert first.status == AssignmentStatus.DECLINED
    assert first.backfilled_at is None and proposals_on(db, event) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)
                             .where(OutboxEmail.dedupe_key.like("%:backfill"))) == 0

"""Assignment lifecycle: invite, answer, confirm, step back — and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models import AssignmentStatus, EventStatus, RoleModelStatus
from app.services.common import audit
from app.services.common.errors import Conflict, NotAllowed, NotFound
from app.services.pairing import assignments


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"])


def test_full_cycle_confirms_the_event(db, organizer, create_event, create_assignment):
    event = create_event(status=EventStatus.SCHEDULED, role_models_min=1, role_models_max=2)
    a = create_assignment(event=event)
    assignments.invite(organizer, a)
    assert a.status == AssignmentStatus.INVITED and a.invited_at and a.link_version == 2
    assignments.accept(a)
    assert a.status == AssignmentStatus.ACCEPTED and a.responded_at
    assignments.confirm(organizer, a)
    assert a.status == AssignmentStatus.CONFIRMED and event.status == EventStatus.CONFIRMED
    actions = [e.action for e in audit.trail(a)]
    assert actions == ["assignment.invited", "assignment.accepted", "assignment.confirmed"]
    assert [e.action for e in audit.trail(event)] == ["event.confirmed"]


def test_propose_is_idempotent(db, create_event, create_role_model):
    event, rm = create_event(), create_role_model()
    assert assignments.record_proposal(event, rm, score=0.9) is not None
    assert assignments.record_proposal(event, rm, score=0.9) is None


def test_cannot_invite_to_a_draft_or_cancelled_event(db, organizer, create_event, create_assignment):
    with pytest.raises(Conflict):
        assignments.invite(organizer, create_assignment(event=create_event(status=EventStatus.DRAFT)))
    with pytest.raises(Conflict):
        assignments.invite(organizer, create_assignment(event=create_event(status=EventStatus.CANCELLED)))


def test_cannot_invite_a_paused_role_model(db, organizer, create_assignment, create_role_model):
    a = create_assignment(role_model=create_role_model(status=RoleModelStatus.PAUSED))
    with pytest.raises(Conflict):
        assignments.invite(organizer, a)


def test_organizer_outside_scope_cannot_invite(db, create_user, create_assignment):
    lyon = create_user(academies=["lyon"])
    with pytest.raises(NotFound):  # as if the event did not exist
        assignments.invite(lyon, create_assignment())


def test_only_role_models_of_her_scope_go_on_her_event(db, create_user, create_event, create_role_model,
                                                      create_assignment):
    """Every object handed over is checked, not only the event: someone she may not see is a
    missing person, whether added, invited or confirmed; removing her stays possible."""
    grand_est = create_user(academies=["strasbourg", "nancy-metz", "reims"])
    event = create_event(departement="67", role_models_max=3)
    ines = create_role_model(departements=["75"])
    with pytest.raises(NotFound) as refused:
        assignments.add_role_model(grand_est, event, ines)
    assert str(refused.value.message) == "Cette personne n'existe pas."
    left_over = create_assignment(event=event, role_model=ines)
    accepted = create_assignment(event=event, role_model=create_role_model(departements=["92"]),
                                 status=AssignmentStatus.ACCEPTED, invited_at=datetime.now(UTC))
    with pytest.raises(NotFound):
        assignments.invite(grand_est, left_over)
    with pytest.raises(NotFound):
        assignments.confirm(grand_est, accepted)
    assert (left_over.status, accepted.status) == (AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED)
    assignments.cancel(grand_est, left_over, reason="Hors de la région")
    assert left_over.status == AssignmentStatus.CANCELLED
    local = assignments.add_role_model(grand_est, event, create_role_model(departements=["57"]))
    assert local.status == AssignmentStatus.PROPOSED


def test_a_role_model_account_pairs_nobody(db, create_event, create_role_model):
    someone = create_role_model()
    with pytest.raises(NotAllowed):
        assignments.add_role_model(someone.user, create_event(), create_role_model())


def test_accepting_a_full_event_is_refused(db, create_event, create_assignment):
    event = create_event(role_models_max=1)
    create_assignment(event=event, status=AssignmentStatus.CONFIRMED)
    late = create_assignment(event=event, status=AssignmentStatus.INVITED)
    with pytest.raises(Conflict) as excinfo:
        assignments.accept(late)
    assert excinfo.value.code == "event_full"


def test_answering_twice_is_refused(db, create_assignment):
    a = create_assignment(status=AssignmentStatus.INVITED)
    assignments.decline(a, reason="Pas disponible")
    with pytest.raises(Conflict):
        assignments.accept(a)
    with pytest.raises(Conflict):
        assignments.decline(a)


def test_confirm_needs_an_acceptance(db, organizer, create_assignment):
    with pytest.raises(Conflict):
        assignments.confirm(organizer, create_assignment(status=AssignmentStatus.INVITED))


def test_late_withdrawal_counts_and_unconfirms_the_event(db, create_event, create_assignment):
    event = create_event(status=EventStatus.CONFIRMED, role_models_min=1)
    a = create_assignment(event=event, status=AssignmentStatus.CONFIRMED)
    assignments.withdraw(a, reason="Malade", now=event.start_at - timedelta(hours=20))
    assert a.status == AssignmentStatus.WITHDRAWN
    assert a.role_model.late_cancellations == 1
    assert event.status == EventStatus.SCHEDULED


def test_early_withdrawal_does_not_count(db, create_event, create_assignment):
    event = create_event()
    a = create_assignment(event=event, status=AssignmentStatus.ACCEPTED)
    assignments.withdraw(a, now=event.start_at - timedelta(days=20))
    assert a.role_model.late_cancellations == 0


def test_organizer_cancels_a_participation(db, organizer, create_assignment):
    a = create_assignment(status=AssignmentStatus.INVITED)
    assignments.cancel(organizer, a, reason="Remplacée")
    assert a.status == AssignmentStatus.CANCELLED and a.reason == "Remplacée"


def test_expire_unanswered_once(db, create_assignment):
    now = datetime(2027, 2, 1, tzinfo=UTC)
    stale = create_assignment(status=AssignmentStatus.INVITED, invited_at=now - timedelta(days=8))
    fresh = create_assignment(status=AssignmentStatus.INVITED, invited_at=now - timedelta(days=2))
    assert assignments.expire_unanswered(now=now, after_days=7) == 1
    assert stale.status == AssignmentStatus.EXPIRED and fresh.status == AssignmentStatus.INVITED
    assert assignments.expire_unanswered(now=now, after_days=7) == 0


# --- emails of each transition (outbox rows) --------------------------------------------------

def _mails_to(address):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import OutboxEmail

    return list(db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)
    ))


def test_invite_emails_the_role_model_answer_links_and_a_request(db, organizer, create_event, create_assignment):
    a = create_assignment(event=create_event(organizer=organizer))
    assignments.invite(organizer, a)
    [mail] = _mails_to(a.role_model.user.email)
    assert mail.ics_method == "REQUEST" and mail.event_id == a.event_id
    assert "accept" in mail.body_text and "decline" in mail.body_text
    assert audit.trail(a)[-1].action == "assignment.invited"


def test_confirm_emails_the_role_model_and_the_answer_reached_the_organizer(
    db, organizer, create_event, create_assignment
):
    event = create_event(organizer=organizer)
    a = create_assignment(event=event, status=AssignmentStatus.INVITED, invited_at=datetime(2027, 3, 1, tzinfo=UTC))
    assignments.accept(a)
    assert len(_mails_to(organizer.email)) == 1  # "Marraine accepted"
    assignments.confirm(organizer, a)
    mails = _mails_to(a.role_model.user.email)
    assert [m.ics_method for m in mails] == ["REQUEST"]
    assert [e.action for e in audit.trail(a)] == ["assignment.accepted", "assignment.confirmed"]


def test_removing_an_invited_role_model_sends_a_cancel(db, organizer, create_assignment):
    a = create_assignment(status=AssignmentStatus.INVITED, invited_at=datetime(2027, 3, 1, tzinfo=UTC))
    assignments.cancel(organizer, a, reason="Remplacée")
    [mail] = _mails_to(a.role_model.user.email)
    assert mail.ics_method == "CANCEL"


def test_illegal_assignment_transitions_are_refused_with_a_message(db, organizer, create_assignment):
    proposed = create_assignment()
    with pytest.raises(Conflict) as excinfo:
        assignments.confirm(organizer, proposed)
    assert str(excinfo.value.message) == "Cette participation ne peut plus passer à cet état."
    assert proposed.status == AssignmentStatus.PROPOSED
    with pytest.raises(Conflict):
        assignments.accept(proposed)


def test_a_new_time_asks_again_and_a_confirmed_yes_is_confirmed_at_once(db, organizer, create_event,
                                                                        create_assignment):
    from app.services.events import lifecycle

    event = create_event(organizer=organizer, role_models_min=1, role_models_max=2)
    chosen, accepted = create_assignment(event=event), create_assignment(event=event)
    for a in (chosen, accepted):
        assignments.invite(organizer, a)
        assignments.accept(a)
    assignments.confirm(organizer, chosen)
    assert event.status == EventStatus.CONFIRMED
    versions = (chosen.link_version, accepted.link_version)
    lifecycle.reschedule_event(organizer, event, start_at=event.start_at + timedelta(days=1),
                               end_at=event.end_at + timedelta(days=1))
    assert (chosen.status, accepted.status) == (AssignmentStatus.INVITED, AssignmentStatus.INVITED)
    assert (chosen.link_version, accepted.link_version) == (versions[0] + 1, versions[1] + 1)
    assert event.status == EventStatus.SCHEDULED and chosen.confirmed_at is not None

    assignments.accept(chosen)  # the organizer had chosen her: confirmed again directly
    assignments.accept(accepted)  # never confirmed: waits for the organizer, as any yes
    assert (chosen.status, accepted.status) == (AssignmentStatus.CONFIRMED, AssignmentStatus.ACCEPTED)
    assert event.status == EventStatus.CONFIRMED
    trail = audit.trail(chosen)
    assert [e.action for e in trail][-3:] == ["assignment.asked_again", "assignment.accepted", "assignment.confirmed"]
    assert trail[-1].actor_label == "system" and trail[-1].details["again"] == "accepted_new_time"
    assert [m.subject.split(" : ")[0] for m in _mails_to(chosen.role_model.user.email)][-2:] == [
        "Nouvel horaire, merci de confirmer", "Participation confirmée"]

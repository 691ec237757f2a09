"""Status transitions are declared once per enum and enforced on every assignment."""

from __future__ import annotations

import pytest

from app.models import (
    AssignmentStatus,
    EmailStatus,
    EventStatus,
    IllegalTransition,
    RequestStatus,
    RoleModelStatus,
)
from app.models.states import Status


@pytest.mark.parametrize("enum_cls", [EventStatus, RequestStatus, AssignmentStatus, RoleModelStatus, EmailStatus])
def test_every_status_has_declared_transitions(enum_cls: type[Status]):
    assert set(enum_cls.transitions()) == set(enum_cls)


def test_allowed_transition_goes_through(db, create_event):
    event = create_event(status=EventStatus.SCHEDULED)
    event.status = EventStatus.CONFIRMED
    assert event.status == EventStatus.CONFIRMED


def test_illegal_transition_is_refused_with_a_clear_message(db, create_event):
    event = create_event(status=EventStatus.CANCELLED)
    with pytest.raises(IllegalTransition, match="cancelled → confirmed"):
        event.status = EventStatus.CONFIRMED


def test_illegal_transition_is_refused_after_reload(db, create_assignment):
    assignment = create_assignment(status=AssignmentStatus.DECLINED)
    db.session.commit()
    db.session.expire_all()  # the old value must be loaded, not skipped
    with pytest.raises(IllegalTransition):
        assignment.status = AssignmentStatus.CONFIRMED


def test_setting_the_same_status_is_not_a_transition(db, create_event):
    event = create_event(status=EventStatus.COMPLETED)
    event.status = EventStatus.COMPLETED


def test_final_states():
    assert EventStatus.CANCELLED.is_final and EventStatus.COMPLETED.is_final
    assert not EventStatus.DRAFT.is_final
    assert AssignmentStatus.INVITED.can_become(AssignmentStatus.ACCEPTED)
    assert not AssignmentStatus.PROPOSED.can_become(AssignmentStatus.CONFIRMED)

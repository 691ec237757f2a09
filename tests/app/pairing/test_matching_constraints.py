"""Every hard constraint of candidate building, one test each: a role model breaking it is never
proposed, and the event's explanation names the reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.models import (
    AssignmentStatus,
    AvailabilityException,
    BusyInterval,
    EventStatus,
    EventType,
    ExternalCalendar,
    RoleModelStatus,
)
from app.models.types import utcnow
from app.services.pairing import proposals

# The factories' event: Tuesday 16 March 2027, 09:00-11:00 UTC = 10:00-12:00 in Paris.
START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


def proposed_ids(result) -> set[int]:
    return {a.role_model_id for a in result.created}


def assert_dropped(result, expected: dict) -> None:
    """Who was left out and why: in the outcome, and stored with every proposal's explanation."""
    assert result.outcome.dropped == expected
    for assignment in result.created:
        assert assignment.explanation["dropped"] == expected


@pytest.fixture
def event(create_event):
    return create_event(role_models_max=3)


@pytest.fixture
def good(create_role_model):
    """Someone who passes every check: they must be proposed in each scenario."""
    return create_role_model()


def busy(db, role_model, start, end):
    calendar = ExternalCalendar(role_model_id=role_model.id, url="https://example.org/cal.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(BusyInterval(calendar_id=calendar.id, role_model_id=role_model.id, start_at=start, end_at=end))
    db.session.flush()


def test_paused_and_pending_people_are_never_proposed(db, event, good, create_role_model):
    paused = create_role_model(status=RoleModelStatus.PAUSED)
    pending = create_role_model(status=RoleModelStatus.PENDING)
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id}
    assert {paused.id, pending.id}.isdisjoint(r["role_model_id"] for r in result.ranking)
    assert_dropped(result, {"inactive": 2})
    assert result.outcome.reasons == ("too_few_candidates", "inactive")


def test_anonymised_people_are_not_even_counted(db, event, good, create_role_model):
    create_role_model(anonymised_at=utcnow())
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id}
    assert_dropped(result, {})


def test_only_people_covering_the_departement(db, event, good, create_role_model, create_event):
    lyon = create_role_model(departements=["69"])
    assert proposed_ids(proposals.propose(event)) == {good.id}
    creuse = create_event(departement="23")
    result = proposals.propose(creuse)
    assert result.created == [] and lyon.id not in {r["role_model_id"] for r in result.ranking}
    assert result.outcome.reasons == ("no_coverage",)


def test_online_event_takes_remote_people_from_anywhere(db, create_event, create_role_model):
    online = create_event(is_online=True, online_url="https://visio.example/abc", role_models_max=3)
    far_remote = create_role_model(departements=["69"], accepts_remote=True)
    near_not_remote = create_role_model(departements=["75"], accepts_remote=False)
    result = proposals.propose(online)
    assert proposed_ids(result) == {far_remote.id}
    assert near_not_remote.id not in {r["role_model_id"] for r in result.ranking}
    assert_dropped(result, {"format": 1})


def test_event_type_and_in_person_format_must_be_accepted(db, event, good, create_role_model):
    create_role_model(event_types=["conference"])  # the event is a school visit
    create_role_model(accepts_in_person=False, accepts_remote=True)
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id}
    assert_dropped(result, {"format": 2})
    assert "format" in result.outcome.reasons


def test_weekly_window_must_hold_the_whole_event_in_paris_time(db, event, create_role_model):
    # the event is 10:00-12:00 Paris (09:00 UTC): a window read in UTC would get it wrong
    fits = create_role_model(windows=[(1, time(9, 30), time(12))])
    create_role_model(windows=[(1, time(8), time(11))])  # ends during the event
    create_role_model(windows=[(2, time(8), time(18))])  # Wednesday only
    create_role_model(windows=[(1, time(9), time(11, 30))])  # holds it in UTC, not in Paris
    result = proposals.propose(event)
    assert proposed_ids(result) == {fits.id}
    assert_dropped(result, {"outside_window": 3})
    assert result.outcome.reasons == ("too_few_candidates", "outside_window")


def test_adjoining_windows_hold_an_event_across_them(db, event, create_role_model):
    both = create_role_model(windows=[(1, time(9), time(11)), (1, time(11), time(13))])
    assert proposed_ids(proposals.propose(event)) == {both.id}


def test_windows_are_read_in_the_events_own_zone_outre_mer(db, create_event, create_role_model):
    # 05:00 UTC is 09:00 in La Réunion (UTC+4), 06:00 in Paris
    reunion = create_event(departement="974", timezone="Indian/Reunion", start_at=START.replace(hour=5))
    local = create_role_model(departements=["974"], windows=[(1, time(8, 30), time(12))])
    assert proposed_ids(proposals.propose(reunion)) == {local.id}


def test_a_day_off_excludes_the_person(db, event, good, create_role_model):
    away = create_role_model()
    away.exceptions.append(AvailabilityException(start_date=date(2027, 3, 15), end_date=date(2027, 3, 16)))
    back = create_role_model()
    back.exceptions.append(AvailabilityException(start_date=date(2027, 3, 1), end_date=date(2027, 3, 15)))
    db.session.flush()
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id, back.id}
    assert_dropped(result, {"exception": 1})


def test_busy_blocks_count_with_a_travel_buffer(db, event, good, create_role_model):
    overlapping = create_role_model()
    busy(db, overlapping, START + timedelta(hours=1), START + timedelta(hours=3))
    too_close = create_role_model()  # free 20 minutes before: less than the 30-minute buffer
    busy(db, too_close, START - timedelta(hours=2), START - timedelta(minutes=20))
    fine = create_role_model()  # free 45 minutes before
    busy(db, fine, START - timedelta(hours=2), START - timedelta(minutes=45))
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id, fine.id}
    assert_dropped(result, {"busy": 2})


@pytest.mark.parametrize("status", [AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED,
                                    AssignmentStatus.PROPOSED])
def test_held_elsewhere_at_the_same_time(db, event, good, create_role_model, create_event, create_assignment, status):
    taken = create_role_model()
    other = create_event(start_at=START + timedelta(hours=1), status=EventStatus.SCHEDULED)
    create_assignment(event=other, role_model=taken, status=status)
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id}
    assert_dropped(result, {"engaged": 1})


def test_ended_participations_elsewhere_do_not_hold_the_person(db, event, create_role_model, create_event,
                                                               create_assignment):
    free = create_role_model()
    other = create_event(start_at=START + timedelta(hours=1))
    create_assignment(event=other, role_model=free, status=AssignmentStatus.DECLINED)
    assert proposed_ids(proposals.propose(event)) == {free.id}


def test_same_day_engagement_too_far_to_travel(db, event, good, create_role_model, create_event, create_assignment):
    # both finish 45 minutes before our event starts: enough within Paris, not from Marseille
    marseille = create_event(departement="13", start_at=START - timedelta(hours=2, minutes=45))
    paris = create_event(departement="75", start_at=START - timedelta(hours=2, minutes=45))
    stuck = create_role_model(departements=["75", "13"])
    nearby = create_role_model()
    create_assignment(event=marseille, role_model=stuck, status=AssignmentStatus.CONFIRMED)
    create_assignment(event=paris, role_model=nearby, status=AssignmentStatus.CONFIRMED)
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id, nearby.id}
    assert_dropped(result, {"engaged": 1})


def test_monthly_cap_counts_existing_engagements(db, event, good, create_role_model, create_event, create_assignment):
    full = create_role_model(monthly_cap=1)
    create_assignment(event=create_event(start_at=datetime(2027, 3, 2, 9, tzinfo=UTC)), role_model=full,
                      status=AssignmentStatus.CONFIRMED)
    room = create_role_model(monthly_cap=1)  # their engagement is in April
    create_assignment(event=create_event(start_at=datetime(2027, 4, 6, 9, tzinfo=UTC)), role_model=room,
                      status=AssignmentStatus.CONFIRMED)
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id, room.id}
    assert_dropped(result, {"caps_reached": 1})


def test_a_cap_of_zero_means_never(db, event, good, create_role_model):
    create_role_model(monthly_cap=0)
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id}
    assert_dropped(result, {"caps_reached": 1})


def test_someone_who_declined_is_never_proposed_again(db, event, good, create_role_model, create_assignment):
    declined = create_role_model()
    create_assignment(event=event, role_model=declined, status=AssignmentStatus.DECLINED)
    result = proposals.propose(event)
    assert proposed_ids(result) == {good.id}
    assert declined.id not in {r["role_model_id"] for r in result.ranking}


def test_only_missing_seats_are_filled(db, create_event, create_role_model, create_assignment):
    event = create_event(role_models_max=3)
    create_assignment(event=event, status=AssignmentStatus.INVITED)
    create_assignment(event=event, status=AssignmentStatus.PROPOSED)
    create_assignment(event=event, status=AssignmentStatus.DECLINED)  # holds no seat
    people = [create_role_model() for _ in range(4)]
    result = proposals.propose(event)
    assert len(result.created) == 1 and proposed_ids(result) <= {p.id for p in people}
    assert proposals.propose(event).created == []  # every seat is held now


def test_new_proposals_never_put_one_person_on_two_overlapping_events(db, create_event, create_role_model):
    first = create_event(role_models_max=1)
    second = create_event(role_models_max=1, start_at=START + timedelta(minutes=30))
    only = create_role_model()
    summary = proposals.plan_period(date(2027, 3, 15), date(2027, 3, 19))
    assert summary.seats_proposed == 1
    unfilled = summary.unfilled
    assert len(unfilled) == 1 and unfilled[0].reasons[0] == "conflicts"
    assert {o.event_id for o in summary.outcomes} == {first.id, second.id}
    assert sum(o.proposed == [only.id] for o in summary.outcomes) == 1


def test_new_proposals_respect_the_remaining_cap(db, create_event, create_role_model):
    create_event(role_models_max=1)
    create_event(role_models_max=1, start_at=START + timedelta(days=1))
    create_role_model(monthly_cap=1)
    summary = proposals.plan_period(date(2027, 3, 15), date(2027, 3, 19))
    assert summary.seats_proposed == 1
    assert summary.unfilled[0].reasons[0] == "caps_reached"


def test_closed_events_get_no_proposal(db, create_event, good):
    from app.services.common.errors import Conflict

    with pytest.raises(Conflict):
        proposals.propose(create_event(status=EventStatus.CANCELLED))
    conference = create_event(type=EventType.CONFERENCE, status=EventStatus.COMPLETED)
    with pytest.raises(Conflict):
        proposals.propose(conference)


def test_an_event_over_two_days_needs_a_window_as_it_starts(db, create_event, create_role_model):
    forum = create_event(type=EventType.CONFERENCE, end_at=START + timedelta(days=1, hours=2))
    there = create_role_model(windows=[(1, time(9), time(12))])
    create_role_model(windows=[(1, time(14), time(18))])
    result = proposals.propose(forum)
    assert proposed_ids(result) == {there.id}
    assert_dropped(result, {"outside_window": 1})

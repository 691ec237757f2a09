"""Proposals for one event and for a period: what is written, how it is explained, preferences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.matching.preferences import WEIGHTS_KEY, load_weights
from app.matching.problem import Weights
from app.models import Assignment, AssignmentStatus, AuditEntry, EventStatus, JobFamily, Setting
from app.services.common import audit
from app.services.pairing import proposals

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)
WEEK = (date(2027, 3, 15), date(2027, 3, 19))


def count_proposals(db, **where) -> int:
    query = select(func.count()).select_from(Assignment).where(Assignment.status == AssignmentStatus.PROPOSED)
    for key, value in where.items():
        query = query.where(getattr(Assignment, key) == value)
    return db.session.scalar(query)


def test_propose_writes_explained_proposals(db, create_event, create_role_model):
    event = create_event(role_models_max=2, topics=["aéronautique"])
    match = create_role_model(sectors=["aéronautique"])
    other = create_role_model(sectors=["textile"])
    spare = create_role_model(sectors=["chimie"])
    result = proposals.propose(event)
    assert len(result.created) == 2
    best = min(result.created, key=lambda a: a.explanation["rank"])
    assert best.role_model_id == match.id and best.status == AssignmentStatus.PROPOSED
    x = best.explanation
    assert {"satisfied", "terms", "cost", "alternatives", "candidates", "dropped", "solver"} <= set(x)
    assert "topic" in x["satisfied"] and x["terms"]["topic"] == 0
    assert x["cost"] == sum(x["terms"].values())
    assert x["source"] == "propose" and x["candidates"] == 3
    second = ({other.id, spare.id} - {a.role_model_id for a in result.created}).pop()
    assert [alt["role_model_id"] for alt in x["alternatives"]] == [second]  # the one left out
    assert x["alternatives"][0]["blocked"] is None  # free, just further down the ranking
    assert 0 < best.score <= 1 and best.score >= max(a.score for a in result.created)
    assert {r["role_model_id"] for r in result.ranking} == {match.id, other.id, spare.id}
    assert [e.action for e in audit.trail(best)] == ["assignment.proposed"]


def test_propose_again_adds_nothing(db, create_event, create_role_model):
    event = create_event(role_models_max=2)
    for _ in range(4):
        create_role_model()
    assert len(proposals.propose(event).created) == 2
    assert proposals.propose(event).created == []
    assert count_proposals(db, event_id=event.id) == 2


def test_preferences_same_region_before_far_away(db, create_event, create_role_model):
    event = create_event(role_models_max=1)
    far = create_role_model(departements=["75", "13"], home_departement="13")
    near = create_role_model(departements=["75"], home_departement="92")
    result = proposals.propose(event)
    assert [a.role_model_id for a in result.created] == [near.id]
    explanation = result.created[0].explanation
    assert "region" in explanation["satisfied"]
    # Hauts-de-Seine next to Paris costs distance points: "nearby" is not claimed.
    assert explanation["terms"]["distance"] > 0 and "nearby" not in explanation["satisfied"]
    assert explanation["alternatives"][0]["role_model_id"] == far.id


def test_badges_are_true_and_a_topic_mismatch_is_a_warning(db, create_event, create_role_model, create_request):
    request, _ = create_request(topics=["aéronautique"])
    event = create_event(role_models_max=2, visit_request_id=request.id, topics=["aéronautique"])
    dairy = create_role_model(sectors=["agroalimentaire"], job_title="Directrice de laiterie", home_departement="75")
    pilot = create_role_model(sectors=["aéronautique"], home_departement="75")
    result = proposals.propose(event)
    by_person = {a.role_model_id: a.explanation for a in result.created}
    assert by_person[dairy.id]["warnings"] == ["topic_far"] and "topic" not in by_person[dairy.id]["satisfied"]
    assert by_person[pilot.id]["warnings"] == [] and "topic" in by_person[pilot.id]["satisfied"]
    for explanation in by_person.values():
        assert "nearby" in explanation["satisfied"] and explanation["terms"]["distance"] == 0
        assert "language" not in explanation["satisfied"]  # no language was asked
        assert 0 <= explanation["fit"] <= 100
    assert by_person[pilot.id]["fit"] > by_person[dairy.id]["fit"]


def test_preferences_fair_spread_and_reliability(db, create_event, create_role_model, create_assignment):
    event = create_event(role_models_max=1)
    busy_lately = create_role_model()
    for days in (10, 20, 30):
        past = create_event(start_at=datetime.now(UTC) - timedelta(days=days), status=EventStatus.COMPLETED)
        create_assignment(event=past, role_model=busy_lately, status=AssignmentStatus.CONFIRMED)
    unreliable = create_role_model(late_cancellations=2)
    fresh = create_role_model()
    result = proposals.propose(event)
    assert [a.role_model_id for a in result.created] == [fresh.id]
    costs = {r["role_model_id"]: r["terms"] for r in result.ranking}
    assert costs[busy_lately.id]["load"] > 0 and costs[unreliable.id]["reliability"] > 0


def test_language_asked_through_topics(db, create_event, create_role_model):
    event = create_event(role_models_max=1, topics=["anglais"])
    create_role_model(languages=["fr"])
    english = create_role_model(languages=["fr", "en"])
    result = proposals.propose(event)
    assert [a.role_model_id for a in result.created] == [english.id]
    assert "language" in result.created[0].explanation["satisfied"]


def test_request_topics_count_too(db, create_event, create_role_model, create_request):
    request, _ = create_request(topics=["Automobile"])
    event = create_event(role_models_max=1, visit_request=request)
    create_role_model(sectors=["textile"])
    cars = create_role_model(sectors=["automobile"])
    assert [a.role_model_id for a in proposals.propose(event).created] == [cars.id]


def test_mixed_job_families_on_a_panel(db, create_event, create_role_model):
    event = create_event(role_models_max=2)
    engineers = [create_role_model(job_family=JobFamily.ENGINEER) for _ in range(2)]
    operator = create_role_model(job_family=JobFamily.OPERATOR, late_cancellations=1)  # a bit costlier alone
    chosen = {a.role_model_id for a in proposals.propose(event).created}
    assert operator.id in chosen and len(chosen & {e.id for e in engineers}) == 1


def test_weights_come_from_the_settings_row(db):
    assert load_weights() == Weights()
    db.session.add(Setting(key=WEIGHTS_KEY, value={"topic": 5, "region": 50, "unknown": 3}))
    db.session.flush()
    assert load_weights() == Weights(topic=5, region=50)
    db.session.get(Setting, WEIGHTS_KEY).value = {"topic": -1}
    db.session.flush()
    assert load_weights() == Weights()  # invalid: defaults, never a crash


def test_organizer_outside_scope_cannot_propose(db, create_event, create_user):
    from app.services.common.errors import NotFound

    with pytest.raises(NotFound):  # as if the event did not exist
        proposals.propose(create_event(), actor=create_user(academies=["lyon"]))


# --- a period ------------------------------------------------------------------------------------


def test_plan_fills_the_open_events_of_the_period(db, create_event, create_role_model):
    inside = [create_event(start_at=START + timedelta(days=d), role_models_max=2) for d in range(3)]
    draft = create_event(start_at=START, status=EventStatus.DRAFT, role_models_max=1)
    create_event(start_at=START, status=EventStatus.CONFIRMED)  # confirmed: not replanned
    create_event(start_at=START, status=EventStatus.CANCELLED)
    later = create_event(start_at=START + timedelta(days=14))
    for _ in range(6):
        create_role_model(monthly_cap=4)
    summary = proposals.plan_period(*WEEK)
    assert summary.events == 4 and summary.seats_missing == 7 and summary.seats_proposed == 7
    assert summary.unfilled == [] and summary.status == "optimal"
    for event in [*inside, draft]:
        assert count_proposals(db, event_id=event.id) == event.role_models_max
    assert count_proposals(db, event_id=later.id) == 0
    written = db.session.scalars(select(Assignment).where(Assignment.event_id == inside[0].id)).all()
    assert all(a.explanation["source"] == "plan" and a.explanation["satisfied"] is not None for a in written)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "assignment.proposed")) == 7
    assert [e.actor_label for e in audit.trail(written[0])] == ["matching"]


def test_plan_explains_who_the_other_event_took(db, create_event, create_role_model):
    first = create_event(role_models_max=1, topics=["chimie"])
    second = create_event(role_models_max=1, topics=["chimie"], start_at=START + timedelta(minutes=30))
    star = create_role_model(sectors=["chimie"])
    other = create_role_model(sectors=["textile"])
    summary = proposals.plan_period(*WEEK)
    assert summary.seats_proposed == 2
    [without_star] = db.session.scalars(select(Assignment).where(
        Assignment.event_id.in_([first.id, second.id]), Assignment.role_model_id == other.id)).all()
    [alternative] = without_star.explanation["alternatives"]
    assert alternative["role_model_id"] == star.id and alternative["blocked"] == "conflicts"
    assert alternative["cost"] < without_star.explanation["cost"] and "topic" in alternative["satisfied"]


def test_plan_twice_adds_nothing(db, create_event, create_role_model):
    create_event(role_models_max=2)
    for _ in range(3):
        create_role_model()
    assert proposals.plan_period(*WEEK).seats_proposed == 2
    again = proposals.plan_period(*WEEK)
    assert again.seats_proposed == 0 and again.already_full == 1
    assert count_proposals(db) == 2


def test_plan_says_why_events_stay_short(db, create_event, create_role_model):
    nobody = create_event(departement="23")
    everyone_away = create_event(departement="69")
    create_role_model(departements=["69"], windows=[])
    create_event(role_models_max=1)
    create_role_model()
    summary = proposals.plan_period(*WEEK)
    reasons = {o.event_id: o.reasons for o in summary.unfilled}
    assert reasons == {nobody.id: ("no_coverage",), everyone_away.id: ("outside_window",)}
    assert summary.reason_counts == {"no_coverage": 1, "outside_window": 1}


def test_plan_by_academie_and_organizer_scope(db, create_event, create_role_model, create_user):
    paris = create_event()
    lyon = create_event(departement="69")
    create_role_model(departements=["75", "69"])
    create_role_model(departements=["75", "69"])
    summary = proposals.plan_period(*WEEK, academies=["lyon"])
    assert [o.event_id for o in summary.outcomes] == [lyon.id]
    summary = proposals.plan_period(*WEEK, actor=create_user(academies=["paris"]))
    assert [o.event_id for o in summary.outcomes] == [paris.id]


def test_plan_reports_progress(db, create_event, create_role_model):
    create_event()
    create_role_model()
    seen = []
    proposals.plan_period(*WEEK, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert [s for s, _, _ in seen] == ["events", "candidates", "solve", "solve", "write"]
    assert seen[-1] == ("write", 1, 1)


def test_plan_command(app, db, create_event, create_role_model):
    event = create_event(role_models_max=2)
    create_event(departement="23")
    create_role_model()
    result = app.test_cli_runner().invoke(args=["plan", "--from", "2027-03-15", "--to", "2027-03-19"])
    assert result.exit_code == 0, result.output
    assert "2 open event(s)" in result.output
    assert "Seats to fill: 3; proposals written: 1" in result.output
    assert "no_coverage" in result.output
    assert count_proposals(db, event_id=event.id) == 1


def test_plan_command_rejects_bad_input(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plan", "--from", "2027-03-19", "--to", "2027-03-15"])
    assert result.exit_code != 0 and "ends before it starts" in result.output
    result = runner.invoke(args=["plan", "--from", "2027-03-15", "--to", "2027-03-19", "--academie", "atlantis"])
    assert result.exit_code != 0 and "unknown académie" in result.output
    result = runner.invoke(args=["plan", "--from", "15/03/2027", "--to", "2027-03-19"])
    assert result.exit_code != 0

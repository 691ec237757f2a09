"""Impact figures on hand-built data with known answers (SQLite and PostgreSQL), and a page
that costs the same number of queries whatever the data size."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event as sa_event

from app.extensions import db as _db
from app.models import (
    AssignmentStatus,
    EducationPriority,
    EventFeedback,
    EventSchool,
    EventStatus,
    EventType,
    FeedbackRespondent,
    JobFamily,
    SchoolKind,
    UserRole,
)
from app.services.common.errors import Invalid
from app.services.statistics import impact
from tests.support import factories
from tests.support.impact import NOW, YEAR, World, paris


@pytest.fixture
def world(db):
    return World(factories)


@pytest.fixture
def admin(create_user):
    return create_user(role=UserRole.ADMIN)


@pytest.fixture
def paris_organizer(create_user):
    return create_user(academies=["paris"])


def test_period_is_paris_dates_end_excluded():
    assert YEAR.instants() == (datetime(2026, 8, 31, 22, tzinfo=UTC), datetime(2027, 8, 31, 22, tzinfo=UTC))
    assert len(YEAR.months()) == 12 and YEAR.months()[0] == date(2026, 9, 1)
    assert YEAR.last_day == date(2027, 8, 31)
    assert impact.Period.school_year(date(2027, 3, 3)) == YEAR
    assert impact.Period.school_year(date(2026, 9, 1)) == YEAR


@pytest.mark.parametrize("start, end", [(date(2027, 1, 1), date(2027, 1, 1)), (date(2027, 1, 2), date(2027, 1, 1)),
                                        (date(2020, 1, 1), date(2026, 1, 1))])
def test_period_refuses_empty_reversed_or_overlong(start, end):
    with pytest.raises(Invalid) as excinfo:
        impact.Period(start, end)
    assert "end" in excinfo.value.fields


def test_events_by_type_and_status(world, admin):
    figures = impact.compute(admin, YEAR, now=NOW)
    assert figures.events == 7
    assert figures.events_with(status=EventStatus.COMPLETED) == 4
    assert figures.events_with(type=EventType.SCHOOL_VISIT, status=EventStatus.COMPLETED) == 3
    assert figures.events_with(status=EventStatus.CANCELLED) == 2
    assert figures.events_with(type=EventType.ROUNDTABLE) == 1


def test_pupils_and_girls_from_feedback_else_estimated(world, admin):
    reach = impact.compute(admin, YEAR, now=NOW).reach
    assert (reach.events, reach.pupils, reach.girls) == (4, 25 + 30 + 18 + 24 + 10, 12 + 14 + 9 + 10 + 5)
    assert (reach.pupils_estimated, reach.girls_estimated) == (30 + 24 + 10, 14 + 10 + 5)
    assert reach.is_estimated


def test_reach_per_paris_month(world, admin):
    by_month = dict(impact.compute(admin, YEAR, now=NOW).reach_by_month)
    assert list(by_month) == YEAR.months()
    assert (by_month[date(2026, 9, 1)].events, by_month[date(2026, 9, 1)].girls) == (1, 5)  # 00:30 Paris
    assert (by_month[date(2026, 10, 1)].pupils, by_month[date(2026, 10, 1)].girls) == (25, 12)
    assert (by_month[date(2026, 11, 1)].pupils, by_month[date(2026, 11, 1)].girls) == (48, 23)
    assert by_month[date(2027, 1, 1)].pupils_estimated == 24
    assert by_month[date(2026, 12, 1)] == impact.Reach()


def test_reach_per_academie_ranked(world, admin):
    ranked = impact.compute(admin, YEAR, now=NOW).reach_by_academie
    assert [(code, r.events, r.pupils, r.girls) for code, r in ranked] == [("paris", 3, 83, 40), ("lyon", 1, 24, 10)]


def test_schools_reached_by_kind_and_priority(world, admin):
    figures = impact.compute(admin, YEAR, now=NOW)
    assert figures.schools == 3  # school A took part twice: counted once
    assert figures.schools_by_kind == Counter({SchoolKind.COLLEGE: 1, SchoolKind.LYCEE_PRO: 1, SchoolKind.LYCEE: 1})
    assert figures.priority_schools == 2
    assert figures.schools_by_priority[EducationPriority.REP_PLUS] == 1


def test_requests_funnel_and_time_to_schedule(world, admin):
    requests = impact.compute(admin, YEAR, now=NOW).requests
    assert (requests.received, requests.answered, requests.scheduled, requests.completed) == (5, 4, 3, 1)
    assert (requests.declined, requests.pending, requests.withdrawn) == (1, 1, 0)
    assert sorted(requests.days_to_schedule) == pytest.approx([1, 3, 5])
    assert requests.median_days == pytest.approx(3) and requests.mean_days == pytest.approx(3)


def test_role_models_active_new_dormant_and_hours(world, admin):
    rm = impact.compute(admin, YEAR, now=NOW).role_models
    assert rm.active_by_family == Counter({JobFamily.ENGINEER: 1, JobFamily.OPERATOR: 1, JobFamily.MANAGER: 1})
    assert rm.active_by_sector == Counter({"aéronautique": 2, "énergie": 1, "automobile": 1})
    assert rm.new_by_family == Counter({JobFamily.OPERATOR: 1, JobFamily.ENGINEER: 1})
    assert rm.pool_by_family == Counter({JobFamily.ENGINEER: 1, JobFamily.OPERATOR: 1, JobFamily.TECHNICIAN: 2,
                                         JobFamily.MANAGER: 1})
    assert rm.dormant_by_family == Counter({JobFamily.TECHNICIAN: 2})
    assert rm.hours_given == pytest.approx(2 + 4 * 2 + 2)


def test_dormancy_is_judged_now_when_the_period_is_not_over(world, admin):
    # On 1 October 2027 the last engagement of rm1 and rm2 (20 November 2026) is still recent;
    # a year later everyone is dormant but rm2, who joined in October 2026.
    assert impact.compute(admin, YEAR, now=paris(2026, 12, 1)).role_models.dormant == 2
    later = impact.Period(date(2026, 9, 1), date(2028, 9, 1))
    assert impact.compute(admin, later, now=paris(2028, 1, 15)).role_models.dormant_by_family == Counter(
        {JobFamily.TECHNICIAN: 2, JobFamily.ENGINEER: 1, JobFamily.MANAGER: 1, JobFamily.OPERATOR: 1})


def test_cancellations_and_withdrawals_with_their_causes(world, admin):
    figures = impact.compute(admin, YEAR, now=NOW)
    assert figures.cancellations == [("Grève", 2)]
    assert figures.withdrawals == [("Déplacement professionnel", 1)]


def test_an_organizer_sees_only_their_academies(world, paris_organizer):
    figures = impact.compute(paris_organizer, YEAR, now=NOW)
    assert figures.academies == frozenset({"paris"})
    assert figures.events == 5 and (figures.reach.events, figures.reach.pupils, figures.reach.girls) == (3, 83, 40)
    assert [code for code, _ in figures.reach_by_academie] == ["paris"]
    assert figures.schools == 2 and figures.requests.received == 4
    assert figures.role_models.active == 2 and figures.role_models.hours_given == pytest.approx(10)
    assert figures.role_models.pool == 4  # rm5 covers Lyon only
    assert figures.cancellations == [("Grève", 1)]


def test_an_organizer_without_academies_sees_nothing(world, create_user):
    figures = impact.compute(create_user(academies=[]), YEAR, now=NOW)
    assert figures.is_empty and figures.role_models.pool == 0


def test_an_empty_period(world, admin):
    figures = impact.compute(admin, impact.Period(date(2030, 1, 1), date(2030, 2, 1)), now=NOW)
    assert figures.is_empty
    assert figures.reach == impact.Reach() and figures.reach_by_month == [(date(2030, 1, 1), impact.Reach())]
    assert figures.requests.median_days is None and figures.role_models.hours_given == 0


def test_public_headline(world):
    headline = impact.headline(YEAR)
    assert (headline.reach.events, headline.reach.girls, headline.schools, headline.role_models_active) == (4, 50, 3, 3)


def _answer(event, school, pupils, girls=None, *, contact_id=None):
    """A school's answer written straight into the table, as any writer could."""
    respondent = FeedbackRespondent.SCHOOL if contact_id is None else FeedbackRespondent.CONTACT
    _db.session.add(EventFeedback(event_id=event.id, respondent=respondent, respondent_id=contact_id or school.id,
                                  school_id=school.id, pupils_attended=pupils, girls_attended=girls))
    _db.session.flush()


BASE_PUPILS, BASE_GIRLS = 25 + 30 + 18 + 24 + 10, 12 + 14 + 9 + 10 + 5


def test_answers_beyond_the_class_sizes_are_left_out_and_flagged(world, admin):
    _answer(world.e2, world.a, 900, 400)  # e2 asked for 30 pupils of school A
    _answer(world.e3, world.c, 30, 10, contact_id=999)  # e3 lists no school: the request asked for 24
    figures = impact.compute(admin, YEAR, now=NOW)
    assert (figures.reach.pupils, figures.reach.girls) == (BASE_PUPILS, BASE_GIRLS)
    assert (figures.reach.pupils_estimated, figures.reach.girls_estimated) == (30 + 24 + 10, 14 + 10 + 5)
    assert figures.reach.flagged == 2
    headline = impact.headline(YEAR)
    assert (headline.reach.pupils, headline.reach.girls) == (BASE_PUPILS, BASE_GIRLS)


def test_the_capacity_bounds_a_school_whose_class_size_is_unknown(world, admin):
    world.e2.schools[1].headcount = None  # school B, which answered 18
    world.e2.capacity = 15
    _db.session.flush()
    reach = impact.compute(admin, YEAR, now=NOW).reach
    assert (reach.pupils, reach.flagged) == (BASE_PUPILS - 18, 1)  # nothing measured, nothing asked
    world.e2.capacity = 40
    _db.session.flush()
    reach = impact.compute(admin, YEAR, now=NOW).reach
    assert (reach.pupils, reach.flagged) == (BASE_PUPILS, 0)


def test_a_schools_contacts_make_one_figure_the_largest_plausible(world, admin):
    _answer(world.e2, world.a, 22, 10, contact_id=901)
    _answer(world.e2, world.a, 26, 11, contact_id=902)
    _answer(world.e2, world.a, 31, 11, contact_id=903)  # over the 30 asked: left out
    reach = impact.compute(admin, YEAR, now=NOW).reach
    assert (reach.pupils, reach.girls) == (BASE_PUPILS - 30 + 26, BASE_GIRLS - 14 + 11)
    assert (reach.pupils_estimated, reach.girls_estimated, reach.flagged) == (24 + 10, 10 + 5, 1)


def test_reasons_are_merged_and_the_tail_summed():
    rows = [(f"raison {i}", 1) for i in range(10)] + [("Raison  0", 2), (None, 1), ("", 1)]
    ranked = impact._ranked(rows, top=3)
    assert ranked[0] == ("Raison 0", 3) and ranked[1] == ("—", 2)  # the most used spelling
    assert ranked[-1] == ("Autres", 8) and len(ranked) == 4


def _count_queries(fn) -> int:
    count = 0

    def before(*args):
        nonlocal count
        count += 1

    engine = _db.session.get_bind()
    engine = getattr(engine, "engine", engine)
    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
    return count


def _grow(factories, n):
    for i in range(n):
        school = factories.create_school(departement="75")
        event = factories.create_event(start_at=paris(2026, 9 + i % 4, 2 + i, 9), status=EventStatus.COMPLETED)
        event.schools.append(EventSchool(school=school, headcount=20 + i, girls_count=i))
        rm = factories.create_role_model(sectors=[f"secteur {i}"])
        factories.create_assignment(event=event, role_model=rm, status=AssignmentStatus.CONFIRMED)
        factories.create_request(school=school, submitted_at=paris(2026, 10, 1 + i, 9))
    _db.session.flush()


def test_query_count_does_not_grow_with_the_data(world, admin, paris_organizer):
    for actor in (admin, paris_organizer):
        small = _count_queries(lambda: impact.compute(actor, YEAR, now=NOW))
        _grow(factories, 12)
        large = _count_queries(lambda: impact.compute(actor, YEAR, now=NOW))
        assert small == large <= 12
    assert impact.compute(admin, YEAR, now=NOW).reach.events == 4 + 24

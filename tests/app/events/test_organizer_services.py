"""Services behind the organizer pages: queue, slot suggestions, dashboard, pairing, exports,
role-model directory."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.models import (
    AssignmentStatus,
    BusyInterval,
    EducationPriority,
    Event,
    EventStatus,
    EventType,
    ExternalCalendar,
    OutboxEmail,
    RequestStatus,
    RoleModelStatus,
)
from app.services import dashboard
from app.services.common import audit
from app.services.common.errors import Conflict, Invalid, NotFound
from app.services.pairing import board as pairing
from app.services.requests import slots, triage
from app.services.role_models import directory
from app.services.statistics import exports

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def organizer(create_user):
    return create_user(academies=["paris"])


# --- the request queue -----------------------------------------------------------------------

def test_queue_filters_by_priority_format_and_window_and_stays_in_scope(db, organizer, create_request, create_school):
    rep = create_school(priority=EducationPriority.REP_PLUS)
    wanted, _ = create_request(school=rep, format=EventType.ROUNDTABLE,
                               windows=[(date(2027, 3, 15), date(2027, 3, 19))])
    create_request(format=EventType.ROUNDTABLE, windows=[(date(2027, 3, 15), date(2027, 3, 19))])
    create_request(school=rep, format=EventType.SCHOOL_VISIT)
    create_request(school=create_school(departement="69"), format=EventType.ROUNDTABLE)  # Lyon: out of scope
    create_request(school=rep, format=EventType.ROUNDTABLE, status=RequestStatus.DECLINED)
    found = triage.list_requests(organizer, triage.RequestFilters(
        priority="rep", format="roundtable", window_from=date(2027, 3, 18), window_to=date(2027, 3, 30)))
    assert found == [wanted]
    assert len(triage.list_requests(organizer)) == 3  # the open ones in Paris


def test_opening_out_of_scope_looks_missing(db, organizer, create_request, create_school):
    lyon, _ = create_request(school=create_school(departement="69"))
    with pytest.raises(NotFound):
        triage.get_request(organizer, lyon.id)


def test_review_then_decline_with_a_reason(db, organizer, create_request):
    request, _ = create_request()
    triage.start_review(organizer, request)
    assert request.status == RequestStatus.IN_REVIEW
    with pytest.raises(Invalid) as excinfo:
        triage.decline_request(organizer, request, reason=" ")
    assert "reason" in excinfo.value.fields
    triage.decline_request(organizer, request, reason="Pas d'intervenante disponible ce trimestre")
    assert request.status == RequestStatus.DECLINED
    assert [e.action for e in audit.trail(request)] == ["request.in_review", "request.declined"]
    with pytest.raises(Conflict):
        triage.decline_request(organizer, request, reason="Encore")


def test_declining_tells_the_school_why_once_in_its_language(db, organizer, create_request):
    request, _ = create_request()
    request.contact.locale = "en"
    triage.decline_request(organizer, request, reason="No role model free this term")
    emails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == request.contact.email)).all()
    assert len(emails) == 1
    email = emails[0]
    assert email.dedupe_key == f"request:{request.id}:declined"
    assert "could not be taken forward" in email.subject and request.school.name in email.subject
    assert "No role model free this term" in email.body_text and "No role model free this term" in email.body_html
    assert "/demandes/nouvelle" in email.body_text and "/demandes/nouvelle" in email.body_html


# --- slot suggestions --------------------------------------------------------------------------

def test_slots_skip_school_holidays_and_public_holidays_and_need_free_role_models(
    db, create_request, create_role_model, create_event, create_assignment
):
    # Paris is zone C: spring holidays from Saturday 3 to Sunday 18 April 2027; Easter Monday is 29 March.
    request, _ = create_request(windows=[(date(2027, 3, 29), date(2027, 4, 23))])
    free = create_role_model(windows=[(d, time(8), time(18)) for d in range(5)])
    busy = create_role_model(windows=[(d, time(8), time(18)) for d in range(5)])
    calendar = ExternalCalendar(role_model=busy, url="https://example.org/cal.ics")
    db.session.add(calendar)
    db.session.add(BusyInterval(calendar=calendar, role_model_id=busy.id,
                                start_at=datetime(2027, 3, 30, 6, tzinfo=UTC),
                                end_at=datetime(2027, 3, 30, 18, tzinfo=UTC)))
    create_role_model(status=RoleModelStatus.PAUSED)
    create_role_model(departements=["69"])
    engaged = create_event(start_at=datetime(2027, 3, 31, 7, tzinfo=UTC), end_at=datetime(2027, 3, 31, 10, tzinfo=UTC))
    create_assignment(event=engaged, role_model=free, status=AssignmentStatus.CONFIRMED)
    plan = slots.plan_slots(request, now=NOW)
    days = {d.day: d for d in plan.days}
    assert days[date(2027, 3, 29)].public_holiday == "Lundi de Pâques" and not days[date(2027, 3, 29)].slots
    assert days[date(2027, 4, 6)].school_holiday == "Vacances de printemps" and not days[date(2027, 4, 6)].slots
    assert days[date(2027, 4, 19)].is_school_day and days[date(2027, 4, 19)].slots
    morning = {s.start_at: s.available for s in days[date(2027, 3, 30)].slots}
    assert morning[datetime(2027, 3, 30, 7, tzinfo=UTC)] == 1  # 9:00 Paris: only `free`
    wednesday = days[date(2027, 3, 31)].slots
    assert [s.start_at for s in wednesday] == [datetime(2027, 3, 31, 7, tzinfo=UTC)]  # no Wednesday afternoon
    assert wednesday[0].available == 1  # `free` is engaged, `busy` is not busy that day
    assert plan.suggestions and all(s.available >= plan.needed for s in plan.suggestions)
    assert plan.suggestions[0].available == 2


def test_slots_count_the_people_matching_would_find(db, create_request, create_role_model, create_event,
                                                   create_assignment):
    # Tuesday 2 March 2027, 9:00-11:00 Paris (8:00-10:00 UTC): three people free by their windows
    request, _ = create_request(windows=[(date(2027, 3, 2), date(2027, 3, 2))])
    create_role_model()
    near_busy = create_role_model()
    calendar = ExternalCalendar(role_model=near_busy, url="https://example.org/cal.ics")
    db.session.add(calendar)
    # ends 15 minutes before the slot: inside matching's travel buffer
    db.session.add(BusyInterval(calendar=calendar, role_model_id=near_busy.id,
                                start_at=datetime(2027, 3, 2, 6, tzinfo=UTC),
                                end_at=datetime(2027, 3, 2, 7, 45, tzinfo=UTC)))
    capped = create_role_model(monthly_cap=1)
    create_assignment(event=create_event(start_at=datetime(2027, 3, 20, 9, tzinfo=UTC)), role_model=capped,
                      status=AssignmentStatus.CONFIRMED)
    morning = slots.plan_slots(request, now=NOW).days[1].slots[0]
    assert morning.start_at == datetime(2027, 3, 2, 8, tzinfo=UTC)
    assert morning.available == 1
    assert not db.session.new and db.session.scalar(select(Event).where(Event.id < 0)) is None


def test_a_roundtable_needs_three_free_role_models(db, create_request, create_role_model):
    request, _ = create_request(format=EventType.ROUNDTABLE, windows=[(date(2027, 3, 2), date(2027, 3, 5))])
    create_role_model()
    create_role_model()
    plan = slots.plan_slots(request, now=NOW)
    assert plan.needed == 3 and plan.suggestions == []
    create_role_model()
    assert slots.plan_slots(request, now=NOW).suggestions


# --- dashboard ---------------------------------------------------------------------------------

def test_dashboard_lists_what_needs_attention_in_scope(
    app, db, organizer, create_request, create_event, create_assignment, create_school
):
    new, _ = create_request(submitted_at=NOW - timedelta(days=1))
    create_request(school=create_school(departement="69"))
    short = create_event(start_at=NOW + timedelta(days=3), role_models_min=2, role_models_max=3)
    create_assignment(event=short, status=AssignmentStatus.CONFIRMED)
    stale = create_assignment(event=short, status=AssignmentStatus.INVITED, invited_at=NOW - timedelta(days=5))
    create_assignment(event=short, status=AssignmentStatus.INVITED, invited_at=NOW - timedelta(days=1))
    full = create_event(start_at=NOW + timedelta(days=10))
    clashing = create_assignment(event=full, status=AssignmentStatus.CONFIRMED)
    calendar = ExternalCalendar(role_model=clashing.role_model, url="https://example.org/c.ics")
    db.session.add(calendar)
    db.session.add(BusyInterval(calendar=calendar, role_model_id=clashing.role_model_id,
                                start_at=full.start_at - timedelta(hours=1),
                                end_at=full.start_at + timedelta(minutes=30)))
    lyon = create_event(departement="69", start_at=NOW + timedelta(days=2), role_models_min=2, role_models_max=2)
    board = dashboard.needs_attention(organizer, now=NOW, stale_after_days=3)
    assert board.new_requests == [new] and board.new_requests_total == 1
    assert [(s.event, s.confirmed, s.needed) for s in board.short_events] == [(short, 1, 2)]
    assert board.stale_invitations == [stale]
    assert [a for a, _ in board.conflicts] == [clashing]
    assert board.this_week == [short] and lyon not in board.this_week
    # Its expiry is the expiry job's: INVITATION_EXPIRY_DAYS after the invitation.
    assert board.expires_at(stale) == stale.invited_at + timedelta(days=app.config["INVITATION_EXPIRY_DAYS"])
    app.config["INVITATION_EXPIRY_DAYS"] = 12
    later = dashboard.needs_attention(organizer, now=NOW, stale_after_days=3)
    assert later.expires_at(stale) == stale.invited_at + timedelta(days=12)


# --- pairing -----------------------------------------------------------------------------------

def test_invite_many_invites_what_it_can_and_reports_the_rest(
    db, organizer, create_event, create_assignment, create_role_model
):
    event = create_event(organizer=organizer, role_models_max=3)
    ok = [create_assignment(event=event) for _ in range(2)]
    paused = create_assignment(event=event, role_model=create_role_model(status=RoleModelStatus.PAUSED))
    elsewhere = create_assignment(event=create_event(departement="69"))
    result = pairing.invite_many(organizer, [a.id for a in [*ok, paused, elsewhere]], event=event)
    assert result.done == ok and all(a.status == AssignmentStatus.INVITED for a in ok)
    assert [a for a, _ in result.refused] == [paused] and paused.status == AssignmentStatus.PROPOSED
    assert elsewhere.status == AssignmentStatus.PROPOSED  # out of scope: silently not found


def test_confirm_accepted_and_replace(db, organizer, create_event, create_assignment):
    event = create_event(organizer=organizer, role_models_min=2, role_models_max=2)
    accepted = [create_assignment(event=event, status=AssignmentStatus.ACCEPTED) for _ in range(2)]
    result = pairing.confirm_accepted(organizer, event)
    assert result.done == accepted and event.status == EventStatus.CONFIRMED
    spare = create_assignment(event=event)
    pairing.replace(organizer, accepted[0], spare, reason="Malade")
    assert accepted[0].status == AssignmentStatus.CANCELLED and spare.status == AssignmentStatus.INVITED
    assert event.status == EventStatus.SCHEDULED  # one confirmed out of two needed


def test_confirm_accepted_in_the_order_they_answered(db, organizer, create_event, create_assignment):
    event = create_event(organizer=organizer, role_models_min=1, role_models_max=3)
    now = datetime.now(UTC)
    late, early, middle = (create_assignment(event=event, status=AssignmentStatus.ACCEPTED,
                                             responded_at=now - timedelta(hours=hours)) for hours in (1, 3, 2))
    db.session.expire(event, ["assignments"])  # as loaded in a later request, in the database's order
    result = pairing.confirm_accepted(organizer, event)
    assert result.done == [early, middle, late] and not result.refused


def test_search_offers_only_free_active_people_of_the_departement(db, organizer, create_event, create_role_model,
                                                                   create_assignment):
    event = create_event()
    match = create_role_model(last_name="Dupont", company="Forges")
    create_role_model(last_name="Dupont", status=RoleModelStatus.PAUSED)
    create_role_model(last_name="Dupont", departements=["69"])
    create_assignment(event=event, role_model=create_role_model(last_name="Dupont"))
    assert pairing.search_role_models(organizer, event, "dupont forges") == [match]


# --- exports -----------------------------------------------------------------------------------

def test_events_csv_opens_in_french_excel(db, organizer, create_event, create_school):
    event = create_event(title="=HYPERLINK(\"x\")", start_at=datetime(2027, 3, 16, 8, 0, tzinfo=UTC),
                         commune="Saint-Étienne")
    create_event(departement="69", start_at=datetime(2027, 3, 16, 8, 0, tzinfo=UTC))
    body = exports.events_csv(organizer, date(2027, 3, 1), date(2027, 3, 31))
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Identifiant", "Type", "Titre", "Statut"]
    assert len(rows) == 2  # Lyon is out of scope
    assert rows[1][0] == str(event.id) and rows[1][2].startswith("'=")  # no formula injection
    assert rows[1][4] == "16/03/2027 09:00" and rows[1][8] == "Saint-Étienne"


def test_requests_csv(db, organizer, create_request):
    request, _ = create_request(submitted_at=datetime(2027, 2, 10, 10, tzinfo=UTC),
                                windows=[(date(2027, 3, 1), date(2027, 3, 5))])
    body = exports.requests_csv(organizer, date(2027, 2, 1), date(2027, 2, 28))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1] == "Reçue le" and rows[1][5] == request.school.uai
    assert rows[1][13] == "01/03/2027–05/03/2027"


# --- role-model directory ----------------------------------------------------------------------

def test_directory_is_scoped_by_departements_covered(db, organizer, create_role_model):
    pending = create_role_model(status=RoleModelStatus.PENDING, sectors=["chimie"])
    active = create_role_model(departements=["92", "75"])
    lyon = create_role_model(departements=["69"])
    ids = {r.role_model.id for r in directory.list_role_models(organizer)}
    assert ids == {pending.id, active.id}
    only = directory.list_role_models(organizer, directory.RoleModelFilters(sector="chimie"))
    assert [r.role_model for r in only] == [pending]
    profile = directory.get_profile(organizer, active.id)
    assert profile.role_model == active and profile.history == [] and profile.calendars == []
    with pytest.raises(NotFound):
        directory.get_profile(organizer, lyon.id)

"""A small world of schools, events, requests and role models whose impact figures are worked
out by hand (tests/app/statistics/test_statistics.py says which), shared by the app and browser tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.extensions import db as _db
from app.models import (
    AssignmentStatus,
    AuditEntry,
    EducationPriority,
    EventFeedback,
    EventSchool,
    EventStatus,
    EventType,
    FeedbackRespondent,
    JobFamily,
    RequestStatus,
    RoleModelStatus,
    SchoolKind,
)
from app.services.statistics.impact import Period

PARIS = ZoneInfo("Europe/Paris")
YEAR = Period(date(2026, 9, 1), date(2027, 9, 1))
NOW = datetime(2027, 9, 15, tzinfo=UTC)


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


class World:
    """Schools, events, requests and role models whose figures are worked out by hand below."""

    def __init__(self, f):
        self.f = f
        self.a = f.create_school(departement="75", kind=SchoolKind.COLLEGE, priority=EducationPriority.REP)
        self.b = f.create_school(departement="75", kind=SchoolKind.LYCEE_PRO, priority=EducationPriority.REP_PLUS)
        self.c = f.create_school(departement="69", kind=SchoolKind.LYCEE)

        # Completed, in the period: e8 starts 00:30 on 1 September in Paris (still 31 August in UTC).
        self.e8 = self.event(paris(2026, 9, 1, 0, 30), EventStatus.COMPLETED, schools=[(self.a, 10, 5)])
        self.e1 = self.event(paris(2026, 10, 5, 10), EventStatus.COMPLETED, schools=[(self.a, 28, 13)])
        self.feedback(self.e1, self.a, 25, 12)
        self.e2 = self.event(paris(2026, 11, 20, 8), EventStatus.COMPLETED, hours=4,
                             type=EventType.DISCOVERY_HALF_DAY, schools=[(self.a, 30, 14), (self.b, 20, 8)])
        self.feedback(self.e2, self.b, 18, 9)
        # Scheduled from a request; the event lists no school, the request's numbers stand in.
        self.r1, _ = f.create_request(school=self.c, headcount=24, girls_count=10, status=RequestStatus.COMPLETED,
                                      submitted_at=paris(2026, 9, 10, 10))
        self.e3 = self.event(paris(2027, 1, 10, 14), EventStatus.COMPLETED, departement="69",
                             visit_request=self.r1, created_at=paris(2026, 9, 13, 10))
        # Not reached: cancelled, still to come, or outside the period (23:30 on 31 August in Paris).
        self.e4 = self.event(paris(2026, 12, 1, 9), EventStatus.CANCELLED, type=EventType.CONFERENCE,
                             cancel_reason="Grève")
        self.e5 = self.event(paris(2027, 2, 1, 9), EventStatus.CANCELLED, departement="69", cancel_reason="  grève ")
        self.e6 = self.event(paris(2027, 5, 1, 9), EventStatus.SCHEDULED, type=EventType.ROUNDTABLE)
        self.e0 = self.event(paris(2026, 8, 31, 23, 30), EventStatus.COMPLETED, schools=[(self.a, 99, 50)])

        # Requests received in the period: r1 (above, 3 days to schedule), r2 (1 day, by the
        # audit entry, before its event was created), r3 declined, r4 waiting, r5 scheduled
        # after 5 days then put back in review; r6 came before the period.
        self.r2, _ = f.create_request(school=self.a, status=RequestStatus.SCHEDULED,
                                      submitted_at=paris(2026, 10, 1, 10))
        self.audit(self.r2, paris(2026, 10, 2, 10))
        self.e6.visit_request = self.r2
        self.e6.created_at = paris(2026, 10, 5, 10)
        f.create_request(school=self.a, status=RequestStatus.DECLINED, submitted_at=paris(2026, 10, 10, 10))
        f.create_request(school=self.b, status=RequestStatus.SUBMITTED, submitted_at=paris(2026, 11, 1, 10))
        self.r5, _ = f.create_request(school=self.b, status=RequestStatus.IN_REVIEW,
                                      submitted_at=paris(2026, 11, 2, 10))
        self.audit(self.r5, paris(2026, 11, 7, 10))
        f.create_request(school=self.a, status=RequestStatus.COMPLETED, submitted_at=paris(2026, 8, 1, 10))

        old = paris(2024, 1, 1)
        self.rm1 = f.create_role_model(job_family=JobFamily.ENGINEER, sectors=["Aéronautique", "énergie"],
                                       created_at=paris(2025, 1, 1))
        self.rm2 = f.create_role_model(job_family=JobFamily.OPERATOR, sectors=["aéronautique"],
                                       created_at=paris(2026, 10, 1))
        self.rm3 = f.create_role_model(job_family=JobFamily.TECHNICIAN, sectors=["chimie"], created_at=old)
        self.rm4 = f.create_role_model(job_family=JobFamily.TECHNICIAN, created_at=old)
        self.rm5 = f.create_role_model(job_family=JobFamily.MANAGER, sectors=["automobile"], created_at=old,
                                       departements=["69"], home_departement="69")
        f.create_role_model(job_family=JobFamily.ENGINEER, status=RoleModelStatus.PENDING, created_at=paris(2027, 2, 1))
        f.create_role_model(created_at=old, anonymised_at=paris(2025, 6, 1))
        f.create_role_model(created_at=old, status=RoleModelStatus.PAUSED)

        confirmed = AssignmentStatus.CONFIRMED
        f.create_assignment(event=self.e1, role_model=self.rm1, status=confirmed)
        f.create_assignment(event=self.e2, role_model=self.rm1, status=confirmed)
        f.create_assignment(event=self.e2, role_model=self.rm2, status=confirmed)
        f.create_assignment(event=self.e3, role_model=self.rm5, status=confirmed)
        f.create_assignment(event=self.e4, role_model=self.rm3, status=AssignmentStatus.CANCELLED)
        f.create_assignment(event=self.e6, role_model=self.rm4, status=AssignmentStatus.WITHDRAWN,
                            reason="Déplacement professionnel")
        f.create_assignment(event=self.e6, role_model=self.rm3, status=AssignmentStatus.DECLINED)
        _db.session.flush()

    def event(self, start, status, *, hours=2, schools=(), **kw):
        event = self.f.create_event(start_at=start, end_at=start + timedelta(hours=hours), status=status, **kw)
        for school, headcount, girls in schools:
            event.schools.append(EventSchool(school=school, headcount=headcount, girls_count=girls))
        return event

    def feedback(self, event, school, pupils, girls):
        _db.session.add(EventFeedback(event_id=event.id, respondent=FeedbackRespondent.SCHOOL, respondent_id=school.id,
                                      school_id=school.id, pupils_attended=pupils, girls_attended=girls))

    def audit(self, request, at):
        _db.session.add(AuditEntry(created_at=at, actor_label="organizer:Test", subject_type="visit_request",
                                   subject_id=request.id, action="request.scheduled", details={}))

"""A role model's page about one of her engagements (/espace/rencontres/<id>): what the meeting
is, where and when, who she will meet, whom to ask, and what she may still do (answer while
invited, withdraw after accepting), with the meeting as a calendar file.

Only her own participations, and only once she was invited: a proposal matching wrote but no
organizer sent is the organizers' draft, so it answers exactly as a missing id (404), like
anyone else's participation. Answering goes through the signed answer links
(`answer_links`, `answers`), so the page and the email follow the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.feeds import mapping
from app.models import Assignment, AssignmentStatus, Event, EventSchool, EventStatus, User
from app.models.types import utcnow
from app.services.common.errors import Conflict, NotFound
from app.services.events import emails
from app.services.pairing import assignments

# The others she will meet: those who said yes (an invitation may still be declined).
COMING = (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)
WITHDRAWABLE = (AssignmentStatus.ACCEPTED, AssignmentStatus.CONFIRMED)
_OPEN_EVENTS = (EventStatus.DRAFT, EventStatus.SCHEDULED, EventStatus.CONFIRMED)
_NEVER_SENT = (AssignmentStatus.PROPOSED, AssignmentStatus.CANCELLED)


@dataclass(frozen=True)
class Colleague:
    """Another role model coming, as schools see them too: first name and job only."""

    first_name: str
    job_title: str


@dataclass(frozen=True)
class Contact:
    name: str | None
    email: str


@dataclass(frozen=True)
class Meeting:
    assignment: Assignment
    event: Event
    schools: list[EventSchool]
    colleagues: list[Colleague]
    contact: Contact
    may_answer: bool
    may_withdraw: bool


def own_assignment(actor: User | None, assignment_id: int) -> Assignment:
    """The participation `assignment_id` if it is the actor's and was sent to her; NotFound otherwise."""
    assignment = db.session.get(Assignment, assignment_id) if actor is not None else None
    if (assignment is None or assignment.role_model.user_id != actor.id
            or assignment.role_model.anonymised_at is not None or not _sent(assignment)):
        raise NotFound()
    return assignment


def _sent(assignment: Assignment) -> bool:
    """Whether she was ever asked: a proposal (or one dismissed before any invitation) was not."""
    return assignment.invited_at is not None or assignment.status not in _NEVER_SENT


def meeting(actor: User | None, assignment_id: int) -> Meeting:
    assignment = own_assignment(actor, assignment_id)
    event = assignment.event
    colleagues = [
        Colleague(other.role_model.first_name, other.role_model.job_title)
        for other in sorted(event.assignments, key=lambda a: a.id)
        if other.id != assignment.id and other.status in COMING and other.role_model.anonymised_at is None
    ]
    organizer = mapping.organizer_person(event)
    return Meeting(
        assignment=assignment, event=event, schools=list(event.schools), colleagues=colleagues,
        contact=Contact(organizer.name, organizer.email),
        may_answer=assignment.status == AssignmentStatus.INVITED and event.status in _OPEN_EVENTS,
        may_withdraw=_may_withdraw(assignment),
    )


def _may_withdraw(assignment: Assignment) -> bool:
    return (assignment.status in WITHDRAWABLE and assignment.event.status in _OPEN_EVENTS
            and assignment.event.start_at > utcnow())


def withdraw(actor: User | None, assignment_id: int, *, reason: str = "") -> Assignment:
    """She steps back after accepting: the organizer is told (and matching proposes someone
    else) by `assignments.withdraw`. Once the meeting has begun, it is too late for a click."""
    assignment = own_assignment(actor, assignment_id)
    if not _may_withdraw(assignment):
        raise Conflict(_l("Vous ne pouvez plus vous retirer de cette rencontre depuis votre espace : "
                          "écrivez à votre contact IndustriElles."), code=f"assignment_{assignment.status.value}")
    return assignments.withdraw(assignment, reason=reason, actor=actor)


def calendar_file(actor: User | None, assignment_id: int) -> bytes:
    """The meeting as she would have it from her invitation email (the same UID, so her calendar
    updates the entry instead of adding a second one): cancelled once her part has ended."""
    assignment = own_assignment(actor, assignment_id)
    recipient = emails.role_model_recipient(assignment)
    ics = None
    if recipient is not None:
        with force_locale(recipient.locale):
            ics = emails.invitation_ics(assignment.event, "REQUEST", recipient)
    if ics is None:  # calendars refuse her stored address (logged): nothing to offer
        raise NotFound()
    return ics

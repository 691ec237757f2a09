"""The one place that maps events and assignments to calendar values, as each audience may see
them, and the iTIP invitations built on them (used by the event and pairing emails).

Audiences and what each may see:
- public: title, type, time, place and description of public events; no person at all.
- role model: their own invitations and participations (TENTATIVE until confirmed), the
  schools, class levels and headcounts, the organizer to contact.
- everyone but a role model: TENTATIVE while the event is scheduled (its role models are not
  all confirmed), CONFIRMED once it is — the app's own states, in every feed and invitation.
- school: the school's events (or one request's), the role models coming by first name and job
  only, and the collective's address to write to (`collective_person`) — never a person's
  last name, employer, email or phone: whoever typed a public UAI may be reading.
- organizer: the events of their académies with schools, school contacts and role models.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from email.utils import parseaddr

from flask import current_app

import calendars
from app import labels, local_time
from app.feeds.texts import _, ngettext
from app.feeds.texts import label as _label
from app.models import Assignment, AssignmentStatus, Event, EventStatus, SchoolContact
from app.services.common import text
from app.services.programmes import timetables
from calendars import Attendee, CalendarEvent, PartStat, Person
from calendars import EventStatus as CalStatus

ENDED = (AssignmentStatus.DECLINED, AssignmentStatus.EXPIRED, AssignmentStatus.WITHDRAWN, AssignmentStatus.CANCELLED)
TENTATIVE = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


class Audience(enum.StrEnum):
    PUBLIC = "public"
    ROLE_MODEL = "role_model"
    SCHOOL = "school"
    ORGANIZER = "organizer"


# --- one event as a calendar value -------------------------------------------------------------


def calendar_event(
    event: Event, audience: Audience = Audience.ROLE_MODEL, *, assignment: Assignment | None = None,
    school_ids: frozenset[int] | None = None,
) -> CalendarEvent:
    """The calendar value of `event` as `audience` may see it; with `assignment`, as that role
    model sees it (TENTATIVE while invited or accepted, CANCELLED once their part ended); for a
    school, `school_ids` are the schools whose groups' paths it shows (none when not given).

    Text is in the current locale: call inside `flask_babel.force_locale` for someone else's.
    """
    last_modified = event.updated_at
    if assignment is not None:
        last_modified = max(last_modified, assignment.updated_at)
    elif audience in (Audience.SCHOOL, Audience.ORGANIZER) and event.assignments:
        last_modified = max(last_modified, *(a.updated_at for a in event.assignments))
    geo = None
    if event.latitude is not None and event.longitude is not None and not event.is_online:
        geo = (event.latitude, event.longitude)
    return CalendarEvent(
        uid=event.uid,
        summary=event.title,
        start=event.start_at,
        end=event.end_at,
        last_modified=last_modified,
        created=event.created_at,
        timezone=event.timezone or local_time.DISPLAY_TIMEZONE,
        status=_status(event, audience, assignment),
        sequence=event.sequence,
        description=_description(event, audience, assignment, school_ids),
        location=_location(event, audience),
        geo=geo,
        categories=(_label(labels.EVENT_TYPES, event.type),),
    )


def _status(event: Event, audience: Audience, assignment: Assignment | None) -> CalStatus:
    if event.status == EventStatus.CANCELLED:
        return CalStatus.CANCELLED
    if assignment is not None:
        if assignment.status in ENDED:
            return CalStatus.CANCELLED
        if assignment.status in TENTATIVE:
            return CalStatus.TENTATIVE
        return CalStatus.CONFIRMED
    if event.status in (EventStatus.DRAFT, EventStatus.SCHEDULED):
        return CalStatus.TENTATIVE  # date set, role models not all confirmed yet: for every audience
    return CalStatus.CONFIRMED


def _location(event: Event, audience: Audience) -> str:
    if event.is_online:
        online = _("En ligne")
        return f"{online} : {event.online_url}" if event.online_url and audience != Audience.PUBLIC else online
    return ", ".join(part for part in (event.venue, event.address, event.commune) if part)


def _description(event: Event, audience: Audience, assignment: Assignment | None = None,
                 school_ids: frozenset[int] | None = None) -> str:
    lines = [_label(labels.EVENT_TYPES, event.type)]
    if event.description:
        lines.append(event.description.strip())
    if audience == Audience.PUBLIC:
        return "\n\n".join(lines)
    for link in event.schools:
        school = link.school
        detail = ", ".join(
            part
            for part in (
                link.class_level,
                ngettext("%(num)d élève", "%(num)d élèves", link.headcount) if link.headcount else "",
                (ngettext("dont %(num)d fille", "dont %(num)d filles", link.girls_count)
                 if link.girls_count is not None and link.headcount else ""),
            )
            if part
        )
        lines.append(_("Établissement : %(name)s (%(commune)s)", name=school.name, commune=school.commune)
                     + (f" — {detail}" if detail else ""))
    if audience in (Audience.SCHOOL, Audience.ORGANIZER):
        lines.extend(_role_model_lines(event, audience))
    lines.extend(timetables.feed_lines(event, audience.value, assignment, school_ids))  # programme, her table
    if audience == Audience.ORGANIZER:
        contact = event.visit_request.contact if event.visit_request is not None else None
        if contact is not None:
            reach = ", ".join(part for part in (contact.email, contact.phone) if part)
            lines.append(_("Contact de l'établissement : %(name)s (%(reach)s)", name=contact.full_name, reach=reach))
    elif audience == Audience.SCHOOL:
        collective = collective_person()
        lines.append(_("Votre contact IndustriElles : %(name)s <%(email)s>",
                       name=collective.name or "IndustriElles", email=collective.email))
    elif event.organizer is not None:
        lines.append(_("Votre contact IndustriElles : %(name)s <%(email)s>",
                       name=event.organizer.full_name, email=event.organizer.email))
    if event.is_online and event.online_url:
        lines.append(_("Lien de la réunion : %(url)s", url=event.online_url))
    return "\n\n".join(lines)


def _role_model_lines(event: Event, audience: Audience) -> list[str]:
    shown = (AssignmentStatus.CONFIRMED,) if audience == Audience.SCHOOL else (*TENTATIVE, AssignmentStatus.CONFIRMED)
    lines = []
    for assignment in sorted(event.assignments, key=lambda a: a.id or 0):
        if assignment.status not in shown or assignment.role_model.anonymised_at is not None:
            continue
        rm = assignment.role_model
        if audience == Audience.ORGANIZER:
            line = f"{rm.display_name} — {rm.job_title}, {rm.company}"
            line += f" ({_label(labels.ASSIGNMENT_STATUSES, assignment.status)})"
        else:
            line = f"{rm.first_name} — {rm.job_title}"
        lines.append(line)
    if not lines:
        return []
    return [_("Intervenant·es :") + "\n" + "\n".join(f"- {line}" for line in lines)]


# --- invitations (iTIP) ------------------------------------------------------------------------


def collective_person() -> Person:
    """The collective's sender (MAIL_FROM): every email a school gets comes from it, so its
    replies already go there; schools see it instead of an organizer's own mailbox."""
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return Person(address, name or None)


def _cn(name: str | None) -> str | None:
    """A display name as calendars take it: names stored before the text rules
    (`app.services.common.text`) may hold a line break, which would make the whole message fail."""
    return text.one_line(name) or None


def organizer_person(event: Event, audience: Audience = Audience.ROLE_MODEL, *, address: str | None = None) -> Person:
    """The ORGANIZER of iTIP messages: the event's organizer, or the service's sender (always,
    for a school; also when the organizer's address is one calendars refuse).

    `address`, chosen by the caller, replaces the organizer's own address (keeping their name):
    the reply address of one engagement (app/services/pairing/reply_addresses.py), where the
    person's calendar app sends its answer."""
    if address and audience != Audience.SCHOOL:
        organizer = event.organizer
        name = _cn(organizer.full_name) if organizer is not None else collective_person().name
        return Person(address, name)
    if audience != Audience.SCHOOL and event.organizer is not None and event.organizer.email:
        try:
            return Person(event.organizer.email, _cn(event.organizer.full_name))
        except calendars.InvalidEvent:
            pass
    return collective_person()


def role_model_attendee(assignment: Assignment) -> Attendee | None:
    """The role model as an ATTENDEE; None when they have no email (anonymised account).
    PARTSTAT and RSVP say exactly what the app expects of them: an answer (NEEDS-ACTION,
    RSVP=TRUE) only while invited; after it, their answer and no new one asked (a time change
    puts them back to invited first: app/services/events/lifecycle.py).
    Raises `calendars.InvalidEvent` for an address calendars refuse (stored before the text rules)."""
    user = assignment.role_model.user
    if user is None or assignment.role_model.anonymised_at is not None:
        return None
    partstat = {
        AssignmentStatus.ACCEPTED: PartStat.ACCEPTED,
        AssignmentStatus.CONFIRMED: PartStat.ACCEPTED,
        AssignmentStatus.DECLINED: PartStat.DECLINED,
    }.get(assignment.status, PartStat.NEEDS_ACTION)
    return Attendee(user.email, _cn(assignment.role_model.display_name), partstat=partstat,
                    rsvp=assignment.status == AssignmentStatus.INVITED)


def contact_attendee(contact: SchoolContact) -> Attendee:
    return Attendee(contact.email, _cn(contact.full_name), partstat=PartStat.ACCEPTED, rsvp=False)


def invitation_ics(
    event: Event,
    method: str,
    attendees: Iterable[Attendee],
    *,
    audience: Audience = Audience.ROLE_MODEL,
    assignment: Assignment | None = None,
    organizer_address: str | None = None,
    school_ids: frozenset[int] | None = None,
) -> bytes:
    """An iTIP message (REQUEST or CANCEL) about `event` for `attendees`, as `audience` sees it;
    `organizer_address` as in `organizer_person`.

    Send one message per recipient listing only them, so nobody learns other people's addresses.
    """
    value = calendar_event(event, audience, assignment=assignment, school_ids=school_ids)
    if method.upper() == "REQUEST" and value.status == CalStatus.CANCELLED:
        method = "CANCEL"
    organizer = organizer_person(event, audience, address=organizer_address)
    return calendars.render_invitation(value, method=method, organizer=organizer, attendees=attendees)


"""Calendar answers as tests send them: the golden client messages of tests/calendars/data/replies
addressed to a real assignment, and a small Gmail-shaped builder for every other case."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from app.extensions import db
from app.models import Assignment, User, UserRole
from app.services.pairing import assignments, reply_addresses
from tests.support import factories

GOLDEN = Path(__file__).resolve().parents[1] / "calendars" / "data" / "replies"
GOLDEN_ADDRESS = re.compile(rb"reponses\+a7-abcdefghijklmnop@rencontres\.example", re.IGNORECASE)
GOLDEN_UID = "event-42@rencontres.example"
GOLDEN_ATTENDEE = "ines.diallo@example.org"
CLIENTS = ("gmail_accepted", "outlook_declined", "apple_mail_tentative", "thunderbird_accepted")
START = datetime(2027, 3, 16, 8, tzinfo=UTC)


def invite_golden_attendee(organizer: User, **event) -> Assignment:
    """The golden messages' attendee invited, by `organizer`, to the golden messages' event."""
    event = factories.create_event(title="Les métiers de la maintenance", organizer=organizer, start_at=START,
                                   end_at=START + timedelta(hours=4), uid=GOLDEN_UID, **event)
    event.sequence = 1
    user = factories.create_user(role=UserRole.ROLE_MODEL, email=GOLDEN_ATTENDEE, password=None)
    assignment = factories.create_assignment(event=event, role_model=factories.create_role_model(user=user))
    assignments.invite(organizer, assignment)
    db.session.flush()
    return assignment


def golden(name: str, assignment: Assignment, *, address: str | None = None) -> bytes:
    """The client's message as it would reach us for `assignment` (only headers change: the
    calendar parts stay byte for byte as the client encoded them)."""
    raw = (GOLDEN / f"{name}.eml").read_bytes()
    target = address or reply_addresses.address_for(assignment)
    return GOLDEN_ADDRESS.sub(target.encode(), raw)


def reply(assignment: Assignment, partstat: str = "ACCEPTED", *, method: str = "REPLY", to: str | None = None,
          attendee: str | None = None, uid: str | None = None, sequence: int | None = None,
          stamp: datetime | None = None, message_id: str | None = None, comment: str = "") -> bytes:
    """A Gmail-shaped answer (inline text/calendar in multipart/alternative, .ics attached)."""
    event = assignment.event
    stamp = stamp or datetime(2027, 3, 2, 9, tzinfo=UTC)
    lines = [
        "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
        f"METHOD:{method}", "BEGIN:VEVENT",
        f"DTSTART:{event.start_at:%Y%m%dT%H%M%SZ}", f"DTEND:{event.end_at:%Y%m%dT%H%M%SZ}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}", f"UID:{uid or event.uid}",
        f"ATTENDEE;PARTSTAT={partstat};CN=Test:mailto:{attendee or assignment.role_model.user.email}",
        f"SEQUENCE:{event.sequence if sequence is None else sequence}",
        *([f"COMMENT:{comment}"] if comment else []), "END:VEVENT", "END:VCALENDAR", "",
    ]
    ics = "\r\n".join(lines).encode()
    msg = EmailMessage()
    msg["From"] = f"Test <{attendee or assignment.role_model.user.email}>"
    msg["To"] = to or reply_addresses.address_for(assignment)
    msg["Subject"] = f"{partstat}: {event.title}"
    msg["Message-ID"] = f"<{message_id or f'{partstat}-{stamp:%H%M%S}-{assignment.id}'}@test.example>"
    msg.set_content("Réponse")
    msg.add_alternative(ics, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"})
    msg.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return msg.as_bytes()

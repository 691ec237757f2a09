"""Reading the iTIP answers people's calendar apps send back by email (:rfc:`6047`, :rfc:`5546`).

When someone presses "Yes", "No" or "Maybe" on an invitation, Gmail, Outlook, Apple Calendar
or Thunderbird mails a ``METHOD:REPLY`` to the invitation's ORGANIZER; "Propose a new time"
sends a ``METHOD:COUNTER``. :func:`read_message` takes the bytes of one RFC 5322 message and
returns what a program needs to act on it: the message's own headers (every recipient address,
so that the address it was sent to can be recognised, its Message-ID, its sender) and the
answer, typed. Each client packs the calendar differently, and all of them are read:

- a ``text/calendar; method=REPLY`` part, inline in a ``multipart/alternative`` (Gmail,
  Outlook — base64 there — and Thunderbird) or as an attachment (Apple Mail, quoted-printable);
- an ``.ics`` attachment typed ``application/ics`` or ``application/octet-stream``;
- parts nested at any depth, any charset, byte-order marks, folded lines.

Nothing raises for what a sender wrote: a message without a readable answer comes back with
:attr:`InboundMessage.error` set (a :class:`~calendars.errors.CalendarError` with its ``code``).

>>> raw = (b"From: Ines <ines@example.org>\\r\\nTo: reponses+a7-code@example.net\\r\\n"
...        b"Message-ID: <1@example.org>\\r\\nContent-Type: text/calendar; method=REPLY\\r\\n\\r\\n"
...        b"BEGIN:VCALENDAR\\r\\nMETHOD:REPLY\\r\\nBEGIN:VEVENT\\r\\nUID:e-1\\r\\nSEQUENCE:2\\r\\n"
...        b"DTSTAMP:20270301T100000Z\\r\\nATTENDEE;PARTSTAT=ACCEPTED:mailto:Ines@example.org\\r\\n"
...        b"END:VEVENT\\r\\nEND:VCALENDAR\\r\\n")
>>> message = read_message(raw)
>>> message.recipients, message.message_id
(('reponses+a7-code@example.net',), '1@example.org')
>>> message.reply.method, message.reply.uid, message.reply.sequence, message.reply.attendee, message.reply.partstat
('REPLY', 'e-1', 2, 'ines@example.org', 'ACCEPTED')
>>> read_message(b"Subject: hello\\r\\n\\r\\nno calendar here").error.code
'no_calendar_answer'
"""

from __future__ import annotations

import codecs
import email
import email.header
import email.policy
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from email.message import Message
from email.utils import getaddresses, parseaddr
from zoneinfo import ZoneInfo

import icalendar

from calendars.errors import CalendarError, CalendarTooLarge, InvalidCalendar

__all__ = [
    "MAX_MESSAGE_BYTES",
    "ANSWER_METHODS",
    "RECIPIENT_HEADERS",
    "CalendarAnswer",
    "InboundMessage",
    "NoCalendarAnswer",
    "read_message",
]

MAX_MESSAGE_BYTES = 5 * 1024 * 1024
"""Largest message read: an answer is a few kilobytes, even with a signature image or two."""

ANSWER_METHODS = ("REPLY", "COUNTER")
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc")
"""Where the address a message was sent to may be found: mail servers write the envelope's
recipient in the first ones; To and Cc come last because a forwarded message keeps them."""

_ICS_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar")
_GENERIC_TYPES = ("application/octet-stream", "application/x-download", "text/plain")
_PARTSTATS = ("ACCEPTED", "DECLINED", "TENTATIVE", "NEEDS-ACTION", "DELEGATED")


class NoCalendarAnswer(CalendarError):
    """The message holds no calendar part whose METHOD is REPLY or COUNTER."""

    code = "no_calendar_answer"


@dataclass(frozen=True, slots=True)
class CalendarAnswer:
    """One person's answer to an invitation.

    Attributes:
        method: ``"REPLY"`` (an answer) or ``"COUNTER"`` (a proposed new time).
        uid: The UID of the event answered.
        sequence: The SEQUENCE of the invitation answered (0 when absent).
        stamp: DTSTAMP, when the answer was made (UTC), or None when absent.
        attendee: The address of the ATTENDEE answering, lower case, without ``mailto:``.
        partstat: Their PARTSTAT in upper case (``"ACCEPTED"``, ``"DECLINED"``, ``"TENTATIVE"``...);
            ``"NEEDS-ACTION"`` when absent.
        comment: Their note (COMMENT), or None.
        proposed_start: For a COUNTER, the start proposed (UTC); None otherwise.
        proposed_end: For a COUNTER, the end proposed (UTC); None otherwise.
    """

    method: str
    uid: str
    sequence: int
    stamp: datetime | None
    attendee: str
    partstat: str
    comment: str | None = None
    proposed_start: datetime | None = None
    proposed_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What one email says: its headers, and the answer it carries or why none could be read.

    Attributes:
        message_id: The Message-ID without its angle brackets, or None.
        sender: The From address, lower case ('' when absent). Never proof of who answered.
        subject: The Subject, on one line.
        recipients: Every address of :data:`RECIPIENT_HEADERS`, lower case, without repeats.
        reply: The answer, or None.
        error: Why there is no answer (a :class:`CalendarError` with its ``code``), or None.
    """

    message_id: str | None
    sender: str
    subject: str
    recipients: tuple[str, ...]
    reply: CalendarAnswer | None = None
    error: CalendarError | None = None


def read_message(raw: bytes, *, default_tz: str = "Europe/Paris") -> InboundMessage:
    """Read one RFC 5322 message (its bytes, headers included).

    Parameters:
        raw: The message.
        default_tz: The zone of proposed times written without one (floating times).

    Returns:
        The message's headers and either its answer or the error saying why it has none:
        :class:`NoCalendarAnswer`, :class:`~calendars.errors.InvalidCalendar` (a calendar part
        that cannot be read, or an answer missing its UID or ATTENDEE), or
        :class:`~calendars.errors.CalendarTooLarge`.

    Raises:
        TypeError: If ``raw`` is not bytes.
    """
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise TypeError("raw must be bytes")
    raw = bytes(raw)
    if len(raw) > MAX_MESSAGE_BYTES:
        head = email.message_from_bytes(raw[:64 * 1024].partition(b"\r\n\r\n")[0] + b"\r\n\r\n",
                                        policy=email.policy.compat32)
        return _headers(head, CalendarTooLarge(f"message is {len(raw)} bytes, more than {MAX_MESSAGE_BYTES}"))
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as error:  # the parser is lenient; this is belt and braces
        return InboundMessage(None, "", "", (), error=InvalidCalendar(f"cannot read the message: {error}"))
    problem: CalendarError = NoCalendarAnswer("the message holds no calendar answer (METHOD:REPLY or COUNTER)")
    for part in _calendar_parts(message):
        try:
            answer = _answer(_part_text(part), ZoneInfo(default_tz))
        except CalendarError as error:
            if isinstance(problem, NoCalendarAnswer):
                problem = error
            continue
        if answer is not None:
            return _headers(message, None, answer)
    return _headers(message, problem)


def _header_text(message: Message, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    try:
        decoded = email.header.make_header(email.header.decode_header(str(value)))
        return " ".join(str(decoded).split())
    except Exception:  # an undecodable encoded word: keep the raw text
        return " ".join(str(value).split())


def _headers(message: Message, error: CalendarError | None, answer: CalendarAnswer | None = None) -> InboundMessage:
    recipients: list[str] = []
    for name in RECIPIENT_HEADERS:
        values = [str(v) for v in (message.get_all(name) or [])]
        for _, address in getaddresses(values):
            address = address.strip().lower()
            if "@" in address and address not in recipients:
                recipients.append(address)
    message_id = str(message.get("Message-ID") or "").strip().strip("<>").strip() or None
    sender = parseaddr(str(message.get("From") or ""))[1].strip().lower()
    return InboundMessage(message_id[:250] if message_id else None, sender, _header_text(message, "Subject")[:300],
                          tuple(recipients), answer, error)


def _calendar_parts(message: Message) -> list[Message]:
    """Leaf parts that may hold a calendar, inline ones (with a METHOD) first."""
    found: list[tuple[int, Message]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        filename = (part.get_filename() or part.get_param("name") or "")
        filename = str(filename).lower() if isinstance(filename, str) else ""
        if kind in _ICS_TYPES or (kind in _GENERIC_TYPES and filename.endswith((".ics", ".vcs"))):
            found.append((0 if part.get_param("method") else 1, part))
    return [part for _, part in sorted(found, key=lambda pair: pair[0])]


def _part_text(part: Message) -> str:
    try:
        data = part.get_payload(decode=True) or b""
    except Exception as error:
        raise InvalidCalendar(f"cannot decode the calendar part: {error}") from error
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InvalidCalendar("the calendar part is not valid UTF-16") from error
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    charset = part.get_content_charset() or "utf-8"
    for name in (charset, "utf-8"):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")  # every byte decodes; an odd letter in a name at worst


def _answer(text: str, zone: ZoneInfo) -> CalendarAnswer | None:
    if "BEGIN:VCALENDAR" not in text[:2048].upper():
        raise InvalidCalendar("the calendar part does not start with BEGIN:VCALENDAR")
    try:
        calendar = icalendar.Calendar.from_ical(text.lstrip("\ufeff \t\r\n"))
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError...
        raise InvalidCalendar(f"cannot read the calendar part: {error}") from error
    method = str(calendar.get("METHOD", "")).strip().upper()
    if method not in ANSWER_METHODS:
        return None
    events = [c for c in calendar.walk("VEVENT")]
    if not events:
        raise InvalidCalendar(f"a {method} without VEVENT")
    event = events[0]
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise InvalidCalendar(f"a {method} without UID")
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees is not None else []
    if not attendees:
        raise InvalidCalendar(f"a {method} without ATTENDEE")
    attendee = attendees[0]
    for candidate in attendees:  # a REPLY names one attendee; take the one that answered if several
        if str(getattr(candidate, "params", {}).get("PARTSTAT", "")).upper() in _PARTSTATS[:3]:
            attendee = candidate
            break
    address = str(attendee).strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    params = getattr(attendee, "params", {})
    partstat = str(params.get("PARTSTAT", "NEEDS-ACTION")).strip().upper() or "NEEDS-ACTION"
    comment = event.get("COMMENT")
    if isinstance(comment, list):
        comment = comment[0] if comment else None
    try:
        sequence = int(str(event.get("SEQUENCE", 0)).strip() or 0)
    except ValueError:
        raise InvalidCalendar("SEQUENCE is not a number") from None
    start = end = None
    if method == "COUNTER":
        start, end = _time(event, "DTSTART", zone), _time(event, "DTEND", zone)
        duration = event.get("DURATION")
        if end is None and start is not None and duration is not None:
            end = start + duration.dt
    return CalendarAnswer(
        method=method, uid=uid, sequence=max(sequence, 0), stamp=_time(event, "DTSTAMP", timezone.utc),
        attendee=address.strip().lower(), partstat=partstat,
        comment=" ".join(str(comment).split()) or None if comment is not None else None,
        proposed_start=start, proposed_end=end,
    )


def _time(event: icalendar.Event, name: str, zone) -> datetime | None:
    value = event.get(name)
    if value is None:
        return None
    try:
        moment = value.dt
    except Exception:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(timezone.utc)
    if isinstance(moment, date):
        return datetime.combine(moment, time(0), tzinfo=zone).astimezone(timezone.utc)
    return None

"""Reading calendar answers as Gmail, Outlook, Apple Mail and Thunderbird send them (golden
files in data/replies/, written from what each client is documented to send), and every odd
shape a message may take: nothing a sender writes makes the reader raise."""

from __future__ import annotations

import base64
import codecs
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from calendars import CalendarTooLarge, InvalidCalendar
from calendars.replies import MAX_MESSAGE_BYTES, NoCalendarAnswer, read_message

DATA = Path(__file__).parent / "data" / "replies"
UTC = timezone.utc
CAPABILITY = "reponses+a7-abcdefghijklmnop@rencontres.example"
UID = "event-42@rencontres.example"

REPLY = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\n"
    "UID:{uid}\r\nSEQUENCE:3\r\nDTSTAMP:20270302T091512Z\r\n"
    "ATTENDEE;PARTSTAT={partstat};CN=Inès Diallo:mailto:ines.diallo@example.org\r\n"
    "SUMMARY:Les métiers de la maintenance\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def ics(method="REPLY", partstat="ACCEPTED", uid=UID) -> str:
    return REPLY.format(method=method, partstat=partstat, uid=uid)


def message(*parts: tuple[bytes, str, dict], headers: dict | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Inès Diallo <ines.diallo@example.org>"
    msg["To"] = f"Claire <{CAPABILITY}>"
    msg["Message-ID"] = "<m-1@example.org>"
    msg["Subject"] = "Accepté"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content("Réponse.")
    for data, content_type, params in parts:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, **params)
    return msg.as_bytes()


@pytest.mark.parametrize(("name", "partstat"), [
    ("gmail_accepted", "ACCEPTED"),
    ("outlook_declined", "DECLINED"),
    ("apple_mail_tentative", "TENTATIVE"),
    ("thunderbird_accepted", "ACCEPTED"),
])
def test_every_client_shape_is_understood(name, partstat):
    read = read_message((DATA / f"{name}.eml").read_bytes())
    assert read.error is None
    assert read.reply.method == "REPLY" and read.reply.uid == UID and read.reply.sequence == 1
    assert read.reply.attendee == "ines.diallo@example.org" and read.reply.partstat == partstat
    assert read.reply.stamp is not None and read.reply.stamp.tzinfo is not None
    assert CAPABILITY in read.recipients and read.sender == "ines.diallo@example.org"
    assert read.message_id and "<" not in read.message_id


def test_outlook_reply_keeps_its_note_and_its_french_subject():
    read = read_message((DATA / "outlook_declined.eml").read_bytes())
    assert read.reply.comment == "Désolée, je suis en déplacement ce jour-là."
    assert read.subject == "Refusé : Les métiers de la maintenance"
    assert read.recipients == (CAPABILITY,)  # X-Original-To and an upper-case To are one address


def test_outlook_counter_gives_the_proposed_time_in_utc():
    read = read_message((DATA / "outlook_counter.eml").read_bytes())
    assert read.reply.method == "COUNTER"
    # 14:00-18:00 "Romance Standard Time" on 18 March 2027 is winter time in Paris (UTC+1).
    assert read.reply.proposed_start == datetime(2027, 3, 18, 13, tzinfo=UTC)
    assert read.reply.proposed_end == datetime(2027, 3, 18, 17, tzinfo=UTC)
    assert read.reply.comment == "Le jeudi m'irait mieux."


def test_recipients_come_from_every_envelope_header_in_order():
    raw = message((ics().encode(), "text/calendar", {"params": {"method": "REPLY"}}),
                  headers={"Delivered-To": "Box@Example.net", "Cc": "other@example.org, Box@example.net",
                           "Envelope-To": "third@example.net"})
    assert read_message(raw).recipients == ("box@example.net", "third@example.net", CAPABILITY.lower(),
                                            "other@example.org")


@pytest.mark.parametrize(("content_type", "params"), [
    ("application/ics", {"filename": "invite.ics"}),
    ("application/octet-stream", {"filename": "reponse.ICS"}),
    ("text/calendar", {"filename": "x.ics", "params": {"method": "REPLY", "charset": "utf-8"}}),
])
def test_attachments_of_each_type_are_read(content_type, params):
    raw = message((ics(partstat="DECLINED").encode(), content_type, params))
    assert read_message(raw).reply.partstat == "DECLINED"


def test_octet_stream_without_ics_name_is_not_a_calendar():
    raw = message((ics().encode(), "application/octet-stream", {"filename": "photo.jpg"}))
    assert isinstance(read_message(raw).error, NoCalendarAnswer)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "utf-16"])
def test_charsets_and_byte_order_marks(encoding):
    data = ics().encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    charset = "iso-8859-1" if encoding == "latin-1" else "utf-8"
    raw = (f"From: a@example.org\r\nTo: {CAPABILITY}\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: text/calendar; method=REPLY; charset={charset}\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n").encode() + base64.encodebytes(data)
    read = read_message(raw)
    assert read.reply is not None and read.reply.partstat == "ACCEPTED", read.error


def test_nested_multiparts_and_a_request_before_the_reply():
    inner = EmailMessage()
    inner.set_content("forwarded")
    inner.add_attachment(ics(method="REQUEST").encode(), maintype="text", subtype="calendar",
                         params={"method": "REQUEST"})
    inner.add_attachment(ics(partstat="TENTATIVE").encode(), maintype="application", subtype="ics",
                         filename="invite.ics")
    outer = EmailMessage()
    outer["To"] = CAPABILITY
    outer.set_content("hello")
    outer.make_mixed()
    outer.attach(inner)
    read = read_message(outer.as_bytes())
    assert read.reply is not None and read.reply.partstat == "TENTATIVE"


@pytest.mark.parametrize(("body", "code"), [
    (b"just words", InvalidCalendar.code),
    (ics(method="REQUEST").encode(), NoCalendarAnswer.code),
    (b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n", InvalidCalendar.code),
    (ics(uid="").replace("UID:\r\n", "").encode(), InvalidCalendar.code),
    (ics().replace("ATTENDEE;PARTSTAT=ACCEPTED;CN=Inès Diallo:mailto:ines.diallo@example.org\r\n", "").encode(),
     InvalidCalendar.code),
    (ics().replace("SEQUENCE:3", "SEQUENCE:three").encode(), InvalidCalendar.code),
    (b"\xff\xfe\x00garbage", InvalidCalendar.code),
])
def test_unreadable_answers_are_a_typed_error_never_an_exception(body, code):
    raw = (f"From: a@example.org\r\nTo: {CAPABILITY}\r\nMessage-ID: <x@y>\r\n"
           "Content-Type: text/calendar; method=REPLY\r\n\r\n").encode() + body
    read = read_message(raw)
    assert read.reply is None and read.error.code == code
    assert read.message_id == "x@y" and read.recipients == (CAPABILITY,)


@pytest.mark.parametrize("raw", [b"", b"\x00\x01\x02", b"\r\n\r\n", b"Content-Type: multipart/mixed\r\n\r\n--"])
def test_garbage_is_never_an_exception(raw):
    assert read_message(raw).error is not None


def test_too_large_keeps_its_headers():
    raw = message((ics().encode(), "text/calendar", {"params": {"method": "REPLY"}}))
    raw = raw.replace(b"R\xc3\xa9ponse.", b"x" * (MAX_MESSAGE_BYTES + 1))
    read = read_message(raw)
    assert isinstance(read.error, CalendarTooLarge) and read.message_id == "m-1@example.org"


def test_bytes_only():
    with pytest.raises(TypeError):
        read_message("text")  # type: ignore[arg-type]

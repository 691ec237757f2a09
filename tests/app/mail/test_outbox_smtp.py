"""The outbox's send job against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.models import EmailStatus, OutboxEmail
from app.services.events import lifecycle
from app.services.mail import delivery
from app.services.mail.delivery import SmtpSettings, SmtpUrlError, parse_smtp_url
from tests.support.ical_parsers import assert_parses_everywhere

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def scheduled(db, create_user, create_request):
    """A school's request scheduled by its organizer: REQUESTs queued for contact and organizer."""
    organizer = create_user(full_name="Claire Organisatrice", academies=["paris"])
    request, _ = create_request()
    data = lifecycle.EventData(type=request.format, title="Intervention au collège", start_at=START,
                            end_at=START + timedelta(hours=2), departement="75", venue="CDI", commune="Paris")
    event = lifecycle.schedule_request(organizer, request, data)
    db.session.commit()
    return event


def _email(db, to: str, **overrides) -> OutboxEmail:
    email = OutboxEmail(to_address=to, subject=overrides.pop("subject", f"Pour {to}"), body_text="Bonjour",
                        **overrides)
    db.session.add(email)
    db.session.flush()
    return email


def test_delivers_text_html_and_the_itip_invitation(db, smtp, scheduled):
    queued = db.session.query(OutboxEmail).filter_by(event_id=scheduled.id).all()
    assert {e.to_address for e in queued} == {scheduled.visit_request.contact.email, scheduled.organizer.email}

    report = delivery.send_due(smtp_url=smtp.url)

    assert report.sent == 2 and report.failed == report.retried == 0
    assert {e.status for e in queued} == {EmailStatus.SENT}
    assert len(smtp.messages) == 2
    message = next(m for m in smtp.messages if scheduled.visit_request.contact.email in m["To"])
    assert message["Subject"].startswith("Rencontre programmée")
    types = [part.get_content_type() for part in message.walk()]
    assert {"text/plain", "text/html", "text/calendar", "application/ics"} <= set(types)
    calendar_part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    ics = calendar_part.get_payload(decode=True)
    attachment = next(p for p in message.walk() if p.get_filename() == "invitation.ics")
    assert attachment.get_payload(decode=True) == ics
    assert b"METHOD:REQUEST" in ics and scheduled.uid.encode() in ics
    # The attachment lists its recipient only: nobody learns the others' addresses.
    unfolded = ics.replace(b"\r\n ", b"")
    assert unfolded.count(b"ATTENDEE") == 1 and scheduled.organizer.email.encode() not in unfolded.split(b"ATTENDEE")[1]
    assert_parses_everywhere(*(p.get_payload(decode=True) for m in smtp.messages for p in m.walk()
                               if p.get_content_type() == "text/calendar"))


def test_smtp_down_for_a_while_then_back_nothing_lost_nothing_twice(db, smtp):
    emails = [_email(db, f"personne{i}@example.org") for i in range(5)]
    db.session.commit()
    smtp.stop()

    for _ in range(3):  # the job keeps running while SMTP is down
        down = delivery.send_due(smtp_url=smtp.url)
        assert down.sent == 0 and "SMTP unreachable" in down.error
    for email in emails:
        db.session.refresh(email)
        assert email.status == EmailStatus.PENDING
        assert email.attempts == 0  # an outage is nobody's fault: no attempt is used up
        assert "SMTP unreachable" in email.last_error  # and it shows in the outbox

    smtp.start()
    assert delivery.send_due(smtp_url=smtp.url).sent == 5
    assert delivery.send_due(smtp_url=smtp.url).sent == 0
    received = sorted(to for _, tos in smtp.envelopes for to in tos)
    assert received == sorted(e.to_address for e in emails)
    for email in emails:
        db.session.refresh(email)
        assert (email.status, email.last_error) == (EmailStatus.SENT, None)


def _ids_with(status: EmailStatus) -> list[int]:
    return list(_db.session.scalars(select(OutboxEmail.id).where(OutboxEmail.status == status)))


def test_a_refused_recipient_fails_visibly_without_blocking_the_others(db, smtp):
    bad = _email(db, "bounce@example.org")
    good = _email(db, "ok@example.org")
    db.session.commit()
    report = delivery.send_due(smtp_url=smtp.url)
    assert (report.sent, report.failed) == (1, 1)
    db.session.refresh(bad)
    db.session.refresh(good)
    assert bad.status == EmailStatus.FAILED and "550" in bad.last_error
    assert good.status == EmailStatus.SENT
    assert _ids_with(EmailStatus.FAILED) == [bad.id]

    assert delivery.requeue(bad)
    db.session.commit()
    assert bad.status == EmailStatus.PENDING and bad.attempts == 0


def test_temporary_refusals_back_off_exponentially_then_fail(db, smtp):
    email = _email(db, "tempfail@example.org")
    db.session.commit()
    now = datetime.now(UTC)
    delays = []
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        report = delivery.send_due(smtp_url=smtp.url, now=now)
        db.session.refresh(email)
        assert email.attempts == attempt
        if email.status == EmailStatus.FAILED:
            break
        assert report.retried == 1 and email.status == EmailStatus.PENDING
        assert delivery.send_due(smtp_url=smtp.url, now=now).retried == 0  # not due yet
        delays.append(email.next_attempt_at - now)
        now = email.next_attempt_at
    assert email.status == EmailStatus.FAILED and "451" in email.last_error
    assert email.attempts == delivery.MAX_ATTEMPTS
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(delays) == delivery.BACKOFF_CAP
    assert smtp.messages == []


def test_a_crashed_senders_claim_runs_out_and_the_email_goes_once(db, smtp):
    now = datetime.now(UTC)
    stuck = _email(db, "stuck@example.org", status=EmailStatus.SENDING, attempts=1,
                   claimed_until=now + timedelta(minutes=2))
    db.session.commit()
    assert delivery.send_due(smtp_url=smtp.url, now=now).sent == 0  # still claimed
    later = now + timedelta(minutes=3)
    assert delivery.send_due(smtp_url=smtp.url, now=later).sent == 1
    assert delivery.send_due(smtp_url=smtp.url, now=later).sent == 0
    db.session.refresh(stuck)
    assert stuck.status == EmailStatus.SENT and stuck.attempts == 2
    assert len(smtp.messages) == 1


def test_without_smtp_configured_emails_stay_in_the_outbox(db, app):
    email = _email(db, "patience@example.org")
    db.session.commit()
    assert app.config["SMTP_URL"] == ""
    report = delivery.send_due()
    assert report.sent == 0 and report.error is None
    db.session.refresh(email)
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 0)
    assert _ids_with(EmailStatus.PENDING) == [email.id]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://localhost", SmtpSettings("localhost", 25)),
        ("smtp://user:p%40ss@mail.example.org:587?starttls=1",
         SmtpSettings("mail.example.org", 587, "user", "p@ss", "starttls")),
        ("smtp://mail.example.org?starttls=true", SmtpSettings("mail.example.org", 587, security="starttls")),
        ("smtps://u:p@mail.example.org", SmtpSettings("mail.example.org", 465, "u", "p", "ssl")),
        ("smtp://127.0.0.1:2525?timeout=5", SmtpSettings("127.0.0.1", 2525, timeout=5.0)),
    ],
)
def test_smtp_url_parsing(url, expected):
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:notaport", "mail.example.org"])
def test_bad_smtp_urls_are_refused_clearly(url):
    with pytest.raises(SmtpUrlError):
        parse_smtp_url(url)


def test_no_smtp_url_means_no_smtp():
    assert parse_smtp_url("") is None and parse_smtp_url("  ") is None

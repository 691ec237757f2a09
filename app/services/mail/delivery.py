"""The outbox's sending side: a job hands due emails to SMTP, each exactly once.

Each email is claimed by one compare-and-set UPDATE (pending → sending, with `claimed_until`)
and that claim is committed *before* talking to SMTP, so a second sender (another scheduler
started by mistake, a restarted one) can never claim the same row; a crashed sender's claim
simply runs out and the row becomes due again. The only duplicate left possible is a crash
between the SMTP server accepting a message and the commit that marks it sent; the fixed
Message-ID lets mail clients fold that one.

An email that cannot be built or that smtplib refuses itself (a line break in an address
stored before the text rules, an address it cannot encode…) is marked failed with the error
shown on the outbox page, and the next one goes on: one bad row never stops the queue, and a
claimed row never stays "sending".

SMTP unreachable: nothing is claimed and nothing counts as an attempt; the due emails wait in
the outbox, with the error shown, until the server is back. No SMTP configured (the `make run`
default): emails simply stay pending, visible in the outbox page.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.extensions import db
from app.models import EmailStatus, OutboxEmail
from app.models.types import utcnow
from app.services.common import server_urls, text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # with the backoff below: about 20 hours of temporary refusals
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
CLAIM_TTL = timedelta(minutes=5)  # far above one message's SMTP timeout
SMTP_TIMEOUT = 30


class SmtpUrlError(ValueError):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    security: str = "none"  # "none", "starttls" or "ssl"
    timeout: float = SMTP_TIMEOUT


def parse_smtp_url(url: str) -> SmtpSettings | None:
    """`smtp://user:pass@host:587?starttls=1`, `smtps://host` (TLS from the start); '' → None."""
    found = server_urls.read(url, name="SMTP_URL", schemes=("smtp", "smtps"),
                             shape="smtp://user:pass@host:port or smtps://…", default_timeout=SMTP_TIMEOUT,
                             error=SmtpUrlError)
    if found is None:
        return None
    default_port = {"ssl": 465, "starttls": 587}.get(found.security, 25)
    return SmtpSettings(host=found.host, port=found.port or default_port, username=found.username,
                        password=found.password or None, security=found.security, timeout=found.timeout)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed ones: 1, 2, 4… minutes, at most 6 h."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    # A name stored before the text rules may hold a line break, which headers refuse.
    name = text.one_line(email.to_name)
    message["To"] = formataddr((name, email.to_address)) if name else email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "rencontres.invalid"
    message["Message-ID"] = (
        f"<outbox-{email.id}-{hashlib.sha256(str(email.created_at).encode()).hexdigest()[:12]}@{domain}>"
    )
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    if email.ics:
        method = email.ics_method or "REQUEST"
        # Inline text/calendar with METHOD for mail clients that offer accept/decline, and the
        # same bytes as an attachment for those that only import files.
        message.add_alternative(email.ics.encode("utf-8"), maintype="text", subtype="calendar",
                                params={"method": method, "charset": "utf-8"})
        message.add_attachment(email.ics.encode("utf-8"), maintype="application", subtype="ics",
                               filename="invitation.ics")
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    error: str | None = None
    ids: list[int] = field(default_factory=list)


def _due(now: datetime):
    return or_(
        and_(OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.next_attempt_at <= now),
        and_(OutboxEmail.status == EmailStatus.SENDING, OutboxEmail.claimed_until < now),
    )


def _claim(email_id: int, now: datetime) -> datetime | None:
    """Compare-and-set: take the row if it is still due; commit so others see the claim."""
    claim = now + CLAIM_TTL
    result = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, _due(now))
        .values(status=EmailStatus.SENDING, claimed_until=claim, attempts=OutboxEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claim if result.rowcount == 1 else None


def _finish(email_id: int, claim: datetime, **values) -> None:
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.status == EmailStatus.SENDING,
               OutboxEmail.claimed_until == claim)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _connection_lost(exc: Exception) -> bool:
    # SMTPException subclasses OSError: a refusal keeps the connection usable, a socket error does not.
    return isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(exc, smtplib.SMTPException)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.username:
        smtp.login(settings.username, settings.password or "")
    return smtp


def _reset(smtp: smtplib.SMTP) -> bool:
    """End a transaction an error may have left half-way (MAIL FROM sent, RCPT refused by smtplib);
    False when the connection did not survive it."""
    try:
        smtp.rset()
    except (OSError, smtplib.SMTPException):
        return False
    return True


def send_due(*, now: datetime | None = None, batch: int = 50, smtp_url: str | None = None) -> DeliveryReport:
    """Job: send due outbox emails. Commits each claim and each outcome (see the module doc)."""
    report = DeliveryReport()
    settings = parse_smtp_url(current_app.config.get("SMTP_URL", "") if smtp_url is None else smtp_url)
    if settings is None:
        return report
    now = now or utcnow()
    due_ids = list(db.session.scalars(
        select(OutboxEmail.id).where(_due(now)).order_by(OutboxEmail.next_attempt_at, OutboxEmail.id).limit(batch)
    ))
    db.session.commit()
    if not due_ids:
        return report
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        report.error = f"SMTP unreachable: {exc!r}"[:500]
        log.warning("outbox: %s; %d email(s) wait", report.error, len(due_ids))
        db.session.execute(
            update(OutboxEmail).where(OutboxEmail.id.in_(due_ids), OutboxEmail.status == EmailStatus.PENDING)
            .values(last_error=report.error).execution_options(synchronize_session=False)
        )
        db.session.commit()
        return report
    sender = current_app.config["MAIL_FROM"]
    try:
        for email_id in due_ids:
            claim = _claim(email_id, now)
            if claim is None:
                continue  # another sender has it, or it was sent meanwhile
            email = db.session.get(OutboxEmail, email_id, populate_existing=True)
            try:
                message = build_message(email, sender)
                smtp.send_message(message, to_addrs=[email.to_address])
            except (OSError, smtplib.SMTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"[:1000]
                if _permanent(exc) or email.attempts >= MAX_ATTEMPTS:
                    _finish(email_id, claim, status=EmailStatus.FAILED, claimed_until=None, last_error=error)
                    report.failed += 1
                    log.error("outbox: email %s failed for good: %s", email_id, error)
                else:
                    _finish(email_id, claim, status=EmailStatus.PENDING, claimed_until=None, last_error=error,
                            next_attempt_at=now + backoff(email.attempts))
                    report.retried += 1
                if _connection_lost(exc):
                    report.error = error
                    break  # the connection is gone: the rest waits for the next run
                continue
            except Exception as exc:  # whatever this one email breaks, the others go on
                error = f"{type(exc).__name__}: {exc}"[:1000]
                _finish(email_id, claim, status=EmailStatus.FAILED, claimed_until=None, last_error=error)
                report.failed += 1
                log.exception("outbox: email %s cannot be sent: %s", email_id, error)
                if not _reset(smtp):
                    report.error = error
                    break
                continue
            _finish(email_id, claim, status=EmailStatus.SENT, sent_at=utcnow(), claimed_until=None, last_error=None)
            report.sent += 1
            report.ids.append(email_id)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return report


def send_outbox() -> None:
    """The scheduler's job."""
    send_due()


# --- the organizers' outbox page (app/services/mail/outbox_desk.py reads it in scope) ----------


def requeue(email: OutboxEmail) -> bool:
    """Give a failed email a fresh set of attempts (an organizer's action; flushes only)."""
    if email.status != EmailStatus.FAILED:
        return False
    email.status = EmailStatus.PENDING
    email.attempts = 0
    email.next_attempt_at = utcnow()
    db.session.flush()
    return True

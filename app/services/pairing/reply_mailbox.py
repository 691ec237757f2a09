"""The mailbox calendar answers arrive in (IMAP_URL), read by a job every minute.

Each unseen message is fetched without marking it seen (BODY.PEEK), processed in its own unit
of work (app/services/pairing/calendar_replies.py), and marked seen — or moved to the folder
named by `?processed=` — only after that commit. A crash between the commit and the flag leaves
the message unseen: the next run reads it again, finds its Message-ID already kept, and only
marks it. A message whose processing fails inside is kept as "failed" (so it is not retried
every minute forever) and the others go on. The server unreachable or refusing the login: the
error is logged, nothing is marked, and the next run tries again.
"""

from __future__ import annotations

import logging
import socket
import ssl
from dataclasses import dataclass

from flask import current_app
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from app import transactions
from app.extensions import db
from app.services.common import server_urls
from app.services.pairing import calendar_replies

log = logging.getLogger(__name__)

BATCH = 100  # messages per run; more wait for the next minute
IMAP_TIMEOUT = 30


class ImapUrlError(ValueError):
    pass


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    security: str = "ssl"  # "ssl", "starttls" or "none"
    processed_folder: str | None = None  # move there instead of flagging \Seen
    timeout: float = IMAP_TIMEOUT


def parse_imap_url(url: str) -> ImapSettings | None:
    """`imaps://user:pass@host:993/INBOX?processed=Traitees`, `imap://…?starttls=1`; '' → None."""
    found = server_urls.read(url, name="IMAP_URL", schemes=("imap", "imaps"), shape="imaps://user:pass@host:993/INBOX",
                             default_timeout=IMAP_TIMEOUT, error=ImapUrlError)
    if found is None:
        return None
    if not found.username or found.password is None:
        raise ImapUrlError("IMAP_URL needs a user name and a password")
    return ImapSettings(
        host=found.host, port=found.port or (993 if found.security == "ssl" else 143),
        username=found.username, password=found.password, folder=found.path or "INBOX", security=found.security,
        processed_folder=found.query.get("processed") or None, timeout=found.timeout,
    )


@dataclass
class MailboxReport:
    read: int = 0
    failed: int = 0
    outcomes: dict[str, int] | None = None
    error: str | None = None


def _connect(settings: ImapSettings) -> IMAPClient:
    client = IMAPClient(settings.host, port=settings.port, ssl=settings.security == "ssl",
                        ssl_context=ssl.create_default_context(), timeout=settings.timeout)
    if settings.security == "starttls":
        client.starttls(ssl.create_default_context())
    client.login(settings.username, settings.password)
    client.select_folder(settings.folder)
    return client


def _done(client: IMAPClient, uid: int, settings: ImapSettings) -> None:
    if settings.processed_folder:
        client.move([uid], settings.processed_folder)
    else:
        client.add_flags([uid], [b"\\Seen"])


def _process(raw: bytes) -> str:
    """One message, its own unit of work; an internal failure is kept as such (its own unit)."""
    try:
        return transactions.unit_of_work(calendar_replies.receive, raw, source="imap").outcome
    except Exception as error:
        db.session.rollback()
        log.exception("calendar reply: processing failed")
        transactions.unit_of_work(calendar_replies.record_failure, raw, source="imap",
                                  error=f"{type(error).__name__}: {error}")
        return "failed"


def poll(*, imap_url: str | None = None, batch: int = BATCH) -> MailboxReport:
    """Read the unseen messages of the mailbox once (the job)."""
    report = MailboxReport(outcomes={})
    settings = parse_imap_url(current_app.config.get("IMAP_URL", "") if imap_url is None else imap_url)
    if settings is None:
        return report
    db.session.commit()  # nothing of ours stays open while we wait on the mail server
    try:
        client = _connect(settings)
    except (IMAPClientError, OSError, socket.timeout) as error:
        log.warning("IMAP %s:%s unreachable or refused: %s", settings.host, settings.port, error)
        report.error = str(error)
        return report
    try:
        uids = sorted(client.search(["UNSEEN"]))[:batch]
        for uid in uids:
            fetched = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
            raw = fetched.get(b"BODY[]")
            if raw is None:
                continue  # deleted meanwhile
            try:
                outcome = _process(bytes(raw))
            except Exception:  # even keeping the failure failed (database down): retried next run
                db.session.rollback()
                log.exception("calendar reply: could not be kept; left unseen")
                report.failed += 1
                continue
            report.read += 1
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
            _done(client, uid, settings)
    except (IMAPClientError, OSError, socket.timeout) as error:
        log.warning("IMAP %s:%s failed during the run: %s", settings.host, settings.port, error)
        report.error = str(error)
    finally:
        try:
            client.logout()
        except Exception:  # the connection is gone already
            pass
    return report


def poll_mailbox() -> None:
    """Job: read calendar answers from IMAP_URL, if set."""
    poll()

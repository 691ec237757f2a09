"""One email that cannot be sent never stops the queue (a real SMTP server, aiosmtpd).

Rows stored before the text rules (app/services/common/text.py) may hold a line break in a name
or an address. The sender used to catch only OSError and SMTPException: the ValueError such a
row raised left it "sending" and ended the run, so every email behind it waited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models import EmailStatus, OutboxEmail
from app.services.mail import delivery

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def _email(db, to: str, *, minutes: int, **overrides) -> OutboxEmail:
    email = OutboxEmail(to_address=to, subject=f"Pour {to!r}", body_text="Bonjour",
                        next_attempt_at=NOW - timedelta(minutes=minutes), **overrides)
    db.session.add(email)
    db.session.flush()
    return email


def test_a_row_that_cannot_be_built_fails_with_its_reason_and_the_others_go_out(db, smtp, create_event):
    event = create_event()
    broken = _email(db, "prof@example.org\nBcc: everyone@example.org", minutes=30, event_id=event.id)
    two_lines = _email(db, "ines@example.org", minutes=20, to_name="Inès\r\nDiallo")
    plain = _email(db, "claire@example.org", minutes=10)
    db.session.commit()

    report = delivery.send_due(now=NOW, smtp_url=smtp.url)

    for email in (broken, two_lines, plain):
        db.session.refresh(email)
    assert broken.status == EmailStatus.FAILED and broken.claimed_until is None
    assert broken.last_error.startswith("ValueError")
    assert two_lines.status == plain.status == EmailStatus.SENT
    assert (report.sent, report.failed) == (2, 1)
    assert [e[1] for e in smtp.envelopes] == [["ines@example.org"], ["claire@example.org"]]
    assert str(smtp.messages[0]["To"]) == "Inès Diallo <ines@example.org>"
    assert all("everyone@example.org" not in str(m) for m in smtp.messages)


def test_the_reason_is_on_the_organizers_outbox_page(db, client, auth, smtp, create_user, create_event):
    organizer = create_user(email="orga@example.org", academies=["paris"])
    event = create_event(organizer=organizer)
    broken = _email(db, "prof@example.org\nBcc: everyone@example.org", minutes=5, event_id=event.id)
    db.session.commit()
    delivery.send_due(now=NOW, smtp_url=smtp.url)

    auth.login(organizer.email)
    page = client.get(f"/organisation/courriels/{broken.id}")

    db.session.refresh(broken)
    assert broken.status == EmailStatus.FAILED, (broken.status, broken.last_error)
    assert page.status_code == 200
    assert "ValueError" in page.get_data(as_text=True)


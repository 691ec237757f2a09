"""Two senders racing over the same outbox (real commits, two threads, two connections): each
email leaves exactly once. Runs on SQLite and, above all, on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.models import EmailStatus, OutboxEmail
from app.services.mail import delivery


def test_two_senders_racing_send_each_email_once(app, committed_db, smtp):
    db = committed_db
    db.session.add_all(
        OutboxEmail(to_address=f"eleve-{i}@example.org", subject=f"Message {i}", body_text="Bonjour")
        for i in range(60)
    )
    db.session.commit()
    db.session.remove()

    barrier = threading.Barrier(2)
    reports, errors = [], []

    def sender() -> None:
        try:
            with app.app_context():
                barrier.wait()
                reports.append(delivery.send_due(smtp_url=smtp.url, batch=100))
                db.session.remove()
        except Exception as exc:  # surfaced below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    received = [to for _, tos in smtp.envelopes for to in tos]
    assert len(received) == 60 and len(set(received)) == 60
    assert sum(r.sent for r in reports) == 60
    counts = dict(db.session.execute(select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)).all())
    assert counts == {EmailStatus.SENT: 60}

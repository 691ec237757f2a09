"""Calendar answers read from a real mailbox (Debian's Dovecot, started here on a loopback port)
and through `flask receive-mail`, delivered exactly as each client sends them."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import AssignmentStatus, InboundReply, UserRole
from app.services.pairing import assignments, calendar_replies, reply_mailbox
from tests.support import calendar_replies as messages
from tests.support import dovecot as dovecot_support
from tests.support.smtp import free_port

START = datetime(2027, 3, 16, 8, tzinfo=UTC)
EXPECTED = {"gmail_accepted": ("applied", AssignmentStatus.ACCEPTED),
            "thunderbird_accepted": ("applied", AssignmentStatus.ACCEPTED),
            "outlook_declined": ("applied", AssignmentStatus.DECLINED),
            "apple_mail_tentative": ("tentative", AssignmentStatus.INVITED),
            "outlook_counter": ("counter", AssignmentStatus.INVITED)}


@pytest.fixture
def app_config():
    return {"REPLY_ADDRESS": "reponses@rencontres.example"}


@pytest.fixture
def dovecot(tmp_path):
    if not dovecot_support.available():
        message = "Debian's Dovecot is not installed (apt-get install dovecot-imapd): IMAP tests skipped"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = dovecot_support.DovecotServer(tmp_path)
    server.start()
    yield server
    server.remove()


@pytest.fixture
def invited(db, create_user):
    organizer = create_user(email="claire@example.org", full_name="Claire Organisatrice", academies=["paris"])
    return messages.invite_golden_attendee(organizer)


def kept(db) -> dict[str, str]:
    return {r.message_id: r.outcome for r in db.session.scalars(select(InboundReply))}


@pytest.mark.parametrize("client", sorted(EXPECTED))
def test_each_client_through_the_mailbox(db, dovecot, invited, client):
    dovecot.append(messages.golden(client, invited))
    report = reply_mailbox.poll(imap_url=dovecot.url)
    outcome, status = EXPECTED[client]
    assert report.error is None and report.outcomes == {outcome: 1}
    assert invited.status == status
    assert dovecot.flags() == [(b"\\Seen",)] or b"\\Seen" in dovecot.flags()[0]
    assert reply_mailbox.poll(imap_url=dovecot.url).read == 0  # seen: not read again


@pytest.mark.parametrize("client", sorted(EXPECTED))
def test_each_client_through_receive_mail(app, db, invited, client):
    result = app.test_cli_runner().invoke(args=["receive-mail"], input=messages.golden(client, invited))
    outcome, status = EXPECTED[client]
    assert result.exit_code == 0 and result.output.startswith(f"{outcome}:"), result.output
    db.session.refresh(invited)
    assert invited.status == status


def test_receive_mail_exits_zero_for_refused_and_forged_answers(app, db, invited):
    runner = app.test_cli_runner()
    forged = runner.invoke(args=["receive-mail"], input=messages.reply(invited, attendee="mallory@example.org"))
    assert forged.exit_code == 0 and forged.output.startswith("forged:")
    garbage = runner.invoke(args=["receive-mail"], input=b"hello")
    assert garbage.exit_code == 0 and garbage.output.startswith("unknown:")
    assert invited.status == AssignmentStatus.INVITED


def test_receive_mail_fails_only_for_an_internal_error(app, db, invited, monkeypatch):
    def broken(raw, *, source):
        raise RuntimeError("database down")

    monkeypatch.setattr(calendar_replies, "receive", broken)
    result = app.test_cli_runner().invoke(args=["receive-mail"], input=messages.reply(invited))
    assert result.exit_code == 75  # EX_TEMPFAIL: the MTA keeps the message and tries later


def test_one_bad_message_never_stops_the_others(db, dovecot, invited, create_role_model, monkeypatch):
    dovecot.append(b"Subject: not mail at all\r\n\r\n\x00\x01")
    dovecot.append(messages.reply(invited, attendee="mallory@example.org", message_id="forged"))
    dovecot.append(messages.reply(invited, "TENTATIVE", message_id="boom"))
    dovecot.append(messages.golden("gmail_accepted", invited))
    real = calendar_replies.receive

    def sometimes_broken(raw, *, source):
        if b"boom@test.example" in raw:
            raise RuntimeError("a bug")
        return real(raw, source=source)

    monkeypatch.setattr(calendar_replies, "receive", sometimes_broken)
    report = reply_mailbox.poll(imap_url=dovecot.url)
    assert report.read == 4 and report.outcomes == {"unknown": 1, "forged": 1, "failed": 1, "applied": 1}
    assert invited.status == AssignmentStatus.ACCEPTED
    assert all(b"\\Seen" in flags for flags in dovecot.flags())
    assert kept(db)["boom@test.example"] == "failed"


def test_processed_messages_can_be_moved_to_a_folder(db, dovecot, invited):
    with dovecot.client() as client:
        client.create_folder("Traitees")
    dovecot.append(messages.golden("thunderbird_accepted", invited))
    report = reply_mailbox.poll(imap_url=dovecot.url + "?processed=Traitees")
    assert report.outcomes == {"applied": 1}
    assert dovecot.flags() == [] and len(dovecot.flags("Traitees")) == 1


def test_a_mailbox_down_is_reported_and_retried_next_run(db, dovecot, invited):
    dovecot.append(messages.golden("gmail_accepted", invited))
    dovecot.stop()
    report = reply_mailbox.poll(imap_url=dovecot.url)
    assert "refused" in report.error and report.read == 0
    dovecot.start()
    assert reply_mailbox.poll(imap_url=dovecot.url).outcomes == {"applied": 1}


def test_wrong_password_is_logged_not_raised(db, dovecot):
    report = reply_mailbox.poll(imap_url=dovecot.url.replace(":secret@", ":wrong@"))
    assert report.error and report.read == 0


def test_no_mailbox_configured_does_nothing(db):
    assert reply_mailbox.poll().read == 0
    with pytest.raises(reply_mailbox.ImapUrlError):
        reply_mailbox.parse_imap_url("https://example.org")
    settings = reply_mailbox.parse_imap_url(f"imaps://r%40x:p%2Fw@mail.example:{free_port()}/Bo%C3%AEte?processed=Ok")
    assert (settings.username, settings.password, settings.folder, settings.security, settings.processed_folder) == (
        "r@x", "p/w", "Boîte", "ssl", "Ok")


def test_an_mta_pipe_runs_receive_mail_as_a_process(committed_db, database_url):
    """What Postfix does with `|flask --app wsgi receive-mail`: a fresh process, the message on
    standard input, the outcome on standard output, exit 0 for a forged answer too."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.support import factories  # not the fixtures: they hold the rolled-back test transaction

    organizer = factories.create_user(email="claire@example.org", academies=["paris"])
    event = factories.create_event(organizer=organizer, start_at=START, end_at=START + timedelta(hours=4),
                                   uid=messages.GOLDEN_UID)
    event.sequence = 1
    user = factories.create_user(role=UserRole.ROLE_MODEL, email=messages.GOLDEN_ATTENDEE, password=None)
    assignment = factories.create_assignment(event=event, role_model=factories.create_role_model(user=user))
    assignments.invite(organizer, assignment)
    committed_db.session.commit()
    raw = messages.golden("thunderbird_accepted", assignment)
    forged = messages.reply(assignment, attendee="mallory@example.org")
    assignment_id = assignment.id
    committed_db.session.commit()  # hold no transaction while the other process writes

    env = {**os.environ, "RENCONTRES_ENV": "development", "DATABASE_URL": database_url,
           "SECRET_KEY": "test-secret", "REPLY_ADDRESS": "reponses@rencontres.example", "REQUEST_LOG": "0"}
    root = Path(__file__).resolve().parents[3]

    def pipe(message: bytes) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "receive-mail"], input=message,
                              capture_output=True, env=env, cwd=root, timeout=120)

    done = pipe(raw)
    assert done.returncode == 0 and done.stdout.startswith(b"applied:"), done.stderr.decode()[-2000:]
    refused = pipe(forged)
    assert refused.returncode == 0 and refused.stdout.startswith(b"forged:")
    committed_db.session.expire_all()
    assert committed_db.session.get(type(assignment), assignment_id).status == AssignmentStatus.ACCEPTED

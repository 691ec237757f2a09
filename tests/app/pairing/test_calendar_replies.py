"""Answers from calendar apps (iTIP REPLY/COUNTER mailed to the engagement's reply address):
the golden client shapes are all understood, they follow exactly the rules of the email links,
and forged, stale, unknown or unreadable messages change nothing and are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import AssignmentStatus, BusyInterval, EventStatus, ExternalCalendar, InboundReply, OutboxEmail
from app.services.common import audit
from app.services.pairing import assignments, calendar_replies, reply_addresses
from tests.support import calendar_replies as messages

START = datetime(2027, 3, 16, 8, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"REPLY_ADDRESS": "reponses@rencontres.example"}


@pytest.fixture
def organizer(create_user):
    return create_user(email="claire@example.org", full_name="Claire Organisatrice", academies=["paris"])


@pytest.fixture
def invited(db, organizer):
    return messages.invite_golden_attendee(organizer, role_models_max=2)


def emails(db, template_key: str = "") -> list[OutboxEmail]:
    query = select(OutboxEmail).order_by(OutboxEmail.id)
    if template_key:
        query = query.where(OutboxEmail.dedupe_key.like(f"%{template_key}%"))
    return list(db.session.scalars(query))


def rows(db) -> list[InboundReply]:
    return list(db.session.scalars(select(InboundReply).order_by(InboundReply.id)))


def test_invitations_name_the_engagement_reply_address_as_organizer(db, invited, organizer):
    address = reply_addresses.address_for(invited)
    assert address.startswith(f"reponses+a{invited.id}-") and address.endswith("@rencontres.example")
    assert address == address.lower() and address.isascii() and len(address.split("@")[0]) <= 64
    [invitation] = [e for e in emails(db) if e.to_address == messages.GOLDEN_ATTENDEE]
    unfolded = invitation.ics.replace("\r\n ", "")
    assert f"ORGANIZER;CN=Claire Organisatrice:mailto:{address}" in unfolded
    assignments.cancel(organizer, invited, reason="Changement de programme")
    cancel = [e for e in emails(db) if e.ics_method == "CANCEL"][-1]
    assert f"mailto:{address}" in cancel.ics.replace("\r\n ", "")  # Outlook matches on it


def test_reschedules_and_event_cancellations_keep_the_same_organizer_address(db, invited, organizer):
    from app.services.events import lifecycle

    address = reply_addresses.address_for(invited)
    calendar_replies.receive(messages.golden("gmail_accepted", invited), source="imap")
    lifecycle.reschedule_event(organizer, invited.event, start_at=START + timedelta(days=1),
                               end_at=START + timedelta(days=1, hours=4))
    lifecycle.cancel_event(organizer, invited.event, reason="Grève des transports")
    sent = [e for e in emails(db) if e.to_address == messages.GOLDEN_ATTENDEE and e.ics]
    assert {e.ics_method for e in sent} == {"REQUEST", "CANCEL"} and len(sent) >= 3
    for email in sent:
        assert f"mailto:{address}" in email.ics.replace("\r\n ", ""), email.dedupe_key
    school_or_organizer = [e for e in emails(db) if e.to_address == organizer.email and e.ics]
    assert all("reponses+" not in e.ics for e in school_or_organizer)  # only role models answer there


def test_the_code_is_stable_whatever_the_key_and_case(app, invited, create_assignment):
    address = reply_addresses.address_for(invited)
    assert reply_addresses.read([address.upper()]) == (invited, invited.id)
    app.config["SECRET_KEY"] = "a-new-key"  # a rotation changes nothing
    assert reply_addresses.address_for(invited) == address
    other = create_assignment(event=invited.event)
    assert other.reply_code != invited.reply_code
    swapped = address.replace(f"+a{invited.id}-", f"+a{other.id}-")  # a real code on another number
    assert reply_addresses.read([swapped]) == (None, other.id)


@pytest.mark.parametrize(("client", "status"), [
    ("gmail_accepted", AssignmentStatus.ACCEPTED),
    ("thunderbird_accepted", AssignmentStatus.ACCEPTED),
    ("outlook_declined", AssignmentStatus.DECLINED),
])
def test_client_answers_change_the_participation_like_the_links(db, invited, organizer, client, status):
    received = calendar_replies.receive(messages.golden(client, invited), source="pipe")
    assert received.outcome == "applied"
    assert invited.status == status
    [entry] = [e for e in audit.trail(invited) if e.action == f"assignment.{status.value}"]
    assert entry.details["via"] == "calendar"
    [told] = emails(db, f"assignment:{invited.id}:answer")
    assert told.to_address == organizer.email
    if status == AssignmentStatus.DECLINED:
        assert invited.reason == "Désolée, je suis en déplacement ce jour-là."
    [row] = rows(db)
    assert row.assignment_id == invited.id and row.event_id == invited.event_id and row.outcome == "applied"


def test_maybe_changes_nothing_and_tells_the_organizer(db, invited, organizer):
    received = calendar_replies.receive(messages.golden("apple_mail_tentative", invited), source="imap")
    assert received.outcome == "tentative" and invited.status == AssignmentStatus.INVITED
    [told] = emails(db, "tentative")
    assert told.to_address == organizer.email and "peut-être" in told.subject


def test_a_proposed_time_reaches_the_organizer(db, invited, organizer):
    received = calendar_replies.receive(messages.golden("outlook_counter", invited), source="imap")
    assert received.outcome == "counter" and invited.status == AssignmentStatus.INVITED
    [told] = emails(db, "counter")
    assert told.to_address == organizer.email and "autre horaire" in told.subject
    assert "18 mars 2027" in told.body_text and "14:00" in told.body_text  # Paris time
    assert "Le jeudi m'irait mieux." in told.body_text


def test_a_message_received_twice_changes_nothing_the_second_time(db, invited):
    raw = messages.golden("gmail_accepted", invited)
    assert calendar_replies.receive(raw, source="imap").outcome == "applied"
    assert calendar_replies.receive(raw, source="pipe").outcome == "duplicate"
    assert len(rows(db)) == 1 and len(emails(db, f"assignment:{invited.id}:answer")) == 1


def test_the_same_answer_again_is_unchanged_and_silent(db, invited):
    calendar_replies.receive(messages.reply(invited, message_id="a"), source="imap")
    later = messages.reply(invited, message_id="b", stamp=datetime(2027, 3, 3, tzinfo=UTC))
    assert calendar_replies.receive(later, source="imap").outcome == "unchanged"
    assert emails(db, "refused") == []


def test_forged_replies_change_nothing_and_are_kept(db, invited, create_role_model):
    other = create_role_model()
    address = reply_addresses.address_for(invited)
    local, domain = address.split("@")
    tampered = f"{local[:-1]}{'a' if local[-1] != 'a' else 'b'}@{domain}"  # one letter of the code
    cases = {
        "someone else as attendee": messages.reply(invited, attendee=other.user.email, message_id="f1"),
        "tampered code": messages.reply(invited, to=tampered, message_id="f2"),
        "another event's uid": messages.reply(invited, uid="unknown@example.org", message_id="f3"),
        "no reply address": messages.reply(invited, to="claire@example.org", message_id="f4"),
        "another assignment's number": messages.reply(invited, message_id="f5",
                                                      to=address.replace(f"+a{invited.id}-", "+a999999-")),
    }
    outcomes = {name: calendar_replies.receive(raw, source="imap").outcome for name, raw in cases.items()}
    assert outcomes == {"someone else as attendee": "forged", "tampered code": "forged",
                        "another event's uid": "forged", "no reply address": "unknown",
                        "another assignment's number": "forged"}
    assert invited.status == AssignmentStatus.INVITED
    kept = rows(db)
    assert len(kept) == 5
    # Only a genuine address ties a message to an engagement.
    assert [r.assignment_id for r in kept] == [invited.id, None, invited.id, None, None]
    assert emails(db, "calendar-reply") == []


def test_replayed_older_sequence_or_stamp_is_stale(db, invited):
    invited.event.sequence = 3  # rescheduled twice since
    raw = messages.reply(invited, sequence=1, message_id="old")
    assert calendar_replies.receive(raw, source="imap").outcome == "stale"
    assert invited.status == AssignmentStatus.INVITED
    recent = messages.reply(invited, "TENTATIVE", message_id="new", stamp=datetime(2027, 3, 5, tzinfo=UTC))
    assert calendar_replies.receive(recent, source="imap").outcome == "tentative"
    older = messages.reply(invited, "DECLINED", message_id="older", stamp=datetime(2027, 3, 4, tzinfo=UTC))
    assert calendar_replies.receive(older, source="imap").outcome == "stale"
    assert invited.status == AssignmentStatus.INVITED


def test_unreadable_mail_is_kept(db, invited):
    raw = (f"To: {reply_addresses.address_for(invited)}\r\nMessage-ID: <junk@x>\r\n"
           "Content-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\ngarbage").encode()
    received = calendar_replies.receive(raw, source="pipe")
    assert received.outcome == "unreadable" and received.reply.assignment_id == invited.id
    assert calendar_replies.receive(b"\x00\xff not even mail", source="pipe").outcome == "unknown"


def test_feature_off_reads_nothing(app, db, invited):
    raw = messages.reply(invited)
    app.config["REPLY_ADDRESS"] = ""
    try:
        assert calendar_replies.receive(raw, source="pipe").outcome == "unknown"
    finally:
        app.config["REPLY_ADDRESS"] = "reponses@rencontres.example"
    assert invited.status == AssignmentStatus.INVITED


def test_a_full_event_refuses_and_says_why_once(db, invited, create_assignment):
    invited.event.role_models_max = 1
    create_assignment(event=invited.event, status=AssignmentStatus.ACCEPTED)
    raw = messages.reply(invited)
    received = calendar_replies.receive(raw, source="imap")
    assert received.outcome == "refused" and "complet" in received.detail
    assert invited.status == AssignmentStatus.INVITED
    calendar_replies.receive(raw, source="imap")  # the same message again
    [why] = emails(db, "refused")
    assert why.to_address == messages.GOLDEN_ATTENDEE and "complet" in why.body_text
    assert "n'a pas pu être prise en compte" in why.subject


def test_another_engagement_refuses_but_a_busy_block_does_not(db, invited, create_event, create_assignment):
    calendar = ExternalCalendar(role_model=invited.role_model, url="https://example.org/cal.ics")
    db.session.add(calendar)
    db.session.flush()
    db.session.add(BusyInterval(calendar_id=calendar.id, role_model_id=invited.role_model_id,
                                start_at=START, end_at=START + timedelta(hours=1)))
    other_event = create_event(start_at=START + timedelta(hours=1), end_at=START + timedelta(hours=2),
                               title="Forum des métiers")
    held = create_assignment(event=other_event, role_model=invited.role_model, status=AssignmentStatus.ACCEPTED,
                             start_at=other_event.start_at, end_at=other_event.end_at)
    received = calendar_replies.receive(messages.reply(invited, message_id="clash"), source="imap")
    assert received.outcome == "refused" and "Forum des métiers" in received.detail
    assert invited.status == AssignmentStatus.INVITED
    held.status = AssignmentStatus.WITHDRAWN  # only the busy block of her own calendar is left
    db.session.flush()
    received = calendar_replies.receive(messages.reply(invited, message_id="again"), source="imap")
    assert received.outcome == "applied" and invited.status == AssignmentStatus.ACCEPTED


def test_a_cancelled_event_or_a_second_mind_is_refused(db, invited, organizer):
    calendar_replies.receive(messages.reply(invited, "DECLINED", message_id="no"), source="imap")
    later = messages.reply(invited, message_id="yes", stamp=datetime(2027, 3, 3, tzinfo=UTC))
    received = calendar_replies.receive(later, source="imap")
    assert received.outcome == "refused" and "déjà décliné" in received.detail
    assert invited.status == AssignmentStatus.DECLINED
    invited.event.status = EventStatus.CANCELLED
    late = messages.reply(invited, message_id="late", stamp=datetime(2027, 3, 4, tzinfo=UTC))
    assert "annulée" in calendar_replies.receive(late, source="imap").detail


def test_a_decline_by_calendar_brings_the_next_best(db, invited, create_role_model):
    next_best = create_role_model()
    calendar_replies.receive(messages.golden("outlook_declined", invited), source="imap")
    proposals = [a for a in invited.event.assignments if a.status == AssignmentStatus.PROPOSED]
    assert [a.role_model_id for a in proposals] == [next_best.id]
    assert invited.backfilled_at is not None


def test_the_organizer_sees_answers_of_their_scope_and_admins_see_the_rest(db, client, auth, invited, organizer,
                                                                           create_user):
    import html

    from app.models import UserRole

    calendar_replies.receive(messages.golden("outlook_declined", invited), source="imap")
    calendar_replies.receive(messages.reply(invited, to="reponses+a1-zzzzzzzzzzzzzzzz@rencontres.example",
                                            message_id="stray"), source="imap")
    db.session.commit()

    def page_for(user) -> str:
        auth.login(user.email)
        response = client.get("/organisation/courriels/reponses-agenda")
        assert response.status_code == 200
        auth.logout()
        return html.unescape(response.get_data(as_text=True))

    seen = page_for(organizer)
    assert "Les métiers de la maintenance" in seen and "Réponse enregistrée" in seen and "Non" in seen
    assert "Rejetée" not in seen  # the stray message names no engagement of hers
    elsewhere = page_for(create_user(email="lyon@example.org", academies=["lyon"]))
    assert "Les métiers de la maintenance" not in elsewhere and "Aucune réponse reçue." in elsewhere
    admin = page_for(create_user(email="admin@example.org", role=UserRole.ADMIN, academies=[]))
    assert "Réponse enregistrée" in admin and "ne correspond pas à l'invitation" in admin
    outbox_page = client.get("/organisation/courriels")  # signed out: no link to follow
    assert outbox_page.status_code in (302, 401)


def test_deleting_the_account_erases_what_their_calendar_sent(db, invited):
    from app.services.role_models import personal_data

    calendar_replies.receive(messages.golden("apple_mail_tentative", invited), source="imap")
    user = invited.role_model.user
    assert personal_data.export(user, invited.role_model)["calendar_replies"][0]["partstat"] == "TENTATIVE"
    personal_data.delete_account(user, invited.role_model)
    assert rows(db) == [] and emails(db, "calendar-reply") == []

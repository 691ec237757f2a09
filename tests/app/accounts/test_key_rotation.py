"""Rotating SECRET_KEY without logging everyone out: the old key moves to SECRET_KEY_FALLBACKS,
sessions and every signed link made before keep working, new ones are signed with the new key;
dropping the old key from the fallbacks then ends them (docs/deploy.md, Rotating SECRET_KEY)."""

from __future__ import annotations

import pytest

from app.models import AssignmentStatus, FeedbackRespondent
from app.services.accounts import magic_links
from app.services.accounts.magic_links import LinkRefused
from app.services.events import feedback
from app.services.pairing import answer_links

NEW_KEY = "a-new-key-" + "n" * 40


@pytest.fixture
def rotate(app):
    old = app.config["SECRET_KEY"]

    def rotate(*, keep_old: bool = True):
        app.config["SECRET_KEY"] = NEW_KEY
        app.config["SECRET_KEY_FALLBACKS"] = [old] if keep_old else []

    yield rotate
    app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = old, []


def test_sessions_and_links_survive_a_rotation(client, db, auth, rotate, create_user, create_assignment, create_school):
    organizer = create_user(email="rotation@example.org")
    auth.login(organizer.email)
    assignment = create_assignment(status=AssignmentStatus.INVITED)
    school = create_school()
    role_model_user = assignment.role_model.user
    sign_in = magic_links.make_token(role_model_user)
    answer = answer_links.answer_token(assignment)
    review = feedback.sign(assignment.event_id, FeedbackRespondent.SCHOOL, school.id)

    rotate()

    assert client.get("/organisation/").status_code == 200  # still signed in
    assert magic_links.read(sign_in).user == role_model_user
    assert answer_links.read_answer_token(answer) == assignment
    assert feedback.resolve(review) is not None
    assert client.get(f"/espace/reponse/{answer}/accept").status_code == 200
    fresh = magic_links.make_token(role_model_user)

    rotate(keep_old=False)  # the old key is finally dropped

    assert client.get("/organisation/").status_code == 302  # that session is over
    with pytest.raises(LinkRefused):
        magic_links.read(sign_in)
    with pytest.raises(LinkRefused):
        answer_links.read_answer_token(answer)
    assert feedback.resolve(review) is None
    assert magic_links.read(fresh).user == role_model_user  # made with the new key

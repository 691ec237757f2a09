"""Counts read as French counts: one girl is "1 fille", never "1 filles" nor "fille(s)", on the
organizer's pages, the school's follow-up page and in the emails' event summary."""

from __future__ import annotations

import html
import re

from app.models import EventSchool


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)).replace("\u202f", " ")
                  .replace("\u00a0", " "))


def test_one_girl_and_one_pupil_read_singular(client, auth, db, create_user, create_request, create_event):
    organizer = create_user(email="claire@example.org")
    request, token = create_request(headcount=28, girls_count=1)
    event = create_event(organizer=organizer)
    event.schools.append(EventSchool(school=request.school, class_level="4e", headcount=1, girls_count=1))
    db.session.commit()

    one_girl = re.compile(r"28 élèves dont 1 fille(?!s)")
    followup = _text(client.get(f"/demandes/suivi/{token}"))
    assert one_girl.search(followup)
    auth.login("claire@example.org")
    listing = _text(client.get("/organisation/demandes"))
    assert one_girl.search(listing)
    detail = _text(client.get(f"/organisation/evenements/{event.id}"))
    assert re.search(r"1 élève dont 1 fille(?!s)", detail)
    assert "(s)" not in listing + detail + followup

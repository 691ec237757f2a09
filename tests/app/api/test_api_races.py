"""Two API clients changing the same thing at once: one wins, the other gets a 409 problem,
never a 500 (a unique constraint lost at flush or commit is a conflict, not a crash)."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import func, select

from app.models import Assignment
from tests.support import factories
from tests.support.api import bearer


def test_two_clients_adding_the_same_role_model_get_201_and_409(app: Flask, committed_db):
    db = committed_db
    organizer = factories.create_user(academies=["paris"])
    event = factories.create_event(role_models_max=3)
    person = factories.create_role_model()
    headers = bearer(organizer)
    event_id, person_id = event.id, person.id
    db.session.commit()
    db.session.remove()

    barrier = threading.Barrier(2)
    statuses, errors = [], []

    def add() -> None:
        try:
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/api/v1/events/{event_id}/assignments", json={"role_model_id": person_id}, headers=headers
            )
            statuses.append((response.status_code, response.mimetype, response.get_json().get("code")))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(s for s, _m, _c in statuses) == [201, 409]
    loser = next(x for x in statuses if x[0] == 409)
    assert loser[1] == "application/problem+json" and loser[2] in ("already_assigned", "conflict")
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1

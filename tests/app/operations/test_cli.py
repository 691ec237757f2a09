"""The flask commands of SPEC.md that exist so far."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import Event, EventStatus, EventType, RequestStatus, RoleModel, School, User, VisitRequest
from app.reference.uai import is_valid_uai


def test_create_user_organizer_with_region(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "Nadia@Example.org", "--name", "Nadia", "--region", "Île-de-France",
              "--password", "gravier lanterne hibou 1987"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
    assert user.academies == {"paris", "creteil", "versailles"}
    assert user.check_password("gravier lanterne hibou 1987")


def test_create_user_refuses_duplicates_and_unknown_academies(app, db):
    runner = app.test_cli_runner()
    args = ["create-user", "--email", "a@example.org", "--name", "A", "--academie", "lyon",
            "--password", "gravier lanterne hibou 1987"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output
    bad = runner.invoke(args=["create-user", "--email", "b@example.org", "--name", "B", "--academie", "atlantis",
                              "--password", "gravier lanterne hibou 1987"])
    assert bad.exit_code != 0 and "atlantis" in bad.output


def test_seed_demo_builds_a_living_service(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert 35 <= count(School) <= 50
    assert 140 <= count(RoleModel) <= 160
    schools = db.session.scalars(select(School)).all()
    assert all(is_valid_uai(s.uai) for s in schools)
    assert len({s.academie for s in schools}) >= 8
    events = db.session.scalars(select(Event)).all()
    assert {e.type for e in events} == set(EventType)
    assert {e.status for e in events} == set(EventStatus)
    assert {r.status for r in db.session.scalars(select(VisitRequest))} == set(RequestStatus)
    # Running it twice does not duplicate anything.
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "already present" in again.output
    assert count(School) == len(schools)


def test_seeded_zones_follow_the_academies(app, db):
    from app.reference.academies import ACADEMIES

    app.test_cli_runner().invoke(args=["seed-demo"])
    for school in db.session.scalars(select(School)):
        assert school.zone.value == ACADEMIES[school.academie].zone

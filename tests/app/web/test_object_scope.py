"""Object-level scope: an organizer never reads or acts on an object outside their académies,
whether its id is in the URL or in the body, and cannot tell it from an id that does not exist.

- Every organizer, portal and API route taking an id (read from the app's url_map, so a route
  added tomorrow is tried too) is tried by an organizer of Lyon with the ids of Paris objects,
  and again with ids that exist nowhere, for GET and the state-changing methods (with valid
  CSRF tokens and bodies that would go through in scope): both answers are the same 404, to
  the byte, and the database does not change.
- The reported case: an organizer of Grand Est cannot attach, invite or confirm a role model of
  Île-de-France by id (web and API), nor read her name by walking ids; nor add a school of
  another académie to her event by its UAI.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentStatus,
    EmailStatus,
    Event,
    EventSchool,
    EventStatus,
    EventType,
    OutboxEmail,
    RoleModelStatus,
)
from app.services.accounts import api_tokens
from tests.app.conftest import AuthActions, FreshContextClient
from tests.support import access_world, factories
from tests.support.portal import csrf_token_of

MISSING = 2_000_000_000  # no row has this id, and it fits the API's 32-bit ids
# URL variables naming an object that belongs to someone's scope (or to one person).
SCOPED_IDS = {"event_id", "request_id", "assignment_id", "role_model_id", "email_id", "token_id", "school_id"}
# The role models' own portal routes: they name the signed-in person's own rows.
OWN_ROWS = {"calendar_id", "exception_id", "participation_id"}
START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)
EVENT_FORM = {"type": "school_visit", "title": "Titre changé", "day": "2027-03-17", "start_time": "09:00",
              "end_time": "11:00", "timezone": "Europe/Paris", "departement": "75", "role_models_min": "1",
              "role_models_max": "2"}
# Columns a request may change whoever sends it: the Lyon token's "last used" stamp.
MOVING = {("api_tokens", "last_used_at")}


def _page(response) -> tuple[int, str, str]:
    """What tells two answers apart: status, type and body (less the per-page CSRF token)."""
    body = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', response.get_data(as_text=True))
    return response.status_code, response.mimetype, body


def _fingerprint() -> dict:
    """Every row of every table, as the database holds it now."""
    db.session.expire_all()
    tables = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in MOVING]
        rows = db.session.execute(select(*columns)).all()
        tables[table.name] = sorted(map(repr, rows))
    return tables


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _signed_in(app, email: str):
    client = app.test_client()
    AuthActions(client).login(email)
    return client, csrf_token_of(client.get("/organisation/").get_data(as_text=True))


# --- every route taking an id -------------------------------------------------------------------


@pytest.fixture
def world(app, db):
    """access_world's Paris, with what the state-changing routes need to go through in scope."""
    app.test_client_class = FreshContextClient
    world = access_world.build()
    event_id = world.ids["event_id"]
    event = db.session.get(Event, event_id)
    event.type = EventType.DISCOVERY_HALF_DAY  # so that another school may join it, in scope
    proposed = factories.create_assignment(event=event, role_model=factories.create_role_model(first_name="Zénobie"))
    db.session.execute(update(OutboxEmail).where(OutboxEmail.id == world.ids["email_id"])
                       .values(status=EmailStatus.FAILED))  # as the sender leaves it: retry is possible
    free = factories.create_role_model(first_name="Ombeline")
    school = factories.create_school()
    db.session.flush()
    world.extra = {"proposed": proposed.id, "free": free.id, "uai": school.uai}
    return world


def _web_body(world, endpoint: str, token: str) -> dict:
    extra, ids = world.extra, world.ids
    body = {f"{prefix}csrf_token": token for prefix in
            ("", "move-", "cancel-", "decline-", "school-", f"remove{ids['assignment_id']}-")}
    body.update({
        "organizer.event_edit": EVENT_FORM,
        "organizer.request_schedule": EVENT_FORM,
        "organizer.event_reschedule": {"move-day": "2027-03-18", "move-start_time": "10:00",
                                       "move-end_time": "12:00"},
        "organizer.event_cancel": {"cancel-reason": "Essai"},
        "organizer.request_decline": {"decline-reason": "Essai"},
        "organizer.event_add_school": {"school-uai": extra["uai"], "school-headcount": "20"},
        "organizer.pairing_add": {"role_model": str(extra["free"])},
        "organizer.pairing_invite": {"assignment": str(extra["proposed"])},
        "organizer.assignment_cancel": {f"remove{ids['assignment_id']}-reason": "Essai"},
        "organizer.assignment_replace": {"replacement": str(extra["proposed"])},
    }.get(endpoint, {}))
    return body


API_BODIES = access_world.API_BODIES


def _rules_with_ids(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if SCOPED_IDS & set(rule.arguments):
            yield rule


def test_every_route_taking_an_id_answers_out_of_scope_as_missing(app, world):
    lyon, token = _signed_in(app, world.people["lyon"].email)
    bearer = {"Authorization": f"Bearer {world.secrets['lyon']}"}
    free = world.extra["free"]
    before = _fingerprint()
    tried, wrong = [], []
    for rule in _rules_with_ids(app):
        paris_url = access_world.url_for_endpoint(world, rule)
        saved = dict(world.ids)
        world.ids.update({name: MISSING for name in SCOPED_IDS & set(rule.arguments)})
        missing_url = world.url(rule)
        world.ids.clear()
        world.ids.update(saved)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint.startswith("api."):
                body = None if method == "GET" else API_BODIES.get(rule.endpoint, {})
                if rule.endpoint == "api.add_assignment":
                    body = {"role_model_id": free}
                answers = [lyon.open(url, method=method, headers=bearer, json=body)
                           for url in (paris_url, missing_url)]
            else:
                data = None if method == "GET" else _web_body(world, rule.endpoint, token)
                answers = [lyon.open(url, method=method, data=data) for url in (paris_url, missing_url)]
            out_of_scope, missing = (_page(a) for a in answers)
            tried.append((rule.endpoint, method))
            if out_of_scope[0] != 404 or out_of_scope != missing:
                wrong.append((rule.endpoint, method, out_of_scope[0], missing[0],
                              "differs from a missing id" if out_of_scope != missing else ""))
    assert wrong == [], "\n".join(map(str, wrong))
    assert _changed(before, _fingerprint()) == []
    assert len(tried) >= 35, tried
    assert {"portal.approve", "api.add_assignment", "organizer.pairing_add"} <= {e for e, _m in tried}


def test_every_integer_in_a_url_is_an_id_the_scope_matrix_knows(app):
    """A route with a new kind of id must be added to SCOPED_IDS (or OWN_ROWS) to be tried."""
    unknown = {
        (rule.endpoint, name)
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if type(converter).__name__ == "IntegerConverter" and name not in SCOPED_IDS | OWN_ROWS
    }
    assert unknown == set()


def test_the_matrix_bodies_go_through_in_scope(app, world):
    """The same requests by the Paris organizer are not refused: what the matrix judged was the
    scope, not a body the routes would have turned down anyway."""
    paris, token = _signed_in(app, world.people["paris"].email)
    extra = world.extra
    event_id = world.ids["event_id"]
    for path, data in (
        (f"/organisation/evenements/{event_id}/intervenants/ajouter", {"role_model": str(extra["free"])}),
        (f"/organisation/evenements/{event_id}/intervenants/inviter", {"assignment": str(extra["proposed"])}),
        (f"/organisation/evenements/{event_id}/etablissements", {"school-uai": extra["uai"],
                                                                 "school-csrf_token": token}),
    ):
        response = paris.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 302, (path, response.status_code)
    db.session.expire_all()
    assert db.session.scalar(select(Assignment).where(Assignment.role_model_id == extra["free"])) is not None
    assert db.session.get(Assignment, extra["proposed"]).status == AssignmentStatus.INVITED
    assert len(db.session.get(Event, event_id).schools) == 2


def test_lists_exports_figures_and_plans_of_another_region_hold_nothing_of_paris(app, world):
    """Where no id is named, the scope still holds: lists, the period review and its batch run,
    exports, statistics, the outbox; and nothing is proposed or invited on Paris's event."""
    lyon, token = _signed_in(app, world.people["lyon"].email)
    bearer = {"Authorization": f"Bearer {world.secrets['lyon']}"}
    period = "start=2027-03-01&end=2027-03-31"
    paris_names = [world.event_title, world.people["role_model_profile"].display_name, "Zénobie", "Ombeline"]
    before = _fingerprint()
    answers = [lyon.get(path) for path in (
        "/organisation/", "/organisation/evenements?du=2027-03-01", "/organisation/evenements/semaine?date=2027-03-16",
        "/organisation/evenements/mois?date=2027-03-16", "/organisation/demandes?statut=all",
        "/organisation/intervenants", "/organisation/courriels", "/organisation/intervenants/candidatures",
        f"/organisation/planification?{period}", f"/organisation/exports/evenements.csv?{period}",
        f"/organisation/statistiques?{period}", f"/organisation/statistiques.csv?{period}",
    )]
    answers += [lyon.get(path, headers=bearer) for path in (
        "/api/v1/events?start=2027-03-01", "/api/v1/role-models", f"/api/v1/statistics?{period}")]
    for answer in answers:
        assert answer.status_code == 200, (answer.request.path, answer.status_code)
        text = answer.get_data(as_text=True)
        assert not [n for n in paris_names if n in text], answer.request.path
    lyon.post("/organisation/planification/lancer", data={"csrf_token": token, "start": "2027-03-01",
                                                          "end": "2027-03-31"})
    lyon.post("/organisation/planification/inviter", data={"csrf_token": token,
                                                            "assignment": str(world.extra["proposed"])})
    assert _changed(before, _fingerprint()) == []


# --- the reported case: Grand Est and Île-de-France ------------------------------------------------

GRAND_EST = ["nancy-metz", "reims", "strasbourg"]
INES = {"first_name": "Inès", "last_name": "Dubois-Marchal", "company": "Turbomoteurs Villaroche",
        "job_title": "Ingénieure essais moteurs"}
PAULE = {"first_name": "Paule", "last_name": "Attendrie", "company": "Chimie Nanterre",
         "job_title": "Technicienne de laboratoire"}


@pytest.fixture
def grand_est(app, db):
    app.test_client_class = FreshContextClient
    organizer = factories.create_user(email="orga.grandest@example.org", academies=GRAND_EST)
    event = factories.create_event(organizer=organizer, departement="67", type=EventType.DISCOVERY_HALF_DAY,
                                   title="Demi-journée à Strasbourg", role_models_max=3, start_at=START)
    online = factories.create_event(organizer=organizer, departement="57", is_online=True,
                                    online_url="https://visio.example.org/x", title="En ligne depuis Metz",
                                    start_at=START + timedelta(days=2))
    local = factories.create_role_model(departements=["67"], first_name="Alsacienne")
    ines = factories.create_role_model(departements=["75", "92"], **INES)
    paule = factories.create_role_model(departements=["92"], status=RoleModelStatus.PENDING,
                                        accepts_remote=True, **PAULE)
    remote = factories.create_role_model(departements=["75"], accepts_remote=True, first_name="Distante")
    paris_school = factories.create_school(departement="75", name="Lycée parisien")
    _row, secret = api_tokens.create(organizer, name="grand est")
    return {"organizer": organizer, "event": event, "online": online, "local": local, "ines": ines,
            "paule": paule, "remote": remote, "paris_school": paris_school,
            "bearer": {"Authorization": f"Bearer {secret}"}}


def _names(*people) -> list[str]:
    return [value for person in people for value in person.values()]


def test_grand_est_cannot_attach_an_ile_de_france_role_model_on_the_web(app, grand_est):
    client, token = _signed_in(app, "orga.grandest@example.org")
    url = f"/organisation/evenements/{grand_est['event'].id}/intervenants/ajouter"
    missing = _page(client.post(url, data={"csrf_token": token, "role_model": str(MISSING)}))
    assert missing[0] == 404
    for person in ("ines", "paule", "remote"):
        answer = _page(client.post(url, data={"csrf_token": token, "role_model": str(grand_est[person].id)}))
        assert answer == missing, person
    for beyond in (2**31, 10**20):  # beyond any id: still a missing one, not a server error
        assert _page(client.post(url, data={"csrf_token": token, "role_model": str(beyond)})) == missing
    assert client.post(url, data={"csrf_token": token, "role_model": "²"}).status_code == 302  # not an id
    assert client.post(url, data={"csrf_token": token, "role_model": str(grand_est["local"].id)}).status_code == 302
    db.session.expire_all()
    on_event = db.session.scalars(select(Assignment.role_model_id).where(
        Assignment.event_id == grand_est["event"].id)).all()
    assert on_event == [grand_est["local"].id]


def test_grand_est_cannot_attach_an_ile_de_france_role_model_through_the_api(app, grand_est):
    client = app.test_client()
    url = f"/api/v1/events/{grand_est['event'].id}/assignments"
    headers = grand_est["bearer"]
    missing = _page(client.post(url, json={"role_model_id": MISSING}, headers=headers))
    assert missing[:2] == (404, "application/problem+json")
    for person in ("ines", "paule", "remote"):
        answer = client.post(url, json={"role_model_id": grand_est[person].id}, headers=headers)
        assert _page(answer) == missing, person
    added = client.post(url, json={"role_model_id": grand_est["local"].id}, headers=headers)
    assert added.status_code == 201
    db.session.expire_all()
    assert db.session.scalars(select(Assignment.role_model_id).where(
        Assignment.event_id == grand_est["event"].id)).all() == [grand_est["local"].id]


def test_an_online_event_takes_active_remote_role_models_from_anywhere(app, grand_est):
    """What matching and the event page's search already offer: not a pending applicant."""
    client = app.test_client()
    url = f"/api/v1/events/{grand_est['online'].id}/assignments"
    headers = grand_est["bearer"]
    assert client.post(url, json={"role_model_id": grand_est["remote"].id}, headers=headers).status_code == 201
    assert client.post(url, json={"role_model_id": grand_est["paule"].id}, headers=headers).status_code == 404
    assert client.post(url, json={"role_model_id": grand_est["ines"].id}, headers=headers).status_code == 404


def test_grand_est_cannot_invite_or_confirm_an_ile_de_france_role_model(app, grand_est):
    """Participations left on her event from before (an old proposal, an acceptance) cannot
    bring the person in either, by the web or the API; removing them stays possible."""
    event = grand_est["event"]
    proposed = factories.create_assignment(event=event, role_model=grand_est["ines"])
    accepted = factories.create_assignment(event=event, role_model=grand_est["remote"],
                                           status=AssignmentStatus.ACCEPTED, invited_at=START - timedelta(days=3))
    client, token = _signed_in(app, "orga.grandest@example.org")
    headers = grand_est["bearer"]
    emails_before = db.session.scalar(select(func.count()).select_from(OutboxEmail))
    assert client.post(f"/api/v1/assignments/{proposed.id}/invite", headers=headers).status_code == 404
    assert client.post(f"/api/v1/assignments/{accepted.id}/confirm", headers=headers).status_code == 404
    client.post(f"/organisation/evenements/{event.id}/intervenants/inviter",
                data={"csrf_token": token, "assignment": str(proposed.id)})
    client.post(f"/organisation/evenements/{event.id}/intervenants/confirmer", data={"csrf_token": token})
    assert client.post(f"/organisation/participations/{accepted.id}/confirmer",
                       data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Assignment, proposed.id).status == AssignmentStatus.PROPOSED
    assert db.session.get(Assignment, accepted.id).status == AssignmentStatus.ACCEPTED
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == emails_before
    removed = client.post(f"/api/v1/assignments/{proposed.id}/cancel", json={"reason": "Hors région"},
                          headers=headers)
    assert removed.status_code == 200


def test_walking_ids_never_shows_an_ile_de_france_name(app, grand_est):
    client, token = _signed_in(app, "orga.grandest@example.org")
    headers = grand_est["bearer"]
    event = grand_est["event"]
    ids = [grand_est[p].id for p in ("local", "ines", "paule", "remote")]
    searches = ("", "Marchal", "Attend", "Turbomoteurs")  # parts only: a page shows what was searched
    pages = [client.get("/organisation/intervenants?q=" + q) for q in searches]
    pages += [client.get("/api/v1/role-models?q=" + q, headers=headers) for q in searches]
    pages += [client.get("/organisation/intervenants/candidatures"),
              client.get(f"/organisation/evenements/{event.id}?q=Marchal")]
    missing = {}
    for role_model_id in [*range(min(ids) - 2, max(ids) + 3), MISSING]:
        walked = {
            "page": client.get(f"/organisation/intervenants/{role_model_id}"),
            "api": client.get(f"/api/v1/role-models/{role_model_id}", headers=headers),
            "add": client.post(f"/organisation/evenements/{event.id}/intervenants/ajouter",
                               data={"csrf_token": token, "role_model": str(role_model_id)}),
            "api_add": client.post(f"/api/v1/events/{event.id}/assignments", json={"role_model_id": role_model_id},
                                   headers=headers),
            "approve": client.post(f"/espace/candidatures/{role_model_id}/valider", data={"csrf_token": token}),
        }
        pages += walked.values()
        if role_model_id == MISSING:
            missing = {k: _page(v) for k, v in walked.items()}
    for page in pages:
        text = page.get_data(as_text=True)
        assert not [name for name in _names(INES, PAULE) if name in text], (page.request.path, page.status_code)
    for person in ("ines", "paule"):  # and each of her answers is a missing id's
        rid = grand_est[person].id
        assert _page(client.get(f"/organisation/intervenants/{rid}")) == missing["page"]
        assert _page(client.get(f"/api/v1/role-models/{rid}", headers=headers)) == missing["api"]
        assert _page(client.post(f"/espace/candidatures/{rid}/valider",
                                 data={"csrf_token": token})) == missing["approve"]
    db.session.expire_all()
    assert db.session.get(type(grand_est["paule"]), grand_est["paule"].id).status == RoleModelStatus.PENDING


def test_a_school_of_another_academie_cannot_join_her_event(app, grand_est):
    """Answered as an unknown UAI: a school is known here only once it dealt with the collective."""
    event = grand_est["event"]
    client, token = _signed_in(app, "orga.grandest@example.org")
    url = f"/organisation/evenements/{event.id}/etablissements"
    unknown_uai = "0759999" + "Z"
    answers = {}
    for uai in (grand_est["paris_school"].uai, unknown_uai):
        response = client.post(url, data={"school-csrf_token": token, "school-uai": uai, "school-headcount": "20"})
        text = response.get_data(as_text=True)
        answers[uai] = (response.status_code, "Aucun établissement connu avec ce numéro UAI" in text,
                        "Lycée parisien" in text)
    assert answers[grand_est["paris_school"].uai] == answers[unknown_uai] == (422, True, False)
    strasbourg = factories.create_school(departement="67")
    response = client.post(url, data={"school-csrf_token": token, "school-uai": strasbourg.uai})
    assert response.status_code == 302
    db.session.expire_all()
    joined = db.session.scalars(select(EventSchool.school_id).where(EventSchool.event_id == event.id)).all()
    assert joined == [strasbourg.id]


def test_replacing_with_a_participation_of_another_event_is_a_missing_id(app, grand_est):
    event = grand_est["event"]
    leaving = factories.create_assignment(event=event, role_model=grand_est["local"],
                                          status=AssignmentStatus.INVITED, invited_at=START - timedelta(days=2))
    elsewhere = factories.create_assignment(event=factories.create_event(departement="75"),
                                            role_model=grand_est["ines"])
    client, token = _signed_in(app, "orga.grandest@example.org")
    url = f"/organisation/participations/{leaving.id}/remplacer"
    answers = [_page(client.post(url, data={"csrf_token": token, "replacement": str(r)}))
               for r in (elsewhere.id, MISSING)]
    assert answers[0][0] == 404 and answers[0] == answers[1]
    db.session.expire_all()
    assert db.session.get(Assignment, leaving.id).status == AssignmentStatus.INVITED
    assert db.session.get(Assignment, elsewhere.id).status == AssignmentStatus.PROPOSED
    assert db.session.get(Event, event.id).status == EventStatus.SCHEDULED

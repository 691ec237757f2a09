"""Hostile text into every field of every form and every API body: never a 5xx, nothing half-saved.

The forms are found by walking the app: every page of the public site, the portal and the
organizer pages (read from the url_map, with the ids of `tests/support/access_world.py`) is
opened by whoever may see it, and each form on it is sent back, with its CSRF token, once
per field with that field replaced by a hostile string (control characters, NUL, quotes, very
long text, odd Unicode, right-to-left marks). The API's bodies come from its OpenAPI document:
every string in an operation's example body, and every string property of its schema, gets the
same treatment (JSON can also carry lone surrogates). So a field or a form added later is tried
too.

What must hold, on SQLite and PostgreSQL:
- no answer is a 5xx;
- an answer that refuses (4xx) leaves every table with the rows it had;
- whatever is accepted stores no control character but line breaks and tabs
  (app/services/common/text.py), so neither PostgreSQL nor the mail and calendar layers choke
  on it later.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, Text, func, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from app.extensions import db
from tests.app.conftest import AuthActions, FreshContextClient
from tests.support import access_world
from tests.support.portal import sign_in

# One example is one pass over every field of every form or body (two hundred requests or so),
# each field with its own hostile value: keep the count small. The fixed passes below send one
# value everywhere: the ones that broke something before.
EXAMPLES = 1
FIXED = ["\x00", "Marie\r\nBcc: x@example.org\u2028\u202e", '"x;y"@example.org', "x" * 20_000]
HOSTILE_CHARS = ["\x00", "\r", "\n", "\r\n", "\t", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
                 "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\ufffd", "\uffff", '"', "'", ";", ",", "<",
                 ">", "@", "\\", "%", "_", "é", "ß", "ǅ", "𝕏", "👩🏽‍🔧", "\u0301", "ـ"]
# Derandomized and without shrinking: a failure names the field and the value, and a run stays
# within its time on CI.
SETTINGS = {"max_examples": EXAMPLES, "deadline": None, "database": None, "derandomize": True,
            "phases": [Phase.explicit, Phase.generate], "suppress_health_check": list(HealthCheck)}
STORED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SKIPPED_FIELDS = {"csrf_token"}


@pytest.fixture
def app_config():
    # Hundreds of posts in a few seconds: the rate limits are not what is tried here.
    return {"RATELIMIT_ENABLED": False}


def hostile_text(*, surrogates: bool = False):
    chars = st.sampled_from(HOSTILE_CHARS + (["\ud800", "\udfff"] if surrogates else []))
    mixed = st.lists(st.one_of(chars, st.characters(exclude_categories=["Cs"])), min_size=1, max_size=12)
    return st.one_of(
        mixed.map("".join),
        st.tuples(st.sampled_from(["Marie", "Collège Curie", "a@example.org"]), mixed.map("".join))
        .map(lambda parts: parts[0] + parts[1]),
        st.tuples(chars, st.integers(250, 12_000)).map(lambda c: c[0] * c[1]),
    )


def run(send, values, count: int, fixed=FIXED) -> None:
    """`send(values)` with one value per target: each fixed value everywhere, then generated ones."""
    test = given(values=st.lists(values, min_size=count, max_size=count))(send)
    for value in reversed(fixed):
        test = example(values=[value] * count)(test)
    settings(**SETTINGS)(test)()


# --- finding the forms ---------------------------------------------------------------------------


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, value) as a browser sends
    fuzzed: list[str] = field(default_factory=list)  # names of the fields to try


class FormParser(HTMLParser):
    """The forms of a page with the values a browser would send untouched."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[HtmlForm] = []
        self.current: HtmlForm | None = None
        self.textarea: list | None = None
        self.select: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = HtmlForm(a.get("action") or self.url, (a.get("method") or "get").upper())
            self.forms.append(self.current)
            return
        form, name = self.current, a.get("name")
        if form is None or not name:
            return
        kind = (a.get("type") or "text").lower()
        if tag == "input" and kind not in ("submit", "button", "image", "file", "reset"):
            if kind in ("checkbox", "radio") and "checked" not in a:
                if name not in form.fuzzed:
                    form.fuzzed.append(name)
                return
            form.fields.append((name, a.get("value") or ""))
            if name not in form.fuzzed:
                form.fuzzed.append(name)
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = [name, None, None]  # name, first option, selected option
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select[1] = value if self.select[1] is None else self.select[1]
            if "selected" in a:
                self.select[2] = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea is not None and self.current is not None:
            self.current.fields.append(tuple(self.textarea))
            self.current.fuzzed.append(self.textarea[0])
            self.textarea = None
        elif tag == "select" and self.select is not None and self.current is not None:
            name, first, chosen = self.select
            self.current.fields.append((name, chosen if chosen is not None else first or ""))
            self.current.fuzzed.append(name)
            self.select = None


def _clients(app, world) -> dict[str, FreshContextClient]:
    app.test_client_class = FreshContextClient
    organizer, role_model, anonymous = app.test_client(), app.test_client(), app.test_client()
    AuthActions(organizer).login(world.people["paris"].email)
    sign_in(role_model, world.people["role_model"])
    return {"organizer": organizer, "role_model": role_model, "anonymous": anonymous}


ORGANIZER_PORTAL = {"portal.applications", "portal.approve", "portal.invite"}


def _who(endpoint: str) -> list[str]:
    if endpoint.startswith("organizer.") or endpoint in ORGANIZER_PORTAL:
        return ["organizer"]
    if endpoint.startswith("portal."):
        return ["role_model", "anonymous"]
    return ["anonymous"]


def find_forms(app, world, clients) -> list[tuple[str, HtmlForm]]:
    """(who, form) for every form with something to type, on every page someone may open."""
    found: dict[tuple[str, str, tuple[str, ...]], HtmlForm] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint.startswith(("api", "feeds.", "static", "health")):
            continue
        url = access_world.url_for_endpoint(world, rule)
        for who in _who(rule.endpoint):
            page = clients[who].get(url)
            if page.status_code != 200 or page.mimetype != "text/html":
                continue
            parser = FormParser(url)
            parser.feed(page.get_data(as_text=True))
            for form in parser.forms:
                fuzzed = [name for name in form.fuzzed if name not in SKIPPED_FIELDS]
                if not fuzzed:
                    continue  # a button (sign out, pause…): nothing to type
                form.fuzzed = fuzzed
                found.setdefault((who, form.method, form.action.split("?")[0], tuple(sorted(fuzzed))), form)
            break
    return [(who, form) for (who, *_key), form in found.items()]


def _endpoint(app, form: HtmlForm) -> str | None:
    try:
        return app.url_map.bind("localhost").match(urlsplit(form.action).path, method=form.method)[0]
    except HTTPException:
        return None


# --- what must hold ------------------------------------------------------------------------------


def _text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                yield table, column


def counts() -> dict[str, int]:
    """Rows per table, in one query (it runs around every request)."""
    tables = db.metadata.sorted_tables
    row = db.session.execute(select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))).one()
    return dict(zip((t.name for t in tables), row, strict=True))


def stored_controls() -> list[tuple[str, str, str]]:
    bad = []
    for table, column in _text_columns():
        for value in db.session.scalars(select(column).where(column.is_not(None))):
            if isinstance(value, str) and STORED_CONTROL.search(value):
                bad.append((table.name, column.name, value[:80]))
    return bad


class Judge:
    """Checks each answer; counts the rows again only after one that may have saved something."""

    def __init__(self):
        self.before = counts()

    def __call__(self, response, what) -> None:
        assert response.status_code < 500, (what, response.status_code, response.get_data(as_text=True)[:500])
        now = counts()
        if response.status_code >= 400:
            assert now == self.before, (what, response.status_code)
        self.before = now


# --- the forms -----------------------------------------------------------------------------------


@pytest.fixture
def world(app, db):
    app.test_client_class = FreshContextClient
    return access_world.build()


def test_hostile_text_in_every_form(app, db, world):
    clients = _clients(app, world)
    forms = find_forms(app, world, clients)
    tried_endpoints = {_endpoint(app, form) for _who, form in forms}
    # The walk must reach the forms people type into: if it stops finding them, it tests nothing.
    for endpoint in ("public.request_form", "portal.apply", "portal.profile", "organizer.event_new",
                     "organizer.event_cancel", "portal.invite", "feedback.form"):
        assert endpoint in tried_endpoints, sorted(tried_endpoints)

    targets = [(who, form, name) for who, form in forms for name in form.fuzzed]

    def send(values):
        judge = Judge()
        for (who, form, name), value in zip(targets, values, strict=True):
            data = MultiDict([(n, v) for n, v in form.fields if n != name] + [(name, value)])
            if form.method == "GET":
                response = clients[who].get(urlsplit(form.action).path, query_string=data)
            else:
                response = clients[who].post(form.action, data=data)
            judge(response, (who, form.method, form.action, name, value[:40]))
        assert stored_controls() == []

    run(send, hostile_text(), len(targets))


# --- the API -------------------------------------------------------------------------------------


def _resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _complete(spec, schema, body):
    """The example body with every string property of the schema present (nested ones too)."""
    schema = _resolve(spec, schema)
    if schema.get("type") == "object" or "properties" in schema:
        body = dict(body) if isinstance(body, dict) else {}
        for name, prop in schema.get("properties", {}).items():
            if prop.get("readOnly"):
                continue
            prop = _resolve(spec, prop)
            if name in body or prop.get("type") == "string" or "properties" in prop:
                body[name] = _complete(spec, prop, body.get(name, VALID.get(name, "x")))
        return body
    if schema.get("type") == "array" and isinstance(body, list):
        return [_complete(spec, schema.get("items", {}), item) for item in body]
    return body


# Valid values for string properties an example leaves out, so that the field tried is the only
# wrong one.
VALID = {"timezone": "Europe/Paris", "online_url": "https://visio.example.org/salle", "phone": "01 23 45 67 89",
         "postal_code": "75013", "description": "Une rencontre", "address": "1 rue de la Paix", "remarks": "Merci",
         "commune": "Paris", "venue": "CDI", "name": "Collège Curie"}


def _string_paths(body, path=()):
    if isinstance(body, dict):
        for key, value in body.items():
            yield from _string_paths(value, (*path, key))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from _string_paths(value, (*path, index))
    elif isinstance(body, str):
        yield path


def _replaced(body, path, value):
    if not path:
        return value
    copy = list(body) if isinstance(body, list) else dict(body)
    copy[path[0]] = _replaced(body[path[0]], path[1:], value)
    return copy


def api_operations(app, world, spec):
    """(method, url, body or None, query names) of every API operation that takes text."""
    for path, operations in spec["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(world.ids.get(m.group(1), 1)), path)
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            body = _complete(spec, content["schema"], content.get("example", {})) if content else None
            query = [p["name"] for p in operation.get("parameters", [])
                     if p.get("in") == "query" and p.get("schema", {}).get("type") == "string"]
            if body is not None or query:
                yield method.upper(), url, body, query


def test_hostile_text_in_every_api_body(app, db, world, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = list(api_operations(app, world, spec))
    assert {(m, re.sub(r"/\d+", "/{id}", u)) for m, u, _b, _q in operations} >= {
        ("POST", "/api/v1/events"), ("PATCH", "/api/v1/events/{id}"), ("POST", "/api/v1/events/{id}/cancel"),
        ("POST", "/api/v1/visit-requests"), ("POST", "/api/v1/assignments/{id}/cancel")}
    headers = {"Authorization": f"Bearer {world.secrets['paris']}"}

    targets = [(method, url, body, path, None) for method, url, body, _query in operations if body is not None
               for path in _string_paths(body)]
    targets += [(method, url, None, None, name) for method, url, _body, query in operations for name in query]

    def send(values):
        judge = Judge()
        for (method, url, body, path, name), value in zip(targets, values, strict=True):
            if body is not None:
                payload = json.dumps(_replaced(body, path, value))  # \ud800 goes as an escape, as JSON allows
                response = client.open(url, method=method, data=payload, content_type="application/json",
                                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
            elif any("\ud800" <= c <= "\udfff" for c in value):
                continue  # a URL cannot carry a lone surrogate
            else:
                response = client.open(url, method=method, query_string={name: value}, headers=headers)
            judge(response, (method, url, path or name, value[:40]))
        assert stored_controls() == []

    run(send, hostile_text(surrogates=True), len(targets), fixed=[*FIXED, "\ud800"])

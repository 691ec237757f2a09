"""English stays complete: every string extracted from the source tree (as `make
translations-update` extracts it) has a checked English translation that keeps its placeholders,
and the public pages render in English with ?lang=en."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _keywords() -> dict:
    """The keywords the Makefile's translations-update target passes to pybabel (-k ...)."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntranslations-update:", 1)[1].split("\n\n", 1)[0]
    extra = re.findall(r"-k\s+(\S+)", recipe)
    assert "_l" in extra, "translations-update must extract _l() (lazy_gettext)"
    return {**DEFAULT_KEYWORDS, **parse_keywords(extra)}


def _extract() -> dict:
    """msgid (str, or (singular, plural)) -> first location, as pybabel extract -F babel.cfg finds them."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")

    def only_app(path: str) -> bool:  # walk app/ only: .venv, node_modules, tests are never extracted
        rel = os.path.relpath(path, ROOT)
        return rel == "." or rel == "app" or rel.startswith("app" + os.sep)

    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=_keywords(), directory_filter=only_app
    ):
        assert context is None, "message contexts (pgettext) need this test extended"
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def extracted() -> dict:
    return _extract()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with open(PO, "rb") as f:
        return read_po(f, locale="en")


def _forms(message) -> list[str]:
    return list(message) if isinstance(message, (tuple, list)) else [message]


def test_extraction_finds_python_templates_and_email_texts(extracted):
    files = {where.rsplit(":", 1)[0] for where in extracted.values()}
    assert any(f.endswith(".py") for f in files)
    assert any(f.endswith(".html") for f in files)
    assert any(f.endswith(".subject.txt") for f in files)
    assert "Rencontre programmée : %(title)s" in extracted  # email subjects reach the catalogue


def test_every_extracted_message_has_a_checked_english_translation(extracted, catalog):
    missing, fuzzy, untranslated = [], [], []
    for msgid, where in extracted.items():
        entry = catalog.get(msgid if isinstance(msgid, str) else msgid[0])
        if entry is None or _forms(entry.id) != _forms(msgid):
            missing.append(f"{where}: {msgid!r}")
        elif entry.fuzzy:
            fuzzy.append(f"{where}: {msgid!r}")
        elif not all(s.strip() for s in _forms(entry.string)):
            untranslated.append(f"{where}: {msgid!r}")
    problems = (
        [f"not in the .po (run make translations-update): {m}" for m in missing]
        + [f"fuzzy: {m}" for m in fuzzy]
        + [f"untranslated: {m}" for m in untranslated]
    )
    assert not problems, f"{len(problems)} English entries to fix:\n" + "\n".join(problems)


def test_translations_keep_placeholders_and_markup(catalog):
    wrong = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids, strings = _forms(entry.id), _forms(entry.string)
        allowed = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for n, text in enumerate(strings):
            source = ids[min(n, len(ids) - 1)]
            used = PLACEHOLDER.findall(text)
            lost = set(PLACEHOLDER.findall(source)) - set(used)
            unknown = set(used) - allowed
            if lost or unknown:
                wrong.append(f"{source!r} -> {text!r}: lost {sorted(lost)}, unknown {sorted(unknown)}")
            if sorted(TAG.findall(source)) != sorted(TAG.findall(text)):
                wrong.append(f"{source!r} -> {text!r}: HTML changed")
            if source.count("%%") != text.count("%%"):
                wrong.append(f"{source!r} -> {text!r}: %% changed")
    assert not wrong, "\n".join(wrong)


def test_catalogue_has_one_entry_per_msgid_and_english_plural_forms(catalog):
    seen = [entry.id if isinstance(entry.id, str) else entry.id[0] for entry in catalog if entry.id]
    assert len(seen) == len(set(seen))
    assert catalog.num_plurals == 2


@pytest.fixture(scope="module")
def fresh_translations(tmp_path_factory, catalog) -> str:
    """The .po compiled now, so the pages below never read a stale messages.mo."""
    directory = tmp_path_factory.mktemp("translations")
    target = directory / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as f:
        write_mo(f, catalog)
    return str(directory)


@pytest.fixture
def app_config(fresh_translations) -> dict:
    return {"BABEL_TRANSLATION_DIRECTORIES": fresh_translations}


def _visible_text(response) -> str:
    page = response.get_data(as_text=True)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'(?:aria-label|placeholder|title|alt)="([^"]*)"', page))
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes))


# The language switch link says "Français" on purpose; académie, collège and lycée stay French.
FRENCH = ["Connexion", "Se connecter", "Demander une rencontre", "Établissement", "établissement",
          "Adresse e-mail", "Mot de passe", "Envoyer", "Votre", "Aller au contenu", "élèves",
          "Confidentialité", "marraine", "Aucun", "Prochains"]


@pytest.mark.parametrize(
    ("url", "english"),
    [
        ("/?lang=en", ["Request a meeting", "Women and men from industry in your classrooms",
                       "Upcoming public events", "Skip to content", "Privacy"]),
        ("/connexion?lang=en", ["Organizer area", "Email address", "Password",
                                "Stay signed in on this device", "Sign in"]),
        ("/demandes/nouvelle?lang=en", ["Request a meeting for your pupils", "1. Your school",
                                        "School name", "Number of pupils", "Job discovery half-day",
                                        "Roundtable", "Send the request", "aerospace", "gender equality"]),
    ],
)
def test_pages_render_in_english(client, url, english):
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)
    text = _visible_text(response)
    for words in english:
        assert words in text, f"{words!r} missing from {url}"
    french = [word for word in FRENCH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    assert not french, f"French left on {url}: {french}"


def test_topic_labels_translate_but_the_stored_words_stay_french(client):
    page = client.get("/demandes/nouvelle?lang=en").get_data(as_text=True)
    assert 'value="aéronautique"' in page and "aerospace" in page

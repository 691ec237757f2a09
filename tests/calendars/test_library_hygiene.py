"""The library stands alone: no web framework imported, and its examples run."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import calendars

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    ["calendars"] + [f"calendars.{info.name}" for info in pkgutil.iter_modules(calendars.__path__)]
)


def test_import_calendars_pulls_in_no_flask_sqlalchemy_or_app():
    code = (
        "import sys, json, calendars\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug', 'app'))\n"
        "print(json.dumps(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True, timeout=60)
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("name", MODULES)
def test_doctests_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs=vars(module).copy()):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


@pytest.mark.parametrize("name", MODULES)
def test_every_public_function_has_a_docstring(name):
    module = importlib.import_module(name)
    assert module.__doc__
    for attribute in getattr(module, "__all__", []):
        value = getattr(module, attribute)
        if callable(value) and getattr(value, "__module__", "").startswith("calendars"):
            assert value.__doc__, f"{name}.{attribute} has no docstring"

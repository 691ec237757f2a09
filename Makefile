# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations translations-update db demo scheduler js-test-deps bench clean help migration

help:
	@echo "make run    - set up, migrate the SQLite database, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - lint (ruff) and the whole suite (SQLite, plus PostgreSQL when TEST_DATABASE_URL is set)"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d app/translations

# Re-extract every translatable string (babel.cfg: app/**.py, templates, email .txt) and merge it
# into each catalogue; then translate the new or fuzzy entries in app/translations/*/LC_MESSAGES.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
		-k lazy_pgettext:1c,2 --project Rencontres -o app/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i app/translations/messages.pot -d app/translations --ignore-obsolete
	@echo "Translate the new and fuzzy entries (tests/app/web/test_translations.py lists them), then make translations."

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

run: demo
	@echo "Rencontres on http://$(HOST):$(PORT) — organizer: organisatrice@rencontres.example / rencontres-demo"
	SCHEDULER_IN_PROCESS=1 $(FLASK) run --host $(HOST) --port $(PORT)

scheduler: db
	$(FLASK) scheduler

# Mozilla's ical.js, to check our feeds parse as Thunderbird parses them.
js-test-deps:
	@if command -v npm >/dev/null 2>&1 && [ -f tests/js/package-lock.json ]; then \
		[ -f tests/js/node_modules/ical.js/package.json ] && [ -f tests/js/node_modules/axe-core/axe.min.js ] \
			|| npm ci --prefix tests/js --no-audit --no-fund --silent; \
	else echo "npm not found: ical.js and axe-core checks will be skipped"; fi

test: install js-test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: install
	$(BIN)/pip install --quiet -r bench/requirements.txt
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache

# Until the first production release the schema lives in one initial migration, regenerated
# from the models on an empty database (never hand-edit it; after release, add revisions).
migration: install
	@tmp=$$(mktemp -d); rm -f migrations/versions/*.py; \
	DATABASE_URL=sqlite:///$$tmp/empty.sqlite3 $(FLASK) db migrate -m "the domain model" >/dev/null && \
	rm -rf $$tmp && ls migrations/versions/

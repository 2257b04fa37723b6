# gridcare: `make run` serves the platform, `make test` checks everything.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest install messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The site and the background worker together (scripts/run); Ctrl-C stops both.
run: $(STAMP)
	PY=$(BIN)/python scripts/run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy gridcare config

# The suite runs on every core (pytest-xdist; each worker has its own test database):
# `make test PYTEST_WORKERS=0` runs it in one process, PYTEST_ARGS adds pytest's own flags.
PYTEST_WORKERS ?= auto
pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint typecheck pytest

# Re-extract the interface strings, fill English from locale/en/glossary.json, compile.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --no-obsolete -v0
	$(BIN)/python scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/glossary.json
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

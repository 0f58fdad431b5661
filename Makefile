# SWS Digital portal. `make run` starts everything locally; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest Python 3.11+ found; override with `make PYTHON=/path/to/python3.13 ...`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
	&& { echo $$p; break; }; done)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
ADDR ?= 127.0.0.1:8000

.PHONY: help run test lint format check messages bench drills clean

help:
	@echo "make run       start the portal on http://$(ADDR)/ with a Celery worker and beat (Ctrl-C stops)"
	@echo "make test      run the whole test suite (PostgreSQL/Redis/browser tests run when configured)"
	@echo "make lint      ruff lint + format check, missing migrations, deploy checks, dependency audit"
	@echo "make format    format the code with ruff"
	@echo "make messages  update and compile the German and English translation catalogues"
	@echo "make bench     pages under load and a soak against local PostgreSQL + Redis (see bench/README.md)"
	@echo "make drills    fault drills: Redis, worker, database, SMTP and bounce-mailbox failures; make run under load (docs/reliability.md)"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.13, python3.12, python3.11 or python3)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_RUN): requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@$(PY) manage.py ensure_local_admin
	$(PY) manage.py run_local --addr $(ADDR)

test: $(STAMP_DEV)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=ci-$$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 60) \
	  FIELD_ENCRYPTION_KEYS=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	  ALLOWED_HOSTS=portal.example SITE_URL=https://portal.example \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) .ci/audit.py requirements.txt

format: $(STAMP_DEV)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(STAMP_DEV)
	$(PY) manage.py makemessages -l de -l en --no-obsolete --no-location --ignore=.venv* --ignore=var --ignore=staticfiles --ignore=bench
	@# English is the source language: msgmerge's fuzzy guesses ("Status" -> "Statutes") become the msgid itself.
	$(PY) -c "import polib; po = polib.pofile('locale/en/LC_MESSAGES/django.po'); \
	  [(e.flags.remove('fuzzy'), setattr(e, 'previous_msgid', None), setattr(e, 'previous_msgid_plural', None), \
	    setattr(e, 'msgstr_plural', {0: e.msgid, 1: e.msgid_plural}) if e.msgid_plural else setattr(e, 'msgstr', e.msgid)) \
	   for e in po.fuzzy_entries()]; po.save()"
	msgen locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv* -v0

bench: $(STAMP_DEV)
	@command -v wrk >/dev/null 2>&1 || { echo "make bench drives the load with wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/run.py

drills: $(STAMP_DEV)
	$(PY) bench/drills/run.py $(DRILLS)

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache

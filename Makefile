# Valiza: `make run` to try it, `make test` to test it. Every install step lives here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test test-dates install install-dev system-libs browser faketime serve lint check-deploy migrate demo worker clean dev-cookies messages prod-check load-test

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: system-libs $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# A local secret for this checkout, made once; servers set VALIZA_SECRET_KEY themselves. Cookies are
# HTTPS-only unless said otherwise: this machine serves plain http.
.env:
	@printf 'VALIZA_SECRET_KEY=%s\nVALIZA_DEBUG=true\nVALIZA_SECURE_COOKIES=false\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Created .env with a new secret key."

# A .env made before cookies became HTTPS-only by default: a developer's (debug on) gets the line it lacks.
dev-cookies: .env
	@if grep -q '^VALIZA_DEBUG=true' .env && ! grep -q '^VALIZA_SECURE_COOKIES=' .env; then \
	  echo 'VALIZA_SECURE_COOKIES=false' >> .env; echo "Added VALIZA_SECURE_COOKIES=false to .env (plain http here)."; fi

migrate: install .env dev-cookies messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: system-libs demo
	@echo ""
	@echo "Valiza: http://$(HOST):$(PORT)/  (staff: http://$(HOST):$(PORT)/staff/)"
	@echo ""
	@# The background worker (planning runs, SMS, case files) lives as long as the server.
	$(PY) manage.py worker --no-startup-delay & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# The background worker (ADR 5): runs tasks queued in the database (planning runs, SMS, case files),
# keeps a heartbeat and recovers what a dead worker left (core/worker.py).
worker: migrate
	$(PY) manage.py worker

# WeasyPrint (route sheets as PDF) needs Pango, HarfBuzz and fontconfig from Debian; the fonts it
# prints with are our own (static/fonts). Installed only when missing, and only as root.
# gettext's msgfmt compiles the Ukrainian plural forms (make messages).
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 gettext
system-libs:
	@missing=""; for p in $(SYSTEM_LIBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (as root: apt-get install$$missing)"; exit 1; fi; fi

# Browser tests drive Debian's chromium; Playwright never downloads a browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (as root: apt-get install chromium)"; exit 1; fi; }

test: system-libs install-dev browser .env messages
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Model changes without migrations: run manage.py makemigrations"; exit 1; }
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The non-browser tests at fixed moments, Kyiv time, under Debian's faketime (.ci/test-dates): a
# Friday 23:59; a Sunday noon in summer time; New Year's Eve 23:30; a public holiday just after
# midnight (Independence Day, a Monday: in UTC still Sunday, the week before); 30 minutes after the
# clocks went forward (03:30 does not exist that night); the second 03:30 of the night they go back.
# One moment: make test-dates DATES_AT="2026-12-04 23:59:00"
DATES_AT ?= 2026-12-04 23:59:00,2026-07-12 12:00:00,2026-12-31 23:30:00,2026-08-24 00:30:00,2026-03-29 04:30:00 +0300,2026-10-25 03:30:00 +0200
test-dates: system-libs install-dev faketime .env messages
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Model changes without migrations: run manage.py makemigrations"; exit 1; }
	DATES_AT="$(DATES_AT)" DATES_PICK="$(DATES_PICK)" PYTEST_ARGS="$(PYTEST_ARGS)" PY="$(PY)" .ci/test-dates

# Ukrainian plural forms (1 рік, 2 роки, 5 років): gettext without a catalogue knows only two forms.
# The catalogue holds only the messages with a count (ADR 3); core/tests/test_plurals.py finds one missing.
MO := locale/uk/LC_MESSAGES/django.mo
$(MO): locale/uk/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<
messages: system-libs $(MO)

faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	  else echo "faketime is missing: install Debian's faketime package (as root: apt-get install faketime)"; exit 1; fi; }

# Style and the layer contracts (.importlinter, ADR 8).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache

# Models and migrations agree, and production settings (from the environment, as on a server: no .env,
# debug off, HTTPS, HSTS, a throwaway secret) pass Django's deployment checks with not one warning.
PRODUCTION_ENV := VALIZA_ENV_FILE=/nonexistent VALIZA_DEBUG=false VALIZA_ALLOWED_HOSTS=valiza.example.gov.ua \
	VALIZA_CSRF_TRUSTED_ORIGINS=https://valiza.example.gov.ua VALIZA_SECURE_COOKIES=true VALIZA_SSL_REDIRECT=true \
	VALIZA_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO VALIZA_HSTS_SECONDS=31536000 VALIZA_HSTS_INCLUDE_SUBDOMAINS=true \
	VALIZA_HSTS_PRELOAD=true
check-deploy: install-dev .env
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Model changes without migrations: run manage.py makemigrations"; exit 1; }
	$(PRODUCTION_ENV) VALIZA_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Issue 17, several app servers: a fresh PostgreSQL database (PROD_DB, dropped and made anew), TWO gunicorn
# servers and TWO workers, the cache on Redis 127.0.0.1:6379; a request taken on one server, planned by a
# worker, synced through the other, a photo in chunks to both; then everything stops
# (bench/management/commands/prod_check.py). S3=1: files in a bucket on a moto S3 server (VALIZA_STORAGE=s3).
PROD_DB ?= postgres://postgres@127.0.0.1:5432/valiza_prodcheck
S3 ?=
prod-check: install-dev .env messages
	$(PY) manage.py prod_check --database-url $(PROD_DB) $(if $(filter 1 yes true,$(S3)),--s3)

# Load held for LOAD_MINUTES (10) with locust against the same layout and the demo community; locust lives in
# its own venv (.venv-load, requirements-load.txt), never in the app's. LOAD_USERS=40 LOAD_SPAWN_RATE=2.
LOAD_DB ?= postgres://postgres@127.0.0.1:5432/valiza_loadtest
LOAD_MINUTES ?= 10
.venv-load/.installed: requirements-load.txt
	$(PYTHON) -m venv .venv-load
	.venv-load/bin/pip install --quiet -r requirements-load.txt
	touch $@
load-test: install-dev .env messages .venv-load/.installed
	LOAD_MINUTES=$(LOAD_MINUTES) $(PY) manage.py load_test --database-url $(LOAD_DB)

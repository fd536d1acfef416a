# Segmenta: the commands a newcomer needs are `make run` and `make test`.
# Every install comes from the locked, hashed requirements/*.txt; `make lock` refreshes them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APP_STAMP := $(VENV)/.installed-app
SERVER_STAMP := $(VENV)/.installed-server
TEST_STAMP := $(VENV)/.installed-test
# The lock targets Linux and Python 3.11.5+ (as CI runs it); UPGRADE=1 moves every package to
# its newest allowed version, otherwise the pins already in requirements/ are kept.
LOCK := $(PY) -m uv pip compile pyproject.toml --quiet --generate-hashes \
	--python-version 3.11.5 --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command "make lock"

# pipefail: the progress filter after `pip install` must not hide pip's failure
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec

.PHONY: run serve worker test bench lint format lock migration browser-deps clean

$(PY):
	@echo "Setting up $(VENV) (the first run takes a few minutes)…"
	@$(PYTHON) -m venv $(VENV)

# install LOCK_FILE into .venv, one line per package fetched, then segmenta itself (editable)
define install_locked
	@echo "Installing the packages locked in $(1)…"
	@$(PY) -m pip install --disable-pip-version-check --require-hashes --progress-bar off \
	  -r $(1) | awk '$$1 ~ /^(Collecting|Processing)$$/ { n = split($$2, path, "/"); \
	    split(path[n], wheel, "-"); print "  " (n > 1 ? wheel[1] "==" wheel[2] : $$2); fflush() } \
	    /^Installing collected/ { print "  unpacking them into $(VENV)…"; fflush() }'
	@$(PY) -m pip install --disable-pip-version-check --quiet --no-deps -e .
	@touch $@
endef

$(APP_STAMP): requirements/app.txt pyproject.toml | $(PY)
	$(call install_locked,requirements/app.txt)

$(SERVER_STAMP): requirements/server.txt pyproject.toml | $(PY)
	$(call install_locked,requirements/server.txt)

$(TEST_STAMP): requirements/test.txt pyproject.toml | $(PY)
	$(call install_locked,requirements/test.txt)

run: $(APP_STAMP)  ## start the app on http://127.0.0.1:8050 with the sample data
	@echo "Starting Segmenta on http://$${HOST:-127.0.0.1}:$${PORT:-8050} (Ctrl+C stops it)"
	@$(PY) -m dashboard

serve: $(SERVER_STAMP)  ## production mode: gunicorn, 4 workers (see gunicorn.conf.py and .env.example)
	$(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:server

worker: $(SERVER_STAMP)  ## a Celery worker for background fits (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A dashboard.worker:celery_app worker --concurrency 1 --loglevel INFO

test: $(TEST_STAMP) browser-deps  ## run every test: unit, callback, HTTP, services and browser
	$(PY) -m pytest

bench: $(TEST_STAMP)  ## benchmarks; writes benchmarks/results.md
	$(PY) -m benchmarks

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(TEST_STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The test lock holds every extra; the app and server locks start from its pins, so one
# package has one version in all three files (tests/test_packaging.py checks it).
lock: $(TEST_STAMP)  ## refresh requirements/*.txt from pyproject.toml (UPGRADE=1: newest versions)
	$(LOCK) $(if $(UPGRADE),--upgrade) --extra app --extra server --extra test --extra dev \
	  -o requirements/test.txt
	cp requirements/test.txt requirements/app.txt
	$(LOCK) --extra app -o requirements/app.txt
	cp requirements/test.txt requirements/server.txt
	$(LOCK) --extra app --extra server -o requirements/server.txt

migration: $(TEST_STAMP)  ## draft the next persona-store migration from the models: MESSAGE="what changed"
	@test -n "$(MESSAGE)" || { echo 'say what changed: make migration MESSAGE="add persona tags"'; exit 2; }
	$(PY) -c 'import sys; from dashboard.storage.migrations import write_revision; \
	  print("Wrote", write_revision(sys.argv[1]), "- read and complete it")' "$(MESSAGE)"

browser-deps:  ## Debian's headless Chromium and its driver for the browser tests
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

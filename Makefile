# Segmenta: the commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve worker test bench lint format browser-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## start the app on http://127.0.0.1:8050 with the sample data
	$(PY) -m dashboard

serve: $(STAMP)  ## production mode: gunicorn, 4 workers (see gunicorn.conf.py and .env.example)
	$(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:server

worker: $(STAMP)  ## a Celery worker for background fits (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A dashboard.worker:celery_app worker --concurrency 1 --loglevel INFO

test: $(STAMP) browser-deps  ## run every test: unit, callback, HTTP, services and browser
	$(PY) -m pytest

bench: $(STAMP)  ## benchmarks; writes benchmarks/results.md
	$(PY) -m benchmarks

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

browser-deps:  ## Debian's headless Chromium and its driver for the browser tests
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

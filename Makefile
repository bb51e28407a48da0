# Cooperation Tracker. `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SERVICES = $(PY) -m tests.services

.PHONY: install run test lint format messages lock vendor serve bench worker clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@eval "$$($(SERVICES) --exports --redis-only)" && $(PY) manage.py run_embedded

test: install
	@eval "$$($(SERVICES) --exports)" && \
	$(PY) -m ruff check . && \
	$(PY) -m ruff format --check . && \
	$(PY) manage.py makemigrations --check --dry-run && \
	$(PY) manage.py check_translations && \
	DEBUG=false SECRET_KEY=ci-check-$$(date +%s)-not-used-for-anything-else-ever \
	  ALLOWED_HOSTS=tracker.example.org $(PY) manage.py check --deploy --fail-level WARNING && \
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Needs GNU gettext (msgfmt, xgettext); the compiled catalogues are committed.
messages:
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=static --ignore=staticfiles
	$(PY) manage.py makemessages -d djangojs -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=static/vendor --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	  --generate-hashes --quiet -o requirements.lock

# The production setup on this machine: gunicorn, a Celery worker and beat.
serve: install
	$(PY) -m tracker.serve

# Refreshes the vendored front-end assets and data from the npm registry.
vendor:
	$(PY) -m tracker.vendor

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
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=static --ignore=staticfiles
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --ignore=.venv --ignore=static/vendor --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	  --generate-hashes --quiet -o requirements.lock

# The production setup on this machine: gunicorn, a Celery worker and beat.
serve: install
	$(PY) -m tracker.serve

# The benchmark (issue 8): production settings, a PostgreSQL database of its own
# filled once by seed_scale (BENCH_SCALE; BENCH_RESEED=1 rebuilds it), then
# every page and job timed beside the admin and the SQL floor. Prints a table
# and writes bench/results.json. BENCH_ARGS go to the bench command.
BENCH_DB ?= tracker_bench
BENCH_SCALE ?= 1.0
BENCH_URL = postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_ENV = DEBUG=false DATABASE_URL=$(BENCH_URL) DB_CONN_MAX_AGE=60 \
  ALLOWED_HOSTS=localhost,127.0.0.1 REDIS_URL= \
  SECRET_KEY=bench-$$(date +%s)-only-for-this-run-not-a-secret-not-reused
bench: install
	$(PY) -c "from tracker.serve import ensure_database; ensure_database('$(BENCH_URL)')"
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	@if [ "$(BENCH_RESEED)" = "1" ]; then \
	  $(BENCH_ENV) $(PY) manage.py seed_scale --scale $(BENCH_SCALE) --reset; \
	else \
	  $(BENCH_ENV) $(PY) manage.py seed_scale --scale $(BENCH_SCALE) --keep; \
	fi
	$(BENCH_ENV) $(PY) manage.py bench $(BENCH_ARGS)

# Refreshes the vendored front-end assets and data from the npm registry.
vendor:
	$(PY) -m tracker.vendor

# The two commands in the README: `make demo` and `make test`.
# Each creates the virtualenv and installs what it needs on first use.

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

# Only for the test run: the suite runs with DEBUG off, as production does, and
# starts web servers and workers, which refuse an insecure key.
TEST_SECRET_KEY = test-only-secret-key-that-is-long-enough-for-django-checks-0123456789

.PHONY: demo test serve lint format migrations-check frontend benchmark bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# The demo lets officers sign in with a password alone; a real portal asks them for a code too.
demo: $(VENV)/.runtime-installed
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo
	DEBUG=true TWO_FACTOR_REQUIRED=false $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY="$${SECRET_KEY:-$(TEST_SECRET_KEY)}" DEBUG=false $(BIN)/pytest $(PYTEST_ARGS)

# Production-like: gunicorn, a Celery worker and beat from the Procfile, run by honcho.
# Needs SECRET_KEY, DATABASE_URL (PostgreSQL), REDIS_URL and ALLOWED_HOSTS (see the README).
serve: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.dev-installed
	$(BIN)/python manage.py makemigrations --check --dry-run

# Rebuild static/portal/ from the pinned govuk-frontend (needs Node; the output is committed).
frontend:
	bash scripts/build-frontend.sh

clean:
	rm -rf $(VENV) staticfiles

# Query counts and timings as the data grows, with ratios measured in one run.
benchmark: $(VENV)/.dev-installed
	DEBUG=true $(BIN)/python benchmarks/query_counts.py
	DEBUG=true $(BIN)/python benchmarks/published_import.py

# Latency under concurrent load from gunicorn on a large dataset in a throwaway PostgreSQL
# database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_bench).
bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/load.py $(BENCH_ARGS)

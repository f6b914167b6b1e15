# LIS – the two commands first: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Both cores (pytest-xdist); `make test PYTEST_ARGS=lis/risks` runs one app in one process.
PYTEST_ARGS ?= -n auto
export LIS_VAR_DIR ?= $(CURDIR)/var
# The trial runs like production on loopback: DEBUG off (Swedish error pages) and keys of its own
# under var/ (lis/settings/dev.py reads them); `make run LIS_DEBUG=1` shows Django's debug pages.
LIS_DEBUG ?= 0

.PHONY: run test install secrets migrate demo demo-reset bench messages lint check-deploy clean

## make run: install, migrate the embedded SQLite database, load Åmål and the demo data, serve;
## the worker for long jobs (PDF reports, big exports) runs beside the server and stops with it.
run: install secrets
	$(BIN)/python manage.py migrate --no-input -v 0
	LIS_DEMO=1 $(BIN)/python manage.py load_demo --port $(PORT)
	LIS_DEMO=1 LIS_DEBUG=$(LIS_DEBUG) $(BIN)/python manage.py worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	LIS_DEMO=1 LIS_DEBUG=$(LIS_DEBUG) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite (browser tests need Debian's chromium; under CI=true they must run).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

## secrets: the trial's own SECRET_KEY and change-log key, made once under var/ (never committed).
secrets:
	@mkdir -p $(LIS_VAR_DIR)
	@test -s $(LIS_VAR_DIR)/secret_key || (umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(LIS_VAR_DIR)/secret_key)
	@test -s $(LIS_VAR_DIR)/changelog_keys || (umask 077 && $(PYTHON) -c 'import secrets; print("trial:" + secrets.token_urlsafe(40))' > $(LIS_VAR_DIR)/changelog_keys)

$(VENV)/.installed: requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "LIS behöver Python 3.11 eller senare.")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

migrate: install secrets
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	LIS_DEMO=1 $(BIN)/python manage.py load_demo --port $(PORT)

## make demo-reset: the demo data afresh: delete the SQLite database and uploaded files under var/,
## migrate and load the demo again. Keeps the virtual environment (make clean removes everything).
demo-reset: install
	@test -z "$$DATABASE_URL" || { echo "make demo-reset tömmer bara SQLite-databasen under var/, men DATABASE_URL är satt." >&2; exit 1; }
	@test -z "$$MEDIA_ROOT" || { echo "make demo-reset tömmer bara uppladdade filer under var/, men MEDIA_ROOT är satt." >&2; exit 1; }
	rm -f $(LIS_VAR_DIR)/lis.sqlite3 $(LIS_VAR_DIR)/lis.sqlite3-wal $(LIS_VAR_DIR)/lis.sqlite3-shm
	rm -rf $(LIS_VAR_DIR)/media
	$(MAKE) demo

## make bench: time the key pages on a synthetic kommun (SQLite, and PostgreSQL if BENCH_DATABASE_URL is set).
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## make messages: refresh the English catalogue after changing user-facing strings.
messages: install
	cd lis && ../$(BIN)/python ../manage.py makemessages -l en --no-location --no-obsolete
	cd lis && ../$(BIN)/python ../manage.py compilemessages -l en

lint: install
	$(BIN)/ruff check lis bench

check-deploy: install
	DJANGO_SETTINGS_MODULE=lis.settings.production SECRET_KEY=$$(head -c 64 /dev/urandom | base64 | tr -d '\n') \
	ALLOWED_HOSTS=lis.example.se DATABASE_URL=postgres://lis@localhost/lis \
	LIS_CHANGELOG_KEY="check:$$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

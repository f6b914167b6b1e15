# LIS – the two commands first: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export LIS_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test install migrate demo bench messages lint check-deploy clean

## make run: install, migrate the embedded SQLite database, load Åmål and the demo data, serve.
run: install
	@mkdir -p $(LIS_VAR_DIR)
	$(BIN)/python manage.py migrate --no-input -v 0
	LIS_DEMO=1 $(BIN)/python manage.py load_demo
	LIS_DEMO=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite (browser tests need Debian's chromium; under CI=true they must run).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "LIS behöver Python 3.11 eller senare.")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

migrate: install
	@mkdir -p $(LIS_VAR_DIR)
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	LIS_DEMO=1 $(BIN)/python manage.py load_demo

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
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

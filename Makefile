# The two commands a newcomer needs: `make run` and `make test`. Everything else is plumbing.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install migrate seed test lint format browser clean lock

run: install migrate seed ## Install, migrate SQLite, seed the demo and serve it
	$(PY) manage.py runserver $(HOST):$(PORT)

install: $(VENV)/.installed static/vendor/.installed ## Python and front-end dependencies

# Reinstall only when the pins change; requirements.lock holds every transitive version.
$(VENV)/.installed: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (Python 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

# Third-party front-end files come from the npm registry at the versions in the lock file,
# and are copied into static/vendor/ (git-ignored): installed, never committed.
static/vendor/.installed: package.json package-lock.json scripts/vendor-assets.sh
	scripts/vendor-assets.sh

migrate: install
	$(PY) manage.py migrate --no-input

seed: migrate
	$(PY) manage.py seed_demo

# The browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

test: install browser ## The whole suite (SQLite unless DATABASE_URL says otherwise)
	$(BIN)/pytest

APPS := accounts api catalog compliance events inquiries interactions kols literature msl_crm reports today

lint: install ## ruff, migrations, the deploy checklist and bandit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  REDIS_URL=redis://127.0.0.1:6379/0 ALLOWED_HOSTS=crm.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(BIN)/bandit -q -r $(APPS) -x '*/migrations/*' --severity-level medium

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3

lock: ## Re-pin every transitive dependency after changing pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	{ echo "# Every installed package at a known-good version, used as pip constraints by 'make install'."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  $(PY) -m pip freeze --exclude-editable; } > requirements.lock

# The two commands: `make run` (the app with demo data) and `make test` (the whole suite).
# Each sets up what it needs on a fresh machine: a virtualenv from the lock file and the GOV.UK front end.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test setup browser lint

run: setup
	$(PY) -m core.devstack run

test: setup browser
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

setup: $(VENV)/.installed static/dist/jointly.css

$(VENV)/.installed: requirements.lock
	command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

static/dist/jointly.css: package.json package-lock.json static/src/jointly.scss static/src/copy-assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

# Browser journeys drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

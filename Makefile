# IRO workflow: `make run` to try it, `make test` to test it (see README.md).
#
# The virtualenv lives in .venv. Installing is stamped (.venv/.installed-<kind>), so
# it reruns only when setup.cfg, pyproject.toml or requirements.lock change.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
INSTALL_DEPS := setup.cfg pyproject.toml requirements.lock
NPM_INSTALLED := node_modules/.installed
GOVUK_ASSETS := service/static/govuk/.stamp
MOJ_ASSETS := service/static/moj/.stamp
EDITOR_ASSETS := service/static/editor/.stamp
ASSETS := $(GOVUK_ASSETS) $(MOJ_ASSETS) $(EDITOR_ASSETS)
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
MOJ_DIST := node_modules/@ministryofjustice/frontend/moj
FRONTEND_SOURCES := $(shell find frontend -type f 2>/dev/null)
PYTEST_ARGS ?=
# pytest-xdist workers: each has its own copy of the template database, so tests never share one;
# a module runs on one worker, so a module-wide fixture (the demo council) is built once.
PYTEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help run migrate test test-fast check bench clean

help:
	@echo "make run      install, migrate instance/iro.sqlite, serve http://127.0.0.1:5000 (demo mode, with the scheduler)"
	@echo "make test     install with test extras and run pytest on every core (PYTEST_ARGS='...' to pass options,"
	@echo "              PYTEST_WORKERS=0 for one process)"
	@echo "make test-fast  the same without the tests marked slow, browser or server (under a minute)"
	@echo "make check    install the checkers and run them: import contracts (.importlinter), ruff lint and"
	@echo "              format check, mypy on service/, forms/ and scheduler/"
	@echo "make bench    install with test extras and run the benchmarks in bench/"
	@echo "make migrate  apply database migrations only"
	@echo "make clean    remove .venv and build and test caches (keeps instance/)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# An install with test extras also serves `make run`.
$(VENV)/.installed-run: $(INSTALL_DEPS) | $(PY)
	@if [ -f $(VENV)/.installed-test ] && [ -z "$$(find $(INSTALL_DEPS) -newer $(VENV)/.installed-test)" ]; then \
		echo "already installed with test extras"; \
	else \
		$(PIP) install -c requirements.lock -e .; \
	fi
	@touch $@

$(VENV)/.installed-test: $(INSTALL_DEPS) | $(PY)
	$(PIP) install -c requirements.lock -e '.[test]'
	@touch $@

$(VENV)/.installed-check: $(INSTALL_DEPS) | $(PY)
	$(PIP) install -c requirements.lock -e '.[check]'
	@touch $@

# The npm packages pinned in package-lock.json; stamped, so npm ci reruns only when they change.
$(NPM_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# GOV.UK Frontend's CSS (built from its Sass with Arial: frontend/govuk.scss), JS and images;
# not its fonts, which are GOV.UK's own.
$(GOVUK_ASSETS): $(NPM_INSTALLED) frontend/govuk.scss
	rm -rf service/static/govuk && mkdir -p service/static/govuk/assets
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		frontend/govuk.scss service/static/govuk/govuk-frontend.min.css
	cp $(GOVUK_DIST)/govuk-frontend.min.js service/static/govuk/
	cp -R $(GOVUK_DIST)/assets/images $(GOVUK_DIST)/assets/manifest.json service/static/govuk/assets/
	@touch $@

# MOJ Frontend's case-work components (service/templates/moj/): their CSS, built from its Sass over
# GOV.UK Frontend's settings with Arial (frontend/moj.scss; its Sass loads GOV.UK Frontend by a path
# from the project's root), its JS (one ES module, which static/app.js imports) and the icons its CSS names.
$(MOJ_ASSETS): $(NPM_INSTALLED) frontend/moj.scss
	rm -rf service/static/moj && mkdir -p service/static/moj/images
	node_modules/.bin/sass --load-path=node_modules --load-path=. --style=compressed --no-source-map --quiet-deps \
		frontend/moj.scss service/static/moj/moj-frontend.min.css
	cp $(MOJ_DIST)/moj-frontend.min.js service/static/moj/
	for image in $$(grep -o 'images/[a-z0-9-]*\.svg' service/static/moj/moj-frontend.min.css | sort -u); do \
		cp $(MOJ_DIST)/assets/$$image service/static/moj/images/; done
	@touch $@

# The process editors and the instance viewer (bpmn-js, dmn-js), bundled from frontend/ by esbuild.
$(EDITOR_ASSETS): $(NPM_INSTALLED) $(FRONTEND_SOURCES) .bpmnlintrc
	node frontend/build.mjs
	@touch $@

migrate: $(VENV)/.installed-run
	IRO_MODE=demo $(VENV)/bin/flask --app run.py db upgrade

run: migrate $(ASSETS)
	IRO_MODE=demo $(PY) run.py

test: $(VENV)/.installed-test $(ASSETS)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# The quick tier: no browser, no server or other process started, no long scenario.
test-fast: $(VENV)/.installed-test $(ASSETS)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadscope -m "not slow and not browser and not server" $(PYTEST_ARGS)

# The architecture (import contracts), the style and the types; configured in .importlinter and pyproject.toml.
check: $(VENV)/.installed-check
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(VENV)/.installed-test $(ASSETS)
	@set -e; for f in bench/bench_*.py bench/web.py; do echo "== $$f"; $(PY) "$$f"; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .import_linter_cache node_modules service/static/govuk service/static/moj service/static/editor test-output
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# relapsekg: two commands on a fresh Debian machine with Python 3.11.
#   make run   creates .venv, installs, builds the graph from graph/sources/, serves it on HOST:PORT
#   make test  installs with the test extras (and the Debian packages the tests drive), runs pytest
#   make test-integration  also installs Virtuoso open source, runs tests/integration against it

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  ?= .relapsekg/store
# Debian packages: a browser for the browser tests, Java for the OWL reasoner (HermiT/Pellet), curl for the docs examples.
DEBIAN_PACKAGES ?= chromium default-jre-headless curl
# The external SPARQL server `--endpoint` is tested against (the tests start a private instance).
INTEGRATION_PACKAGES ?= virtuoso-opensource
# Front-end libraries served by relapsekg itself (YASGUI, Swagger UI, KaTeX, markdown-it), copied from the npm registry's packages.
VENDOR := api/static/vendor

.PHONY: run test test-integration build install install-test vendor debian-packages lint format docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)/yasgui $(VENDOR)/swagger-ui
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css $(VENDOR)/yasgui/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	# KaTeX typesets the inline math of quotes; markdown-it and its dollarmath plugin read their $…$
	# and *emphasis* (api/static/quote.js; mdit-py-plugins does the same on the server).
	mkdir -p $(VENDOR)/katex/fonts $(VENDOR)/markdown-it
	cp node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css $(VENDOR)/katex/
	cp node_modules/katex/dist/fonts/*.woff2 $(VENDOR)/katex/fonts/
	cp node_modules/markdown-it/dist/markdown-it.min.js $(VENDOR)/markdown-it/
	cp node_modules/markdown-it-dollarmath/dist/index.umd.min.js $(VENDOR)/markdown-it/markdown-it-dollarmath.min.js
	touch $@

vendor: $(VENDOR)/.installed

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed vendor

install-test: $(VENV)/.installed-test vendor debian-packages

debian-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: install
	$(BIN)/relapsekg build --store $(STORE)

run: build
	$(BIN)/relapsekg serve --host $(HOST) --port $(PORT) --store $(STORE)

test: install-test
	$(BIN)/python -m pytest

# ruff (lint and format) and mypy, configured in pyproject.toml; .ci/run runs this before the tests.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The documentation site (docs/, mkdocs.yml), built strictly: a broken link or a missing page fails.
docs: $(VENV)/.installed-test
	$(BIN)/mkdocs build --strict --site-dir site

test-integration: install-test
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="$(INTEGRATION_PACKAGES)"
	$(BIN)/python -m pytest tests/integration

clean:
	rm -rf $(VENV) site .relapsekg *.egg-info .pytest_cache test-artifacts node_modules $(VENDOR)

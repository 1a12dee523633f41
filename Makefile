# Police and Crime Plan evidence pack. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=
NATIONAL_ARGS ?=

.DEFAULT_GOAL := help

help: ## List the targets and what each does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (evidence pack)" >/dev/null
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned packages (reused when up to date)

browser: ## Install Debian's chromium for the HTML tests (needs root; never downloads a browser)
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	  || echo "WARNING: chromium could not be installed; browser tests will be skipped with a message"; \
	fi

pdf-libs: ## Install Pango and DejaVu fonts for the Panel paper's PDF (WeasyPrint) with apt when missing (needs root)
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
	  echo "Installing Pango and DejaVu fonts for the PDF"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null \
	  || echo "WARNING: Pango could not be installed; the build cannot write panel-paper.pdf"; \
	fi

AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $(AXE); \
	else \
	  echo "WARNING: npm is not installed; the accessibility (axe-core) tests will be skipped with a message"; \
	fi

axe: $(AXE) ## Install axe-core from npm (exact pin in package-lock.json) for the accessibility tests

pack: setup pdf-libs ## Build the evidence pack on the bundled demo data and print where the HTML is
	$(PY) run_pack.py build $(ARGS)

validate: setup ## Check the data folder against the data contract (ARGS="--data DIR")
	$(PY) run_pack.py validate $(ARGS)

# Tests run in parallel, one worker per core (at most four; pytest-xdist): the workers share one
# cache and one build of each shared pack (tests/conftest.py). ARGS="-n 0" runs them in one process.
XDIST := -n auto --maxprocesses 4 --dist loadgroup

test: setup pdf-libs browser axe ## Run the test suite (unit, notebooks, real data, browser, accessibility) but the long tier
	$(PY) -m pytest $(XDIST) -m "not long" $(ARGS)

test-long: setup pdf-libs browser axe ## Run the long tier only (repeated and randomised builds, rebuilds from nothing, simulations)
	$(PY) -m pytest $(XDIST) -m long $(ARGS)

test-fast: setup pdf-libs ## Run the fast tests only (no whole-pack builds, no whole demo data set, no browser)
	$(PY) -m pytest $(XDIST) -m "not slow and not browser" --hypothesis-profile=fast $(ARGS)

lab: setup ## JupyterLab on notebooks/ and read-only copies of the latest pack's executed notebooks (ARGS=PACK)
	$(PY) run_pack.py lab $(ARGS)

lint: setup ## ruff, the architecture contracts (import-linter: layers, no import cycles) and the size limits
	$(PY) -m ruff check pack tests run_pack.py benchmarks tools
	$(PY) -m ruff format --check pack tests run_pack.py benchmarks tools
	$(VENV)/bin/lint-imports --no-cache
	$(PY) tools/check_sizes.py

bench: setup ## Benchmark the build against naive papermill + nbconvert, and a national prepare against bare DuckDB
	$(PY) benchmarks/bench_build.py $(ARGS)
	$(PY) benchmarks/bench_national.py $(NATIONAL_ARGS)

clean: ## Remove build outputs and caches (keeps .venv and node_modules)
	rm -rf build data/demo .pytest_cache

.PHONY: help setup browser axe pack validate test test-long test-fast lab lint bench clean

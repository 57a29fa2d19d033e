# Interactive Charter — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help run admin test test-unit test-integration test-e2e bench lint fmt clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser tests drive Debian's chromium through Playwright: no browser download, the distribution's package.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

run: $(STAMP) ## set up and run the whole system (embedded PostgreSQL and broker unless configured)
	$(PY) -m deploy.local

admin: $(STAMP) ## make EMAIL an admin of the running system (prints a password and an API token, once)
	@test -n "$(EMAIL)" || { echo "usage: make admin EMAIL=you@example.org"; exit 2; }
	$(PY) -m services.gateway.admin create-admin --email "$(EMAIL)"

test: $(STAMP) $(CHROMIUM) ## set up and run every test against real servers
	$(PY) -m pytest -q

test-unit: $(STAMP) ## the pure domain and core tests (no I/O)
	$(PY) -m pytest -q tests/unit

test-integration: $(STAMP) ## tests against real PostgreSQL and broker
	$(PY) -m pytest -q tests/integration

test-e2e: $(STAMP) $(CHROMIUM) ## the whole stack as processes, driven as its users
	$(PY) -m pytest -q tests/contracts tests/e2e tests/fault tests/fuzz

bench: $(STAMP) ## throughput, latency, memory and Merkle proof-size figures
	$(PY) -m tests.bench

lint: $(STAMP) ## ruff check, mypy and the import rules (lint-imports)
	$(PY) -m ruff check . && $(PY) -m mypy
	$(VENV)/bin/lint-imports

fmt: $(STAMP) ## ruff format and fix
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) .data

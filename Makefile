# Binjai Command Center — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test setup setup-test lint unit integration bench lock clean

run: setup  ## set everything up and start web, worker and the demo feed
	$(BIN)/python scripts/ensure_redis.py
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed --samples
	$(BIN)/flask --app app create-demo-users
	$(BIN)/flask --app app simulate --history 60 --duration 0
	@echo "Starting web, worker, live relay and demo feed; the URLs and demo accounts follow when all are ready."
	$(BIN)/honcho start -f Procfile

test: setup-test lint  ## set up and run every test
	$(BIN)/python -m pytest

setup: $(VENV)/.installed
	scripts/install-system-deps.sh run

setup-test: $(VENV)/.installed
	scripts/install-system-deps.sh test

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests/unit

integration: setup-test
	$(BIN)/python -m pytest tests/integration

bench: setup-test  ## print the benchmark figures (the wall bench drives Chromium)
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.wall_latency
	$(BIN)/python -m bench.reports

lock:  ## re-pin the whole dependency tree from requirements-dev.txt
	rm -rf /tmp/bcc-lock-venv && $(PYTHON) -m venv /tmp/bcc-lock-venv
	/tmp/bcc-lock-venv/bin/pip install -q -r requirements-dev.txt
	/tmp/bcc-lock-venv/bin/pip freeze --exclude-editable | sort -f > requirements.lock

clean:
	rm -rf $(VENV) var/bcc.sqlite3*

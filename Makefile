# Sunrelay — the two commands a newcomer needs are `make run` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

run: install
	$(BIN)/sunrelay migrate
	$(BIN)/sunrelay demo load --if-empty
	$(BIN)/sunrelay serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	@bash scripts/ensure-debian "chromium:$${SUNRELAY_CHROMIUM:-/usr/bin/chromium}" faketime:faketime prometheus:prometheus
	$(BIN)/pytest

bench: install
	@bash scripts/ensure-debian wrk:wrk
	$(BIN)/python benchmarks/business_hours.py
	$(BIN)/python benchmarks/batch_cli.py
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/pages_http.py
	$(BIN)/python benchmarks/scaling.py
	$(BIN)/python benchmarks/oncall.py
	$(BIN)/python benchmarks/intake.py
	$(BIN)/python benchmarks/outbox.py
	$(BIN)/python benchmarks/memory.py
	$(BIN)/python benchmarks/scaleout.py
	$(BIN)/python benchmarks/delivery.py
	$(BIN)/python benchmarks/truckfactor.py
	$(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/delivery_duckdb.py

clean:
	rm -rf $(VENV) var

# The README's two commands are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The demo needs the portal's packages only; the tests also need the test tools.
PORTAL_STAMP := $(VENV)/.installed-portal
STAMP := $(VENV)/.installed

.PHONY: setup portal system demo test lint typecheck pytest docs bench bench-portal bench-portal-bursts clean

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)

$(PORTAL_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[portal]'
	touch $(PORTAL_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[portal,dev]'
	touch $(PORTAL_STAMP) $(STAMP)

portal: $(PORTAL_STAMP)

setup: $(STAMP)

# Debian packages the tests use (Chromium for browser tests, LibreOffice for spreadsheets).
system:
	sh scripts/install-system-packages.sh

demo: portal
	$(BIN)/csww demo $(DEMO_ARGS)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

# The portal's tests run twice: on SQLite (in the full run) and again on PostgreSQL, which
# scripts/ensure-postgres.sh installs and starts when 127.0.0.1:5432 does not answer.
PORTAL_PG_DB ?= test
PORTAL_PG_URL ?= postgresql://postgres@127.0.0.1:5432/$(PORTAL_PG_DB)
pytest: setup
	$(BIN)/pytest -q
	sh scripts/ensure-postgres.sh $(PORTAL_PG_DB)
	DATABASE_URL=$(PORTAL_PG_URL) $(BIN)/pytest -q tests/portal

test: setup system lint typecheck pytest

docs: portal
	$(BIN)/csww rules --format markdown > docs/rules.md
	$(BIN)/csww years > docs/collection-years.md

bench: setup
	$(BIN)/python benchmarks/validate_national.py
	$(BIN)/python benchmarks/stats_national.py
	$(BIN)/python benchmarks/sheets_generate.py

# Every LA at once on PostgreSQL, with the checks in csww worker processes (a fresh database).
PORTAL_BENCH_DB ?= csww_load
bench-portal: setup
	sh scripts/ensure-postgres.sh postgres
	psql -h 127.0.0.1 -U postgres -qc "drop database if exists $(PORTAL_BENCH_DB)" -c "create database $(PORTAL_BENCH_DB)"
	$(BIN)/python benchmarks/portal_load.py --users 152 --workers 1000 --check-workers 2 \
		--database-url postgresql://postgres@127.0.0.1:5432/$(PORTAL_BENCH_DB)

# The acknowledgement's targets over several bursts, each on a fresh database.
bench-portal-bursts: setup
	sh scripts/ensure-postgres.sh postgres
	$(BIN)/python benchmarks/portal_bursts.py --runs 8 --database $(PORTAL_BENCH_DB)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Kehu: `make run` serves the console with demo data; `make test` runs every check.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: run test install test-deps lint test-sqlite test-postgres bench clean

$(BIN)/python:
	@# Debian's python3 needs python3-venv for this; install it when missing.
	$(PY) -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv python3-dev && $(PY) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/kehu migrate --verbosity 0
	$(BIN)/kehu demo --if-empty
	@echo "Demo logins (password kehu-demo): admin manager supervisor agent agent2-agent7 rep1 rep2 (units: crew hall)"
	@echo "Open http://$(HOST):$(PORT)/"
	$(BIN)/kehu serve --host $(HOST) --port $(PORT)

# System packages the tests need: a real browser, CJK fonts, a real PostgreSQL.
test-deps:
	@bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff check kehu bench conftest.py

test-sqlite: install
	$(BIN)/pytest -q

test-postgres: install
	bash scripts/with-postgres.sh $(BIN)/pytest -q

test: test-deps install lint test-sqlite test-postgres

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data

# eventscope: `make demo` installs and codes the sample articles; `make test` installs test needs and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: demo test install install-dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

install: $(BIN)/python
	$(PIP) install -q -e '.[all]'

install-dev: $(BIN)/python
	$(PIP) install -q -e '.[all,dev]'

demo: install
	@echo "== the sample articles, coded (table) =="
	$(BIN)/eventscope extract samples/articles.jsonl --format table
	@echo "== one article, JSON with evidence =="
	$(BIN)/eventscope extract samples/kunduz.txt --published 2015-09-28 --format json
	@echo "== ingest into a store, merged events, ACLED CSV =="
	rm -f out/demo.db; mkdir -p out
	$(BIN)/eventscope ingest samples/articles.jsonl --db out/demo.db
	$(BIN)/eventscope events --db out/demo.db
	$(BIN)/eventscope export --db out/demo.db --format acled-csv --output out/demo-events.csv
	@echo "written: out/demo-events.csv"

test: install-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check src tests benchmarks scripts

bench: install-dev
	$(BIN)/python benchmarks/extract_throughput.py

clean:
	rm -rf $(VENV) out build dist *.egg-info

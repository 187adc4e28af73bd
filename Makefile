# mieux-flow: `make run` brings up the embedded stack, `make test` runs ruff then pytest.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint histories bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/mieux dev

lint: $(STAMP)
	$(BIN)/ruff check .

# pytest exits 5 when it collects no test; make treats that as a failure, as it should.
test: lint
	$(BIN)/pytest

histories: $(STAMP)
	$(BIN)/python -m tests.record_histories

bench: $(STAMP)
	$(BIN)/python -m benchmarks.lifecycle_throughput

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

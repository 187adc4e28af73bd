# mieux-flow: `make run` brings up the embedded stack, `make test` runs ruff then pytest.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-no-cache lint histories process-doc bench clean catalogs

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
	$(MAKE) test-no-cache

# The same workflow tests on a worker that keeps no workflow cache: every activation is a
# replay of the history so far, which finds non-determinism and spinning waits that a cached
# worker hides. The files that wait out long clocks stay out: on the time-skipping server a
# task the uncached worker drops stalls the clock until pytest's timeout (README, Tests).
NO_CACHE_TESTS := $(addprefix tests/workflows/,test_commands_at_close.py \
	test_hold_and_withdraw.py test_intake.py test_early_commands.py test_refusals.py \
	test_references.py test_consultation_and_psg.py test_fiche_clock.py test_visibility.py \
	test_continue_as_new.py)
test-no-cache: $(STAMP)
	MIEUX_WORKER__MAX_CACHED_WORKFLOWS=0 $(BIN)/pytest -q $(NO_CACHE_TESTS)

# The translation catalogs (docs/languages.md): the template from the code and templates,
# then each language's catalog brought up to it; translators fill glossary/locales/*/.
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k T -k N_ -k _ --no-location --sort-output \
		--project mieux-flow -o glossary/locales/messages.pot .
	for lang in fr es pt ru ar; do \
		if [ -f glossary/locales/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --no-fuzzy-matching -i glossary/locales/messages.pot \
				-d glossary/locales -l $$lang; \
		else \
			$(BIN)/pybabel init -i glossary/locales/messages.pot -d glossary/locales -l $$lang; \
		fi; \
	done
	$(BIN)/python -m glossary.catalogs

histories: $(STAMP)
	$(BIN)/python -m tests.record_histories

# docs/process.md is `mieux process` with the default policy; a test fails when it is stale.
process-doc: $(STAMP)
	$(BIN)/python -m starter.process > docs/process.md

bench: $(STAMP)
	$(BIN)/python -m benchmarks.lifecycle_throughput

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

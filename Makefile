# The two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export VLEDGER_DB ?= sqlite:///./vledger.db

.PHONY: mutation-sample run test test-sqlite test-postgres install clean constraints mutation

# constraints.txt pins every package to the version the whole suite last passed
# with (regenerate with `make constraints` after a green `make test`).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

constraints: $(STAMP)
	( echo "# The versions the whole suite (make test) last passed with; used by make install."; \
	  echo "# Regenerate with: make constraints"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^pip==' ) > constraints.txt

install: $(STAMP)

run: $(STAMP)
	$(BIN)/vledger init --if-missing
	$(BIN)/vledger demo --if-empty
	$(BIN)/vledger serve

# The whole suite on SQLite, then on a throwaway PostgreSQL cluster that
# scripts/postgres-for-tests.sh installs if missing, starts, and always removes.
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider --timeout=900

test: test-sqlite test-postgres

# The browser tests (marker `browser`: Debian's Chromium, installed here by
# scripts/chromium-for-tests.sh, against a real `vledger serve` on its own
# SQLite demo ledger) run once, on the SQLite pass.
test-sqlite: $(STAMP)
	scripts/chromium-for-tests.sh
	env -u VLEDGER_TEST_POSTGRES $(PYTEST)

test-postgres: $(STAMP)
	scripts/postgres-for-tests.sh $(PYTEST) -m "not browser"

clean:
	rm -rf $(VENV) vledger.db vledger.db-* vledger-keys

# Mutation testing (not part of `make test`): the score and the survivors. `make mutation` checks all
# 1,800 mutants (about five hours on 2 cores); `make mutation-sample` a seeded sample of 400, whose score
# is an estimate with its interval (SAMPLE=N SEED=S to change them).
SAMPLE ?= 400
SEED ?= 13
mutation: $(STAMP)
	$(BIN)/pip install --quiet mutmut==3.8.1
	$(BIN)/mutmut run --max-children 2 || true
	$(BIN)/mutmut results --all true | $(BIN)/python scripts/mutation-score.py

mutation-sample: $(STAMP)
	$(BIN)/pip install --quiet mutmut==3.8.1
	$(BIN)/mutmut run --max-children 2 ledger.steps.x_step__mutmut_1 || true
	$(BIN)/mutmut results --all true | $(BIN)/python scripts/mutation-sample.py $(SAMPLE) $(SEED) > mutants/sample.txt
	$(BIN)/mutmut run --max-children 2 $$(cat mutants/sample.txt) || true
	$(BIN)/mutmut results --all true | $(BIN)/python scripts/mutation-score.py mutants/sample.txt

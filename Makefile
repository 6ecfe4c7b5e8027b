# The two commands: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export VLEDGER_DB ?= sqlite:///./vledger.db

.PHONY: run test test-sqlite test-postgres install clean constraints mutation

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

# Mutation testing (minutes to hours; not part of `make test`): the score and the survivors.
mutation: $(STAMP)
	$(BIN)/pip install --quiet mutmut==3.8.1
	$(BIN)/mutmut run --max-children 2 || true
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python scripts/mutation-score.py mutants/mutmut-cicd-stats.json

# NTDC developer commands. Everything installs into .venv inside the checkout.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: test lint unit demo bench sim clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# Test data only: the S&P 500 daily series shipped inside arch (read as a file, never imported).
	$(BIN)/python -m pip install --quiet --no-deps arch==8.0.0
	touch $@

lint: $(BIN)/.installed
	$(BIN)/ruff check ledger consensus nodes api tests
	$(BIN)/mypy ledger consensus
	$(BIN)/mypy nodes api

unit: $(BIN)/.installed
	$(BIN)/pytest -q

test: lint unit

demo: $(BIN)/.installed
	$(BIN)/ntdc demo

bench: $(BIN)/.installed
	$(BIN)/ntdc bench-ledger
	$(BIN)/ntdc bench-storage
	$(BIN)/ntdc bench-por --accounts 10000

sim: $(BIN)/.installed
	$(BIN)/pytest -q tests/consensus -k simulation --sim-seeds 300

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

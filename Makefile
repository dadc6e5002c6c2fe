# Two entry points for a fresh Debian machine with Python 3.11:
#   make run   - set up, generate demo data, load, detect, and serve the app (embedded store)
#   make test  - set up (incl. test-only system packages) and run lint + the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ACCOUNTS ?= 20000

.PHONY: setup run test test-deps lint bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "linkgraph needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/linkgraph demo --accounts $(ACCOUNTS) --dir demo

test-deps: setup
	bash scripts/test-deps.sh

lint: setup
	$(BIN)/ruff check .

test: test-deps lint
	$(BIN)/pytest -q -ra

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf demo .pytest_cache .ruff_cache .mypy_cache

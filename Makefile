# Two entry points for a fresh Debian machine with Python 3.11:
#   make run   - set up, generate demo data, load, detect, and serve the app (embedded store)
#   make test  - set up (incl. test-only system packages) and run lint + the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ACCOUNTS ?= 20000

.PHONY: setup run test test-neo4j test-deps neo4j-fetch neo4j lint bench clean

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
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/typecheck.py

# The Neo4j tests run against a real Neo4j 5 + GDS that tests/conftest.py starts on 127.0.0.1
# (jars pinned in neo4j-server/pom.xml, cached in ~/.cache/linkgraph/neo4j); set NEO4J_URI to
# use another, disposable server instead.
test: test-deps lint neo4j-fetch
	$(BIN)/pytest -q -ra

test-neo4j: test-deps neo4j-fetch
	$(BIN)/pytest -q -ra -m neo4j

neo4j-fetch: setup
	@$(BIN)/python -m tests.neo4j_local fetch

# A local Neo4j 5 + GDS for trying the backend: bolt://127.0.0.1:7687, data in
# ~/.cache/linkgraph/neo4j/data, login NEO4J_USER (default neo4j) / NEO4J_PASSWORD from the env.
neo4j: setup
	$(BIN)/python -m tests.neo4j_local run

# Speed, memory and quality targets live here, not in timed tests (see bench/README.md).
bench: setup
	$(BIN)/python bench/bench_generate.py --accounts 1000000
	$(BIN)/python bench/bench_loader.py --accounts 1000000
	$(BIN)/python bench/bench_detect.py --accounts 1000000
	$(BIN)/python bench/bench_quality.py
	$(BIN)/python bench/bench_app.py --accounts 1000000
	$(BIN)/python bench/bench_large_file.py --size-gb 5

clean:
	rm -rf demo .pytest_cache .ruff_cache .mypy_cache

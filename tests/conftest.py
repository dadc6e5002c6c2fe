"""Shared fixtures: fresh and existing stores, small exports built in memory."""

from __future__ import annotations

import os

import pytest

# Tests never read a developer's Neo4j or store settings by accident.
for var in ("LINKGRAPH_DB",):
    os.environ.pop(var, None)


@pytest.fixture
def db_path(tmp_path):
    """Path of a not-yet-created embedded store."""
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session")
def prepared_root(tmp_path_factory):
    """Where the app tests' generated, loaded and detected store is built once per session."""
    return tmp_path_factory.mktemp("prepared")


@pytest.fixture
def detected_store(prepared_root, tmp_path):
    """A private copy of a detected 3k-account DuckDB store (``tests.test_app_support``)."""
    from linkgraph.store import open_store
    from tests.test_app_support import copy_store

    s = open_store(str(copy_store(prepared_root, tmp_path / "store.duckdb")))
    yield s
    s.close()

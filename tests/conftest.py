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

"""A store made by an older linkgraph is refused with a clear message, not a binder error."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from linkgraph.errors import StoreError
from linkgraph.store.duckdb import SCHEMA_VERSION, DuckDBStore


def test_current_store_opens(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    DuckDBStore(path).close()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )
    DuckDBStore(path, read_only=True).close()


def test_older_schema_is_refused_with_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    DuckDBStore(path).close()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"older linkgraph \(schema version 1.*new store"):
        DuckDBStore(path, read_only=True)
    assert path.read_bytes() == before

"""Open a store by location: a file path means the embedded DuckDB store, a ``bolt://``,
``neo4j://`` (or ``+s``/``+ssc``) URI means the Neo4j store. This is the only place that
knows which backends exist; everything else talks to ``Store``.
"""

from __future__ import annotations

import os

from linkgraph.errors import ConfigError
from linkgraph.store.base import Store

DEFAULT_DB = "linkgraph.duckdb"
_NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def default_location() -> str:
    """``NEO4J_URI`` when set (team deployment), else ``LINKGRAPH_DB`` or ./linkgraph.duckdb."""
    return os.environ.get("NEO4J_URI") or os.environ.get("LINKGRAPH_DB") or DEFAULT_DB


def open_store(location: str | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``location`` (default: ``default_location()``).

    ``read_only`` is a promise by the caller (the app's readers) that lets the embedded
    backend avoid any lock; writes through a read-only store raise.
    """
    location = location or default_location()
    if location.startswith(_NEO4J_SCHEMES):
        try:
            from linkgraph.store.neo4j import Neo4jStore
        except ImportError as e:  # pragma: no cover - neo4j is a core dependency
            raise ConfigError(f"the Neo4j backend needs the 'neo4j' package: {e}") from e
        return Neo4jStore.from_env(location)
    if "://" in location:
        raise ConfigError(
            f"unknown store location {location!r}: give a file path or a bolt:// / neo4j:// URI"
        )
    from linkgraph.store.duckdb import DuckDBStore

    return DuckDBStore(location, read_only=read_only)


__all__ = ["Store", "open_store", "default_location", "DEFAULT_DB"]

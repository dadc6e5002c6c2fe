"""Records that travel between loaders, pipeline, stores, exports and the app.

Bulk data is Arrow (``pyarrow.Table``) so it moves between DuckDB, pandas, NumPy and igraph
without per-row Python; small records are frozen dataclasses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from linkgraph import schema


@dataclass(frozen=True)
class SourceFile:
    """One input file of an export, with the hash that makes re-loads detectable."""

    table: str
    path: str
    sha256: str
    rows: int


@dataclass
class LoadBatch:
    """A validated, normalised export, ready for a store to merge in one step.

    ``tables`` maps each name in ``schema.LOAD_TABLES`` to an Arrow table with exactly
    ``schema.table_schema(name)``, keys unique (the loader aggregates duplicates). Tables the
    export did not provide are empty, never missing.
    """

    tables: dict[str, pa.Table]
    files: list[SourceFile]
    source: str
    warnings: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Hash of the input files' hashes: equal for byte-identical exports."""
        h = hashlib.sha256()
        for f in sorted(self.files, key=lambda f: f.table):
            h.update(f"{f.table}:{f.sha256}\n".encode())
        return h.hexdigest()

    def counts(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}

    @classmethod
    def empty_tables(cls) -> dict[str, pa.Table]:
        return {name: schema.table_schema(name).empty_table() for name in schema.LOAD_TABLES}


@dataclass(frozen=True)
class LoadRecord:
    """A load as the store remembers it."""

    load_id: int
    fingerprint: str
    source: str
    started_at: datetime
    finished_at: datetime
    files: list[SourceFile]
    counts: dict[str, int]
    skipped: bool = False  # True when the store already held this exact export

    def files_json(self) -> str:
        return json.dumps([f.__dict__ for f in self.files])


@dataclass
class DetectionResult:
    """Everything a detection run produces, before it is stored.

    Tables (Arrow), all keyed by the stable ``cluster_id``:
    - ``clusters``: one row per cluster, columns in ``CLUSTER_COLUMNS``.
    - ``members``: ``cluster_id, account_id``.
    - ``identifiers``: shared infrastructure, ``cluster_id, id_type, identifier, members``.
    - ``links``: weighted account links inside clusters, ``cluster_id, a, b, weight, evidence``.
    """

    params: dict[str, Any]
    clusters: pa.Table
    members: pa.Table
    identifiers: pa.Table
    links: pa.Table
    stats: dict[str, Any] = field(default_factory=dict)
    engine: str = "igraph"


# Columns of the stored ``clusters`` table, with types; extra columns are allowed after these.
CLUSTER_COLUMNS: dict[str, pa.DataType] = {
    "cluster_id": pa.string(),
    "score": pa.float64(),
    "size": pa.int64(),
    "evidence": pa.string(),
    "features": pa.string(),  # JSON object: feature name -> raw value
    "contributions": pa.string(),  # JSON object: feature name -> signed contribution to the score
    "first_signup": pa.timestamp("us", tz="UTC"),
    "last_signup": pa.timestamp("us", tz="UTC"),
    "payment_methods": pa.int64(),
    "proxy_providers": pa.string(),  # comma-separated, most used first
    "requests": pa.int64(),
    "top_categories": pa.string(),  # comma-separated, largest first
    "view": pa.string(),  # "leiden" (default) or "strong_components"
}
MEMBER_COLUMNS: dict[str, pa.DataType] = {"cluster_id": pa.string(), "account_id": pa.string()}
IDENTIFIER_COLUMNS: dict[str, pa.DataType] = {
    "cluster_id": pa.string(),
    "id_type": pa.string(),
    "identifier": pa.string(),
    "members": pa.int64(),
}
LINK_COLUMNS: dict[str, pa.DataType] = {
    "cluster_id": pa.string(),
    "a": pa.string(),
    "b": pa.string(),
    "weight": pa.float64(),
    "evidence": pa.string(),
}
RESULT_TABLES: dict[str, dict[str, pa.DataType]] = {
    "clusters": CLUSTER_COLUMNS,
    "members": MEMBER_COLUMNS,
    "identifiers": IDENTIFIER_COLUMNS,
    "links": LINK_COLUMNS,
}


@dataclass(frozen=True)
class RunRecord:
    run_id: int
    created_at: datetime
    params: dict[str, Any]
    stats: dict[str, Any]
    engine: str


@dataclass(frozen=True)
class Decision:
    """An analyst's decision on a cluster. Append-only: the newest per cluster is in force."""

    cluster_id: str
    status: str  # one of schema.DECISION_STATUSES
    analyst: str
    note: str = ""
    decided_at: datetime | None = None  # set by the store when None

    def __post_init__(self) -> None:
        if self.status not in schema.DECISION_STATUSES:
            raise ValueError(f"decision status must be one of {schema.DECISION_STATUSES}, not {self.status!r}")
        if not self.analyst.strip():
            raise ValueError("a decision needs the analyst's name")

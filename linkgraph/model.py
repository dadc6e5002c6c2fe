"""Records that travel between loaders, pipeline, stores, exports and the app.

Bulk data is Arrow (``pyarrow.Table``) so it moves between DuckDB, pandas, NumPy and igraph
without per-row Python; small records are frozen dataclasses.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from linkgraph import schema

if TYPE_CHECKING:
    from linkgraph.settings import Engine


@dataclass(frozen=True)
class SourceFile:
    """One input file of an export, with the hash that makes re-loads detectable."""

    table: str
    path: str
    sha256: str
    rows: int


@dataclass
class LoadBatch:
    """A validated, normalised export, staged on disk, ready for a store to merge in one step.

    The loader streams each input file in chunks and writes ``<staging>/<table>.parquet`` for
    every name in ``schema.LOAD_TABLES`` with exactly ``schema.table_schema(name)`` and unique
    keys (duplicates aggregated by the schema's merge rules). Tables the export did not provide
    are written empty, never missing. Staging on disk keeps memory bounded for exports larger
    than RAM: stores read the Parquet files in batches (DuckDB reads them out of core).
    """

    staging: Path
    files: list[SourceFile]
    source: str
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def path(self, table: str) -> Path:
        if table not in schema.LOAD_TABLES:
            raise KeyError(table)
        return self.staging / f"{table}.parquet"

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """A whole staged table in memory (fine for tests and small tables)."""
        import pyarrow.parquet as pq

        return pq.read_table(self.path(table), columns=columns)

    def iter_batches(self, table: str, batch_size: int = 50_000) -> Iterator[pa.RecordBatch]:
        """The staged table in record batches of at most ``batch_size`` rows (bounded memory)."""
        import pyarrow.parquet as pq

        with pq.ParquetFile(self.path(table)) as f:
            yield from f.iter_batches(batch_size=batch_size)

    @property
    def fingerprint(self) -> str:
        """Hash of the input files' hashes (and the mapping): equal for byte-identical exports."""
        h = hashlib.sha256()
        for f in sorted(self.files, key=lambda f: (f.table, f.path)):
            h.update(f"{f.table}:{f.sha256}\n".encode())
        return h.hexdigest()

    def cleanup(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


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

    @classmethod
    def from_stored(cls, row: dict[str, Any], started_at: datetime, finished_at: datetime) -> LoadRecord:
        """A record as a store keeps it: files and counts as JSON text (times converted by the store)."""
        return cls(
            load_id=row["load_id"],
            fingerprint=row["fingerprint"],
            source=row["source"],
            started_at=started_at,
            finished_at=finished_at,
            files=[SourceFile(**f) for f in json.loads(row["files"] or "[]")],
            counts=json.loads(row["counts"] or "{}"),
        )


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
    engine: Engine = "igraph"


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
# ``cluster_id`` is the campaign (the whole operation); ``sub_cluster_id`` the community it came
# from (``<cluster_id>.<n>``, n = 1 for the largest); ``attribution`` in [0, 1] how strongly the
# account is tied to the rest by its own identifiers and signals; ``action`` the account-level
# decision (``MEMBER_ACTIONS``): "enforce" (flagged cluster, attributable account),
# "linked_not_enforced" (attached only through widely shared infrastructure, nothing of its own
# against it), "dismissed" (by an analyst), "not_flagged" (attributable, cluster below the
# threshold: what an analyst's confirmation enforces); ``reasons`` says why.
MEMBER_COLUMNS: dict[str, pa.DataType] = {
    "cluster_id": pa.string(),
    "account_id": pa.string(),
    "sub_cluster_id": pa.string(),
    "attribution": pa.float64(),
    "action": pa.string(),
    "reasons": pa.string(),
}
MEMBER_ACTIONS = ("enforce", "linked_not_enforced", "dismissed", "not_flagged")
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
    engine: Engine


@dataclass(frozen=True)
class Decision:
    """An analyst's decision on a cluster. Append-only: the newest per cluster is in force."""

    cluster_id: str
    status: schema.DecisionStatus
    analyst: str
    note: str = ""
    decided_at: datetime | None = None  # set by the store when None

    def __post_init__(self) -> None:
        if self.status not in schema.DECISION_STATUSES:
            raise ValueError(
                f"decision status must be one of {schema.DECISION_STATUSES}, not {self.status!r}"
            )
        if not self.analyst.strip():
            raise ValueError("a decision needs the analyst's name")


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a campaign's case file, append-only like decisions (the audit trail).

    ``action``: ``account`` (an account-level decision: ``after`` is one of
    ``schema.ACCOUNT_STATUSES`` for ``account_id`` within ``campaign_id``; an empty
    ``campaign_id`` means every campaign), ``owner`` (``after`` is the new owner, "" to release)
    or ``note`` (``note`` is the text, ``reply_to`` the ``event_id`` it answers). ``before`` is
    what was in force when the event was written, so the trail reads "before -> after".
    """

    campaign_id: str
    action: str  # one of schema.CASE_ACTIONS
    author: str
    account_id: str = ""
    before: str = ""
    after: str = ""
    note: str = ""
    reply_to: str = ""
    event_id: str = ""  # set by the store when empty
    at: datetime | None = None  # set by the store when None

    def __post_init__(self) -> None:
        if self.action not in schema.CASE_ACTIONS:
            raise ValueError(f"case action must be one of {schema.CASE_ACTIONS}, not {self.action!r}")
        if not self.author.strip():
            raise ValueError("a case entry needs its author")
        if self.action == "account":
            if not self.account_id:
                raise ValueError("an account decision needs the account id")
            if self.after not in schema.ACCOUNT_STATUSES:
                raise ValueError(
                    f"account status must be one of {schema.ACCOUNT_STATUSES}, not {self.after!r}"
                )
        if self.action == "note" and not self.note.strip():
            raise ValueError("a note needs its text")

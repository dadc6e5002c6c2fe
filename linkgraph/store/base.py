"""The store interface: what the pipeline, CLI and app may ask of any backend.

Two backends implement it: ``DuckDBStore`` (an embedded file, the default) and ``Neo4jStore``
(a Neo4j 5 server over Bolt). Code outside ``linkgraph/store/`` never asks which one it has;
the choice is made once, by ``linkgraph.store.open_store``.

The interface is deliberately small and bulk-shaped: loads arrive as one validated
``LoadBatch`` (Arrow tables), analytics read whole tables back as Arrow, detection results go
in as one ``DetectionResult``. Each backend decides how to make those steps atomic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Literal, Protocol, Self, runtime_checkable

import pandas as pd
import pyarrow as pa

from linkgraph.model import Decision, DetectionResult, LoadBatch, LoadRecord, RunRecord

# progress(done, total, what): called during long writes so the CLI can draw a bar.
Progress = Callable[[int, int, str], None]
Backend = Literal["duckdb", "neo4j"]


@runtime_checkable
class Store(Protocol):
    backend: Backend
    location: str  # file path or URI, with no secrets in it

    @property
    def staging_dir(self) -> Path | None:
        """Where a load should stage its Parquet files, when the store has a preferred place
        (beside an embedded file: same disk, room to spill); None: the system temp dir."""
        ...

    # ------------------------------------------------------------------ writes
    def write_lock(self) -> AbstractContextManager[None]:
        """Hold the store's single-writer lock; raise StoreBusyError if another writer has it.

        Loads and detects take it for their whole duration so two never interleave.
        """
        ...

    def find_load(self, fingerprint: str) -> LoadRecord | None:
        """The earlier load of a byte-identical export, if any (makes re-loads no-ops)."""
        ...

    def apply_load(self, batch: LoadBatch, progress: Progress | None = None) -> LoadRecord:
        """Merge a validated batch into the graph and record the load, all or nothing.

        Merge semantics per property follow ``schema`` (replace / min / max), so applying the
        same batch twice leaves the same graph.
        """
        ...

    def save_run(self, result: DetectionResult) -> RunRecord:
        """Store a detection run with its clusters, members, identifiers and links, atomically."""
        ...

    def add_decision(self, decision: Decision) -> Decision:
        """Append an analyst decision (audit trail); returns it with ``decided_at`` set."""
        ...

    # ------------------------------------------------------------------ reads
    def counts(self) -> dict[str, int]:
        """Rows per node label and relationship type (schema names), plus usage/ip_intel."""
        ...

    def load_runs(self) -> list[LoadRecord]: ...

    def read_table(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """A whole load table (``schema.LOAD_TABLES``) as Arrow, for vectorised analytics."""
        ...

    def runs(self) -> list[RunRecord]:
        """Detection runs, newest first."""
        ...

    def read_result(self, table: str, run_id: int | None = None) -> pa.Table:
        """A result table (``model.RESULT_TABLES``) of a run (default: the latest)."""
        ...

    def decisions(self, cluster_id: str | None = None) -> list[Decision]:
        """Decisions, newest first; for one cluster when ``cluster_id`` is given."""
        ...

    def query(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        """Run a named investigator query (``linkgraph.investigate.QUERIES``)."""
        ...

    def version(self) -> str:
        """A token that changes whenever the store's contents change (cache key for readers)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self:
        """Stores are context managers: ``with open_store(...) as store:`` closes them."""
        ...

    def __exit__(self, *exc: object) -> None: ...


@runtime_checkable
class GraphAnalytics(Protocol):
    """An optional capability: community detection inside the database (Neo4j GDS).

    ``detect --engine gds`` checks for it with ``isinstance``; a store without it keeps the
    in-process igraph engine. ``links`` holds account-id pairs ``a, b, weight``; the result
    holds ``account_id, community``.
    """

    def gds_communities(self, links: pa.Table, resolution: float, seed: int) -> pa.Table: ...

    def gds_components(self, links: pa.Table) -> pa.Table: ...


def iter_batches(table: pa.Table, batch_size: int) -> Iterator[pa.Table]:
    """Slices of ``table`` of at most ``batch_size`` rows (zero-copy)."""
    for offset in range(0, table.num_rows, batch_size):
        yield table.slice(offset, batch_size)

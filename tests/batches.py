"""Build small LoadBatch objects directly (bypassing the loaders) for store tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from linkgraph import schema
from linkgraph.model import LoadBatch, SourceFile


def make_batch(staging: Path, rows: dict[str, list[dict[str, Any]]], tag: str = "x") -> LoadBatch:
    """A LoadBatch whose staged tables hold ``rows`` (missing tables empty, schema types)."""
    staging.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in schema.LOAD_TABLES:
        sch = schema.table_schema(table)
        data = rows.get(table, [])
        t = pa.Table.from_pylist(data, schema=sch) if data else sch.empty_table()
        pq.write_table(t, staging / f"{table}.parquet")
        counts[table] = t.num_rows
    files = [SourceFile(table=t, path=f"{t}.csv", sha256=f"{tag}-{t}", rows=counts[t]) for t in rows]
    return LoadBatch(staging=staging, files=files, source=str(staging), counts=counts)

"""Load speed into Neo4j next to the embedded store, in one run: rows/s and entities/s.

Usage::

    .venv/bin/python bench/bench_neo4j_load.py --accounts 100000 [--export DIR] [--batch 5000]

Generates an export (unless ``--export`` names one), loads it with ``linkgraph.pipeline.load``
into a new DuckDB store and then into Neo4j — ``$NEO4J_URI`` when set (it is wiped, so it must be
disposable), otherwise the local Neo4j 5 + GDS of ``tests/neo4j_local.py`` on a fresh data
directory. Rows are the export's staged rows; entities are the nodes plus relationships the load
leaves in the graph (the unit of the usual ingest figures, e.g. BloodHound CE's 5K-50K
entities/s). Both stores are timed on the same machine in the same run, so compare the ratio when
the machine is shared (the load average is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkgraph import pipeline  # noqa: E402
from linkgraph.generator import GenerateSettings, generate  # noqa: E402
from linkgraph.store.duckdb import DuckDBStore  # noqa: E402
from linkgraph.store.neo4j import Neo4jStore  # noqa: E402
from tests import neo4j_local  # noqa: E402


def _timed_load(store, export: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    pipeline.load(store, export)
    elapsed = time.perf_counter() - t0
    return elapsed, sum(store.counts().values())


def _rows(export: Path) -> int:
    total = 0
    for f in export.iterdir():
        if f.suffix == ".csv":
            with open(f, "rb") as fh:
                total += max(sum(1 for _ in fh) - 1, 0)
        elif f.suffix == ".parquet":
            import pyarrow.parquet as pq

            total += pq.ParquetFile(f).metadata.num_rows
    return total


def _neo4j_load(export: Path, batch: int) -> tuple[float, int]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        store = Neo4jStore.from_env(uri)
        store.batch_size = batch
        store.clear()
        return _timed_load(store, export)
    with neo4j_local.running() as server:
        store = Neo4jStore(server.uri, (server.user, server.password), batch_size=batch)
        try:
            return _timed_load(store, export)
        finally:
            store.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--export", type=Path)
    ap.add_argument("--batch", type=int, default=5_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-") as tmp:
        export = args.export or Path(tmp) / "export"
        if args.export is None:
            generate(export, GenerateSettings(accounts=args.accounts, seed=7))
        rows = _rows(export)
        duck_s, duck_entities = _timed_load(DuckDBStore(Path(tmp) / "s.duckdb"), export)
        neo_s, neo_entities = _neo4j_load(export, args.batch)
    out = {
        "accounts": args.accounts,
        "rows": rows,
        "entities": neo_entities,
        "duckdb": {"seconds": round(duck_s, 1), "rows_per_s": round(rows / duck_s)},
        "neo4j": {
            "seconds": round(neo_s, 1),
            "rows_per_s": round(rows / neo_s),
            "entities_per_s": round(neo_entities / neo_s),
            "batch": args.batch,
        },
        "neo4j_vs_duckdb_time": round(neo_s / duck_s, 1),
        "duckdb_entities": duck_entities,
        "loadavg": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`linkgraph load` against DuckDB merely reading the same files, as a ratio measured in one run.

Usage::

    .venv/bin/python bench/bench_loader.py --export /work/perfdata/m1 --runs 3
    .venv/bin/python bench/bench_loader.py --accounts 100000          # generates an export first

Each repetition runs two fresh child processes back to back, so both see the same machine:

* **reference**: an in-memory DuckDB ``CREATE TABLE AS SELECT * FROM read_csv(...)`` (or
  ``read_json``/``read_parquet``) of every table file of the export: the cost of merely reading
  the files into memory;
* **load**: ``pipeline.load`` into a new DuckDB store, exactly what ``linkgraph load`` does
  (read, validate, normalise, stage, merge, checkpoint, atomic swap).

It prints both wall times and CPU times (user+sys, all threads), the load's peak RSS and the
ratio load / reference per repetition, then the median ratio. The machine may be shared: the
CPU-time ratio is the steadier figure when it is busy. Target (issue 14): ratio <= 5.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 5.0

PRELUDE = r"""
import json, os, resource, sys, time, logging
logging.basicConfig(level=logging.ERROR)
def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime
"""

REFERENCE = (
    PRELUDE
    + r"""
import duckdb
files = json.loads(sys.argv[1])
t, c = time.perf_counter(), cpu()
con = duckdb.connect()
readers = {"csv": con.read_csv, "csv.gz": con.read_csv, "jsonl": con.read_json, "jsonl.gz": con.read_json,
           "parquet": con.read_parquet}
rows = 0
for i, (path, fmt) in enumerate(files):
    readers[fmt](path).create(f"t{i}")  # materialised in memory: every value parsed and stored
    rows += con.table(f"t{i}").shape[0]
con.close()
print(json.dumps({"wall": time.perf_counter() - t, "cpu": cpu() - c, "rows": rows}))
"""
)

LOAD = (
    PRELUDE
    + r"""
from linkgraph.pipeline import load
from linkgraph.store.duckdb import DuckDBStore
db = os.path.join(sys.argv[2], "store.duckdb")
t, c = time.perf_counter(), cpu()
with DuckDBStore(db) as store:
    report = load(store, sys.argv[1])
wall, used = time.perf_counter() - t, cpu() - c
ru = resource.getrusage(resource.RUSAGE_SELF)
size = os.path.getsize(db)
print(json.dumps({"wall": wall, "cpu": used, "peak_rss": ru.ru_maxrss * 1024, "store_bytes": size,
                  "rows": {f.table: f.rows for f in report.record.files}}))
"""
)


def table_files(export: Path) -> list[tuple[str, str]]:
    """(path, format) of every table file of the export (truth.csv is the generator's answer key)."""
    from linkgraph.loaders.readers import split_name
    from linkgraph.loaders.validate import TABLE_FILES

    out = []
    for p in sorted(export.iterdir()):
        parts = split_name(p.name)
        if parts is not None and parts[0] in TABLE_FILES:
            out.append((str(p), parts[1]))
    return out


def child(code: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_pair(export: Path, files: list[tuple[str, str]], work: Path) -> dict[str, dict[str, object]]:
    ref = child(REFERENCE, json.dumps(files))
    store_dir = Path(tempfile.mkdtemp(prefix="store-", dir=work))
    try:
        loaded = child(LOAD, str(export), str(store_dir))
    finally:
        shutil.rmtree(store_dir, ignore_errors=True)
    return {"ref": ref, "load": loaded}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fmt", default="csv", help="csv | csv.gz | jsonl | jsonl.gz | parquet")
    ap.add_argument("--export", type=Path, help="an existing export directory (skips generation)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, help="scratch folder (default: system temp)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-loader-", dir=args.work))
    try:
        export = args.export or _generate(work, args.accounts, args.seed, args.fmt)
        files = table_files(export)
        size = sum(os.path.getsize(p) for p, _ in files)
        print(f"export {export}: {len(files)} files, {size / 1e6:,.0f} MB", flush=True)
        wall_ratios, cpu_ratios = [], []
        for i in range(args.runs):
            r = run_pair(export, files, work)
            ref, load = r["ref"], r["load"]
            wall_ratios.append(float(load["wall"]) / float(ref["wall"]))  # type: ignore[arg-type]
            cpu_ratios.append(float(load["cpu"]) / float(ref["cpu"]))  # type: ignore[arg-type]
            print(
                f"run {i + 1}: raw DuckDB read {ref['wall']:.1f}s ({ref['cpu']:.1f}s CPU), "
                f"linkgraph load {load['wall']:.1f}s ({load['cpu']:.1f}s CPU), "
                f"peak RSS {float(load['peak_rss']) / 2**30:.2f} GiB (store {float(load['store_bytes']) / 1e6:,.0f} MB); "  # type: ignore[arg-type]
                f"ratio {wall_ratios[-1]:.2f} wall, {cpu_ratios[-1]:.2f} CPU; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
                flush=True,
            )
        wall, cpu = statistics.median(wall_ratios), statistics.median(cpu_ratios)
        verdict = "meets" if wall <= TARGET_RATIO else "misses"
        print(
            f"RATIO load / raw read: median {wall:.2f} wall, {cpu:.2f} CPU over {args.runs} run(s) "
            f"({verdict} the target <= {TARGET_RATIO:g})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _generate(work: Path, accounts: int, seed: int, fmt: str) -> Path:
    from linkgraph.generator import GenerateSettings, generate

    export = work / "export"
    t = time.perf_counter()
    generate(export, GenerateSettings(accounts=accounts, seed=seed, fmt=fmt))
    print(f"generated {accounts:,} accounts ({fmt}) in {time.perf_counter() - t:.1f}s", flush=True)
    return export


if __name__ == "__main__":
    main()

"""Time and peak memory of a load: ``loaders.load_export`` then the store merge.

Usage::

    .venv/bin/python bench/bench_loader.py --accounts 1000000 [--fmt csv] [--export DIR] [--keep]
    .venv/bin/python bench/bench_loader.py --export /tmp/lx1m --no-store   # loader only

Generates an export with ``linkgraph.generator`` (unless ``--export`` points at an existing
one), then, in a fresh child process (so the peak RSS from ``resource.getrusage`` is the
load's alone), runs ``load_export`` and merges the staged batch into a new DuckDB store with
``DuckDBStore.apply_load``, as ``linkgraph load`` does. Prints per run: loader wall time,
store-merge wall time, total, CPU time (user+sys, all threads), peak RSS, and the load average
(the machine may be shared: compare CPU times when it is busy).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, os, resource, sys, time, logging
logging.basicConfig(level=logging.ERROR)
def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime
t0 = time.perf_counter()
from linkgraph.loaders import load_export
from linkgraph.store.duckdb import DuckDBStore
imports = time.perf_counter() - t0
t = time.perf_counter()
c = cpu()
batch = load_export(sys.argv[1], staging_dir=sys.argv[2])
loader, loader_cpu = time.perf_counter() - t, cpu() - c
merge = merge_cpu = 0.0
if sys.argv[3] != "-":
    db = os.path.join(sys.argv[3], "store.duckdb")
    t = time.perf_counter()
    c = cpu()
    store = DuckDBStore(db)
    store.apply_load(batch)
    store.close()
    merge, merge_cpu = time.perf_counter() - t, cpu() - c
    os.unlink(db)
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"loader": loader, "loader_cpu": loader_cpu, "merge": merge, "merge_cpu": merge_cpu,
                  "imports": imports, "peak_rss": ru.ru_maxrss * 1024, "cpu": cpu(), "counts": batch.counts,
                  "rows": {f.table: f.rows for f in batch.files}}))
batch.cleanup()
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fmt", default="csv", help="csv | csv.gz | jsonl | jsonl.gz | parquet")
    ap.add_argument("--export", type=Path, help="an existing export directory (skips generation)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the generated export")
    ap.add_argument("--no-store", action="store_true", help="time the loader only (no store merge)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-loader-"))
    export = args.export
    if export is None:
        from linkgraph.generator import GenerateSettings, generate

        export = work / "export"
        t = time.perf_counter()
        generate(export, GenerateSettings(accounts=args.accounts, seed=args.seed, fmt=args.fmt))
        print(
            f"generated {args.accounts:,} accounts ({args.fmt}) in {time.perf_counter() - t:.1f}s", flush=True
        )
    size = sum(p.stat().st_size for p in export.iterdir() if p.is_file())
    for _ in range(args.runs):
        store_dir = "-" if args.no_store else str(work)
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(export), str(work), store_dir],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t
        r = json.loads(out.stdout.strip().splitlines()[-1])
        load = os.getloadavg()
        print(
            f"{sum(r['rows'].values()):,} input rows, {size / 1e6:.0f} MB: "
            f"loader {r['loader']:.1f}s ({r['loader_cpu']:.1f}s CPU), "
            f"store merge {r['merge']:.1f}s ({r['merge_cpu']:.1f}s CPU), "
            f"total {r['loader'] + r['merge']:.1f}s ({wall:.1f}s with interpreter start and imports), "
            f"CPU {r['cpu']:.1f}s, peak RSS {r['peak_rss'] / 2**30:.2f} GiB; "
            f"load average {load[0]:.1f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        print(f"  rows {r['rows']}\n  staged {r['counts']}", flush=True)
    if not args.keep and args.export is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    elif args.export is None:
        print(f"export kept in {export}")


if __name__ == "__main__":
    main()

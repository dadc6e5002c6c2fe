"""A daily delta against a full load, as a ratio measured in one run.

Splits an export into a base (the first 99 % of accounts and their rows) and a delta (the newest
1 % and their rows, which share IPs, devices and cards with the base), loads the base into a new
store, then times ``pipeline.load`` of the delta onto it; the reference, in the same run, is a
full load of the whole export into another new store. Prints both and the ratio (CPU and wall).
Detection is not included: it still re-runs from scratch (see docs/SCALING.md).

Usage: .venv/bin/python bench/bench_delta.py --export /work/perfdata/m1 --work /work/perfdata
"""

from __future__ import annotations

import argparse
import logging
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from linkgraph.pipeline import load
from linkgraph.store.duckdb import DuckDBStore

CHILDREN = ("payment_methods", "ip_events", "usage")


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _read(path: Path) -> pa.Table:
    header = pacsv.read_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 20)).column_names
    types = {n: pa.string() for n in header}
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))


def split(export: Path, out: Path, share_new: float) -> tuple[Path, Path]:
    base, delta = out / "base", out / "delta"
    base.mkdir()
    delta.mkdir()
    accounts = _read(export / "accounts.csv")
    new_ids = accounts.column("account_id").slice(int(accounts.num_rows * (1 - share_new)))
    for table in ("accounts", *CHILDREN):
        t = accounts if table == "accounts" else _read(export / f"{table}.csv")
        new = pc.is_in(t.column("account_id"), value_set=new_ids)
        pacsv.write_csv(t.filter(pc.invert(new)), base / f"{table}.csv")
        pacsv.write_csv(t.filter(new), delta / f"{table}.csv")
    shutil.copy(export / "ip_intel.csv", base / "ip_intel.csv")
    return base, delta


def timed_load(db: Path, export: Path) -> tuple[float, float]:
    with DuckDBStore(db) as store:
        t, c = time.perf_counter(), _cpu()
        load(store, export)
        return time.perf_counter() - t, _cpu() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", type=Path, required=True, help="a CSV export (linkgraph generate)")
    ap.add_argument("--share", type=float, default=0.01, help="share of accounts in the delta")
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="bench-delta-", dir=args.work))
    try:
        base, delta = split(args.export, work, args.share)
        full_wall, full_cpu = timed_load(work / "full.duckdb", args.export)
        print(f"full load {full_wall:.1f}s ({full_cpu:.1f}s CPU)", flush=True)
        timed_load(work / "daily.duckdb", base)
        wall, cpu = timed_load(work / "daily.duckdb", delta)
        print(f"delta load ({args.share:.0%} new accounts) onto the base {wall:.1f}s ({cpu:.1f}s CPU)")
        print(f"RATIO delta load / full load: {wall / full_wall:.3f} wall, {cpu / full_cpu:.3f} CPU")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

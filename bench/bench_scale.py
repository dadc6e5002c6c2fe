"""Scale ratios of issues 10 and 14, each against a reference measured in the same run.

Usage::

    flock -s /work/coord/heavy.lock .venv/bin/python bench/bench_scale.py --export /work/perfdata/m1
    flock -x /work/coord/heavy.lock .venv/bin/python bench/bench_scale.py --export M1 --large M10

For every export given it runs, in fresh child processes back to back:

* **raw read** (the reference): an in-memory DuckDB ``CREATE TABLE AS SELECT * FROM
  read_csv(...)`` of every table file (``bench_loader.REFERENCE``);
* **pipeline**: ``pipeline.load`` into a new DuckDB store, ``pipeline.detect`` (default
  settings) and ``write_export(csv)``, in one process, exactly as the CLI chains them. A
  sampling thread reads the process's resident set size every 0.1 s, so each step reports its
  own peak (``ru_maxrss`` only knows the whole process's).

It prints the ratios the issues ask for:

* load / raw read (issue 14, target <= 5);
* load -> detect -> export / raw read (issue 10, target <= 15) and its peak RSS (issue 10:
  <= 4 GiB; our own budget at 1M: <= 3 GiB);
* with ``--large``: its peak (<= 16 GiB) and its time per account / the first export's time
  per account (issue 14, target <= 1.3).

Wall time is what the targets are written in; CPU time (user+sys, all threads) is printed
beside it because it is the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_loader import REFERENCE, child, table_files  # noqa: E402

LOAD_TARGET = 5.0
PIPELINE_TARGET = 15.0
PEAK_TARGET_GIB = 4.0
PEAK_BUDGET_GIB = 3.0
LARGE_PEAK_GIB = 16.0
PER_ACCOUNT_TARGET = 1.3

PIPELINE = r"""
import json, os, resource, sys, tempfile, threading, time, logging
from pathlib import Path
logging.basicConfig(level=logging.ERROR)
from linkgraph.enforcement import write_export
from linkgraph.pipeline import detect, load
from linkgraph.store.duckdb import DuckDBStore

def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

peak = [0]
stop = threading.Event()
def sample():
    while not stop.wait(0.1):
        peak[0] = max(peak[0], rss())
threading.Thread(target=sample, daemon=True).start()

export, db = sys.argv[1], os.path.join(sys.argv[2], "store.duckdb")
steps, facts = {}, {}
store = DuckDBStore(db)
def run_load():
    report = load(store, export)
    facts["accounts"] = next(f.rows for f in report.record.files if f.table == "accounts")
def run_detect():
    run = detect(store)
    facts["links"], facts["clusters"] = run.stats["links"], run.stats["clusters"]
    facts["detect_seconds"] = run.stats["seconds"]
def run_export():
    facts["flagged_accounts"] = write_export(store, "csv", Path(sys.argv[2]) / "ban.csv").accounts
for name, fn in (("load", run_load), ("detect", run_detect), ("export", run_export)):
    peak[0] = rss()
    t, c = time.perf_counter(), cpu()
    fn()
    steps[name] = {"wall": time.perf_counter() - t, "cpu": cpu() - c, "peak": max(peak[0], rss())}
store.close()
stop.set()
facts["store_bytes"] = os.path.getsize(db)
facts["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"steps": steps, **facts}))
"""


@dataclass
class Measured:
    """One export's reference read and pipeline run."""

    export: Path
    ref: dict[str, float]
    steps: dict[str, dict[str, float]]
    facts: dict[str, object]

    @property
    def accounts(self) -> int:
        return int(self.facts["accounts"])  # type: ignore[call-overload]

    def total(self, key: str) -> float:
        return sum(s[key] for s in self.steps.values())

    @property
    def peak_gib(self) -> float:
        return max(float(self.facts["maxrss"]), *(s["peak"] for s in self.steps.values())) / 2**30  # type: ignore[arg-type]


def measure(export: Path, work: Path) -> Measured:
    files = table_files(export)
    size = sum(os.path.getsize(p) for p, _ in files)
    print(f"export {export}: {len(files)} files, {size / 1e6:,.0f} MB", flush=True)
    ref = child(REFERENCE, json.dumps(files))
    print(f"  raw DuckDB read {ref['wall']:.1f}s wall, {ref['cpu']:.1f}s CPU", flush=True)
    store_dir = Path(tempfile.mkdtemp(prefix="store-", dir=work))
    try:
        out = child(PIPELINE, str(export), str(store_dir))
    finally:
        shutil.rmtree(store_dir, ignore_errors=True)
    steps = out.pop("steps")
    m = Measured(export, ref, steps, out)  # type: ignore[arg-type]
    for name, s in m.steps.items():
        print(
            f"  {name:7s} {s['wall']:7.1f}s wall {s['cpu']:7.1f}s CPU, peak RSS {s['peak'] / 2**30:.2f} GiB"
        )
    print(
        f"  {m.accounts:,} accounts, {out['links']:,} links, {out['clusters']:,} clusters, "
        f"{out['flagged_accounts']:,} accounts exported; store {float(out['store_bytes']) / 1e6:,.0f} MB; "  # type: ignore[arg-type]
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    return m


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report(m: Measured) -> None:
    load_w = m.steps["load"]["wall"] / m.ref["wall"]
    load_c = m.steps["load"]["cpu"] / m.ref["cpu"]
    pipe_w = m.total("wall") / m.ref["wall"]
    pipe_c = m.total("cpu") / m.ref["cpu"]
    print(
        f"RATIO load / raw read: {load_w:.2f} wall, {load_c:.2f} CPU ({verdict(load_w <= LOAD_TARGET)} <= {LOAD_TARGET:g})"
    )
    print(
        f"RATIO load->detect->export / raw read: {pipe_w:.2f} wall, {pipe_c:.2f} CPU "
        f"({verdict(pipe_w <= PIPELINE_TARGET)} <= {PIPELINE_TARGET:g})"
    )
    print(
        f"PEAK pipeline RSS: {m.peak_gib:.2f} GiB ({verdict(m.peak_gib <= PEAK_TARGET_GIB)} <= {PEAK_TARGET_GIB:g} GiB; "
        f"{verdict(m.peak_gib <= PEAK_BUDGET_GIB)} the 1M budget <= {PEAK_BUDGET_GIB:g} GiB)"
    )


def report_large(small: Measured, large: Measured) -> None:
    per_small = small.total("wall") / small.accounts
    per_large = large.total("wall") / large.accounts
    ratio = per_large / per_small
    cpu_ratio = (large.total("cpu") / large.accounts) / (small.total("cpu") / small.accounts)
    print(
        f"RATIO time per account {large.accounts:,} / {small.accounts:,}: {ratio:.2f} wall, {cpu_ratio:.2f} CPU "
        f"({per_large * 1e6:.1f} vs {per_small * 1e6:.1f} us/account wall; {verdict(ratio <= PER_ACCOUNT_TARGET)} "
        f"<= {PER_ACCOUNT_TARGET:g})"
    )
    print(
        f"PEAK large pipeline RSS: {large.peak_gib:.2f} GiB ({verdict(large.peak_gib <= LARGE_PEAK_GIB)} <= {LARGE_PEAK_GIB:g} GiB)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", type=Path, required=True, help="the 1M-account export")
    ap.add_argument("--large", type=Path, help="a larger export (e.g. 10M) to compare time per account")
    ap.add_argument("--work", type=Path, help="scratch folder for stores (default: system temp)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=args.work))
    try:
        small = measure(args.export, work)
        report(small)
        if args.large:
            large = measure(args.large, work)
            report(large)
            report_large(small, large)
    except subprocess.CalledProcessError as e:
        print(e.stderr, file=sys.stderr)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time and peak memory of ``loaders.load_export`` on a generated export.

Usage::

    .venv/bin/python bench/bench_loader.py --accounts 1000000 [--fmt csv] [--export DIR] [--keep]

Generates an export with ``linkgraph.generate`` (unless ``--export`` points at an existing
one), then loads it in a fresh child process so the peak RSS (``resource.getrusage``) is the
loader's alone. Prints one line per run: rows, input bytes, seconds, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time, logging
from loaders import load_export
logging.basicConfig(level=logging.ERROR)
t = time.perf_counter()
batch = load_export(sys.argv[1], staging_dir=sys.argv[2])
seconds = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
peak = ru.ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_rss": peak, "cpu": ru.ru_utime + ru.ru_stime, "counts": batch.counts,
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
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-loader-"))
    export = args.export
    if export is None:
        from linkgraph.generate import GenerateSettings, generate

        export = work / "export"
        t = time.perf_counter()
        generate(export, GenerateSettings(accounts=args.accounts, seed=args.seed, fmt=args.fmt))
        print(f"generated {args.accounts:,} accounts ({args.fmt}) in {time.perf_counter() - t:.1f}s", flush=True)
    size = sum(p.stat().st_size for p in export.iterdir() if p.is_file())
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(export), str(work)], check=True, capture_output=True, text=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"load_export: {sum(r['rows'].values()):,} input rows, {size / 1e6:.0f} MB -> "
            f"{r['seconds']:.1f}s wall ({r['cpu']:.1f}s CPU incl. imports), peak RSS {r['peak_rss'] / 2**30:.2f} GiB; "
            f"rows {r['rows']}; out {r['counts']}",
            flush=True,
        )
    if not args.keep and args.export is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    elif args.export is None:
        print(f"export kept in {export}")


if __name__ == "__main__":
    main()

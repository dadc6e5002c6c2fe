"""Time and peak memory of ``linkgraph.generator`` (default: 1M accounts, CSV).

Usage::

    .venv/bin/python bench/bench_generate.py [--accounts 1000000] [--fmt csv] [--seed 1] [--scenario classic|evaluation] [--out DIR] [--keep]

Each run happens in a fresh child process so the peak RSS (``resource.getrusage``) is the
generator's alone. Prints one line per format: accounts, rows per table, identifier rows
(payment + ip_events), bytes written, wall and CPU seconds (CPU is the steadier number on a
shared machine; the generator is single-threaded apart from Arrow's writers), peak RSS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys
from linkgraph.generator import GenerateSettings, generate
r = generate(sys.argv[1], GenerateSettings(accounts=int(sys.argv[2]), fmt=sys.argv[3], seed=int(sys.argv[4]),
                                           scenario=sys.argv[5]))
ru = resource.getrusage(resource.RUSAGE_SELF)
peak = ru.ru_maxrss * 1024
print(json.dumps({"seconds": r.seconds, "cpu": ru.ru_utime + ru.ru_stime, "peak_rss": peak, "counts": r.counts,
                  "campaigns": r.campaigns, "campaign_accounts": r.campaign_accounts}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--fmt", action="append", help="csv, csv.gz, jsonl, jsonl.gz, parquet (repeatable)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help="directory to write into (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--scenario", choices=["classic", "evaluation"], default="classic")
    args = ap.parse_args()
    base = args.out or Path(tempfile.mkdtemp(prefix="lg-bench-gen-"))
    for fmt in args.fmt or ["csv"]:
        out = base / fmt.replace(".", "_")
        res = subprocess.run(
            [sys.executable, "-c", CHILD, str(out), str(args.accounts), fmt, str(args.seed), args.scenario],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(res.stdout.strip().splitlines()[-1])
        size = sum(p.stat().st_size for p in out.iterdir())
        ident = r["counts"]["payment_methods"] + r["counts"]["ip_events"]
        print(
            f"generate {args.accounts:,} accounts fmt={fmt} scenario={args.scenario}: {r['seconds']:.1f} s wall ({r['cpu']:.1f} s CPU), peak RSS "
            f"{r['peak_rss'] / 2**30:.2f} GiB, {size / 1e6:,.0f} MB written, identifier rows {ident:,}, "
            f"campaigns {r['campaigns']} ({r['campaign_accounts']:,} accounts), rows {r['counts']}"
        )
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    if not args.keep and not args.out:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Check that a refactor left behaviour unchanged: same demo files, clusters, scores, export bytes.

Runs the CLI end to end (generate -> load -> detect -> export csv/json/stix) on a small demo and
writes a digest of every output. ``--save FILE`` records a digest (run it before the change);
``--against FILE`` compares the current code's digest with it and exits 1 on any difference,
naming what changed. Only the CLI is used, so module moves do not break the comparison.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

VOLATILE = re.compile(
    rb'"(created|modified|valid_from|generated_at|id|exported_at|run_started|finished_at)"\s*:\s*"[^"]*"'
)


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "linkgraph.cli", *args], check=True, capture_output=True)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def outputs(work: Path, accounts: int, seed: int) -> dict[str, str]:
    export, db = work / "export", work / "store.duckdb"
    run("generate", str(export), "--accounts", str(accounts), "--seed", str(seed))
    run("load", str(export), "--db", str(db))
    run("detect", "--db", str(db))
    found = {f"generate/{p.name}": digest(p.read_bytes()) for p in sorted(export.iterdir())}
    for fmt in ("csv", "json", "stix"):
        out = work / f"out.{fmt}"
        run("export", "--format", fmt, "--all", "--out", str(out), "--db", str(db))
        data = out.read_bytes() if fmt == "csv" else VOLATILE.sub(b"", out.read_bytes())
        found[f"export/{fmt}"] = digest(data)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=5)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--against", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        found = outputs(Path(tmp), args.accounts, args.seed)
    if args.save:
        args.save.write_text(json.dumps(found, indent=1, sort_keys=True))
        print(f"saved {len(found)} digests to {args.save}")
        return 0
    before = json.loads(args.against.read_text())
    changed = sorted(k for k in before.keys() | found.keys() if before.get(k) != found.get(k))
    for name in changed:
        print(f"CHANGED {name}")
    print(f"{len(before) - len(changed)} of {len(before)} outputs unchanged")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())

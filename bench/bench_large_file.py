"""Peak memory of a full ``linkgraph load`` (CLI, loader + store merge) on a multi-GB CSV export.

Usage::

    .venv/bin/python bench/bench_large_file.py --size-gb 1 [--dir /tmp] [--keep]
    .venv/bin/python bench/bench_large_file.py --size-gb 5

Writes ``accounts.csv`` and ``ip_events.csv`` of about ``--size-gb`` GB with a streaming
synthetic writer (vectorised Arrow chunks appended to the files, so the writer itself holds one
chunk at a time), then runs ``python -m linkgraph.cli load DIR --db X`` as a child process and
samples its RSS from ``/proc`` every 0.25 s. Prints rows, input bytes, seconds and peak RSS (the
kernel's high-water mark from ``wait4``), plus the RSS at each quarter of the run: if memory is
bounded, the peak does not grow with ``--size-gb``. Everything it wrote is deleted unless
``--keep``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

EVENTS_PER_ACCOUNT = 5
CHUNK_ACCOUNTS = 200_000
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605",
    "python-httpx/0.27.0",
    "curl/8.6.0",
    "anthropic-python/0.25.0 (linux; x86_64) CPython/3.11.8 aiohttp/3.9.3 requests/2.31.0 urllib3/2.2.1",
]
DOMAINS = ["gmail.com", "outlook.com", "proton.me", "corp-example.com", "mailinator.com", "yahoo.com"]
BYTES_PER_ACCOUNT = 893  # measured on the output of this writer


def _text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _pick(options: list[str], idx: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(idx.astype(np.int32)), pa.array(options)
    ).dictionary_decode()


def write_export(out: Path, accounts: int, seed: int = 1) -> dict[str, int]:
    """Stream ``accounts`` accounts and ``EVENTS_PER_ACCOUNT`` ip_events each into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rows = {"accounts": 0, "ip_events": 0}
    acc_writer: pacsv.CSVWriter | None = None
    ev_writer: pacsv.CSVWriter | None = None
    t0 = np.datetime64("2026-01-01T00:00:00", "s")
    try:
        for start in range(0, accounts, CHUNK_ACCOUNTS):
            n = min(CHUNK_ACCOUNTS, accounts - start)
            ids = np.arange(start, start + n, dtype=np.int64)
            acct = pc.binary_join_element_wise("acct_", _text(ids), "")
            created = pa.array(t0 + rng.integers(0, 300 * 86400, n).astype("timedelta64[s]"))
            email = pc.binary_join_element_wise(
                "user", _text(ids), "@", _pick(DOMAINS, rng.integers(0, len(DOMAINS), n)), ""
            )
            table = pa.table(
                {
                    "account_id": acct,
                    "created_at": pc.strftime(created, format="%Y-%m-%dT%H:%M:%SZ"),
                    "email": email,
                    "country": _pick(["US", "GB", "DE", "IN", "BR"], rng.integers(0, 5, n)),
                    "plan": _pick(["free", "pro", "team", "api"], rng.integers(0, 4, n)),
                    "status": _pick(["active", "suspended"], (rng.random(n) < 0.05).astype(np.int64)),
                }
            )
            if acc_writer is None:
                acc_writer = pacsv.CSVWriter(str(out / "accounts.csv"), table.schema)
            acc_writer.write_table(table)
            rows["accounts"] += n

            m = n * EVENTS_PER_ACCOUNT
            owner = np.repeat(ids, EVENTS_PER_ACCOUNT)
            # a shared pool of 2^22 addresses, so IPs repeat across accounts as they do in reality
            ip_int = rng.integers(0, 1 << 22, m) + (100 << 24)
            ip = pc.binary_join_element_wise(*(_text((ip_int >> s) & 255) for s in (24, 16, 8, 0)), ".")
            first = t0 + rng.integers(0, 300 * 86400, m).astype("timedelta64[s]")
            last = first + rng.integers(0, 30 * 86400, m).astype("timedelta64[s]")
            events = pa.table(
                {
                    "account_id": pc.binary_join_element_wise("acct_", _text(owner), ""),
                    "ip": ip,
                    "first_seen": pc.strftime(pa.array(first), format="%Y-%m-%dT%H:%M:%SZ"),
                    "last_seen": pc.strftime(pa.array(last), format="%Y-%m-%dT%H:%M:%SZ"),
                    "request_count": pa.array(rng.integers(1, 5000, m)),
                    "user_agent": _pick(USER_AGENTS, rng.integers(0, len(USER_AGENTS), m)),
                    "device_id": pc.binary_join_element_wise(
                        "dev_", _text(rng.integers(0, accounts * 2, m)), ""
                    ),
                }
            )
            if ev_writer is None:
                ev_writer = pacsv.CSVWriter(str(out / "ip_events.csv"), events.schema)
            ev_writer.write_table(events)
            rows["ip_events"] += m
    finally:
        for w in (acc_writer, ev_writer):
            if w is not None:
                w.close()
    return rows


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def load_phase(db: Path, pid: int) -> str:
    """Which step the load is in, from the files it leaves beside the store (no hooks needed)."""
    if Path(f"{db}.tmp-{pid}").exists():
        return "merging into the store copy"
    staging = list(db.parent.glob("linkgraph-load-*")) + list(Path(f"{db}.staging").glob("linkgraph-load-*"))
    if not staging:
        return "starting"
    if any(staging[0].glob("*.parquet")):
        return "building final tables (DuckDB)"
    if (staging[0] / "_raw").exists():
        return "streaming + validating"
    return "starting"


def run_load(export: Path, db: Path) -> dict[str, object]:
    """Run the CLI load as a child; sample its RSS; return seconds, peak RSS, samples, output."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkgraph.cli", "load", str(export), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    samples: list[tuple[float, int]] = []
    phases: dict[str, int] = {}
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout or []), daemon=True)
    reader.start()
    peak_kb = 0
    while True:
        rss = rss_bytes(proc.pid)
        samples.append((time.perf_counter() - started, rss))
        phase = load_phase(db, proc.pid)
        phases[phase] = max(phases.get(phase, 0), rss)
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            peak_kb = usage.ru_maxrss
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.25)
    reader.join(timeout=5)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss": peak_kb * 1024,
        "phases": phases,
        "samples": samples,
        "returncode": proc.returncode,
        "output": "".join(output),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-gb", type=float, default=5.0, help="approximate export size (default 5)")
    ap.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()), help="where to write (needs ~3x)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the export and the store")
    ap.add_argument("--export", type=Path, help="load this existing export (written with --keep) instead")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-large-", dir=args.dir))
    export, db = args.export or work / "export", work / "store.duckdb"
    try:
        if args.export is None:
            accounts = max(int(args.size_gb * 1e9 / BYTES_PER_ACCOUNT), 1000)
            t = time.perf_counter()
            rows = write_export(export, accounts)
            print(
                f"wrote {rows['accounts']:,} accounts, {rows['ip_events']:,} ip_events "
                f"in {time.perf_counter() - t:.0f}s",
                flush=True,
            )
        else:
            rows = {p.stem: _count_lines(p) - 1 for p in export.glob("*.csv")}
        size = sum(p.stat().st_size for p in export.iterdir())
        print(f"export {export}: {size / 1e9:.2f} GB", flush=True)
        result = run_load(export, db)
        if result["returncode"] != 0:
            print(result["output"])
            return 1
        samples = result["samples"]
        assert isinstance(samples, list)
        quarters = [samples[min(int(len(samples) * q), len(samples) - 1)] for q in (0.25, 0.5, 0.75, 1.0)]
        print(
            f"load: {sum(rows.values()):,} rows, {size / 1e9:.2f} GB in {result['seconds']:.0f}s; "
            f"peak RSS {int(result['peak_rss']) / 2**20:,.0f} MiB "  # type: ignore[call-overload]
            f"(sampled max {max(r for _, r in samples) / 2**20:,.0f} MiB); RSS at "
            + ", ".join(f"{s:.0f}s {r / 2**20:,.0f} MiB" for s, r in quarters),
            flush=True,
        )
        phases = result["phases"]
        assert isinstance(phases, dict)
        print("max RSS by phase: " + "; ".join(f"{k} {v / 2**20:,.0f} MiB" for k, v in phases.items()))
        print(f"store file {db.stat().st_size / 1e9:.2f} GB", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)

"""Crash safety, for real: ``linkgraph load`` and ``linkgraph detect`` processes are SIGKILLed
mid-way and the store must open and hold exactly the previous state (same bytes); a re-run then
completes and gives the same graph as an uninterrupted load.

No test hooks inside linkgraph: the kill points are found from the outside, by watching the
files a writer creates as it goes (its staging directory beside the store while it streams and
validates, the staged final tables while it builds them, the ``<db>.tmp-<pid>`` copy while it
merges), plus a few seeded random delays. Each kill records whether the process was still
running, so the test proves it interrupted real work rather than a finished process.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from linkgraph import schema
from linkgraph.pipeline import load
from linkgraph.store.duckdb import DuckDBStore

pytestmark = pytest.mark.slow

BIG_ACCOUNTS = 30_000  # a CLI load of this takes several seconds on a shared 2-core machine
BASE_ACCOUNTS = 1_000


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "linkgraph.cli", *args]


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, timeout=timeout, check=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksums(db: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent checksum (sum of DuckDB row hashes) of every table in
    the file: load tables, load_runs, detection runs and results, decisions, meta. Equal
    checksums of the whole file is "the same state"; it costs a fraction of a second where
    reading 300k rows into Python would cost seconds."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {
            n: tuple(
                con.table(n).set_alias("t").aggregate("count(*), coalesce(sum(hash(t)), 0)").fetchall()[0]
            )
            for n in sorted(names)
        }
    finally:
        con.close()


def graph_tables(db: Path) -> dict[str, tuple[int, int]]:
    """The checksums of the graph only (what a load writes, without the load's timestamps)."""
    sums = checksums(db)
    return {t: sums[t] for t in schema.LOAD_TABLES}


def opens_and_reads(db: Path) -> dict[str, int]:
    """The store opens through linkgraph's own API and answers (counts, history, results)."""
    store = DuckDBStore(db, read_only=True)
    try:
        store.load_runs()
        store.runs()
        store.read_result("clusters")
        return store.counts()
    finally:
        store.close()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("crash-exports")
    out = {}
    for name, n, seed in (("base", BASE_ACCOUNTS, 11), ("big", BIG_ACCOUNTS, 12)):
        res = run_cli("generate", str(root / name), "--accounts", str(n), "--seed", str(seed))
        assert res.returncode == 0, res.stderr
        out[name] = root / name
    return out


@pytest.fixture(scope="module")
def reference(exports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """base + big loaded without interruption, in-process: what a completed re-run must equal."""
    db = tmp_path_factory.mktemp("crash-reference") / "ref.duckdb"
    with DuckDBStore(db) as store:
        load(store, exports["base"])
        load(store, exports["big"])
    return db


# --------------------------------------------------------------------------- kill machinery

Condition = Callable[[subprocess.Popen[bytes], Path], bool]


def after(seconds: float) -> Condition:
    start = time.monotonic()
    return lambda proc, db: time.monotonic() - start >= seconds


def staging_exists(proc: subprocess.Popen[bytes], db: Path) -> bool:
    return any(db.parent.glob("*.staging/linkgraph-load-*/_raw"))


def building_final_tables(proc: subprocess.Popen[bytes], db: Path) -> bool:
    return any(db.parent.glob("*.staging/linkgraph-load-*/accounts.parquet"))


def copy_on_write_started(proc: subprocess.Popen[bytes], db: Path) -> bool:
    return Path(f"{db}.tmp-{proc.pid}").exists()


def kill_when(args: list[str], db: Path, condition: Condition, timeout: float = 120) -> tuple[bool, float]:
    """Start ``args``; SIGKILL it as soon as ``condition`` holds. Returns (killed while running,
    seconds after start). If the process ends first, (False, seconds) — the caller decides."""
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - started < timeout:
            if proc.poll() is not None:
                return False, time.monotonic() - started
            if condition(proc, db):
                running = proc.poll() is None
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return running and proc.returncode == -signal.SIGKILL, time.monotonic() - started
            time.sleep(0.005)
        raise AssertionError(f"{args} neither reached the kill point nor finished in {timeout}s")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- load


def test_killed_load_leaves_previous_state_and_rerun_completes(
    exports: dict[str, Path], reference: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store.duckdb"
    with DuckDBStore(db) as store:
        load(store, exports["base"])
    before = checksums(db)
    before_counts = opens_and_reads(db)
    before_digest = digest(db)
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(db, backup)

    delay = random.Random(20261125).uniform(0.2, 3.0)  # noqa: S311 (a fixed, reproducible delay)
    points: list[tuple[str, Condition]] = [
        ("while streaming/validating", staging_exists),
        ("while building final tables", building_final_tables),
        ("while merging into the copy", copy_on_write_started),
        (f"after {delay:.2f}s", after(delay)),
    ]
    mid_load = []
    for label, condition in points:
        if digest(db) != before_digest:  # an earlier attempt ran to completion: start over
            shutil.copyfile(backup, db)
        killed, at = kill_when(cli("load", str(exports["big"]), "--db", str(db)), db, condition)
        if not killed:
            continue  # finished before the random delay: nothing to check for this point
        # the atomic rename is the very last step; a kill before it must leave the old bytes
        if digest(db) == before_digest:
            mid_load.append(label)
            assert checksums(db) == before, f"killed {label}: store changed"
            assert opens_and_reads(db) == before_counts
        else:  # killed in the instant after the rename: then it must be the complete new state
            assert graph_tables(db) == graph_tables(reference), label
    # the three file-watching points interrupted real work (the process was running)
    assert {
        "while streaming/validating",
        "while building final tables",
        "while merging into the copy",
    } <= set(mid_load), mid_load

    # a re-run completes; the next writer also removes the killed writers' copy-on-write files
    res = run_cli("load", str(exports["big"]), "--db", str(db))
    assert res.returncode == 0, res.stderr + res.stdout
    assert "loaded" in res.stdout
    assert not list(tmp_path.glob("store.duckdb.tmp-*"))
    assert graph_tables(db) == graph_tables(reference)
    assert checksums(db)["load_runs"][0] == 2


# --------------------------------------------------------------------------- detect


def test_killed_detect_keeps_previous_run(reference: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copyfile(reference, db)
    # time a whole `linkgraph detect` on this store, so the first kill lands inside its work
    # (before the save) however fast the machine is
    started = time.monotonic()
    res = run_cli("detect", "--db", str(db))
    full = time.monotonic() - started
    assert res.returncode == 0, res.stderr + res.stdout
    with DuckDBStore(db, read_only=True) as store:
        run1 = store.runs()[0]
        clusters1 = store.read_result("clusters").num_rows
    assert clusters1 > 0
    before = checksums(db)
    before_digest = digest(db)

    points: list[tuple[str, Condition]] = [
        ("while linking/clustering", after(full * 0.6)),
        ("while saving the run", copy_on_write_started),
    ]
    for label, condition in points:
        killed, at = kill_when(cli("detect", "--db", str(db)), db, condition)
        assert killed, f"detect finished before the kill point {label} ({at:.1f}s)"
        assert digest(db) == before_digest, f"killed {label}: the store file changed"
        assert checksums(db) == before
        store = DuckDBStore(db, read_only=True)
        try:
            assert [r.run_id for r in store.runs()] == [run1.run_id]
            assert store.read_result("clusters").num_rows == clusters1
        finally:
            store.close()

    res = run_cli("detect", "--db", str(db))
    assert res.returncode == 0, res.stderr + res.stdout
    store = DuckDBStore(db, read_only=True)
    try:
        assert [r.run_id for r in store.runs()] == [run1.run_id + 1, run1.run_id]
        assert store.read_result("clusters", run_id=run1.run_id).num_rows == clusters1
    finally:
        store.close()
    assert graph_tables(db) == graph_tables(reference)
    assert not list(tmp_path.glob("store.duckdb.tmp-*"))


def test_killed_load_staging_is_cleaned_up_by_the_next_load(exports: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    killed, _ = kill_when(cli("load", str(exports["base"]), "--db", str(db)), db, staging_exists)
    assert killed
    res = run_cli("load", str(exports["base"]), "--db", str(db))
    assert res.returncode == 0, res.stderr + res.stdout
    assert not list(tmp_path.rglob("linkgraph-load-*")), "stale staging left beside the store"

"""Readers stay usable while a writer runs, and writers never interleave — with real processes.

The app reads the store while an analyst loads a new export or re-runs detection in another
process. Every read during the write must succeed and show either the state before or the
state after it (the DuckDB store swaps whole snapshots), never an error or a mix. A second
writer is refused with ``StoreBusyError`` naming the first one's pid, and an analyst decision
made during a load waits for it and then lands on top of it (no lost update).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from linkgraph.model import Decision
from linkgraph.pipeline import detect, load
from linkgraph.settings import DetectSettings
from linkgraph.store.duckdb import DuckDBStore

pytestmark = pytest.mark.slow


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "linkgraph.cli", *args]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("conc-exports")
    out = {}
    for name, n, seed in (("base", 1_000, 21), ("big", 15_000, 22), ("other", 500, 23)):
        res = subprocess.run(
            cli("generate", str(root / name), "--accounts", str(n), "--seed", str(seed)),
            capture_output=True,
            text=True,
            check=False,
        )
        assert res.returncode == 0, res.stderr
        out[name] = root / name
    return out


@pytest.fixture
def base_store(exports: dict[str, Path], tmp_path: Path) -> Path:
    """A store holding the base export and one detection run."""
    db = tmp_path / "store.duckdb"
    with DuckDBStore(db) as store:
        load(store, exports["base"])
        detect(store, DetectSettings())
    return db


def first_account(export: Path) -> str:
    with open(export / "accounts.csv", encoding="utf-8") as fh:
        fh.readline()
        return fh.readline().split(",")[0].strip('"')


def _sorted_rows(table: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


def test_reads_during_load_see_old_or_new_state_never_an_error(
    exports: dict[str, Path], base_store: Path
) -> None:
    reader = DuckDBStore(base_store, read_only=True)  # one long-lived reader, like the app's
    newcomer = first_account(exports["big"])
    old_counts = reader.counts()
    old_clusters = _sorted_rows(reader.read_result("clusters"))
    assert reader.query("search", {"term": newcomer, "limit": 5}).empty

    observed: list[tuple[dict[str, int], int]] = []
    proc = subprocess.Popen(
        cli("load", str(exports["big"]), "--db", str(base_store)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while proc.poll() is None:
            counts = reader.counts()  # any exception here fails the test
            hits = reader.query("search", {"term": newcomer, "limit": 5})
            assert _sorted_rows(reader.read_result("clusters")) == old_clusters  # a load keeps results
            observed.append((counts, len(hits)))
        out = proc.communicate(timeout=120)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out

    new_counts = reader.counts()
    assert new_counts != old_counts and new_counts["Account"] == old_counts["Account"] + 15_000
    assert len(reader.query("search", {"term": newcomer, "limit": 5})) == 1
    reader.close()
    assert len(observed) >= 10, f"only {len(observed)} reads while the load ran"
    for counts, hits in observed:
        assert counts in (old_counts, new_counts), "a read saw a state that is neither before nor after"
        assert hits in (0, 1)
    assert observed[0][0] == old_counts


def test_reads_during_detect_see_previous_or_new_run(base_store: Path) -> None:
    reader = DuckDBStore(base_store, read_only=True)
    old_runs = [r.run_id for r in reader.runs()]
    old = _sorted_rows(reader.read_result("clusters"))
    counts = reader.counts()
    seen: list[tuple[list[int], list[tuple[Any, ...]]]] = []
    proc = subprocess.Popen(
        cli("detect", "--db", str(base_store)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        while proc.poll() is None:
            runs = [r.run_id for r in reader.runs()]
            seen.append((runs, _sorted_rows(reader.read_result("clusters", run_id=runs[0]))))
            assert reader.counts() == counts  # detection never touches the graph
        out = proc.communicate(timeout=120)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    new_runs = [r.run_id for r in reader.runs()]
    new = _sorted_rows(reader.read_result("clusters"))
    reader.close()
    assert new_runs == [old_runs[0] + 1, *old_runs]
    assert len(seen) >= 5
    for runs, clusters in seen:
        assert (runs, clusters) in ((old_runs, old), (new_runs, new))


def _wait_for_lock_holder(db: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Until ``proc`` holds the store's write lock (it writes its pid into ``<db>.lock``)."""
    lock = Path(f"{db}.lock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the first load ended before it was seen holding the lock"
        if lock.exists() and lock.read_text().strip() == str(proc.pid):
            return
        time.sleep(0.01)
    raise AssertionError("the first load never took the write lock")


def test_two_loads_at_once_second_is_refused_with_the_holders_pid(
    exports: dict[str, Path], base_store: Path
) -> None:
    with DuckDBStore(base_store, read_only=True) as s:
        loads_before = len(s.load_runs())
    first = subprocess.Popen(
        cli("load", str(exports["big"]), "--db", str(base_store)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_lock_holder(base_store, first)
        second = subprocess.run(
            cli("load", str(exports["other"]), "--db", str(base_store)),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert first.poll() is None, "the loads did not overlap; the test proves nothing"
        assert second.returncode == 3, second.stdout + second.stderr
        message = second.stdout + second.stderr
        assert f"is busy: another linkgraph process (pid {first.pid}) is writing" in message
        assert "Traceback" not in message
        out = first.communicate(timeout=120)[0]
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, out
    with DuckDBStore(base_store, read_only=True) as s:
        runs = s.load_runs()
    assert len(runs) == loads_before + 1 and runs[-1].source == str(exports["big"].resolve())

    # once the first has finished, the refused load goes through: serialised, not lost
    again = subprocess.run(
        cli("load", str(exports["other"]), "--db", str(base_store)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    with DuckDBStore(base_store, read_only=True) as s:
        assert len(s.load_runs()) == loads_before + 2


def test_decision_during_a_load_waits_and_is_not_lost(exports: dict[str, Path], base_store: Path) -> None:
    """An analyst's decision queues behind a running load; both end up in the store."""
    writer = DuckDBStore(base_store)
    cluster_id = writer.read_result("clusters").column("cluster_id")[0].as_py()
    proc = subprocess.Popen(
        cli("load", str(exports["big"]), "--db", str(base_store)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_lock_holder(base_store, proc)
        writer.add_decision(
            Decision(cluster_id=cluster_id, status="confirmed", analyst="ana", note="during load")
        )
        # the decision got the lock only after the load had swapped its snapshot in: its own
        # copy-on-write copy started from the loaded store, so the load survives the decision
        assert writer.counts()["Account"] == 16_000, "the decision did not wait for the load"
        assert Path(f"{base_store}.lock").read_text().strip() == str(os.getpid())
        out = proc.communicate(timeout=120)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert [d.note for d in writer.decisions(cluster_id)] == ["during load"]
    assert writer.counts()["Account"] == 16_000
    writer.close()

"""Staging folders: a load clears what killed loads left, never a live load's files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from linkgraph.pipeline import _remove_stale_staging


def test_only_folders_of_dead_loads_are_removed(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        kept = tmp_path / f"linkgraph-load-{live.pid}-abc"
        gone = tmp_path / f"linkgraph-load-{dead.pid}-def"
        legacy = tmp_path / "linkgraph-load-xyz"  # made before folders carried a pid
        other = tmp_path / "unrelated"
        for folder in (kept, gone, legacy, other):
            folder.mkdir()
            (folder / "accounts.parquet").write_bytes(b"x")
        _remove_stale_staging(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([kept.name, other.name])
    finally:
        live.kill()
        live.wait()

"""Stores prepared for the app's tests: a generated export, loaded and detected (real pipeline).

Building one takes ~2 s, so it is built once per test session and each test gets its own copy
of the DuckDB file (decisions and loads in one test never leak into another).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from linkgraph import pipeline
from linkgraph.generator import GenerateSettings, generate
from linkgraph.store import open_store

ACCOUNTS = 3000
SEED = 3
_BUILT: dict[str, Path] = {}


def prepared_store(root: Path) -> Path:
    """Path of a detected 3k-account store (built under ``root`` the first time)."""
    key = "detected"
    if key not in _BUILT or not _BUILT[key].exists():
        root.mkdir(parents=True, exist_ok=True)
        export = root / "export"
        generate(export, GenerateSettings(accounts=ACCOUNTS, seed=SEED))
        db = root / "prepared.duckdb"
        store = open_store(str(db))
        pipeline.load(store, export)
        pipeline.detect(store)
        store.close()
        _BUILT[key] = db
        _BUILT["export"] = export
    return _BUILT[key]


def copy_store(root: Path, dest: Path) -> Path:
    """A private copy of the prepared store at ``dest``."""
    shutil.copy(prepared_store(root), dest)
    return dest


def export_dir(root: Path) -> Path:
    prepared_store(root)
    return _BUILT["export"]


def next_day_export(folder: Path, card: str, after: str, accounts: int = 3) -> list[Path]:
    """A small next-day export: ``accounts`` new accounts signed up a day after ``after``
    (an ISO time); ``new_0`` pays with ``card`` (a campaign's card), the others with their own."""
    import csv
    from datetime import datetime, timedelta

    folder.mkdir(parents=True, exist_ok=True)
    when = (datetime.fromisoformat(after.replace("Z", "+00:00")) + timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    accounts_csv, payments_csv = folder / "accounts.csv", folder / "payment_methods.csv"
    with accounts_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "created_at", "email", "country", "plan"])
        for i in range(accounts):
            w.writerow([f"new_{i}", when, f"newcomer{i}@example.org", "US", "api"])
    with payments_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "payment_fingerprint", "method_type"])
        for i in range(accounts):
            w.writerow([f"new_{i}", card if i == 0 else f"fp_nextday_own_{i}", "card"])
    return [accounts_csv, payments_csv]

"""The steps an investigator runs, each over any ``Store``: load an export, detect campaigns.

The CLI, the app and the tests all call these functions, so a load from the app's upload page
behaves exactly like ``linkgraph load``. Nothing here knows which backend it has.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linkgraph.model import LoadRecord, RunRecord
from linkgraph.store.base import Progress, Store

if TYPE_CHECKING:
    from linkgraph.settings import DetectSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadReport:
    record: LoadRecord
    skipped: bool  # the store already held this exact export: nothing was written
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def load(
    store: Store,
    path: str | os.PathLike[str],
    mapping: str | os.PathLike[str] | None = None,
    *,
    pseudonymise_key: bytes | None = None,
    progress: Progress | None = None,
    staging_dir: str | os.PathLike[str] | None = None,
) -> LoadReport:
    """Validate and normalise the export at ``path`` and merge it into ``store``, all or nothing.

    The store's write lock is held throughout, so two loads never interleave; validation runs
    before anything is written, so a bad export leaves the store untouched. Loading a
    byte-identical export again is recognised by its fingerprint and writes nothing.
    """
    from linkgraph.loaders import load_export

    with store.write_lock():
        accounts = store.read_table("accounts", ["account_id"])
        intel = store.read_table("ip_intel")
        stage_root = staging_dir or _staging_root(store)
        _remove_stale_staging(stage_root)
        batch = load_export(
            path,
            mapping,
            staging_dir=stage_root,
            known_accounts=accounts.column("account_id").combine_chunks() if accounts.num_rows else None,
            known_intel=intel if intel.num_rows else None,
            pseudonymise_key=pseudonymise_key,
            progress=progress,
        )
        try:
            previous = store.find_load(batch.fingerprint)
            if previous is not None:
                log.info("export already loaded as load %s; nothing to do", previous.load_id)
                return LoadReport(previous, skipped=True, warnings=batch.warnings, counts=batch.counts)
            record = store.apply_load(batch, progress=progress)
            return LoadReport(record, skipped=False, warnings=batch.warnings, counts=batch.counts)
        finally:
            batch.cleanup()


def _staging_root(store: Store) -> str:
    """Where a load stages its Parquet files.

    In the store's own ``staging_dir`` when it has one (the embedded store's ``<db>.staging/``,
    same disk, room to spill); otherwise a per-user folder in the system temp dir.
    """
    preferred = store.staging_dir
    if preferred is not None:
        try:
            preferred.mkdir(exist_ok=True)
            return str(preferred)
        except OSError:
            pass
    root = Path(tempfile.gettempdir()) / f"linkgraph-staging-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    return str(root)


def _remove_stale_staging(root: str | os.PathLike[str]) -> None:
    """Delete staging folders left by killed loads.

    The per-user temp folder is shared by every store a user loads into (Neo4j stores have no
    folder of their own), so a folder is removed only when the process that made it (its name
    holds the pid) is gone: a load into another store at the same time keeps its files.
    """
    for stale in Path(root).glob("linkgraph-load-*"):
        if _owner_alive(stale.name):
            continue
        log.info("removing %s, left by an interrupted load", stale)
        shutil.rmtree(stale, ignore_errors=True)


def _owner_alive(name: str) -> bool:
    """Whether the load that made staging folder ``name`` (linkgraph-load-<pid>-...) still runs."""
    pid_text = name.removeprefix("linkgraph-load-").split("-", 1)[0]
    if not pid_text.isdigit():
        return False  # made before folders carried a pid: stale
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # our own earlier load, interrupted: this process holds the write lock now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def detect(
    store: Store,
    settings: DetectSettings | None = None,
    *,
    progress: Progress | None = None,
) -> RunRecord:
    """Link accounts, find communities, score them and store the run (under the write lock)."""
    from linkgraph.detection import detect as run_detection

    with store.write_lock():
        return run_detection(store, settings, progress=progress)

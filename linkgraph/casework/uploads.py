"""Uploading an export through the app: safe extraction (no zip slip, no zip bomb), then the real loader."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from linkgraph.errors import ExportError, LinkGraphError, Problem
from linkgraph.store.base import Store


@dataclass(frozen=True)
class UploadLimits:
    """Bounds on an uploaded export: a zip bomb or a path escaping the folder is refused."""

    max_files: int = 200
    max_total_bytes: int = 2 * 1024**3  # after decompression
    max_ratio: float = 200.0  # uncompressed / compressed per zip member


UPLOAD_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".parquet", ".toml")


_NAME_OK = re.compile(r"^[A-Za-z0-9._-]+$")


def _safe_member_path(dest: Path, name: str) -> Path:
    """Where zip member ``name`` goes under ``dest``; ExportError if it would escape ``dest``."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or any(part in ("..", "") for part in pure.parts) or ":" in name:
        raise ExportError(Problem(name, "refused: path escapes the upload folder"))
    target = (dest / Path(*pure.parts)).resolve()
    if not target.is_relative_to(dest.resolve()):
        raise ExportError(Problem(name, "refused: path escapes the upload folder"))
    return target


def extract_upload(
    files: Sequence[tuple[str, bytes]], dest: Path, limits: UploadLimits | None = None
) -> Path:
    """Write uploaded files (export tables, or one zip of an export directory) under ``dest``.

    Returns the export directory to load: ``dest`` itself, or the single folder a zip holds.
    Zip members are checked before anything is written: no absolute paths, ``..``, symlinks or
    device files; at most ``max_files`` members; the total uncompressed size and each member's
    compression ratio are bounded; extraction counts real bytes, so a lying header is caught.
    """
    limits = limits or UploadLimits()
    dest.mkdir(parents=True, exist_ok=True)
    if not files:
        raise ExportError(Problem("upload", "no files uploaded"))
    total = 0
    for name, data in files:
        base = os.path.basename(name)
        if base.lower().endswith(".zip"):
            total += _extract_zip(base, data, dest, limits, total)
            continue
        if not _NAME_OK.match(base) or base.startswith("."):
            raise ExportError(
                Problem(base, "refused: file names may only use letters, digits, '.', '_' and '-'")
            )
        total += len(data)
        if total > limits.max_total_bytes:
            raise ExportError(Problem(base, "refused: upload larger than the limit"))
        (dest / base).write_bytes(data)
    entries = [p for p in dest.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


def _extract_zip(name: str, data: bytes, dest: Path, limits: UploadLimits, already: int) -> int:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ExportError(Problem(name, "not a readable zip file")) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.filename.startswith("__MACOSX/")]
        if len(infos) > limits.max_files:
            raise ExportError(Problem(name, f"refused: more than {limits.max_files} files in the zip"))
        declared = sum(i.file_size for i in infos)
        if already + declared > limits.max_total_bytes:
            raise ExportError(Problem(name, "refused: uncompressed size exceeds the upload limit"))
        targets = []
        for info in infos:
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)  # 0 when the zip tool recorded no Unix file type
            if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                raise ExportError(Problem(info.filename, "refused: links and special files are not allowed"))
            if (
                info.compress_size
                and info.file_size / info.compress_size > limits.max_ratio
                and info.file_size > 1 << 20
            ):
                raise ExportError(Problem(info.filename, "refused: compression ratio too high (zip bomb?)"))
            targets.append((info, _safe_member_path(dest, info.filename)))
        written = 0
        for info, target in targets:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if already + written > limits.max_total_bytes:
                        raise ExportError(
                            Problem(info.filename, "refused: uncompressed size exceeds the upload limit")
                        )
                    out.write(chunk)
        return written


def load_upload(
    store: Store, files: Sequence[tuple[str, bytes]], workdir: Path, limits: UploadLimits | None = None
) -> Any:
    """Extract an upload safely under ``workdir`` and load it with ``linkgraph.pipeline.load``.

    Returns the ``LoadReport``; raises ``ExportError`` (with ``.problems``) for a bad upload or
    export, in which case nothing in the store changed.
    """
    from linkgraph import pipeline

    export_dir = extract_upload(files, workdir / "export", limits)
    mapping = export_dir / "mapping.toml"
    return pipeline.load(store, export_dir, mapping if mapping.exists() else None)


def problems_table(error: LinkGraphError) -> pd.DataFrame:
    """A load error as rows (file, row, column, reason) for an inline table."""
    problems = error.problems if isinstance(error, ExportError) else [Problem("", str(error))]
    return pd.DataFrame(
        [{"file": p.file, "row": p.row, "column": p.column, "reason": p.reason} for p in problems],
        columns=["file", "row", "column", "reason"],
    )

"""Streaming readers for the export encodings, chosen from a table keyed by format.

Each reader yields ``Batch`` objects: an Arrow table of at most about ``chunk_rows`` rows with
the file's own column names, plus the 1-based data row number of every record (the CSV
header is not a row; for JSONL the row is the line number). Memory therefore stays bounded
by the chunk size whatever the file size.

Everything that can go wrong with the bytes of a file (truncated gzip, invalid UTF-8, ragged
CSV rows, unclosed quotes, a broken JSON line, a corrupt Parquet footer) becomes an
``ExportError`` naming the file and, where it can be found, the row. Finding the row is done
on the error path only, by re-reading the file with Python's ``csv``/``json`` modules.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import re
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from linkgraph.errors import ExportError, Problem

MAX_PROBLEMS = 20
MAX_CSV_BLOCK = 1 << 24  # bytes per CSV read block; see CsvReader.batches for why it is capped


@dataclass
class Batch:
    """A chunk of a file: its records (source column names) and their 1-based row numbers."""

    table: pa.Table
    rows: np.ndarray


class Reader(ABC):
    """One input file, read in chunks. ``columns`` is the header when known up front."""

    compression: str | None = None

    def __init__(self, path: Path, display: str, chunk_rows: int):
        self.path = Path(path)
        self.display = display
        self.chunk_rows = max(int(chunk_rows), 1)
        self.size = self.path.stat().st_size
        self._raw: pa.NativeFile | None = None
        self.columns: list[str] | None = None

    def error(self, reason: str, row: int | None = None, column: str | None = None) -> ExportError:
        return ExportError(Problem(self.display, reason, row, column))

    def _open_stream(self) -> pa.NativeFile:
        self._raw = pa.OSFile(str(self.path), "rb")
        if self.compression:
            return pa.CompressedInputStream(self._raw, self.compression)
        return self._raw

    def _open_text(self) -> io.TextIOBase:
        """The file as text for the error-path diagnostics (undecodable bytes kept as escapes)."""
        opener = gzip.open if self.compression == "gzip" else open
        return opener(self.path, "rt", encoding="utf-8-sig", errors="surrogateescape", newline="")  # type: ignore[return-value]

    def bytes_read(self) -> int:
        """Bytes of the file consumed so far (compressed bytes for .gz), for progress bars."""
        try:
            return min(self._raw.tell(), self.size) if self._raw is not None else 0
        except (OSError, ValueError):
            return self.size

    @abstractmethod
    def batches(self) -> Iterator[Batch]: ...

    def close(self) -> None:
        if self._raw is not None:
            with contextlib.suppress(OSError):
                self._raw.close()


# --------------------------------------------------------------------------- CSV


def _gzip_problem(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)) or any(
        w in text for w in ("compressed", "gzip", "zlib", "truncated", "inflate")
    )


class CsvReader(Reader):
    """``pyarrow.csv.open_csv`` with every column read as text (types are ours to check)."""

    def _read_header(self) -> list[str]:
        try:
            with self._open_text() as fh:
                first = next(csv.reader(fh), None)
        except (EOFError, OSError, zlib.error) as e:
            raise self.error(
                f"cannot read the file: {'truncated or corrupt gzip stream' if _gzip_problem(e) else e}"
            ) from e
        except csv.Error as e:
            raise self.error(f"unreadable CSV header: {e}") from e
        if first is None or not any(c.strip() for c in first):
            raise self.error("file is empty (no header)")
        if any("\udc80" <= ch <= "\udcff" for c in first for ch in c):
            raise self.error("header is not valid UTF-8", row=None)
        return [c.strip().lstrip("\ufeff") for c in first]

    def batches(self) -> Iterator[Batch]:
        self.columns = self._read_header()
        if len({c.lower() for c in self.columns}) != len(self.columns):
            dupes = sorted(
                {c for c in self.columns if [x.lower() for x in self.columns].count(c.lower()) > 1}
            )
            raise self.error(f"duplicate column names in header: {', '.join(dupes)}")
        invalid_rows = 0

        def on_invalid(row: pacsv.InvalidRow) -> str:
            nonlocal invalid_rows
            invalid_rows += 1
            return "skip"

        # pyarrow's streaming CSV reader reads up to 32 blocks ahead on a background thread
        # (MakeBackgroundGenerator's default queue), whatever the consumer's pace: with 128 MB
        # blocks that buffered ~2.5 GB of a large file (measured: bench/bench_large_file.py).
        # 16 MB blocks cap the read-ahead at ~512 MB; a chunk is then up to ~200k rows.
        block = int(min(max(self.chunk_rows * 80, 4096), MAX_CSV_BLOCK))
        names = [f"c{i}" for i in range(len(self.columns))]  # safe internal names, renamed below
        stream = self._open_stream()
        try:
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(
                    column_names=names, skip_rows=1, block_size=block, use_threads=True
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    null_values=[""],
                ),
            )
            next_row = 1
            last: pa.RecordBatch | None = None
            while True:
                try:
                    rb = reader.read_next_batch()
                except StopIteration:
                    break
                if invalid_rows:
                    raise self._diagnose(f"{invalid_rows} malformed row(s)")
                n = rb.num_rows
                if n:
                    last = rb
                table = pa.Table.from_batches([rb]).rename_columns(self.columns)
                yield Batch(table, np.arange(next_row, next_row + n, dtype=np.int64))
                next_row += n
            if invalid_rows:
                raise self._diagnose(f"{invalid_rows} malformed row(s)")
            if last is not None and self._ends_in_open_quote(last):
                raise self._diagnose("unclosed quote at the end of the file")
        except ExportError:
            raise
        except (pa.ArrowInvalid, OSError, EOFError, zlib.error) as e:
            if _gzip_problem(e) and self.compression:
                raise self.error("truncated or corrupt gzip stream") from e
            raise self._diagnose(str(e)) from e
        finally:
            self.close()

    @staticmethod
    def _ends_in_open_quote(last: pa.RecordBatch) -> bool:
        """pyarrow accepts a quote left open until end of file (the rest of the file becomes one
        value). That swallows rows silently, so a line break inside the very last row's values
        triggers the strict re-read; legitimate multi-line values elsewhere cost nothing."""
        row = last.slice(last.num_rows - 1, 1)
        for col in row.columns:
            value = col[0].as_py()
            if isinstance(value, str) and ("\n" in value or "\r" in value):
                return True
        return False

    def _diagnose(self, arrow_message: str) -> ExportError:
        """Re-read with Python's csv module to name the rows pyarrow could not parse."""
        problems: list[Problem] = []
        ncols = len(self.columns or [])
        row = 0
        try:
            with self._open_text() as fh:
                reader = csv.reader(fh, strict=True)
                next(reader, None)
                while len(problems) < MAX_PROBLEMS:
                    try:
                        rec = next(reader)
                    except StopIteration:
                        break
                    except csv.Error as e:
                        problems.append(
                            Problem(self.display, f"malformed CSV (unclosed quote?): {e}", row + 1)
                        )
                        break
                    if not rec:
                        continue  # blank line: pyarrow skips it too
                    row += 1
                    if len(rec) != ncols:
                        problems.append(
                            Problem(
                                self.display,
                                f"expected {ncols} fields, found {len(rec)} (ragged row or unclosed quote)",
                                row,
                            )
                        )
                        continue
                    for j, value in enumerate(rec):
                        if any("\udc80" <= ch <= "\udcff" for ch in value):
                            name = (self.columns or [])[j].lower()
                            problems.append(Problem(self.display, "value is not valid UTF-8", row, name))
                            break
        except (EOFError, OSError, zlib.error) as e:
            problems.append(
                Problem(self.display, "truncated or corrupt gzip stream" if _gzip_problem(e) else str(e))
            )
        if not problems:
            m = re.search(r"CSV column #(\d+)", arrow_message)
            col: str | None = None
            if m and self.columns and int(m.group(1)) < len(self.columns):
                col = self.columns[int(m.group(1))].lower()
            reason = (
                "value is not valid UTF-8" if "UTF8" in arrow_message else f"unreadable CSV: {arrow_message}"
            )
            problems.append(Problem(self.display, reason, None, col))
        return ExportError(problems)


class CsvGzReader(CsvReader):
    compression = "gzip"


# --------------------------------------------------------------------------- JSON lines


def _python_value(value: object) -> str | None:
    """A JSON value as text for the fallback parser (nested values as JSON text)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return json.dumps(value)


class JsonlReader(Reader):
    """JSON lines, chunked by lines: each block of whole lines goes to ``pyarrow.json``.

    Blocks that pyarrow rejects (a broken line, a field whose JSON type changes between rows,
    invalid UTF-8) are re-parsed line by line with ``json`` to name the line, or to read
    mixed-type fields as text.
    """

    def batches(self) -> Iterator[Batch]:
        block_bytes = int(min(max(self.chunk_rows * 200, 4096), 1 << 26))
        stream = self._open_stream()
        line_no = 0  # lines consumed before the current block
        rest = b""
        try:
            while True:
                try:
                    data = stream.read(block_bytes)
                except (OSError, EOFError, zlib.error, pa.ArrowInvalid) as e:
                    raise self.error(
                        "truncated or corrupt gzip stream" if _gzip_problem(e) else f"cannot read: {e}"
                    ) from e
                if not data and not rest:
                    break
                buf = rest + data
                if data:
                    cut = buf.rfind(b"\n")
                    if cut < 0:
                        rest = buf
                        continue
                    block, rest = buf[: cut + 1], buf[cut + 1 :]
                else:
                    block, rest = buf, b""
                batch = self._parse_block(block, line_no)
                line_no += block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
                if batch is not None:
                    yield batch
                if not data:
                    break
        finally:
            self.close()

    def _parse_block(self, block: bytes, first_line: int) -> Batch | None:
        arr = np.frombuffer(block, dtype=np.uint8)
        newlines = np.flatnonzero(arr == 10)
        starts = np.concatenate([[0], newlines + 1])
        ends = np.concatenate([newlines, [len(block)]])
        lengths = ends - starts
        # a line is blank if it has no byte other than whitespace; cheap check on length first
        nonblank = lengths > 0
        if nonblank.any():
            short = np.flatnonzero(nonblank & (lengths <= 4))
            for i in short:  # only very short lines can be whitespace-only in practice
                if not block[starts[i] : ends[i]].strip():
                    nonblank[i] = False
        line_numbers = first_line + 1 + np.flatnonzero(nonblank)
        if len(line_numbers) == 0:
            return None
        try:
            table = pajson.read_json(
                io.BytesIO(block),
                read_options=pajson.ReadOptions(use_threads=True, block_size=len(block) + 1),
            )
            if table.num_rows != len(line_numbers):
                raise ValueError("row count mismatch")
            return Batch(table, line_numbers.astype(np.int64))
        except (pa.ArrowInvalid, ValueError, UnicodeDecodeError, pa.ArrowNotImplementedError):
            return self._parse_block_python(block, first_line)

    def _parse_block_python(self, block: bytes, first_line: int) -> Batch:
        problems: list[Problem] = []
        records: list[dict[str, str | None]] = []
        rows: list[int] = []
        for i, raw in enumerate(block.split(b"\n")):
            if not raw.strip():
                continue
            line = first_line + 1 + i
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                problems.append(Problem(self.display, "line is not valid UTF-8", line))
                continue
            except json.JSONDecodeError as e:
                problems.append(Problem(self.display, f"broken JSON line: {e.msg}", line))
                continue
            if not isinstance(obj, dict):
                problems.append(Problem(self.display, "line is not a JSON object", line))
                continue
            records.append({k: _python_value(v) for k, v in obj.items()})
            rows.append(line)
            if len(problems) >= MAX_PROBLEMS:
                break
        if problems:
            raise ExportError(problems)
        names: list[str] = []
        for rec in records:
            for k in rec:
                if k not in names:
                    names.append(k)
        table = pa.table({k: pa.array([r.get(k) for r in records], pa.string()) for k in names})
        return Batch(table, np.array(rows, dtype=np.int64))


class JsonlGzReader(JsonlReader):
    compression = "gzip"


# --------------------------------------------------------------------------- Parquet


class ParquetReader(Reader):
    """``ParquetFile.iter_batches``: column types come from the file and are checked later."""

    def _open(self) -> pq.ParquetFile:
        try:
            return pq.ParquetFile(str(self.path))
        except (pa.ArrowInvalid, OSError, pa.ArrowException) as e:
            raise self.error(f"not a readable Parquet file (corrupt or truncated): {e}") from e

    def batches(self) -> Iterator[Batch]:
        pf = self._open()
        self.columns = list(pf.schema_arrow.names)
        total = max(pf.metadata.num_rows, 1)
        self._done_rows = 0
        self._total_rows = total
        next_row = 1
        try:
            it = pf.iter_batches(batch_size=self.chunk_rows)
            while True:
                try:
                    rb = next(it)
                except StopIteration:
                    break
                except (pa.ArrowInvalid, OSError, pa.ArrowException) as e:
                    raise self.error(f"corrupt Parquet data near row {next_row}: {e}", row=None) from e
                n = rb.num_rows
                self._done_rows += n
                yield Batch(pa.Table.from_batches([rb]), np.arange(next_row, next_row + n, dtype=np.int64))
                next_row += n
        finally:
            pf.close()

    def bytes_read(self) -> int:
        done = getattr(self, "_done_rows", 0)
        total = getattr(self, "_total_rows", 1)
        return int(self.size * min(done / total, 1.0))


# --------------------------------------------------------------------------- the table of readers

READERS: dict[str, type[Reader]] = {
    "csv": CsvReader,
    "csv.gz": CsvGzReader,
    "jsonl": JsonlReader,
    "jsonl.gz": JsonlGzReader,
    "parquet": ParquetReader,
}


def split_name(filename: str) -> tuple[str, str] | None:
    """``("accounts", "csv.gz")`` for ``accounts.csv.gz`` (case-insensitive), else None."""
    low = filename.lower()
    for fmt in sorted(READERS, key=len, reverse=True):
        if low.endswith("." + fmt):
            return low[: -len(fmt) - 1], fmt
    return None


def open_reader(path: str | Path, display: str | None = None, chunk_rows: int = 1_000_000) -> Reader:
    """The reader for ``path``, picked by its extension."""
    p = Path(path)
    parts = split_name(p.name)
    if parts is None:
        raise ExportError(
            Problem(
                display or p.name,
                f"unsupported file type; expected one of: {', '.join('.' + f for f in READERS)}",
            )
        )
    return READERS[parts[1]](p, display or p.name, chunk_rows)

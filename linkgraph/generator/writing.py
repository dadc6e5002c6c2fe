"""Write export tables in any contract encoding, byte-stable for the same tables.

JSON Lines are built column-wise with Arrow compute and written straight from the string
buffer, because Arrow has no JSON writer and a per-row Python ``json.dumps`` would dominate
the run time. Gzip streams carry no modification time, so the same tables give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from linkgraph.generator.records import Population
from linkgraph.generator.tables import EXPORT_TABLES, build_tables
from linkgraph.generator.text import join

FORMATS = ("csv", "csv.gz", "jsonl", "jsonl.gz", "parquet")
TRUTH_FILE = "truth.csv"


def _json_lines(table: pa.Table) -> pa.Array:
    """One JSON object per row, each ending in a newline, built column-wise."""
    parts: list[pa.Array | str] = []
    for i, (name, column) in enumerate(zip(table.column_names, table.columns, strict=True)):
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_string(array.type):
            escaped = pc.replace_substring(pc.replace_substring(array, "\\", "\\\\"), '"', '\\"')
            value = join('"', escaped, '"')
        elif pa.types.is_boolean(array.type) or pa.types.is_integer(array.type):
            value = pc.cast(array, pa.string())
        else:
            value = join('"', pc.cast(array, pa.string()), '"')
        parts.append(("{" if i == 0 else ",") + f'"{name}":')
        parts.append(pc.fill_null(value, "null"))
    parts.append("}\n")
    return join(*parts)


def _write_jsonl(table: pa.Table, sink: pa.NativeFile, chunk: int = 250_000) -> None:
    for low in range(0, table.num_rows, chunk):
        lines = _json_lines(table.slice(low, chunk))
        offsets = np.frombuffer(
            lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4
        )
        data = lines.buffers()[2]
        sink.write(data[int(offsets[0]) : int(offsets[-1])])


def write_table(table: pa.Table, path: Path, fmt: str) -> None:
    """Write one table in one of ``FORMATS``."""
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
        return
    gz = fmt.endswith(".gz")
    with pa.CompressedOutputStream(str(path), "gzip") if gz else pa.OSFile(str(path), "wb") as sink:
        if fmt.startswith("csv"):
            pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=True, batch_size=65_536))
        else:
            _write_jsonl(table, sink)


def write_export(pop: Population, out: Path, fmt: str) -> dict[str, int]:
    """Write every export table as ``<table>.<fmt>`` plus ``truth.csv``; rows per table."""
    tables, truth = build_tables(pop, typed=fmt == "parquet")
    counts = {}
    for name in EXPORT_TABLES:
        write_table(tables[name], out / f"{name}.{fmt}", fmt)
        counts[name] = tables[name].num_rows
    pcsv.write_csv(truth, out / TRUTH_FILE)
    return counts

"""Write export tables in any contract encoding, byte-stable for the same tables.

JSON Lines are built column-wise with Arrow compute and written straight from the string
buffer, because Arrow has no JSON writer and a per-row Python ``json.dumps`` would dominate
the run time. Gzip streams carry no modification time, so the same tables give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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

# Partial exports, the way a lab's first exports often look.
Variant = Literal["full", "no_ip_intel", "no_usage", "no_user_agents", "minimal"]
VARIANTS: tuple[Variant, ...] = ("full", "no_ip_intel", "no_usage", "no_user_agents", "minimal")
_VARIANT_DROPS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    # variant: (tables left out, {table: columns left out})
    "full": ((), {}),
    "no_ip_intel": (("ip_intel",), {}),
    "no_usage": (("usage",), {}),
    "no_user_agents": ((), {"ip_events": ("user_agent",)}),
    "minimal": (("ip_intel", "usage"), {"ip_events": ("user_agent", "proxy_provider")}),
}


def apply_variant(tables: dict[str, pa.Table], variant: Variant) -> dict[str, pa.Table]:
    """The tables (and columns) a ``variant`` export keeps; ``truth.csv`` is never stripped."""
    if variant not in _VARIANT_DROPS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    dropped_tables, dropped_columns = _VARIANT_DROPS[variant]
    kept = {}
    for name, table in tables.items():
        if name in dropped_tables:
            continue
        columns = [c for c in dropped_columns.get(name, ()) if c in table.column_names]
        kept[name] = table.drop_columns(columns) if columns else table
    return kept


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


def write_export(pop: Population, out: Path, fmt: str, variant: Variant = "full") -> dict[str, int]:
    """Write the variant's tables as ``<table>.<fmt>`` plus ``truth.csv``; rows per table.

    Files of tables the variant leaves out are removed (in every encoding), so a directory
    reused for another variant never mixes exports.
    """
    tables, truth = build_tables(pop, typed=fmt == "parquet")
    tables = apply_variant(tables, variant)
    counts = {}
    for name in EXPORT_TABLES:
        if name not in tables:
            for encoding in FORMATS:
                (out / f"{name}.{encoding}").unlink(missing_ok=True)
            continue
        write_table(tables[name], out / f"{name}.{fmt}", fmt)
        counts[name] = tables[name].num_rows
    pcsv.write_csv(truth, out / TRUTH_FILE)
    return counts

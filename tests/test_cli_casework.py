"""Casework from the CLI on a real detected store: users, attributed decisions, account decisions."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linkgraph.store import open_store
from tests.test_app_support import copy_store


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkgraph.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        input=stdin,
    )


@pytest.fixture
def cli_env(prepared_root, tmp_path) -> tuple[dict[str, str], Path]:
    db = copy_store(prepared_root, tmp_path / "store.duckdb")
    env = dict(os.environ, LINKGRAPH_DB=str(db), LINKGRAPH_USERS=str(tmp_path / "users.json"))
    env.pop("LINKGRAPH_USER", None)
    env.pop("NEO4J_URI", None)
    return env, db


def _top_campaign(db: Path) -> tuple[str, list[str]]:
    with open_store(str(db), read_only=True) as s:
        clusters = s.read_result("clusters").to_pandas()
        top = clusters[clusters["view"] == "leiden"].sort_values("score", ascending=False).iloc[0]
        members = s.read_result("members").to_pandas()
        return str(top["cluster_id"]), sorted(
            members.loc[members["cluster_id"] == top["cluster_id"], "account_id"]
        )


def _exported(env: dict[str, str], cid: str, *flags: str) -> set[str]:
    r = run(["export", "--format", "csv", *(flags or ("--all",))], env)
    assert r.returncode == 0, r.stderr
    return {row["account_id"] for row in csv.DictReader(io.StringIO(r.stdout)) if row["cluster_id"] == cid}


def test_decide_is_attributed_checked_and_refuses_unknown_ids(cli_env):
    env, db = cli_env
    cid, members = _top_campaign(db)
    r = run(["decide", "NO-SUCH-CLUSTER", "--status", "confirmed", "--user", "ana"], env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "neither a campaign" in r.stderr
    r = run(["decide", cid, "--status", "confirmed"], env)
    assert r.returncode == 2 and "--user" in r.stderr

    r = run(["users", "add", "ana", "--role", "analyst", "--password-stdin"], env, stdin="correct horse\n")
    assert r.returncode == 0, r.stderr
    r = run(["users", "add", "vic", "--role", "viewer", "--password-stdin"], env, stdin="battery staple\n")
    assert r.returncode == 0, r.stderr
    assert "correct horse" not in Path(env["LINKGRAPH_USERS"]).read_text()
    listed = run(["users", "list"], env).stdout
    assert "ana\tanalyst" in listed and "vic\tviewer" in listed

    r = run(["decide", cid, "--status", "confirmed", "--user", "mallory"], env)
    assert r.returncode == 2 and "no user 'mallory'" in r.stderr
    r = run(["decide", cid, "--status", "confirmed"], dict(env, LINKGRAPH_USER="vic"))
    assert r.returncode == 4 and "viewer" in r.stderr
    r = run(["decide", cid, "--status", "confirmed", "--note", "one card"], dict(env, LINKGRAPH_USER="ana"))
    assert r.returncode == 0, r.stderr
    assert f"campaign {cid}: confirmed by ana" in r.stdout
    with open_store(str(db), read_only=True) as s:
        assert [(d.status, d.analyst, d.note) for d in s.decisions(cid)] == [("confirmed", "ana", "one card")]


def test_account_decisions_from_the_cli_change_the_enforcement_list(cli_env):
    env, db = cli_env
    env = dict(env, LINKGRAPH_USER="ana")  # no users file: any named author decides
    cid, members = _top_campaign(db)
    before = _exported(env, cid)
    assert before == set(members)
    r = run(["decide", members[0], "--status", "dismissed", "--note", "staff test account"], env)
    assert r.returncode == 0, r.stderr
    assert f"account {members[0]} in campaign {cid}: excluded by ana" in r.stdout
    assert _exported(env, cid) == set(members) - {members[0]}
    with open_store(str(db), read_only=True) as s:
        outsider = next(
            a for a in s.read_table("accounts", ["account_id"]).column(0).to_pylist() if a not in members
        )
    r = run(["decide", outsider, "--status", "confirmed", "--campaign", cid], env)
    assert r.returncode == 0 and "added by ana" in r.stdout, r.stderr
    assert _exported(env, cid) == (set(members) - {members[0]}) | {outsider}
    enforced = _exported(env, cid, "--min-score", "0")  # the default, account-level list
    assert outsider in enforced and members[0] not in enforced
    r = run(["decide", members[1], "--status", "needs_review"], env)
    assert r.returncode == 2 and "confirmed or dismissed" in r.stderr

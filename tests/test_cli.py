"""The CLI: help for every command, one-line errors, and the full flow on a real store."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from linkgraph.cli import cli, main

COMMANDS = sorted(cli.commands)


def run(args: list[str], **kw) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a subprocess (exit codes and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "linkgraph.cli", *args], capture_output=True, text=True, timeout=300, **kw
    )


def test_every_command_has_help_text():
    runner = CliRunner()
    assert {"generate", "load", "detect", "export", "app", "demo", "stats", "query"} <= set(COMMANDS)
    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        doc = cli.commands[name].help or ""
        assert len(doc.split()) >= 5, f"{name} needs a real help text"
    top = runner.invoke(cli, ["--help"])
    assert "linkgraph demo" in top.output and "--neo4j-uri" in runner.invoke(cli, ["load", "--help"]).output


def test_user_errors_are_one_line_without_traceback(tmp_path):
    missing = tmp_path / "nope.duckdb"
    r = run(["stats", "--db", str(missing)])
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "no linkgraph store" in r.stderr
    r = run(["query", "nope", "--db", str(missing)])
    assert r.returncode != 0 and "Traceback" not in r.stderr
    r = run(["load", str(tmp_path / "missing-dir")])
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_unknown_store_scheme_is_refused(tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["stats", "--db", "http://example.invalid/db"])
    assert e.value.code == 2


def test_query_list_names_every_query():
    r = CliRunner().invoke(cli, ["query"])
    assert r.exit_code == 0
    for name in ("search", "shortest_path", "cluster_members", "new_accounts_near_cluster"):
        assert name in r.output


@pytest.mark.slow
def test_generate_load_detect_export_flow(tmp_path):
    export_dir = tmp_path / "export"
    db = tmp_path / "lg.duckdb"
    r = run(["generate", str(export_dir), "--accounts", "3000", "--seed", "3"])
    assert r.returncode == 0, r.stderr
    r = run(["load", str(export_dir), "--db", str(db)])
    assert r.returncode == 0, r.stderr
    assert "loaded" in r.stdout
    r = run(["load", str(export_dir), "--db", str(db)])
    assert r.returncode == 0 and "already loaded" in r.stdout
    r = run(["stats", "--db", str(db)])
    assert r.returncode == 0 and "Account" in r.stdout
    r = run(["detect", "--db", str(db)])
    assert r.returncode == 0, r.stderr
    r = run(["export", "--db", str(db), "--format", "csv", "--min-score", "0"])
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0][:5] == ["cluster_id", "account_id", "cluster_score", "cluster_size", "evidence"]
    assert len(rows) > 1
    cid, acc = rows[1][0], rows[1][1]
    r = run(["query", "cluster_members", "-p", f"cluster_id={cid}", "--format", "json", "--db", str(db)])
    assert r.returncode == 0 and acc in {m["account_id"] for m in json.loads(r.stdout)}
    r = run(["decide", cid, "--status", "dismissed", "--analyst", "ana", "--note", "test", "--db", str(db)])
    assert r.returncode == 0, r.stderr
    r = run(["export", "--db", str(db), "--format", "csv", "--min-score", "0"])
    assert r.returncode == 0, r.stderr
    remaining = {row[0] for row in csv.reader(io.StringIO(r.stdout)) if row}
    assert cid not in remaining and len(remaining) > 1  # dismissed clusters leave the enforcement list

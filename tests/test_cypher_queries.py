"""Every statement the Neo4j backend runs lives in queries/ and is checked here without a server.

- headers: name, description, params (with types), backends;
- every ``$param`` used is declared (and every declared one used);
- every label and relationship type exists in ``linkgraph.schema``;
- interactive (investigate) statements have a LIMIT;
- the schema-generated statements match ``linkgraph.schema`` (no drift);
- Neo4j's own Cypher front end (npm @neo4j-cypher/language-support) finds no problem in any
  file, and does find the problems in a deliberately broken fixture.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from linkgraph import schema
from linkgraph.errors import QueryError
from linkgraph.investigate import QUERIES
from linkgraph.store import cypher

ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = ROOT / "tests" / "cypher_lint"
BROKEN = ROOT / "tests" / "data" / "broken_query.cypher"
ALL = sorted(cypher.load_all().values(), key=lambda q: q.path)
IDS = [q.path for q in ALL]
# FalkorDB (the CI Bolt peer) does not parse the newer `CALL () { ... }`, so portable
# statements keep `CALL { ... }`, which Neo4j 5 runs but flags as deprecated.
ALLOWED_WARNINGS = ("CALL subquery without a variable scope clause is deprecated",)


def test_queries_are_package_data() -> None:
    on_disk = {str(p.relative_to(ROOT / "queries")) for p in (ROOT / "queries").rglob("*.cypher")}
    assert on_disk == {q.path for q in ALL}
    assert len(ALL) > 50


@pytest.mark.parametrize("q", ALL, ids=IDS)
def test_header_params_labels(q: cypher.CypherQuery) -> None:
    assert q.path == f"{q.category}/{q.name}.cypher"
    assert q.backends in cypher.BACKENDS and len(q.description) > 20
    assert q.used_params() == set(q.params), "undeclared or unused $params"
    assert q.used_labels() <= set(schema.ALL_LABELS), q.used_labels() - set(schema.ALL_LABELS)
    assert q.used_rel_types() <= set(schema.ALL_REL_TYPES), q.used_rel_types() - set(schema.ALL_REL_TYPES)
    assert q.body and not re.search(r"\{\s*\w*\s*\}", q.body.replace("{}", "")), "template placeholder left"


@pytest.mark.parametrize("q", cypher.in_category("investigate"), ids=lambda q: q.name)
def test_interactive_queries_are_bounded(q: cypher.CypherQuery) -> None:
    assert re.search(r"\bLIMIT\b", q.body), f"{q.path} has no LIMIT"


def test_every_investigator_query_has_a_statement() -> None:
    names = {q.name for q in cypher.in_category("investigate")}
    assert names == set(QUERIES)
    for q in cypher.in_category("investigate"):
        spec = QUERIES[q.name]
        final = re.split(r"\bORDER BY\b|\bLIMIT\b", q.body.rsplit("RETURN", 1)[1])[0]
        names = {item.rsplit(" AS ", 1)[-1].strip() for item in final.split(",")}
        assert set(spec.columns) <= names, (q.name, set(spec.columns) - names)
    # paths on Neo4j: the shared breadth-first search's step (shortestPath over *..24 fell back
    # to enumerating paths when the shortest one crossed a hub)
    assert cypher.get("expand_accounts").backends == "neo4j-only"


def test_neo4j_only_statements_are_marked() -> None:
    for q in ALL:
        neo4j_only = re.search(
            r"CONSTRAINT|IF NOT EXISTS|shortestPath|gds\.|dbms\.|COUNT \{|EXISTS \{", q.body
        )
        assert bool(neo4j_only) == (q.backends == "neo4j-only"), q.path


def test_generated_statements_match_the_schema() -> None:
    rendered = cypher.render_generated()
    for rel, text in rendered.items():
        assert (ROOT / "queries" / rel).read_text(encoding="utf-8") == text, (
            f"queries/{rel} is stale: run `python -m linkgraph.store.cypher`"
        )
    generated_on_disk = {q.path for q in ALL if cypher.GENERATED_MARK in q.text}
    assert generated_on_disk == set(rendered)
    # every load table has a merge and a paged read; every property is set by its merge rule
    for table in schema.LOAD_TABLES:
        load = cypher.get(f"load_{table}").body
        for p in schema.table_props(table):
            assert f".{p.name} = " in load, (table, p.name)
            if p.merge != "replace":
                assert ("<=" if p.merge == "min" else ">=") in load
        assert cypher.get(f"read_{table}")


def test_merge_rule_expressions() -> None:
    assert cypher.merge_expr("n", schema.Prop("email")) == "coalesce(row.email, n.email)"
    assert "n.created_at <= row.created_at" in cypher.merge_expr(
        "n", schema.Prop("created_at", "timestamp", "min")
    )
    assert "r.last_seen >= row.last_seen" in cypher.merge_expr(
        "r", schema.Prop("last_seen", "timestamp", "max")
    )


@pytest.mark.parametrize(
    "evil", ["Account) DETACH DELETE n //", "Account`", "account_id} RETURN 1 //", "x y", ""]
)
def test_user_supplied_identifiers_are_rejected(evil: str) -> None:
    with pytest.raises(ValueError, match="unknown node label"):
        schema.check_label(evil)
    with pytest.raises(ValueError, match="unknown property"):
        schema.check_property("Account", evil)
    with pytest.raises(ValueError, match="refusing identifier"):
        cypher.merge_expr("n", schema.Prop(evil))
    with pytest.raises(KeyError):
        cypher.render_load(evil)
    with pytest.raises(QueryError):
        cypher.get(evil)


def test_statement_names_never_become_paths() -> None:
    with pytest.raises(QueryError):
        cypher.get("../schema/constraint_account")
    with pytest.raises(QueryError):
        cypher.get("investigate/search")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("MATCH (n) RETURN n", "lacks '// name:'"),
        (
            "// name: x\n// description: d long enough text\n// params: none\n// backends: everywhere\nRETURN 1",
            "backends",
        ),
        (
            "// name: y\n// description: d long enough text\n// params: none\n// backends: portable\nRETURN 1",
            "file name",
        ),
        (
            "// name: x\n// description: d long enough text\n// params: $a: text\n// backends: portable\nRETURN $a",
            "type",
        ),
    ],
)
def test_bad_headers_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        cypher.parse(text, "cat/x.cypher")


def test_undeclared_param_is_detected() -> None:
    q = cypher.parse(
        "// name: x\n// description: uses an undeclared parameter\n// params: $a: string\n// backends: portable\n"
        "MATCH (n:Account {account_id: $a}) WHERE n.email = $b RETURN n LIMIT 1",
        "cat/x.cypher",
    )
    assert q.used_params() - set(q.params) == {"b"}
    assert cypher.parse(BROKEN.read_text(), "data/broken_query.cypher").used_labels() - set(
        schema.ALL_LABELS
    ) == {"Acount"}


# ---------------------------------------------------------------------------- Neo4j's linter
def ensure_linter() -> Path:
    """Install the pinned linter into tests/cypher_lint once (``npm ci``), or skip without Node."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("Node.js and npm are needed for the Cypher linter (apt-get install -y nodejs npm)")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        subprocess.run(
            ["npm", "ci", "--prefix", str(LINT_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            timeout=600,
            capture_output=True,
        )
    return LINT_DIR / "lint.mjs"


@pytest.fixture(scope="module")
def lint_results() -> dict[str, list[dict]]:
    script = ensure_linter()
    files = [{"path": q.path, "text": q.text, "params": q.params} for q in ALL]
    broken = cypher.parse(BROKEN.read_text(), "data/broken_query.cypher")
    files.append({"path": "BROKEN", "text": broken.text, "params": broken.params})
    # the same front end flags parameters it is not told about: the declarations are what it checks
    files.append({"path": "NO_PARAMS", "text": cypher.get("search").text, "params": {}})
    req = {"labels": list(schema.ALL_LABELS), "relationshipTypes": list(schema.ALL_REL_TYPES), "files": files}
    out = subprocess.run(
        ["node", str(script)],
        input=json.dumps(req),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=LINT_DIR,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("q", ALL, ids=IDS)
def test_neo4j_linter_accepts(q: cypher.CypherQuery, lint_results: dict[str, list[dict]]) -> None:
    problems = [
        d
        for d in lint_results[q.path]
        if not (q.portable and d["severity"] == 2 and d["message"].startswith(ALLOWED_WARNINGS))
    ]
    assert not problems, "\n".join(f"line {d['line']}: {d['message']}" for d in problems)


def test_neo4j_linter_rejects_broken_fixture(lint_results: dict[str, list[dict]]) -> None:
    diags = lint_results["BROKEN"]
    errors = [d["message"] for d in diags if d["severity"] == 1]
    assert any("RETRUN" in m for m in errors), diags
    assert any("Variable `b` not defined" in m for m in errors) or any("b" in m for m in errors), diags
    assert any("Acount" in d["message"] for d in diags), diags


def test_linter_reports_undeclared_parameters(lint_results: dict[str, list[dict]]) -> None:
    msgs = [d["message"] for d in lint_results["NO_PARAMS"]]
    assert any("Parameter $term is not defined" in m for m in msgs), msgs

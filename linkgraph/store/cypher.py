"""The Cypher statements: every statement the Neo4j backend runs is a file ``queries/<category>/<name>.cypher``
with a ``//`` header, read by the shared registry ``linkgraph.store.statements``.

Keeping the statements as data (not strings in Python) lets a test lint every one of them
with Neo4j's own front end, check that each ``$param`` is declared and each label exists in
``linkgraph.schema``, and lets an analyst read exactly what runs against their database.

Statements whose shape follows the schema (per-table merges, paged reads, indexes,
constraints, counts) are generated from ``linkgraph.schema`` by ``render_generated()`` and
written with ``python -m linkgraph.store.cypher``; a test fails when the files drift from the
schema. Labels, types and property names in them come only from the schema's allow-list
(``schema.check_label`` / ``check_rel_type`` / ``check_property``); values are always
parameters.
"""

from __future__ import annotations

import re
import sys

from linkgraph import schema
from linkgraph.store import statements
from linkgraph.store.statements import Statement

BACKENDS = statements.BACKENDS["cypher"]
PARAM_TYPES = statements.PARAM_TYPES
GENERATED_MARK = "// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit"

CypherQuery = Statement
parse = statements.parse


def load_all() -> dict[str, Statement]:
    """Every Cypher statement shipped in the ``queries`` package, by name (names are unique)."""
    return statements.load_all("cypher")


def get(name: str) -> Statement:
    """The Cypher statement called ``name``; QueryError for any other name."""
    return statements.get(name, "cypher")


def in_category(category: str) -> list[Statement]:
    return statements.in_category(category, "cypher")


# =========================================================================== generation
_PARAM_TYPE = {"string": "string", "date": "date", "timestamp": "timestamp"}
# Statements whose shape follows the schema. Every identifier passes the schema allow-list.

_LOAD_NOTE = "timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values"


def _ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"refusing identifier {name!r}")
    return name


def merge_expr(var: str, prop: schema.Prop) -> str:
    """The SET right-hand side for one property, per its merge rule (values from ``row``)."""
    p = _ident(prop.name)
    new, old = f"row.{p}", f"{var}.{p}"
    if prop.merge == "replace":
        return f"coalesce({new}, {old})"
    cmp = "<=" if prop.merge == "min" else ">="
    return f"CASE WHEN {new} IS NULL OR ({old} IS NOT NULL AND {old} {cmp} {new}) THEN {old} ELSE {new} END"


def _set_clause(var: str, label_or_type: str, props: tuple[schema.Prop, ...]) -> str:
    if not props:
        return ""
    parts = [f"{var}.{schema.check_property(label_or_type, p.name)} = {merge_expr(var, p)}" for p in props]
    return "SET " + ",\n    ".join(parts) + "\n"


def _header(name: str, description: str, params: str, backends: str) -> str:
    return (
        f"// name: {name}\n// description: {description}\n// params: {params}\n// backends: {backends}\n"
        f"{GENERATED_MARK}\n"
    )


def _data_props(d: schema.DataTable) -> list[schema.Prop]:
    return d.columns


def _endpoints(r: schema.RelType) -> tuple[str, str, str, str, str]:
    """A relationship's checked type, start and end labels, and their key properties."""
    rtype = schema.check_rel_type(r.type)
    sl, el = schema.check_label(r.start), schema.check_label(r.end)
    sk = schema.check_property(sl, schema.NODE_BY_LABEL[sl].key)
    ek = schema.check_property(el, schema.NODE_BY_LABEL[el].key)
    return rtype, sl, el, sk, ek


def render_load(table: str) -> str:
    """``UNWIND $rows AS row MERGE ...`` for one load table, with the schema's merge rules."""
    name = f"load_{table}"
    if table in schema.NODE_BY_TABLE:
        n = schema.NODE_BY_TABLE[table]
        label, key = schema.check_label(n.label), schema.check_property(n.label, n.key)
        body = f"UNWIND $rows AS row\nMERGE (n:{label} {{{key}: row.{key}}})\n" + _set_clause(
            "n", label, n.props
        )
        what = f"(:{label}) nodes by {key}"
    elif table in schema.REL_BY_TABLE:
        r = schema.REL_BY_TABLE[table]
        rtype, sl, el, sk, ek = _endpoints(r)
        sc, ec = schema.check_property(rtype, r.start_col), schema.check_property(rtype, r.end_col)
        body = (
            f"UNWIND $rows AS row\nMERGE (a:{sl} {{{sk}: row.{sc}}})\nMERGE (b:{el} {{{ek}: row.{ec}}})\n"
            f"MERGE (a)-[r:{rtype}]->(b)\n" + _set_clause("r", rtype, r.props)
        )
        what = f"(:{sl})-[:{rtype}]->(:{el}) relationships (endpoints merged by key)"
    else:
        d = schema.DATA_BY_TABLE[table]
        label = schema.check_label(d.label)
        keymap = ", ".join(f"{_ident(k)}: row.{_ident(k)}" for k in d.key)
        props = tuple(p for p in d.props if p.name not in d.key)
        parts = [f"n.{_ident(p.name)} = {merge_expr('n', p)}" for p in props]
        body = f"UNWIND $rows AS row\nMERGE (n:{label} {{{keymap}}})\n"
        if parts:
            body += "SET " + ",\n    ".join(parts) + "\n"
        what = f"(:{label}) nodes keyed by ({', '.join(d.key)})"
    body += "RETURN count(*) AS rows\n"
    desc = (
        f"Merge a batch of staged `{table}` rows into {what}; properties merge by the schema's rules "
        f"(replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing"
    )
    return _header(name, desc, f"$rows: list<map> (one map per staged row; {_LOAD_NOTE})", "portable") + body


def _columns(table: str) -> list[schema.Prop]:
    if table in schema.NODE_BY_TABLE:
        return schema.NODE_BY_TABLE[table].columns
    if table in schema.REL_BY_TABLE:
        return schema.REL_BY_TABLE[table].columns
    return _data_props(schema.DATA_BY_TABLE[table])


def render_read(table: str) -> str:
    """A page of a load table, in key order after ``$after`` (keyset paging, bounded memory)."""
    name = f"read_{table}"
    cols = _columns(table)
    if table in schema.NODE_BY_TABLE:
        n = schema.NODE_BY_TABLE[table]
        label, key = schema.check_label(n.label), schema.check_property(n.label, n.key)
        ret = ", ".join(f"n.{schema.check_property(label, c.name)} AS {c.name}" for c in cols)
        body = f"MATCH (n:{label})\nWHERE n.{key} > $after\nRETURN {ret}\nORDER BY {key}\nLIMIT $n\n"
        params = "$after: string (last key of the previous page; '' for the first), $n: int (page size)"
        desc = f"One page of (:{label}) nodes as `{table}` rows, ordered by {key}"
    elif table in schema.REL_BY_TABLE:
        r = schema.REL_BY_TABLE[table]
        rtype, sl, el, sk, ek = _endpoints(r)
        items = [f"a.{sk} AS {_ident(r.start_col)}", f"b.{ek} AS {_ident(r.end_col)}"]
        items += [f"r.{schema.check_property(rtype, p.name)} AS {p.name}" for p in r.props]
        body = (
            f"MATCH (a:{sl})\nWHERE a.{sk} > $after\nWITH a ORDER BY a.{sk} LIMIT $n\n"
            f"OPTIONAL MATCH (a)-[r:{rtype}]->(b:{el})\nRETURN {', '.join(items)}\n"
        )
        params = (
            f"$after: string (last (:{sl}) key of the previous page; '' for the first), "
            f"$n: int (start nodes per page)"
        )
        desc = (
            f"The `{table}` relationships of one page of (:{sl}) start nodes in key order; a start node "
            f"without any comes back once with nulls, so the caller can advance the page"
        )
    else:
        d = schema.DATA_BY_TABLE[table]
        label = schema.check_label(d.label)
        ret = ", ".join(f"n.{_ident(c.name)} AS {c.name}" for c in cols)
        keys = [_ident(k) for k in d.key]
        # lexicographic "key tuple > $after tuple"
        conds: list[str] = []
        for i, k in enumerate(keys):
            eqs = [f"n.{keys[j]} = $after_{keys[j]}" for j in range(i)]
            conds.append("(" + " AND ".join(eqs + [f"n.{k} > $after_{k}"]) + ")")
        # The leading range on the first key is what an index can answer (and what lets ORDER BY
        # stop after $n rows); the OR of the full tuple comparison only trims the boundary.
        body = (
            f"MATCH (n:{label})\nWHERE n.{keys[0]} >= $after_{keys[0]}\n  AND ({' OR '.join(conds)})\n"
            f"RETURN {ret}\nORDER BY {', '.join(keys)}\nLIMIT $n\n"
        )
        types = {c.name: c.type for c in cols}
        decl = [f"$after_{k}: {_PARAM_TYPE.get(types[k], 'int')}" for k in keys]
        params = ", ".join(decl) + ", $n: int (page size)"
        desc = f"One page of (:{label}) nodes as `{table}` rows, ordered by ({', '.join(keys)}) after the $after_* key"
    return _header(name, desc, params, "portable") + body


def render_counts() -> str:
    parts = []
    for n in schema.NODES:
        parts.append(f"MATCH (n:{schema.check_label(n.label)}) RETURN '{n.label}' AS name, count(n) AS n")
    for r in schema.RELATIONSHIPS:
        parts.append(
            f"MATCH ()-[r:{schema.check_rel_type(r.type)}]->() RETURN '{r.type}' AS name, count(r) AS n"
        )
    for d in schema.DATA_TABLES:
        parts.append(f"MATCH (n:{schema.check_label(d.label)}) RETURN '{d.table}' AS name, count(n) AS n")
    return (
        _header(
            "counts",
            "Rows per node label and relationship type (schema names), plus the usage and ip_intel tables",
            "none",
            "portable",
        )
        + "\nUNION ALL\n".join(parts)
        + "\n"
    )


# Keys of the result/bookkeeping labels (not load tables).
RESULT_KEYS: dict[str, tuple[str, ...]] = {
    schema.LOAD_LABEL: ("load_id",),
    schema.RUN_LABEL: ("run_id",),
    schema.CLUSTER_LABEL: ("run_id", "cluster_id"),
}
# Extra lookups that the statements filter on.
EXTRA_INDEXES: tuple[tuple[str, str], ...] = (
    (schema.ACCOUNT.label, "email"),
    (schema.USAGE.label, "account_id"),
    (schema.CLUSTER_LABEL, "cluster_id"),
    (schema.DECISION_LABEL, "cluster_id"),
    (schema.LOAD_LABEL, "fingerprint"),
)


def _all_keys() -> list[tuple[str, tuple[str, ...]]]:
    keys: list[tuple[str, tuple[str, ...]]] = [(n.label, (n.key,)) for n in schema.NODES]
    keys += [(d.label, d.key) for d in schema.DATA_TABLES]
    keys += list(RESULT_KEYS.items())
    keys.append((schema.LOCK_LABEL, ("name",)))
    return keys


def render_schema() -> dict[str, str]:
    """Neo4j: uniqueness constraints (named, IF NOT EXISTS) + indexes; portable: unnamed indexes."""
    out: dict[str, str] = {}
    for label, key in _all_keys():
        label = schema.check_label(label)
        low = _snake(label)
        props = ", ".join(f"n.{_ident(k)}" for k in key)
        target = f"({props})" if len(key) > 1 else props
        out[f"schema/constraint_{low}.cypher"] = (
            _header(
                f"constraint_{low}",
                f"Uniqueness of (:{label}) by ({', '.join(key)}); also the index MERGE uses; idempotent",
                "none",
                "neo4j-only",
            )
            + f"CREATE CONSTRAINT {low}_key IF NOT EXISTS FOR (n:{label}) REQUIRE {target} IS UNIQUE\n"
        )
        out[f"schema/index_{low}.cypher"] = (
            _header(
                f"index_{low}",
                f"Index on (:{label}) key ({', '.join(key)}) for peers without constraints (MERGE and paging use it)",
                "none",
                "portable",
            )
            + f"CREATE INDEX FOR (n:{label}) ON ({props})\n"
        )
    for label, prop in EXTRA_INDEXES:
        label = schema.check_label(label)
        low = f"{_snake(label)}_{_ident(prop)}"
        out[f"schema/neo4j_index_{low}.cypher"] = (
            _header(
                f"neo4j_index_{low}",
                f"Index on (:{label}).{prop} (lookups and filters); idempotent",
                "none",
                "neo4j-only",
            )
            + f"CREATE INDEX {low} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})\n"
        )
        out[f"schema/index_{low}.cypher"] = (
            _header(
                f"index_{low}",
                f"Index on (:{label}).{prop} (lookups and filters) for peers without named indexes",
                "none",
                "portable",
            )
            + f"CREATE INDEX FOR (n:{label}) ON (n.{prop})\n"
        )
    return out


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", label).lower()


def render_generated() -> dict[str, str]:
    """Every generated statement file, by path relative to ``queries/``."""
    out: dict[str, str] = {}
    for table in schema.LOAD_TABLES:
        out[f"load/load_{table}.cypher"] = render_load(table)
        out[f"read/read_{table}.cypher"] = render_read(table)
    out["read/counts.cypher"] = render_counts()
    out.update(render_schema())
    return out


if __name__ == "__main__":  # pragma: no cover - developer command
    statements.write_command(render_generated(), sys.argv[1:])

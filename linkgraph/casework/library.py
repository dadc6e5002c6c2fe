"""The query library: every named investigator query, runnable with its parameters, with its text.

The named queries are ``linkgraph.investigate.QUERIES`` (the same ``Store.query`` the CLI's
``linkgraph query`` runs); their statements are the files under ``queries/investigate/``
(``.cypher`` for Neo4j, ``.sql`` for DuckDB), shown as they were run so an investigator can
reuse them. Results that are paths or subgraphs also come back as graph elements.

One composed entry, ``replacements_of_confirmed``, answers "new accounts linked to confirmed
campaigns since a date" (replacements after a ban wave): ``new_accounts_near_cluster`` run for
every campaign whose decision in force is ``confirmed``, so it works on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import pandas as pd

from linkgraph.casework.graph import GraphElements, graph_elements, neighbourhood_graph, path_graph
from linkgraph.decisions import decisions_in_force
from linkgraph.investigate import QUERIES, Param
from linkgraph.store.base import Store

REPLACEMENTS = "replacements_of_confirmed"
_STATEMENT_SUFFIX = {"duckdb": ".sql", "neo4j": ".cypher"}


@dataclass(frozen=True)
class LibraryEntry:
    name: str
    doc: str
    params: tuple[Param, ...]


@dataclass(frozen=True)
class LibraryResult:
    rows: pd.DataFrame
    statement: str  # the text run (or, for the composed entry, the text run per campaign)
    language: str  # "sql" or "cypher"
    runs: int  # statements executed
    graph: GraphElements | None  # for paths and subgraphs


def entries() -> list[LibraryEntry]:
    """Every named query, then the composed replacements query."""
    out = [LibraryEntry(q.name, q.doc, q.params) for q in QUERIES.values()]
    out.append(
        LibraryEntry(
            REPLACEMENTS,
            "New accounts linked to confirmed campaigns since a date (replacements after a ban wave): "
            "new_accounts_near_cluster for every confirmed campaign.",
            (Param("since", str, doc="ISO date or time"), Param("limit", int, False, 1000)),
        )
    )
    return out


def statement_text(name: str, backend: str) -> tuple[str, str]:
    """(text, language) of query ``name`` as ``backend`` runs it; the file's header included."""
    suffix = _STATEMENT_SUFFIX.get(backend, ".cypher")
    folder = resources.files("linkgraph.queries") / "investigate"
    for candidate in (suffix, ".cypher"):
        f = folder / f"{name}{candidate}"
        if f.is_file():
            return f.read_text(encoding="utf-8"), candidate.lstrip(".")
    return f"-- {name}: built by the {backend} store in code", "sql"


def run_entry(store: Store, name: str, params: dict[str, str]) -> LibraryResult:
    """Run a library entry with text parameters (``Store.query`` checks and coerces them)."""
    given = {k: v for k, v in params.items() if v not in ("", None)}
    if name == REPLACEMENTS:
        return _replacements(store, given)
    rows = store.query(name, given)
    text, language = statement_text(name, store.backend)
    return LibraryResult(rows, text, language, 1, result_graph(rows, given.get("account_id")))


def _replacements(store: Store, params: dict[str, str]) -> LibraryResult:
    confirmed = sorted(c for c, d in decisions_in_force(store).items() if d.status == "confirmed")
    frames = []
    for cid in confirmed:
        found = store.query("new_accounts_near_cluster", {"cluster_id": cid, **params})
        frames.append(found.assign(campaign_id=cid))
    cols = ["campaign_id", *QUERIES["new_accounts_near_cluster"].columns]
    rows = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    text, language = statement_text("new_accounts_near_cluster", store.backend)
    return LibraryResult(rows, text, language, len(confirmed), None)


def result_graph(rows: pd.DataFrame, focus: str | None = None) -> GraphElements | None:
    """Graph elements for a result that is a path, a neighbourhood (of ``focus``) or a subgraph."""
    cols = set(rows.columns)
    if rows.empty:
        return None
    if {"step", "label", "node", "rel"} <= cols:
        return path_graph(rows)
    if {"src_label", "src", "dst_label", "dst", "hop"} <= cols and focus:
        return neighbourhood_graph(rows, focus)
    if {"account_id", "id_type", "label", "identifier"} <= cols:
        return graph_elements(rows)
    return None

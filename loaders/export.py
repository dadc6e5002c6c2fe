"""Orchestration: an export directory -> a validated, normalised ``LoadBatch`` staged as Parquet.

Two phases, so memory is bounded by the chunk size rather than the export size:

1. **Stream** every file in chunks (``readers``), validate and normalise each chunk
   (``validate.stage_chunk``), append it to ``<staging>/_raw/<table>.parquet``.
2. **Global steps** in DuckDB over the staged Parquet (which DuckDB reads out of core and can
   spill): duplicate ``account_id``, referential integrity of child tables against
   accounts ∪ ``known_accounts``, aggregation to unique keys following the schema's merge
   rules, longest-prefix match of IPs against ``ip_intel`` ∪ ``known_intel``. Each result is
   streamed into ``<staging>/<table>.parquet`` with exactly ``schema.table_schema(table)``.

SQL here only ever contains identifiers written in this module (table and column names from
the format/schema); values arrive as bound parameters or registered Arrow tables.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from linkgraph.loaders import normalise
from linkgraph.loaders.mapping import Mapping, load_mapping
from linkgraph.loaders.privacy import PseudonymiseFn
from linkgraph.loaders.readers import READERS, CsvReader, JsonlReader, open_reader, split_name
from linkgraph.loaders.validate import (
    CHILD_TABLES,
    RAW_SCHEMAS,
    REQUIRED_TABLES,
    TABLE_FILES,
    ChunkContext,
    Problems,
    stage_chunk,
)

from linkgraph import schema
from linkgraph.errors import ExportError, LinkGraphError, MappingError, Problem
from linkgraph.model import LoadBatch, SourceFile

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
REPORT_LIMIT = 50
DUCKDB_MEMORY = os.environ.get("LINKGRAPH_LOADER_MEMORY", "2GB")
STAGING_THREADS = 2  # files staged at once


@dataclass
class Discovered:
    files: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def discover(root: Path, mapping: Mapping) -> Discovered:
    """Which file holds which table: the mapping's ``file`` first, then ``<table>.<ext>``."""
    found = Discovered()
    entries = sorted(p for p in root.iterdir() if not p.name.startswith("."))
    claimed = _mapped_files(root, mapping, entries, found)
    problems: list[Problem] = []
    for p in entries:
        if p not in claimed:
            _discover_entry(p, mapping, found, problems)
    if problems:
        raise ExportError(problems)
    for table in REQUIRED_TABLES:
        if table not in found.files:
            raise ExportError(
                Problem(
                    str(root),
                    f"no {table} file (expected {table}.csv, .csv.gz, .jsonl, .jsonl.gz or .parquet)",
                )
            )
    return found


def _mapped_files(root: Path, mapping: Mapping, entries: list[Path], found: Discovered) -> set[Path]:
    """The files the mapping names, checked to exist and to have a readable extension."""
    by_lower = {p.name.lower(): p for p in entries if p.is_file()}
    claimed: set[Path] = set()
    for table in TABLE_FILES:
        name = mapping.file_for(table)
        if name is None:
            continue
        p = root / name
        if not p.is_file():
            p = by_lower.get(name.lower(), p)
        if not p.is_file():
            raise MappingError(f"{mapping.origin}: [{table}] file {name!r} is not in {root}")
        if split_name(p.name) is None:
            raise MappingError(
                f"{mapping.origin}: [{table}] file {name!r} has an unsupported extension "
                f"(expected {', '.join('.' + f for f in READERS)})"
            )
        found.files[table] = p
        claimed.add(p)
    return claimed


def _discover_entry(p: Path, mapping: Mapping, found: Discovered, problems: list[Problem]) -> None:
    """Place one directory entry the mapping did not name: a table file, or a warning."""
    parts = split_name(p.name)
    if not p.is_file():
        if p.is_symlink() and not p.exists() and parts is not None and parts[0] in TABLE_FILES:
            # a table file that cannot be opened must not pass as "no such table"
            problems.append(Problem(p.name, "broken symlink or symlink loop; cannot read the file"))
        else:
            found.warnings.append(f"{p.name}: not a file, ignored")
        return
    if parts is None or parts[0] not in TABLE_FILES:
        found.warnings.append(f"{p.name}: unknown file, ignored")
        return
    table = parts[0]
    if mapping.file_for(table) is not None:
        found.warnings.append(f"{p.name}: ignored, the mapping reads {table} from {found.files[table].name}")
    elif table in found.files:
        problems.append(
            Problem(p.name, f"two files for table {table}: {found.files[table].name} and {p.name}; keep one")
        )
    else:
        found.files[table] = p


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- global SQL

ALL_ACCOUNTS_SQL = "SELECT account_id FROM raw_accounts UNION ALL SELECT account_id FROM known_accounts"

DUPLICATES_SQL = """
SELECT account_id, list(_row ORDER BY _row)[1] AS first_row, list(_row ORDER BY _row)[2] AS second_row
FROM raw_accounts
WHERE account_id IN (SELECT account_id FROM raw_accounts GROUP BY account_id HAVING count(*) > 1)
GROUP BY account_id
HAVING count(*) > 1
ORDER BY second_row
LIMIT ?
"""

UNKNOWN_ACCOUNTS_SQL: dict[str, str] = {
    "payment_methods": """
        SELECT c._row, c.account_id FROM raw_payment_methods c
        ANTI JOIN all_accounts a ON a.account_id = c.account_id ORDER BY c._row LIMIT ?""",
    "ip_events": """
        SELECT c._row, c.account_id FROM raw_ip_events c
        ANTI JOIN all_accounts a ON a.account_id = c.account_id ORDER BY c._row LIMIT ?""",
    "usage": """
        SELECT c._row, c.account_id FROM raw_usage c
        ANTI JOIN all_accounts a ON a.account_id = c.account_id ORDER BY c._row LIMIT ?""",
}
if set(UNKNOWN_ACCOUNTS_SQL) != set(CHILD_TABLES):  # a table added to one and not the other
    raise RuntimeError("UNKNOWN_ACCOUNTS_SQL must cover every child table")

# 'replace' merge inside one export: the last non-null value in file order wins
# (arg_max(col, _row) FILTER (WHERE col IS NOT NULL)); 'min'/'max' widen time bounds;
# request_count and usage counts are summed over duplicate rows.
FINAL_SQL: dict[str, str] = {
    "accounts": """
        SELECT account_id, created_at, email, email_domain, email_local, email_random, email_namelike,
               email_template, email_number, email_shape, country, org_id,
               org_verified, plan, status, extra
        FROM raw_accounts""",
    "email_domains": """
        SELECT email_domain AS domain, bool_or(webmail) AS webmail, bool_or(disposable) AS disposable
        FROM raw_accounts WHERE email_domain IS NOT NULL GROUP BY email_domain""",
    "email_at": """
        SELECT account_id, email_domain AS domain FROM raw_accounts WHERE email_domain IS NOT NULL""",
    "organizations": """
        SELECT org_id, max(org_verified) AS verified FROM raw_accounts
        WHERE org_id IS NOT NULL GROUP BY org_id""",
    "member_of": "SELECT account_id, org_id FROM raw_accounts WHERE org_id IS NOT NULL",
    "payment_methods": """
        SELECT payment_fingerprint,
               arg_max(method_type, _row) FILTER (WHERE method_type IS NOT NULL) AS method_type,
               arg_max(card_bin, _row) FILTER (WHERE card_bin IS NOT NULL) AS card_bin,
               arg_max(card_last4, _row) FILTER (WHERE card_last4 IS NOT NULL) AS card_last4,
               arg_max(billing_country, _row) FILTER (WHERE billing_country IS NOT NULL) AS billing_country
        FROM raw_payment_methods GROUP BY payment_fingerprint""",
    "paid_with": """
        SELECT account_id, payment_fingerprint, min(added_at) AS added_at
        FROM raw_payment_methods GROUP BY account_id, payment_fingerprint""",
    "subnets": """
        SELECT subnet, any_value(version) AS version FROM ip_distinct
        WHERE subnet IS NOT NULL GROUP BY subnet""",
    "proxy_providers": """
        SELECT a.proxy_provider AS provider, coalesce(any_value(pk.kind), any_value(a.proxy_kind)) AS kind
        FROM ip_addr a LEFT JOIN provider_kind pk ON pk.provider = a.proxy_provider
        WHERE a.proxy_provider IS NOT NULL GROUP BY a.proxy_provider""",
    "in_subnet": "SELECT ip, subnet FROM ip_distinct WHERE subnet IS NOT NULL",
    "via_proxy": "SELECT ip, proxy_provider AS provider FROM ip_addr WHERE proxy_provider IS NOT NULL",
    "used_ip": """
        SELECT account_id, ip, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
               sum(request_count)::BIGINT AS request_count,
               arg_max(user_agent, _row) FILTER (WHERE user_agent IS NOT NULL) AS user_agent
        FROM raw_ip_events GROUP BY account_id, ip""",
    "devices": "SELECT DISTINCT device_id FROM raw_ip_events WHERE device_id IS NOT NULL",
    "used_device": """
        SELECT account_id, device_id, min(first_seen) AS first_seen, max(last_seen) AS last_seen
        FROM raw_ip_events WHERE device_id IS NOT NULL GROUP BY account_id, device_id""",
    "usage": """
        SELECT account_id, day, category, sum(requests)::BIGINT AS requests,
               sum(tokens)::BIGINT AS tokens, sum(flagged_jailbreak)::BIGINT AS flagged_jailbreak
        FROM (SELECT * REPLACE (coalesce(category, ?::VARCHAR) AS category) FROM raw_usage)
        GROUP BY account_id, day, category""",
    "ip_intel": """
        SELECT network,
               arg_max(provider, _row) FILTER (WHERE provider IS NOT NULL) AS provider,
               arg_max(kind, _row) FILTER (WHERE kind IS NOT NULL) AS kind,
               arg_max(asn, _row) FILTER (WHERE asn IS NOT NULL) AS asn
        FROM raw_ip_intel GROUP BY network""",
}
FINAL_PARAMS: dict[str, list[object]] = {"usage": ["other"]}

# The aggregations above only merge rows that share a key. Exports rarely repeat a key, and
# aggregating wide string rows is the costly part of the build (it is what makes DuckDB spill),
# so each aggregating table also has its per-row form and a cheap test (the key alone, hashed)
# that says whether any key repeats. Per row, min/max/sum/arg_max of one value is that value.
UNIQUE_KEY_SQL: dict[str, tuple[str, str]] = {
    "used_ip": (
        "SELECT 1 FROM raw_ip_events GROUP BY account_id, ip HAVING count(*) > 1 LIMIT 1",
        """SELECT account_id, ip, first_seen, last_seen, request_count, user_agent FROM raw_ip_events""",
    ),
    "usage": (
        """SELECT 1 FROM raw_usage GROUP BY account_id, day, coalesce(category, ?::VARCHAR)
           HAVING count(*) > 1 LIMIT 1""",
        """SELECT account_id, day, coalesce(category, ?::VARCHAR) AS category, requests, tokens,
                  flagged_jailbreak FROM raw_usage""",
    ),
}

IP_DISTINCT_SQL = """
SELECT ip, any_value(version) AS version, any_value(ip_hi) AS ip_hi, any_value(ip_lo) AS ip_lo,
       any_value(subnet) AS subnet,
       arg_max(proxy_provider, _row) FILTER (WHERE proxy_provider IS NOT NULL) AS row_provider
FROM raw_ip_events GROUP BY ip
"""

PROVIDER_KIND_SQL = """
SELECT provider, mode(kind) AS kind FROM networks WHERE kind IS NOT NULL GROUP BY provider
"""


class _Builder:
    """Runs the global steps on one DuckDB connection over the staged raw Parquet."""

    def __init__(self, staging: Path, raw: Path):
        self.staging = staging
        tmp = staging / "_duckdb_tmp"
        tmp.mkdir(exist_ok=True)
        self.con = duckdb.connect(
            config={
                "memory_limit": DUCKDB_MEMORY,
                "temp_directory": str(tmp),
                "preserve_insertion_order": False,
            }
        )
        self.con.execute("SET enable_progress_bar = false")
        for table in TABLE_FILES:
            self.con.read_parquet(str(raw / f"{table}.parquet")).create_view(f"raw_{table}")

    def close(self) -> None:
        self.con.close()

    def check(
        self, known_accounts: pa.Array | pa.ChunkedArray | None, displays: dict[str, str]
    ) -> list[Problem]:
        problems: list[Problem] = []
        acc = displays.get("accounts", "accounts")
        for account_id, first, second in self.con.execute(DUPLICATES_SQL, [REPORT_LIMIT]).fetchall():
            problems.append(
                Problem(
                    acc, f"duplicate account_id {account_id!r} (first in row {first})", second, "account_id"
                )
            )
        known = pa.table({"account_id": _string_array(known_accounts)})
        self.con.register("known_accounts", known)
        self.con.sql(ALL_ACCOUNTS_SQL).create_view("all_accounts")
        for child in CHILD_TABLES:
            if child not in displays:
                continue
            for row, account_id in self.con.execute(UNKNOWN_ACCOUNTS_SQL[child], [REPORT_LIMIT]).fetchall():
                problems.append(
                    Problem(
                        displays[child],
                        f"unknown account_id {account_id!r} (not in accounts)",
                        row,
                        "account_id",
                    )
                )
        return problems

    def write(self, table: str, sql: str, params: list[object] | None = None) -> int:
        """Write the query's result as ``<staging>/<table>.parquet`` with the exact schema.

        DuckDB's own (parallel) Parquet writer does the work; the columns are projected in
        schema order, and the file's schema is checked against ``schema.table_schema`` and
        rewritten with a cast in the rare case DuckDB chose a different physical type.
        """
        target = schema.table_schema(table)
        path = self.staging / f"{table}.parquet"
        rel = self.con.sql(sql, params=params or None)
        # identifiers only, from the schema allow-list
        rel.project(", ".join(target.names)).write_parquet(str(path), compression="uncompressed")
        written = pq.read_schema(path)
        if not written.remove_metadata().equals(target):
            # DuckDB marks columns it knows to be null-free as required (not null) when it
            # scans its own tables; rewrite in batches with the contract's nullable schema
            tmp = path.with_suffix(".tmp.parquet")
            with pq.ParquetFile(path) as src, pq.ParquetWriter(tmp, target) as dst:
                for rb in src.iter_batches(batch_size=256_000):
                    dst.write_table(pa.Table.from_batches([rb]).select(target.names).cast(target))
            tmp.replace(path)
        return int(pq.ParquetFile(path).metadata.num_rows)

    def build(self, known_intel: pa.Table | None, progress: Callable[[str], None]) -> dict[str, int]:
        counts: dict[str, int] = {}
        con = self.con
        for table in ("accounts", "email_domains", "email_at", "organizations", "member_of"):
            progress(table)
            counts[table] = self.write(table, FINAL_SQL[table])
        for table in (
            "payment_methods",
            "paid_with",
            "ip_intel",
            "usage",
            "devices",
            "used_device",
            "used_ip",
        ):
            progress(table)
            sql = FINAL_SQL[table]
            params = FINAL_PARAMS.get(table)
            if table in UNIQUE_KEY_SQL:
                check, per_row = UNIQUE_KEY_SQL[table]
                if not con.execute(check, params or None).fetchall():
                    sql = per_row
            counts[table] = self.write(table, sql, params)

        progress("ip_addresses")
        networks = _networks(pq.read_table(self.staging / "ip_intel.parquet"), known_intel)
        con.register("networks", networks)
        provider_kind = con.sql(PROVIDER_KIND_SQL).to_arrow_table()
        con.register("provider_kind", provider_kind)
        # intermediates live as Arrow tables: DuckDB would mark the columns of its own tables
        # NOT NULL from their statistics, and the staged files must keep the nullable schema
        ip_distinct = con.sql(IP_DISTINCT_SQL).to_arrow_table()
        con.register("ip_distinct", ip_distinct)
        ip_addr = _ip_addresses(ip_distinct, networks, provider_kind)
        con.register("ip_addr", ip_addr)
        counts["ip_addresses"] = self.write("ip_addresses", "SELECT * FROM ip_addr")
        for table in ("subnets", "in_subnet", "proxy_providers", "via_proxy"):
            progress(table)
            counts[table] = self.write(table, FINAL_SQL[table])
        return {t: counts[t] for t in schema.LOAD_TABLES}


def _ip_addresses(ip_distinct: pa.Table, networks: pa.Table, provider_kind: pa.Table) -> pa.Table:
    """``ip_addresses`` rows: the longest matching network's provider and kind, else the
    provider the rows named (``row_provider``) with that provider's usual kind in the intel."""
    d = ip_distinct.combine_chunks()
    idx = normalise.longest_prefix_index(d.column("version"), d.column("ip_hi"), d.column("ip_lo"), networks)
    take = pa.array(idx, pa.int64(), mask=idx < 0)  # null index -> null value
    net_provider = normalise.plain(networks.column("provider")).take(take)
    net_kind = normalise.plain(networks.column("kind")).take(take)
    row_provider = normalise.plain(d.column("row_provider"))
    pk = provider_kind.combine_chunks()
    row_kind = normalise.plain(pk.column("kind")).take(
        pc.index_in(row_provider, value_set=normalise.plain(pk.column("provider")))
    )
    matched = pc.is_valid(net_provider)
    return pa.table(
        {
            "ip": d.column("ip"),
            "version": d.column("version"),
            "subnet": d.column("subnet"),
            "proxy_provider": pc.coalesce(net_provider, row_provider),
            "proxy_kind": pc.if_else(matched, net_kind, row_kind),
        }
    )


def _string_array(values: pa.Array | pa.ChunkedArray | None) -> pa.Array:
    if values is None:
        return pa.array([], pa.string())
    return pc.cast(normalise.plain(values), pa.string())


def _networks(export_intel: pa.Table, known_intel: pa.Table | None) -> pa.Table:
    """The ``networks`` relation: this export's intel, plus known intel it does not override."""
    cols = ["network", "provider", "kind"]
    parts = [export_intel.select(cols)]
    if known_intel is not None and known_intel.num_rows:
        known = known_intel.select(cols).cast(pa.schema([(c, pa.string()) for c in cols]))
        parsed_known = normalise.parse_networks(known.column("network"))
        known = known.set_column(0, "network", parsed_known.network)
        fresh = pc.invert(pc.is_in(known.column("network"), value_set=export_intel.column("network")))
        parts.append(known.filter(fresh))
    intel = pa.concat_tables(parts)
    parsed = normalise.parse_networks(intel.column("network"))
    return normalise.network_table(parsed, intel.column("provider"), intel.column("kind"))


# --------------------------------------------------------------------------- entry point


def load_export(
    path: str | os.PathLike[str],
    mapping: str | os.PathLike[str] | Mapping | None = None,
    *,
    staging_dir: str | os.PathLike[str] | None = None,
    known_accounts: pa.Array | pa.ChunkedArray | None = None,
    known_intel: pa.Table | None = None,
    pseudonymise_key: bytes | None = None,
    progress: Progress | None = None,
    chunk_rows: int = 250_000,
) -> LoadBatch:
    """Read, validate and normalise an export directory into a staged ``LoadBatch``.

    Raises ``ExportError`` (every problem found, with file/row/column), ``CardNumberError``
    (a payment value looks like a full card number; the number is never in the message) or
    ``MappingError``. Warnings (unknown files, ignored columns) go to ``LoadBatch.warnings``
    and the log. On error nothing is left in ``staging_dir``.
    """
    started = time.perf_counter()
    root = Path(path)
    if not root.is_dir():
        raise ExportError(Problem(str(path), "not a directory (an export is a directory of table files)"))
    mp = load_mapping(mapping)
    found = discover(root, mp)
    warnings = list(found.warnings)

    def warn(message: str) -> None:
        warnings.append(message)
        log.warning(message)

    for w in found.warnings:
        log.warning(w)

    if staging_dir is not None:
        Path(staging_dir).mkdir(parents=True, exist_ok=True)
    # the pid in the name tells a live load (of any store sharing this folder) from a killed one
    staging = Path(tempfile.mkdtemp(prefix=f"linkgraph-load-{os.getpid()}-", dir=staging_dir))
    raw = staging / "_raw"
    raw.mkdir()
    pseudo = PseudonymiseFn(pseudonymise_key) if pseudonymise_key else None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linkgraph-sha256")
    stagers = ThreadPoolExecutor(max_workers=STAGING_THREADS, thread_name_prefix="linkgraph-stage")
    try:
        hashes: dict[str, Future[str]] = {t: pool.submit(_sha256, p) for t, p in found.files.items()}
        total_bytes = sum(p.stat().st_size for p in found.files.values()) or 1
        problems = Problems()
        rows_read: dict[str, int] = {}
        displays = {t: p.name for t, p in found.files.items()}
        # Files are staged concurrently (Arrow's readers and kernels release the GIL), largest
        # first; each has its own problems and warnings, merged below in table order so the
        # report reads exactly as if the files had been staged one after the other.
        tracker = _ProgressTracker(progress, total_bytes)
        stop = threading.Event()
        order = sorted(TABLE_FILES, key=lambda t: -found.files[t].stat().st_size if t in found.files else 0)
        staged: dict[str, Future[_Staged]] = {
            t: stagers.submit(_stage_table, t, found.files.get(t), raw, mp, pseudo, chunk_rows, tracker, stop)
            for t in order
        }
        try:
            for table in TABLE_FILES:
                result = staged[table].result()
                for message in result.warnings:
                    warn(message)
                if result.rows is not None:
                    rows_read[table] = result.rows
                problems.extend(result.problems.items)
                problems.cards.extend(result.problems.cards)
                if problems.cards:
                    break
        finally:
            stop.set()
            for f in staged.values():
                f.cancel()
            wait(list(staged.values()))
        problems.raise_if_any()

        if progress:
            progress(total_bytes, total_bytes, "checking ids")
        builder = _Builder(staging, raw)
        try:
            problems.extend(builder.check(known_accounts, displays))
            problems.raise_if_any()
            counts = builder.build(
                known_intel,
                lambda t: progress(total_bytes, total_bytes, f"building {t}") if progress else None,
            )
        finally:
            builder.close()
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(staging / "_duckdb_tmp", ignore_errors=True)

        files = [
            SourceFile(table=t, path=str(p.resolve()), sha256=hashes[t].result(), rows=rows_read.get(t, 0))
            for t, p in found.files.items()
        ]
        if mp.tables:
            files.append(SourceFile(table="_mapping", path=mp.origin, sha256=mp.sha256, rows=0))
        if pseudo is not None:
            files.append(SourceFile(table="_pseudonymise", path="key", sha256=pseudo.key_id, rows=0))
        log.info(
            "loaded export %s: %s in %.1fs",
            root,
            ", ".join(f"{t}={n}" for t, n in rows_read.items()),
            time.perf_counter() - started,
        )
        return LoadBatch(
            staging=staging, files=files, source=str(root.resolve()), counts=counts, warnings=warnings
        )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        stagers.shutdown(wait=True, cancel_futures=True)
        pool.shutdown(wait=True, cancel_futures=True)


class _ProgressTracker:
    """Overall progress (bytes of the export) from files staged concurrently."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress = progress
        self.total = total
        self.done: dict[str, int] = {}
        self.lock = threading.Lock()

    def for_file(self, table: str) -> Callable[[int, str], None]:
        def report(done: int, message: str) -> None:
            if self.progress is None:
                return
            with self.lock:
                self.done[table] = done
                self.progress(min(sum(self.done.values()), self.total), self.total, message)

        return report


@dataclass
class _Staged:
    rows: int | None = None
    problems: Problems = field(default_factory=Problems)
    warnings: list[str] = field(default_factory=list)


def _stage_table(
    table: str,
    file: Path | None,
    raw: Path,
    mp: Mapping,
    pseudo: PseudonymiseFn | None,
    chunk_rows: int,
    tracker: _ProgressTracker,
    stop: threading.Event,
) -> _Staged:
    """Stage one table's file (if any) into ``<raw>/<table>.parquet`` (always written)."""
    out = _Staged()
    with pq.ParquetWriter(
        raw / f"{table}.parquet",
        RAW_SCHEMAS[table],
        compression="none",  # scratch files read once: write speed matters, not size
        use_dictionary=False,
        write_statistics=False,
    ) as writer:
        if file is None or stop.is_set():
            return out
        size = file.stat().st_size
        if size == 0 and table not in REQUIRED_TABLES:
            out.warnings.append(f"{file.name}: empty file, table {table} skipped")
            out.rows = 0
            return out
        out.rows = _stream_file(
            table,
            file,
            mp,
            writer,
            out.problems,
            out.warnings.append,
            pseudo,
            chunk_rows,
            tracker.for_file(table),
            stop,
        )
        tracker.for_file(table)(size, f"{file.name}: {out.rows:,} rows")
        if table in REQUIRED_TABLES and out.rows == 0 and not out.problems:
            out.problems.add(file.name, "no data rows (the file has only a header or is empty)")
    return out


def _stream_file(
    table: str,
    file: Path,
    mp: Mapping,
    writer: pq.ParquetWriter,
    problems: Problems,
    warn: Callable[[str], None],
    pseudo: PseudonymiseFn | None,
    chunk_rows: int,
    progress: Callable[[int, str], None],
    stop: threading.Event | None = None,
) -> int:
    """Stream one file into its staged raw Parquet; returns the number of data rows read."""
    reader = open_reader(file, file.name, chunk_rows)
    complete = not isinstance(reader, JsonlReader)
    ctx = ChunkContext(
        table=table,
        display=file.name,
        problems=problems,
        warn=warn,
        pseudonymise=pseudo,
        utf8_checked=isinstance(reader, CsvReader),
    )
    names_cache: dict[tuple[str, ...], list[str]] = {}
    rows = 0
    try:
        for batch in reader.batches():
            key = tuple(batch.table.column_names)
            if key not in names_cache:
                names_cache[key] = mp.rename(table, list(key), file.name, complete=complete)
            data = batch.table.rename_columns(names_cache[key])
            staged = stage_chunk(ctx, data, batch.rows)
            rows += batch.table.num_rows
            if staged is None or problems.cards:
                break
            if not problems:
                writer.write_table(staged)
            progress(reader.bytes_read(), f"{file.name}: {rows:,} rows")
            if problems.full or (stop is not None and stop.is_set()):
                break
    except ExportError as e:
        problems.extend(e.problems)
    except LinkGraphError:
        raise
    finally:
        reader.close()
    return rows

"""The export format's columns, and per-chunk validation + normalisation into staged rows.

``FORMAT`` is the machine-readable form of ``/work/shared/EXPORT_FORMAT.md``: for every table
its columns, how each is parsed, and which are required. ``stage_chunk`` turns one chunk of a
file (column names already lower-cased and mapped) into the staged, typed rows of that table,
recording every problem with file, row and column in a ``Problems`` collector. It works on
whole columns (see ``normalise``); nothing here loops over rows.

Staged rows keep ``_row`` (the source row number) so the global checks that run later over all
chunks (duplicate ids, unknown account ids) can still name the offending row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from linkgraph.loaders import cards, normalise
from linkgraph.loaders.normalise import UTC_US

from linkgraph.errors import CardNumberError, ExportError, Problem

log = logging.getLogger(__name__)

MAX_PROBLEMS = 50
# No export value is legitimately this long; a larger one is hostile or a broken export (e.g. a
# quote that swallowed the file) and would bloat every store, page and export that shows it.
MAX_VALUE_BYTES = 65_536


@dataclass(frozen=True)
class Column:
    """A format column. ``kind`` says how it is parsed (see ``_PARSERS``)."""

    name: str
    kind: str = "text"
    required: bool = False


FORMAT: dict[str, tuple[Column, ...]] = {
    "accounts": (
        Column("account_id", "id", True),
        Column("created_at", "timestamp", True),
        Column("email", "email"),
        Column("country", "upper"),
        Column("org_id", "id"),
        Column("org_verified", "bool"),
        Column("plan", "lower"),
        Column("status", "lower"),
    ),
    "payment_methods": (
        Column("account_id", "id", True),
        Column("payment_fingerprint", "id", True),
        Column("method_type", "lower"),
        Column("funding", "lower"),
        Column("card_bin", "text"),
        Column("card_last4", "text"),
        Column("billing_country", "upper"),
        Column("added_at", "timestamp"),
    ),
    "ip_events": (
        Column("account_id", "id", True),
        Column("ip", "ip", True),
        Column("first_seen", "timestamp"),
        Column("last_seen", "timestamp"),
        Column("request_count", "count"),
        Column("user_agent", "text"),
        Column("device_id", "id"),
        Column("proxy_provider", "text"),
    ),
    "ip_intel": (
        Column("network", "network", True),
        Column("provider", "text", True),
        Column("kind", "lower"),
        Column("asn", "count"),
    ),
    "usage": (
        Column("account_id", "id", True),
        Column("day", "date", True),
        Column("requests", "count", True),
        Column("tokens", "count"),
        Column("category", "lower"),
        Column("flagged_jailbreak", "count"),
    ),
}
TABLE_FILES: tuple[str, ...] = tuple(FORMAT)
# Other names processors give a format column; a file's column is read under the format name
# when the file has no column of that name (a mapping file can name any other).
COLUMN_SYNONYMS: dict[str, dict[str, str]] = {
    "payment_methods": {
        "funding_type": "funding",
        "card_funding": "funding",
        "funding_source": "funding",
        "card_type": "funding",
    },
}
REQUIRED_TABLES: tuple[str, ...] = ("accounts",)
CHILD_TABLES: tuple[str, ...] = ("payment_methods", "ip_events", "usage")

# Longest allowed card fragments: a longer value may be (part of) a card number.
MAX_LENGTH: dict[tuple[str, str], int] = {
    ("payment_methods", "card_bin"): 8,
    ("payment_methods", "card_last4"): 4,
}

_S, _I, _B, _T, _D, _U = pa.string(), pa.int64(), pa.bool_(), UTC_US, pa.date32(), pa.uint64()
RAW_SCHEMAS: dict[str, pa.Schema] = {
    "accounts": pa.schema(
        [
            ("_row", _I),
            ("account_id", _S),
            ("created_at", _T),
            ("email", _S),
            ("email_domain", _S),
            ("email_local", _S),
            ("email_random", _B),
            ("email_namelike", _B),
            ("email_template", _S),
            ("email_number", _I),
            ("email_shape", _S),
            ("webmail", _B),
            ("disposable", _B),
            ("country", _S),
            ("org_id", _S),
            ("org_verified", _B),
            ("plan", _S),
            ("status", _S),
            ("extra", _S),
        ]
    ),
    "payment_methods": pa.schema(
        [
            ("_row", _I),
            ("account_id", _S),
            ("payment_fingerprint", _S),
            ("method_type", _S),
            ("card_bin", _S),
            ("card_last4", _S),
            ("billing_country", _S),
            ("added_at", _T),
        ]
    ),
    "ip_events": pa.schema(
        [
            ("_row", _I),
            ("account_id", _S),
            ("ip", _S),
            ("version", _I),
            ("ip_hi", _U),
            ("ip_lo", _U),
            ("subnet", _S),
            ("first_seen", _T),
            ("last_seen", _T),
            ("request_count", _I),
            ("user_agent", _S),
            ("device_id", _S),
            ("proxy_provider", _S),
        ]
    ),
    "ip_intel": pa.schema([("_row", _I), ("network", _S), ("provider", _S), ("kind", _S), ("asn", _I)]),
    "usage": pa.schema(
        [
            ("_row", _I),
            ("account_id", _S),
            ("day", _D),
            ("category", _S),
            ("requests", _I),
            ("tokens", _I),
            ("flagged_jailbreak", _I),
        ]
    ),
}


def column_names(table: str) -> list[str]:
    return [c.name for c in FORMAT[table]]


def required_columns(table: str) -> list[str]:
    return [c.name for c in FORMAT[table] if c.required]


@dataclass
class Problems:
    """Collects problems up to a limit; card-number findings are kept apart (own error type)."""

    limit: int = MAX_PROBLEMS
    items: list[Problem] = field(default_factory=list)
    cards: list[Problem] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.items) + len(self.cards) >= self.limit

    def add(self, file: str, reason: str, row: int | None = None, column: str | None = None) -> None:
        if not self.full:
            self.items.append(Problem(file, reason, row, column))

    def add_mask(
        self, file: str, mask: np.ndarray, rows: np.ndarray, column: str | None, reason: str
    ) -> None:
        """One problem per flagged row (up to the limit)."""
        for i in np.flatnonzero(mask)[: max(self.limit - len(self.items), 0)]:
            self.add(file, reason, int(rows[i]), column)

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            if not self.full:
                self.items.append(p)

    def __bool__(self) -> bool:
        return bool(self.items or self.cards)

    def raise_if_any(self) -> None:
        if self.cards:
            raise CardNumberError(self.cards + self.items)
        if self.items:
            raise ExportError(self.items)


# --------------------------------------------------------------------------- per-chunk staging


@dataclass
class ChunkContext:
    table: str
    display: str
    problems: Problems
    warn: Callable[[str], None]
    pseudonymise: Callable[[pa.Array, str], pa.Array] | None = None
    warned: set[str] = field(default_factory=set)
    utf8_checked: bool = False  # the reader already refused invalid UTF-8 in text columns (CSV)

    def warn_once(self, key: str, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.warn(message)


class WrongType(Exception):
    """A column's type cannot hold this format column (e.g. a float ``created_at`` in Parquet)."""


def _text(values: pa.Array) -> pa.Array:
    try:
        return normalise.clean_strings(values)
    except TypeError as e:
        raise WrongType(str(e)) from e


def _parse(kind: str, values: pa.Array) -> tuple[pa.Array, np.ndarray | None, str]:
    """Parse one column; returns (values, rejected mask or None, reason for rejections)."""
    try:
        if kind in ("id", "text", "email", "ip", "network"):
            return _text(values), None, ""
        if kind == "lower":
            return normalise.lower(_text(values)), None, ""
        if kind == "upper":
            return normalise.upper(_text(values)), None, ""
        if kind == "timestamp":
            out, bad = normalise.parse_timestamps(values)
            return out, bad, "invalid timestamp (expected ISO 8601, a real date and time)"
        if kind == "date":
            out, bad = normalise.parse_dates(values)
            return out, bad, "invalid date (expected YYYY-MM-DD)"
        if kind == "bool":
            out, bad = normalise.parse_bools(values)
            return out, bad, "invalid boolean (expected true/false, 1/0, yes/no)"
        if kind == "count":
            out, bad = normalise.parse_ints(values)
            return out, bad, "invalid integer"
    except TypeError as e:
        raise WrongType(str(e)) from e
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise WrongType(str(e)) from e
    raise ValueError(kind)


_EXPECTED = {
    "timestamp": "an ISO 8601 timestamp",
    "date": "a date",
    "bool": "a boolean",
    "count": "an integer",
}


def stage_chunk(ctx: ChunkContext, data: pa.Table, rows: np.ndarray) -> pa.Table | None:
    """Validate and normalise one chunk into ``RAW_SCHEMAS[table]``; None if it is unusable.

    ``data`` has lower-case, mapped column names. Missing optional columns become null;
    missing required columns were reported before streaming started (or are reported here
    for JSONL, whose columns are only known per chunk).
    """
    if not _has_required_columns(ctx, data):
        return None
    if not _check_raw_text(ctx, data, rows):
        return None
    parsed = _parse_columns(ctx, data, rows)
    if parsed is None:
        return None
    spec = {c.name for c in FORMAT[ctx.table]}
    extras = [c for c in data.column_names if c not in spec]
    if extras and ctx.table != "accounts":
        ctx.warn_once("extra", f"{ctx.display}: ignoring unknown column(s): {', '.join(extras)}")
    chunk = _Chunk(ctx, data, rows, parsed, extras)
    out: dict[str, pa.Array] = {"_row": pa.array(rows, pa.int64())}
    out.update(_NORMALISERS.get(ctx.table, _plain_columns)(chunk))
    return pa.table(out).cast(RAW_SCHEMAS[ctx.table])


def _has_required_columns(ctx: ChunkContext, data: pa.Table) -> bool:
    present = set(data.column_names)
    missing = [c.name for c in FORMAT[ctx.table] if c.required and c.name not in present]
    for name in missing:
        ctx.problems.add(ctx.display, "missing required column", None, name)
    return not missing


def _check_raw_text(ctx: ChunkContext, data: pa.Table, rows: np.ndarray) -> bool:
    """NUL bytes, invalid UTF-8, oversized values and card numbers, on every column's raw text.

    Returns False when the chunk cannot be used (invalid UTF-8, or a full card number: those
    rows are never staged, so a card number never reaches the store).
    """
    spec = {c.name for c in FORMAT[ctx.table]}
    for name in data.column_names:
        raw = normalise.plain(data.column(name))
        if normalise.is_textual(raw.type) and not _check_text_bytes(ctx, raw, rows, name):
            return False
        # payment columns, and unknown account columns (they are kept in accounts.extra)
        may_hold_card = ctx.table == "payment_methods" or (ctx.table == "accounts" and name not in spec)
        if may_hold_card and (normalise.is_textual(raw.type) or pa.types.is_integer(raw.type)):
            _report_card_numbers(ctx, raw, rows, name)
    return not ctx.problems.cards


def _check_text_bytes(ctx: ChunkContext, raw: pa.Array, rows: np.ndarray, name: str) -> bool:
    problems, display = ctx.problems, ctx.display
    bad_utf8 = np.zeros(0, dtype=bool) if ctx.utf8_checked else normalise.invalid_utf8(raw)
    if bad_utf8.any():
        problems.add_mask(display, bad_utf8, rows, name, "value is not valid UTF-8")
        return False
    problems.add_mask(display, normalise.contains_nul(raw), rows, name, "value contains a NUL byte")
    too_long = pc.fill_null(pc.greater(pc.binary_length(raw), MAX_VALUE_BYTES), False)
    problems.add_mask(
        display,
        np.asarray(too_long.to_numpy(zero_copy_only=False)),
        rows,
        name,
        f"value longer than {MAX_VALUE_BYTES:,} bytes",
    )
    return True


def _report_card_numbers(ctx: ChunkContext, raw: pa.Array, rows: np.ndarray, name: str) -> None:
    hits = cards.find_card_numbers(raw)
    if not len(hits):
        return
    sample = raw.take(pa.array(hits[:5])).to_pylist()
    for i, value in zip(hits[:5], sample, strict=False):
        ctx.problems.cards.append(
            Problem(
                ctx.display,
                f"looks like a full card number (ending {cards.mask_card(str(value))[-4:]}); "
                "export the processor's fingerprint, never the card number",
                int(rows[i]),
                name,
            )
        )


def _parse_columns(ctx: ChunkContext, data: pa.Table, rows: np.ndarray) -> dict[str, pa.Array] | None:
    """Every format column present, parsed to its type; bad values reported by row."""
    parsed: dict[str, pa.Array] = {}
    present = set(data.column_names)
    for c in FORMAT[ctx.table]:
        if c.name not in present:
            continue
        try:
            values, bad, reason = _parse(c.kind, data.column(c.name))
        except WrongType as e:
            expected = _EXPECTED.get(c.kind, "text")
            ctx.problems.add(ctx.display, f"wrong type: expected {expected} ({e})", None, c.name)
            return None
        _check_values(ctx, c, values, bad, reason, rows)
        parsed[c.name] = values
    return parsed


def _check_values(
    ctx: ChunkContext,
    c: Column,
    values: pa.Array,
    bad: np.ndarray | None,
    reason: str,
    rows: np.ndarray,
) -> None:
    problems, display, name = ctx.problems, ctx.display, c.name
    if bad is not None and bad.any():
        problems.add_mask(display, bad, rows, name, reason)
    if c.kind == "count":
        problems.add_mask(
            display, normalise.negative(values), rows, name, "negative value (counts must be >= 0)"
        )
    if c.required:
        rejected = bad if bad is not None else np.zeros(len(values), dtype=bool)
        missing = np.asarray(pc.is_null(values).to_numpy(zero_copy_only=False)) & ~rejected
        problems.add_mask(display, missing, rows, name, "missing value in required column")
    limit = MAX_LENGTH.get((ctx.table, name))
    if limit is not None:
        too_long = pc.fill_null(pc.greater(pc.utf8_length(values), limit), False).to_numpy(
            zero_copy_only=False
        )
        problems.add_mask(
            display, too_long, rows, name, f"longer than {limit} characters (only a card fragment is allowed)"
        )


@dataclass
class _Chunk:
    """One parsed chunk on its way to a raw staged table."""

    ctx: ChunkContext
    data: pa.Table
    rows: np.ndarray
    parsed: dict[str, pa.Array]
    extras: list[str]

    def col(self, name: str, t: pa.DataType = _S) -> pa.Array:
        return self.parsed[name] if name in self.parsed else pa.nulls(self.data.num_rows, t)


def _account_columns(chunk: _Chunk) -> dict[str, pa.Array]:
    ctx, col = chunk.ctx, chunk.col
    emails = normalise.normalise_emails(col("email"))
    if emails.invalid.any():
        ctx.warn_once("email", f"{ctx.display}: some email values are not addresses (no domain derived)")
    webmail, disposable = normalise.domain_flags(emails.domain)
    email, local = emails.email, emails.local
    signals = normalise.local_part_signals(local)  # from the plain value, before any hashing
    template = signals.template
    if ctx.pseudonymise is not None:
        local = ctx.pseudonymise(local, "email_local")
        email = pc.binary_join_element_wise(local, emails.domain, "@")
        template = ctx.pseudonymise(template, "email_template")  # equality survives, text does not
    return {
        "account_id": col("account_id"),
        "created_at": col("created_at", UTC_US),
        "email": email,
        "email_domain": emails.domain,
        "email_local": local,
        "email_random": signals.random,
        "email_namelike": signals.namelike,
        "email_template": template,
        "email_number": signals.number,
        "email_shape": signals.shape,
        "webmail": webmail,
        "disposable": disposable,
        "country": col("country"),
        "org_id": col("org_id"),
        "org_verified": col("org_verified", pa.bool_()),
        "plan": col("plan"),
        "status": col("status"),
        "extra": _extra_json(ctx, chunk.data, chunk.extras),
    }


def _ip_event_columns(chunk: _Chunk) -> dict[str, pa.Array]:
    ctx, col = chunk.ctx, chunk.col
    ips = normalise.parse_ips(col("ip"))
    ctx.problems.add_mask(ctx.display, ips.invalid, chunk.rows, "ip", "invalid IP address")
    ip = ips.ip
    if ctx.pseudonymise is not None:
        ip = ctx.pseudonymise(ip, "ip")
    return {
        "account_id": col("account_id"),
        "ip": ip,
        "version": ips.version,
        "ip_hi": ips.hi,
        "ip_lo": ips.lo,
        "subnet": ips.subnet,
        "first_seen": col("first_seen", UTC_US),
        "last_seen": col("last_seen", UTC_US),
        "request_count": col("request_count", pa.int64()),
        "user_agent": col("user_agent"),
        "device_id": col("device_id"),
        "proxy_provider": col("proxy_provider"),
    }


def _ip_intel_columns(chunk: _Chunk) -> dict[str, pa.Array]:
    ctx, col = chunk.ctx, chunk.col
    nets = normalise.parse_networks(col("network"))
    ctx.problems.add_mask(
        ctx.display, nets.invalid, chunk.rows, "network", "invalid network (expected an IP address or CIDR)"
    )
    if nets.host_bits.any():
        ctx.warn_once(
            "host_bits", f"{ctx.display}: some networks have host bits set; they were masked to the prefix"
        )
    return {
        "network": nets.network,
        "provider": col("provider"),
        "kind": col("kind"),
        "asn": col("asn", pa.int64()),
    }


def _payment_columns(chunk: _Chunk) -> dict[str, pa.Array]:
    """Payment rows; a funding column (credit, debit, prepaid, ...) is kept in ``method_type``.

    The store has one instrument-type column. Folding the funding text into it
    (``card/prepaid``) keeps what the processor said, so the prepaid synonym table sees it
    whichever column carried it.
    """
    out = _plain_columns(chunk)
    if "funding" in chunk.parsed:
        method, funding = out["method_type"], chunk.parsed["funding"]
        both = pc.binary_join_element_wise(method, funding, "/")
        out["method_type"] = pc.coalesce(both, method, funding)
    return out


def _plain_columns(chunk: _Chunk) -> dict[str, pa.Array]:
    schema = RAW_SCHEMAS[chunk.ctx.table]
    return {name: chunk.col(name, schema.field(name).type) for name in schema.names[1:]}


# How each table's parsed columns become its raw staged columns (others: as parsed).
_NORMALISERS: dict[str, Callable[[_Chunk], dict[str, pa.Array]]] = {
    "accounts": _account_columns,
    "ip_events": _ip_event_columns,
    "ip_intel": _ip_intel_columns,
    "payment_methods": _payment_columns,
}


def _extra_json(ctx: ChunkContext, data: pa.Table, extras: list[str]) -> pa.Array:
    """Unknown account columns as one JSON object per row (kept as ``accounts.extra``)."""
    keep: dict[str, pa.Array] = {}
    for name in extras:
        arr = normalise.plain(data.column(name))
        t = arr.type
        if pa.types.is_nested(t) or pa.types.is_binary(t):
            ctx.warn_once(f"extra:{name}", f"{ctx.display}: ignoring column {name!r} of type {t}")
            continue
        keep[name] = arr
    if keep:
        ctx.warn_once("extra", f"{ctx.display}: unknown column(s) kept in accounts.extra: {', '.join(keep)}")
    return normalise.json_objects(keep, data.num_rows)

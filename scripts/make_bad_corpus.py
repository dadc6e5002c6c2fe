"""Generate the bad-input corpus: broken exports that ``linkgraph load`` must refuse.

Each case is a small, otherwise valid export with exactly one defect, plus the error the loader
must report for it (file, row, column, a reason fragment). Keeping the defects in code rather
than in hand-edited blobs means every case says what it breaks and can be regenerated:

    .venv/bin/python scripts/make_bad_corpus.py tests/data/bad

writes the small cases (committed, well under 1 MB). Cases marked ``runtime`` (the 10 MB
field, symlink loops: too big or too odd for git) are only built by the tests, in a temporary
directory, with ``build(out, runtime=True)``.

Layout: ``<out>/<case>/export/<files>`` and, for mapping cases, ``<out>/<case>/mapping.toml``;
``<out>/manifest.json`` lists every case with its expectation.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# --------------------------------------------------------------------------- the good export

ACCOUNTS_HEADER = "account_id,created_at,email,country,org_id,org_verified,plan,status"
ACCOUNT_ROWS = [
    "b1,2024-03-01T00:00:00Z,alice@example.com,US,o1,true,pro,active",
    "b2,2024-03-02T10:00:00+02:00,bob@gmail.com,GB,o1,false,free,active",
    "b3,2024-03-03,carol@corp.example,DE,,,team,suspended",
    "b4,2024-03-04T08:30:00,dave@mailinator.com,FR,o2,yes,api,active",
]
PAYMENTS_HEADER = "account_id,payment_fingerprint,method_type,card_bin,card_last4,billing_country,added_at"
PAYMENT_ROWS = [
    "b1,fp_shared,card,411111,1111,US,2024-03-01T00:00:00Z",
    "b2,fp_shared,card,411111,1111,US,2024-03-02T00:00:00Z",
    "b3,fp_3,paypal,,,DE,",
]
IP_HEADER = "account_id,ip,first_seen,last_seen,request_count,user_agent,device_id,proxy_provider"
IP_ROWS = [
    "b1,10.1.2.3,2024-03-01T00:00:00Z,2024-03-02T00:00:00Z,5,curl/8,dev1,",
    "b2,10.1.2.3,2024-03-02T00:00:00Z,2024-03-03T00:00:00Z,7,curl/8,dev1,",
    "b3,2001:db8::1,,,1,,,VPNCo",
    "b4,192.0.2.44,,,2,httpx,dev4,",
]
INTEL_HEADER = "network,provider,kind,asn"
INTEL_ROWS = [
    "10.0.0.0/8,BigISP,isp,64500",
    "2001:db8::/32,VPNCo,vpn,64501",
]
USAGE_HEADER = "account_id,day,requests,tokens,category,flagged_jailbreak"
USAGE_ROWS = [
    "b1,2024-03-01,10,1000,coding,0",
    "b2,2024-03-01,20,2000,reasoning,1",
    "b4,2024-03-02,3,,chat,",
]


def csv_text(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def good_files(prefix: str = "b") -> dict[str, bytes]:
    """A complete, valid export (all five tables); ``prefix`` renames the account ids."""

    def ids(rows: list[str]) -> list[str]:
        return [prefix + r[1:] if r.startswith("b") else r for r in rows]

    return {
        "accounts.csv": csv_text(ACCOUNTS_HEADER, ids(ACCOUNT_ROWS)),
        "payment_methods.csv": csv_text(PAYMENTS_HEADER, ids(PAYMENT_ROWS)),
        "ip_events.csv": csv_text(IP_HEADER, ids(IP_ROWS)),
        "ip_intel.csv": csv_text(INTEL_HEADER, INTEL_ROWS),
        "usage.csv": csv_text(USAGE_HEADER, ids(USAGE_ROWS)),
    }


def replace_row(header: str, rows: list[str], index: int, row: str) -> bytes:
    """The CSV with data row ``index`` (0-based; reported as row index+1) replaced."""
    out = list(rows)
    out[index] = row
    return csv_text(header, out)


def parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the Luhn check digit (builds card-like numbers of any length)."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return prefix + str((10 - total % 10) % 10)


# --------------------------------------------------------------------------- cases


@dataclass
class Expect:
    """What loading the case must raise. ``error`` is the class name; ``row``/``column`` are
    exact (None means "about the whole file/column"), ``reason`` is a fragment of the reason.
    ``error == "ok"`` means the case must load fine (a tolerated oddity such as a BOM)."""

    error: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    reason: str = ""
    secret: str | None = None  # must never appear in the message (a card number)


@dataclass
class Case:
    name: str
    what: str
    expect: Expect
    files: Callable[[], dict[str, bytes]] | None = None
    mapping: str | None = None
    runtime: bool = False  # too big or too odd to commit: built at test time only
    special: Callable[[Path], None] | None = None  # extra filesystem setup (symlinks)
    tables: list[str] = field(default_factory=lambda: ["accounts"])


def with_files(**changes: bytes | None) -> Callable[[], dict[str, bytes]]:
    """The good export with some files replaced (``None`` removes one); keys use ``__`` for ``.``."""

    def make() -> dict[str, bytes]:
        files = good_files()
        for key, data in changes.items():
            name = key.replace("__", ".")
            if data is None:
                files.pop(name, None)
            else:
                files[name] = data
        return files

    return make


def _accounts_rows(index: int, row: str) -> bytes:
    return replace_row(ACCOUNTS_HEADER, ACCOUNT_ROWS, index, row)


CARD_16 = "4111111111111111"
CARD_13 = "4222222222222"
CARD_19 = luhn_complete("622126000000000000")  # 19 digits
CARD_AMEX = "378282246310005"  # 15 digits
assert len(CARD_19) == 19


def _pm_row(fp: str = "fp_x", method: str = "card", bin_: str = "", last4: str = "") -> bytes:
    return csv_text(
        PAYMENTS_HEADER, [*PAYMENT_ROWS, f"b4,{fp},{method},{bin_},{last4},FR,2024-03-04T00:00:00Z"]
    )


def _big_field() -> dict[str, bytes]:
    big = "x" * (10 * 1024 * 1024)
    return with_files(
        accounts__csv=_accounts_rows(1, f"b2,2024-03-02T10:00:00Z,bob@gmail.com,GB,o1,false,free,{big}")
    )()


def _symlink_self(export: Path) -> None:
    (export / "accounts.csv").unlink(missing_ok=True)
    os.symlink("accounts.csv", export / "accounts.csv")


def _symlink_dir_loop(export: Path) -> None:
    (export / "accounts.csv").unlink(missing_ok=True)
    os.mkdir(export / "sub")
    os.symlink("..", export / "sub" / "up")
    os.symlink("sub/up/sub/up/accounts.csv", export / "accounts.csv")


def _jsonl(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


GOOD_JSON_ACCOUNTS = [
    {"account_id": "b1", "created_at": "2024-03-01T00:00:00Z", "email": "alice@example.com"},
    {"account_id": "b2", "created_at": "2024-03-02T00:00:00Z", "email": "bob@gmail.com"},
    {"account_id": "b3", "created_at": "2024-03-03T00:00:00Z", "email": "carol@corp.example"},
    {"account_id": "b4", "created_at": "2024-03-04T00:00:00Z", "email": "dave@mailinator.com"},
]


def _jsonl_with_line(line_no: int, raw: bytes) -> bytes:
    lines = _jsonl(GOOD_JSON_ACCOUNTS).splitlines(keepends=True)
    lines[line_no - 1] = raw + b"\n"
    return b"".join(lines)


def _accounts_parquet(**cols: pa.Array) -> bytes:
    base = {
        "account_id": pa.array(["b1", "b2", "b3", "b4"]),
        "created_at": pa.array(["2024-03-01T00:00:00Z"] * 4),
        "email": pa.array(
            ["alice@example.com", "bob@gmail.com", "carol@corp.example", "dave@mailinator.com"]
        ),
    }
    base.update(cols)
    return parquet_bytes(pa.table(base))


def _ip_parquet(**cols: pa.Array) -> bytes:
    base = {
        "account_id": pa.array(["b1", "b2", "b3", "b4"]),
        "ip": pa.array(["10.1.2.3", "10.1.2.3", "2001:db8::1", "192.0.2.44"]),
        "request_count": pa.array([5, 7, 1, 2], pa.int64()),
    }
    base.update(cols)
    return parquet_bytes(pa.table(base))


def _truncated_gzip() -> bytes:
    data = gz(csv_text(ACCOUNTS_HEADER, ACCOUNT_ROWS * 50))
    return data[: len(data) // 2]


def _corrupt_parquet() -> bytes:
    """Valid footer, garbage pages: the file opens, reading its data must fail."""
    good = bytearray(_accounts_parquet())
    footer_len = int.from_bytes(good[-8:-4], "little")
    data_end = len(good) - 8 - footer_len
    good[4:data_end] = b"\xff" * (data_end - 4)
    return bytes(good)


def _truncated_parquet() -> bytes:
    good = _accounts_parquet()
    return good[: len(good) // 2]


E, C, M = "ExportError", "CardNumberError", "MappingError"
EXPORT_DIR = "<export dir>"  # Expect.file placeholder: the problem names the export directory itself

CASES: list[Case] = [
    # ---------------------------------------------------------------- structure
    Case(
        "missing_required_column",
        "accounts.csv has no created_at column",
        Expect(E, "accounts.csv", None, "created_at", "missing required column"),
        with_files(accounts__csv=b"account_id,email\nb1,a@example.com\n"),
    ),
    Case(
        "missing_required_child_column",
        "ip_events.csv has no ip column",
        Expect(E, "ip_events.csv", None, "ip", "missing required column"),
        with_files(ip_events__csv=b"account_id,request_count\nb1,3\n"),
    ),
    Case(
        "empty_accounts",
        "accounts.csv is zero bytes",
        Expect(E, "accounts.csv", None, None, "empty"),
        with_files(accounts__csv=b""),
    ),
    Case(
        "header_only",
        "accounts.csv has a header and no rows",
        Expect(E, "accounts.csv", None, None, "no data rows"),
        with_files(
            accounts__csv=(ACCOUNTS_HEADER + "\n").encode(),
            payment_methods__csv=None,
            ip_events__csv=None,
            usage__csv=None,
        ),
    ),
    Case(
        "duplicate_account_id",
        "b2 appears in data rows 2 and 4",
        Expect(E, "accounts.csv", 4, "account_id", "duplicate account_id"),
        with_files(accounts__csv=_accounts_rows(3, "b2,2024-03-04T08:30:00Z,x@example.com,FR,,,api,active")),
    ),
    Case(
        "duplicate_column",
        "accounts.csv header names email twice",
        Expect(E, "accounts.csv", None, None, "duplicate column"),
        with_files(accounts__csv=b"account_id,created_at,email,EMAIL\nb1,2024-03-01,a@x.com,b@x.com\n"),
    ),
    Case(
        "unknown_account_payment",
        "payment_methods row 2 names an account not in accounts",
        Expect(E, "payment_methods.csv", 2, "account_id", "unknown account_id"),
        with_files(payment_methods__csv=replace_row(PAYMENTS_HEADER, PAYMENT_ROWS, 1, "zz9,fp_2,card,,,,")),
    ),
    Case(
        "unknown_account_ip_events",
        "ip_events row 3 names an unknown account",
        Expect(E, "ip_events.csv", 3, "account_id", "unknown account_id"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 2, "ghost,10.9.9.9,,,1,,,")),
    ),
    Case(
        "unknown_account_usage",
        "usage row 1 names an unknown account",
        Expect(E, "usage.csv", 1, "account_id", "unknown account_id"),
        with_files(usage__csv=replace_row(USAGE_HEADER, USAGE_ROWS, 0, "nobody,2024-03-01,1,,,")),
    ),
    Case(
        "no_accounts_file",
        "the directory has child tables but no accounts file",
        Expect(E, EXPORT_DIR, None, None, "no accounts file"),
        with_files(accounts__csv=None),
    ),
    Case(
        "unknown_table_name_only",
        "the accounts table is exported as users.csv (not a table name)",
        Expect(E, EXPORT_DIR, None, None, "no accounts file"),
        with_files(accounts__csv=None, users__csv=csv_text(ACCOUNTS_HEADER, ACCOUNT_ROWS)),
    ),
    Case(
        "two_files_one_table",
        "accounts.csv and accounts.jsonl both present",
        Expect(E, "accounts.jsonl", None, None, "two files for table accounts"),
        with_files(accounts__jsonl=_jsonl(GOOD_JSON_ACCOUNTS)),
    ),
    # ---------------------------------------------------------------- values
    Case(
        "invalid_ipv4",
        "ip_events row 2 has 256.1.2.3",
        Expect(E, "ip_events.csv", 2, "ip", "invalid IP address"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 1, "b2,256.1.2.3,,,7,,,")),
    ),
    Case(
        "ipv4_leading_zero",
        "ip_events row 4 has 192.0.02.44 (octal in some tools: ambiguous)",
        Expect(E, "ip_events.csv", 4, "ip", "invalid IP address"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 3, "b4,192.0.02.44,,,2,,,")),
    ),
    Case(
        "ipv4_three_octets",
        "ip_events row 1 has 10.1.2",
        Expect(E, "ip_events.csv", 1, "ip", "invalid IP address"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 0, "b1,10.1.2,,,5,,,")),
    ),
    Case(
        "invalid_ipv6",
        "ip_events row 3 has 2001:db8::g1",
        Expect(E, "ip_events.csv", 3, "ip", "invalid IP address"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 2, "b3,2001:db8::g1,,,1,,,")),
    ),
    Case(
        "ipv6_double_compression",
        "ip_events row 3 has 2001::db8::1",
        Expect(E, "ip_events.csv", 3, "ip", "invalid IP address"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 2, "b3,2001::db8::1,,,1,,,")),
    ),
    Case(
        "cidr_prefix_too_long",
        "ip_intel row 1 has 10.0.0.0/33",
        Expect(E, "ip_intel.csv", 1, "network", "invalid network"),
        with_files(ip_intel__csv=replace_row(INTEL_HEADER, INTEL_ROWS, 0, "10.0.0.0/33,BigISP,isp,1")),
    ),
    Case(
        "cidr_garbage",
        "ip_intel row 2 has 'not-a-network/xx'",
        Expect(E, "ip_intel.csv", 2, "network", "invalid network"),
        with_files(ip_intel__csv=replace_row(INTEL_HEADER, INTEL_ROWS, 1, "not-a-network/xx,VPNCo,vpn,2")),
    ),
    Case(
        "cidr_ipv6_prefix_too_long",
        "ip_intel row 2 has 2001:db8::/129",
        Expect(E, "ip_intel.csv", 2, "network", "invalid network"),
        with_files(ip_intel__csv=replace_row(INTEL_HEADER, INTEL_ROWS, 1, "2001:db8::/129,VPNCo,vpn,2")),
    ),
    Case(
        "unparsable_timestamp",
        "accounts row 3 created_at is 'yesterday'",
        Expect(E, "accounts.csv", 3, "created_at", "invalid timestamp"),
        with_files(accounts__csv=_accounts_rows(2, "b3,yesterday,carol@corp.example,DE,,,team,active")),
    ),
    Case(
        "impossible_date",
        "accounts row 2 created_at is 2024-02-30",
        Expect(E, "accounts.csv", 2, "created_at", "invalid timestamp"),
        with_files(accounts__csv=_accounts_rows(1, "b2,2024-02-30T10:00:00Z,bob@gmail.com,GB,,,free,active")),
    ),
    Case(
        "impossible_time",
        "accounts row 1 created_at is 25:00",
        Expect(E, "accounts.csv", 1, "created_at", "invalid timestamp"),
        with_files(
            accounts__csv=_accounts_rows(0, "b1,2024-03-01T25:00:00Z,alice@example.com,US,,,pro,active")
        ),
    ),
    Case(
        "year_zero",
        "accounts row 4 created_at is year 0000",
        Expect(E, "accounts.csv", 4, "created_at", "invalid timestamp"),
        with_files(
            accounts__csv=_accounts_rows(3, "b4,0000-01-01T00:00:00Z,dave@mailinator.com,FR,,,api,active")
        ),
    ),
    Case(
        "missing_required_value",
        "accounts row 2 has an empty created_at",
        Expect(E, "accounts.csv", 2, "created_at", "missing value"),
        with_files(accounts__csv=_accounts_rows(1, "b2,,bob@gmail.com,GB,,,free,active")),
    ),
    Case(
        "invalid_usage_day",
        "usage row 2 day is 2024-13-01",
        Expect(E, "usage.csv", 2, "day", "invalid date"),
        with_files(usage__csv=replace_row(USAGE_HEADER, USAGE_ROWS, 1, "b2,2024-13-01,20,,,")),
    ),
    Case(
        "negative_request_count",
        "ip_events row 2 request_count is -7",
        Expect(E, "ip_events.csv", 2, "request_count", "negative"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 1, "b2,10.1.2.3,,,-7,,,")),
    ),
    Case(
        "negative_usage_requests",
        "usage row 3 requests is -3",
        Expect(E, "usage.csv", 3, "requests", "negative"),
        with_files(usage__csv=replace_row(USAGE_HEADER, USAGE_ROWS, 2, "b4,2024-03-02,-3,,chat,")),
    ),
    Case(
        "non_integer_count",
        "usage row 1 tokens is '12abc'",
        Expect(E, "usage.csv", 1, "tokens", "invalid integer"),
        with_files(usage__csv=replace_row(USAGE_HEADER, USAGE_ROWS, 0, "b1,2024-03-01,10,12abc,coding,0")),
    ),
    Case(
        "invalid_bool",
        "accounts row 1 org_verified is 'maybe'",
        Expect(E, "accounts.csv", 1, "org_verified", "invalid boolean"),
        with_files(
            accounts__csv=_accounts_rows(
                0, "b1,2024-03-01T00:00:00Z,alice@example.com,US,o1,maybe,pro,active"
            )
        ),
    ),
    # ---------------------------------------------------------------- bytes and encodings
    Case(
        "non_utf8_value",
        "accounts row 2 email holds Latin-1 bytes",
        Expect(E, "accounts.csv", 2, "email", "not valid UTF-8"),
        with_files(
            accounts__csv=csv_text(ACCOUNTS_HEADER, [ACCOUNT_ROWS[0]])
            + b"b2,2024-03-02,"
            + b"b\xf6b@example.com,GB,,,free,active\n"
        ),
    ),
    Case(
        "non_utf8_header",
        "accounts.csv header holds a 0xff byte",
        Expect(E, "accounts.csv", None, None, "not valid UTF-8"),
        with_files(accounts__csv=b"account_id,created_at,\xffemail\nb1,2024-03-01,a@x.com\n"),
    ),
    Case(
        "non_utf8_jsonl",
        "accounts.jsonl line 2 holds invalid UTF-8",
        Expect(E, "accounts.jsonl", 2, "email", "not valid UTF-8"),
        with_files(
            accounts__csv=None,
            accounts__jsonl=_jsonl_with_line(
                2, b'{"account_id": "b2", "created_at": "2024-03-02", "email": "b\xf6b@x.com"}'
            ),
        ),
    ),
    Case(
        "bom_tolerated",
        "accounts.csv starts with a UTF-8 BOM: must LOAD fine",
        Expect("ok", reason="4 accounts"),
        with_files(accounts__csv=b"\xef\xbb\xbf" + csv_text(ACCOUNTS_HEADER, ACCOUNT_ROWS)),
    ),
    Case(
        "ragged_row_long",
        "accounts row 3 has 9 fields for 8 columns",
        Expect(E, "accounts.csv", 3, None, "expected 8 fields, found 9"),
        with_files(accounts__csv=_accounts_rows(2, ACCOUNT_ROWS[2] + ",extra")),
    ),
    Case(
        "ragged_row_short",
        "ip_events row 2 has 3 fields for 8 columns",
        Expect(E, "ip_events.csv", 2, None, "expected 8 fields, found 3"),
        with_files(ip_events__csv=replace_row(IP_HEADER, IP_ROWS, 1, "b2,10.1.2.3,x")),
    ),
    Case(
        "unclosed_quote_last_row",
        "accounts row 4 opens a quote that never closes",
        Expect(E, "accounts.csv", 4, None, "quote"),
        with_files(
            accounts__csv=_accounts_rows(
                3, 'b4,2024-03-04T08:30:00Z,"dave@mailinator.com,FR,o2,yes,api,active'
            )
        ),
    ),
    Case(
        "unclosed_quote_middle",
        "accounts row 2 opens a quote that swallows the rest of the file",
        Expect(E, "accounts.csv", 2, None, "quote"),
        with_files(
            accounts__csv=_accounts_rows(1, 'b2,2024-03-02T10:00:00Z,"bob@gmail.com,GB,o1,false,free,active')
        ),
    ),
    Case(
        "nul_byte",
        "accounts row 3 account_id contains a NUL byte",
        Expect(E, "accounts.csv", 3, "account_id", "NUL"),
        with_files(accounts__csv=_accounts_rows(2, "b\x003,2024-03-03,carol@corp.example,DE,,,team,active")),
    ),
    Case(
        "truncated_gzip",
        "accounts.csv.gz is cut in half",
        Expect(E, "accounts.csv.gz", None, None, "gzip"),
        with_files(
            accounts__csv=None,
            accounts__csv__gz=_truncated_gzip(),
            payment_methods__csv=None,
            ip_events__csv=None,
            usage__csv=None,
        ),
    ),
    Case(
        "not_gzip",
        "accounts.csv.gz is plain text, not gzip",
        Expect(E, "accounts.csv.gz", None, None, "gzip"),
        with_files(accounts__csv=None, accounts__csv__gz=csv_text(ACCOUNTS_HEADER, ACCOUNT_ROWS)),
    ),
    Case(
        "truncated_jsonl_gz",
        "ip_events.jsonl.gz is cut short",
        Expect(E, "ip_events.jsonl.gz", None, None, "gzip"),
        with_files(
            ip_events__csv=None,
            ip_events__jsonl__gz=gz(
                _jsonl(
                    [{"account_id": f"b{1 + i % 4}", "ip": f"10.0.{i // 250}.{i % 250}"} for i in range(2000)]
                )
            )[:900],
        ),
    ),
    Case(
        "corrupt_parquet",
        "accounts.parquet has a valid footer but garbage data pages",
        Expect(E, "accounts.parquet", None, None, "Parquet"),
        with_files(accounts__csv=None, accounts__parquet=_corrupt_parquet()),
    ),
    Case(
        "truncated_parquet",
        "accounts.parquet is cut in half (no footer)",
        Expect(E, "accounts.parquet", None, None, "Parquet"),
        with_files(accounts__csv=None, accounts__parquet=_truncated_parquet()),
    ),
    Case(
        "not_parquet",
        "accounts.parquet is a CSV file",
        Expect(E, "accounts.parquet", None, None, "Parquet"),
        with_files(accounts__csv=None, accounts__parquet=csv_text(ACCOUNTS_HEADER, ACCOUNT_ROWS)),
    ),
    Case(
        "jsonl_broken_line",
        "accounts.jsonl line 3 is cut off mid-object",
        Expect(E, "accounts.jsonl", 3, None, "broken JSON"),
        with_files(
            accounts__csv=None, accounts__jsonl=_jsonl_with_line(3, b'{"account_id": "b3", "created_at": ')
        ),
    ),
    Case(
        "jsonl_not_object",
        "accounts.jsonl line 2 is a JSON array",
        Expect(E, "accounts.jsonl", 2, None, "not a JSON object"),
        with_files(accounts__csv=None, accounts__jsonl=_jsonl_with_line(2, b'["b2", "2024-03-02"]')),
    ),
    Case(
        "parquet_float_timestamp",
        "accounts.parquet created_at is a float64 column",
        Expect(E, "accounts.parquet", None, "created_at", "wrong type"),
        with_files(
            accounts__csv=None,
            accounts__parquet=_accounts_parquet(
                created_at=pa.array([1.7e9, 1.7e9, 1.7e9, 1.7e9], pa.float64())
            ),
        ),
    ),
    Case(
        "parquet_float_ip",
        "ip_events.parquet ip is a float64 column",
        Expect(E, "ip_events.parquet", None, "ip", "wrong type"),
        with_files(ip_events__csv=None, ip_events__parquet=_ip_parquet(ip=pa.array([1.5, 2.5, 3.5, 4.5]))),
    ),
    Case(
        "parquet_list_account_id",
        "accounts.parquet account_id is a list column",
        Expect(E, "accounts.parquet", None, "account_id", "wrong type"),
        with_files(
            accounts__csv=None,
            accounts__parquet=_accounts_parquet(account_id=pa.array([["b1"], ["b2"], ["b3"], ["b4"]])),
        ),
    ),
    Case(
        "parquet_string_count",
        "ip_events.parquet request_count is text with a non-number in row 3",
        Expect(E, "ip_events.parquet", 3, "request_count", "invalid integer"),
        with_files(
            ip_events__csv=None,
            ip_events__parquet=_ip_parquet(request_count=pa.array(["5", "7", "lots", "2"])),
        ),
    ),
    # ---------------------------------------------------------------- card numbers (PANs)
    Case(
        "card_fingerprint",
        "payment_fingerprint of row 4 is a full 16-digit card number",
        Expect(C, "payment_methods.csv", 4, "payment_fingerprint", "card number", CARD_16),
        with_files(payment_methods__csv=_pm_row(fp=CARD_16)),
    ),
    Case(
        "card_with_spaces",
        "payment_fingerprint with spaces: 4111 1111 1111 1111",
        Expect(C, "payment_methods.csv", 4, "payment_fingerprint", "card number", "4111 1111 1111 1111"),
        with_files(payment_methods__csv=_pm_row(fp="4111 1111 1111 1111")),
    ),
    Case(
        "card_with_dashes_in_bin",
        "card_bin holds a dashed 16-digit Mastercard number",
        Expect(C, "payment_methods.csv", 4, "card_bin", "card number", "5555-5555-5555-4444"),
        with_files(payment_methods__csv=_pm_row(bin_="5555-5555-5555-4444")),
    ),
    Case(
        "card_13_digits",
        "card_last4 holds a 13-digit Luhn-valid number",
        Expect(C, "payment_methods.csv", 4, "card_last4", "card number", CARD_13),
        with_files(payment_methods__csv=_pm_row(last4=CARD_13)),
    ),
    Case(
        "card_15_digits_method_type",
        "method_type (free text) holds an Amex number",
        Expect(C, "payment_methods.csv", 4, "method_type", "card number", CARD_AMEX),
        with_files(payment_methods__csv=_pm_row(method=CARD_AMEX)),
    ),
    Case(
        "card_19_digits",
        "payment_fingerprint is a 19-digit Luhn-valid number",
        Expect(C, "payment_methods.csv", 4, "payment_fingerprint", "card number", CARD_19),
        with_files(payment_methods__csv=_pm_row(fp=CARD_19)),
    ),
    Case(
        "card_in_unknown_column",
        "an extra payment_methods column 'pan' holds a card number",
        Expect(C, "payment_methods.csv", 2, "pan", "card number", CARD_16),
        with_files(
            payment_methods__csv=csv_text(
                PAYMENTS_HEADER + ",pan",
                [PAYMENT_ROWS[0] + ",", PAYMENT_ROWS[1] + "," + CARD_16, PAYMENT_ROWS[2] + ","],
            )
        ),
    ),
    Case(
        "card_parquet_int",
        "payment_fingerprint is an int64 Parquet column holding a card number",
        Expect(C, "payment_methods.parquet", 2, "payment_fingerprint", "card number", CARD_16),
        with_files(
            payment_methods__csv=None,
            payment_methods__parquet=parquet_bytes(
                pa.table(
                    {
                        "account_id": ["b1", "b2"],
                        "payment_fingerprint": pa.array([12345, int(CARD_16)], pa.int64()),
                    }
                )
            ),
        ),
    ),
    Case(
        "card_in_accounts_extra",
        "an unknown accounts column 'card' holds a card number (would be kept in extra)",
        Expect(C, "accounts.csv", 3, "card", "card number", CARD_16),
        with_files(
            accounts__csv=csv_text(
                ACCOUNTS_HEADER + ",card",
                [
                    ACCOUNT_ROWS[0] + ",",
                    ACCOUNT_ROWS[1] + ",",
                    ACCOUNT_ROWS[2] + "," + CARD_16,
                    ACCOUNT_ROWS[3] + ",",
                ],
            )
        ),
    ),
    # ---------------------------------------------------------------- mapping files
    Case(
        "mapping_missing_column",
        "mapping renames account_id from 'user_uuid', which accounts.csv lacks",
        Expect(M, reason="'user_uuid'"),
        with_files(),
        mapping='[accounts.columns]\naccount_id = "user_uuid"\n',
    ),
    Case(
        "mapping_unknown_table",
        "mapping has a [users] section (not a table)",
        Expect(M, reason="unknown table [users]"),
        with_files(),
        mapping='[users]\nfile = "accounts.csv"\n',
    ),
    Case(
        "mapping_missing_file",
        "mapping reads accounts from users.csv, which is absent",
        Expect(M, reason="'users.csv'"),
        with_files(),
        mapping='[accounts]\nfile = "users.csv"\n',
    ),
    Case(
        "mapping_unknown_column",
        "mapping targets a format column that does not exist",
        Expect(M, reason="'acct' is not a column of accounts"),
        with_files(),
        mapping='[accounts.columns]\nacct = "account_id"\n',
    ),
    Case(
        "mapping_not_toml",
        "mapping file is not TOML",
        Expect(M, reason="not valid TOML"),
        with_files(),
        mapping="[accounts\nfile = \n",
    ),
    Case(
        "mapping_path_escape",
        "mapping file names ../accounts.csv (outside the export)",
        Expect(M, reason="inside the export directory"),
        with_files(),
        mapping='[accounts]\nfile = "../accounts.csv"\n',
    ),
    # ---------------------------------------------------------------- runtime-only (big / odd)
    Case(
        "big_field_10mb",
        "accounts row 2 status is a single 10 MB value",
        Expect(E, "accounts.csv", 2, "status", "longer than 65,536 bytes"),
        _big_field,
        runtime=True,
    ),
    Case(
        "symlink_self_loop",
        "accounts.csv is a symlink to itself",
        Expect(E, "accounts.csv", None, None, "symlink loop"),
        with_files(),
        runtime=True,
        special=_symlink_self,
    ),
    Case(
        "symlink_dir_loop",
        "accounts.csv resolves through a directory loop (sub/up -> ..) to nothing",
        Expect(E, "accounts.csv", None, None, "symlink loop"),
        with_files(),
        runtime=True,
        special=_symlink_dir_loop,
    ),
]


def build(out: Path, *, runtime: bool = False, committed: bool = True) -> list[Case]:
    """Write the cases into ``out`` (replacing it); returns the cases written."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written: list[Case] = []
    for case in CASES:
        if (case.runtime and not runtime) or (not case.runtime and not committed):
            continue
        export = out / case.name / "export"
        export.mkdir(parents=True)
        for name, data in (case.files() if case.files else {}).items():
            (export / name).write_bytes(data)
        if case.mapping is not None:
            (out / case.name / "mapping.toml").write_text(case.mapping, encoding="utf-8")
        if case.special is not None:
            case.special(export)
        written.append(case)
    manifest = {c.name: {"what": c.what, **asdict(c.expect)} for c in written}
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output directory (replaced), e.g. tests/data/bad")
    parser.add_argument("--runtime", action="store_true", help="also write the big/odd runtime-only cases")
    args = parser.parse_args(argv)
    cases = build(args.out, runtime=args.runtime)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"wrote {len(cases)} cases to {args.out} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

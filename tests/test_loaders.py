"""End-to-end tests of loaders.load_export on real files written to tmp_path."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from linkgraph.loaders import TABLE_FILES, load_export

from linkgraph import schema
from linkgraph.errors import CardNumberError, ExportError, MappingError
from linkgraph.model import LoadBatch

FORMATS = ("csv", "csv.gz", "jsonl", "jsonl.gz", "parquet")

ACCOUNTS = [
    {
        "account_id": "a1",
        "created_at": "2024-01-01T00:00:00Z",
        "email": "J.Doe+x@GoogleMail.com",
        "country": "us",
        "org_id": "o1",
        "org_verified": "true",
        "plan": "Pro",
        "status": "active",
    },
    {
        "account_id": "a2",
        "created_at": "2024-01-02T05:30:00+05:30",
        "email": "x@mailinator.com",
        "country": "GB",
        "org_id": "o1",
        "org_verified": "false",
        "plan": "free",
        "status": "active",
    },
    {
        "account_id": "a3",
        "created_at": "2024-01-03",
        "email": "bob@corp.com",
        "country": None,
        "org_id": None,
        "org_verified": None,
        "plan": None,
        "status": "banned",
    },
]
PAYMENTS = [
    {
        "account_id": "a1",
        "payment_fingerprint": "fp_1",
        "method_type": "card",
        "card_bin": "411111",
        "card_last4": "1111",
        "billing_country": "US",
        "added_at": "2024-01-01T00:00:00Z",
    },
    {
        "account_id": "a2",
        "payment_fingerprint": "fp_1",
        "method_type": "prepaid_card",
        "card_bin": None,
        "card_last4": None,
        "billing_country": None,
        "added_at": "2024-01-05T00:00:00Z",
    },
    {
        "account_id": "a3",
        "payment_fingerprint": "fp_2",
        "method_type": "paypal",
        "card_bin": None,
        "card_last4": None,
        "billing_country": None,
        "added_at": None,
    },
]
IP_EVENTS = [
    {
        "account_id": "a1",
        "ip": "10.1.2.3",
        "first_seen": "2024-01-01T00:00:00Z",
        "last_seen": "2024-01-02T00:00:00Z",
        "request_count": "5",
        "user_agent": "curl/8",
        "device_id": "d1",
        "proxy_provider": None,
    },
    {
        "account_id": "a1",
        "ip": "10.1.2.3",
        "first_seen": "2023-12-01T00:00:00Z",
        "last_seen": "2024-01-01T00:00:00Z",
        "request_count": "7",
        "user_agent": "httpx",
        "device_id": "d1",
        "proxy_provider": None,
    },
    {
        "account_id": "a2",
        "ip": "2001:DB8::1",
        "first_seen": None,
        "last_seen": None,
        "request_count": "1",
        "user_agent": None,
        "device_id": "d1",
        "proxy_provider": "VPNCo",
    },
    {
        "account_id": "a3",
        "ip": "::ffff:192.168.1.9",
        "first_seen": None,
        "last_seen": None,
        "request_count": None,
        "user_agent": None,
        "device_id": None,
        "proxy_provider": "SomeProxy",
    },
]
IP_INTEL = [
    {"network": "10.0.0.0/8", "provider": "BigISP", "kind": "isp", "asn": "1"},
    {"network": "10.1.0.0/16", "provider": "ResiProxy", "kind": "residential_proxy", "asn": "2"},
    {"network": "2001:db8::/32", "provider": "VPNCo", "kind": "vpn", "asn": "3"},
]
USAGE = [
    {
        "account_id": "a1",
        "day": "2024-01-01",
        "requests": "10",
        "tokens": "100",
        "category": "coding",
        "flagged_jailbreak": "0",
    },
    {
        "account_id": "a1",
        "day": "2024-01-01",
        "requests": "5",
        "tokens": "50",
        "category": "Coding",
        "flagged_jailbreak": "1",
    },
    {
        "account_id": "a2",
        "day": "2024-01-01",
        "requests": "1",
        "tokens": None,
        "category": None,
        "flagged_jailbreak": None,
    },
]
TABLES: dict[str, list[dict[str, Any]]] = {
    "accounts": ACCOUNTS,
    "payment_methods": PAYMENTS,
    "ip_events": IP_EVENTS,
    "ip_intel": IP_INTEL,
    "usage": USAGE,
}


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for r in rows for k in r))


def _csv_bytes(rows: list[dict[str, Any]], columns: list[str] | None = None) -> bytes:
    columns = columns or _columns(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return buf.getvalue().encode()


def write_table(
    directory: Path, table: str, rows: list[dict[str, Any]], fmt: str = "csv", name: str | None = None
) -> Path:
    """Write ``rows`` as ``<table>.<fmt>`` (or ``name``) in ``directory``."""
    path = directory / (name or f"{table}.{fmt}")
    if fmt in ("csv", "csv.gz"):
        data = _csv_bytes(rows)
    elif fmt in ("jsonl", "jsonl.gz"):
        data = "".join(
            json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in rows
        ).encode()
    elif fmt == "parquet":
        cols = _columns(rows)
        pq.write_table(pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in rows]), path)
        return path
    else:
        raise ValueError(fmt)
    path.write_bytes(gzip.compress(data) if fmt.endswith(".gz") else data)
    return path


def write_export(
    directory: Path, fmt: str = "csv", tables: dict[str, list[dict[str, Any]]] | None = None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for table, rows in (tables or TABLES).items():
        write_table(directory, table, rows, fmt)
    return directory


def snapshot(batch: LoadBatch) -> dict[str, list[dict[str, Any]]]:
    """Every staged table, rows sorted, for comparing loads."""
    out = {}
    for t in schema.LOAD_TABLES:
        rows = batch.read(t).to_pylist()
        out[t] = sorted(rows, key=lambda r: json.dumps(r, default=str, sort_keys=True))
    return out


def load(directory: Path, tmp_path: Path, **kw: Any) -> LoadBatch:
    return load_export(directory, staging_dir=tmp_path / "staging", **kw)


def problem_of(exc: pytest.ExceptionInfo[ExportError]) -> tuple[str, int | None, str | None]:
    p = exc.value.first
    return p.file, p.row, p.column


# --------------------------------------------------------------------------- happy path


def test_table_files_constant() -> None:
    assert TABLE_FILES == ("accounts", "payment_methods", "ip_events", "ip_intel", "usage")


def test_load_builds_every_table_with_exact_schema(tmp_path: Path) -> None:
    batch = load(write_export(tmp_path / "ex"), tmp_path)
    try:
        for t in schema.LOAD_TABLES:
            table = batch.read(t)
            assert table.schema.equals(schema.table_schema(t)), t
            keys = list(schema.table_key(t))
            assert table.group_by(keys).aggregate([]).num_rows == table.num_rows, f"{t} keys not unique"
            assert batch.counts[t] == table.num_rows
        s = snapshot(batch)
        acc = {r["account_id"]: r for r in s["accounts"]}
        assert acc["a1"]["email_domain"] == "gmail.com" and acc["a1"]["email_local"] == "jdoe"
        assert (
            acc["a1"]["country"] == "US" and acc["a1"]["plan"] == "pro" and acc["a1"]["org_verified"] is True
        )
        assert acc["a2"]["created_at"] == datetime(2024, 1, 2, tzinfo=UTC)
        assert acc["a3"]["created_at"] == datetime(2024, 1, 3, tzinfo=UTC)
        assert {r["domain"]: (r["webmail"], r["disposable"]) for r in s["email_domains"]} == {
            "gmail.com": (True, False),
            "mailinator.com": (False, True),
            "corp.com": (False, False),
        }
        assert s["organizations"] == [{"org_id": "o1", "verified": True}]
        assert len(s["member_of"]) == 2 and len(s["email_at"]) == 3
        # payment methods: one node per fingerprint, edges per (account, fingerprint)
        pm = {r["payment_fingerprint"]: r for r in s["payment_methods"]}
        assert (
            set(pm) == {"fp_1", "fp_2"} and pm["fp_1"]["method_type"] == "prepaid_card"
        )  # last non-null wins
        assert pm["fp_1"]["card_bin"] == "411111"
        assert len(s["paid_with"]) == 3
        # devices and used_device
        assert s["devices"] == [{"device_id": "d1"}]
        assert {(r["account_id"], r["device_id"]) for r in s["used_device"]} == {("a1", "d1"), ("a2", "d1")}
        # subnets and in_subnet
        assert {r["subnet"]: r["version"] for r in s["subnets"]} == {
            "10.1.2.0/24": 4,
            "2001:db8::/48": 6,
            "192.168.1.0/24": 4,
        }
        assert len(s["in_subnet"]) == 3
        assert {r["network"] for r in s["ip_intel"]} == {"10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32"}
    finally:
        batch.cleanup()
    assert not batch.staging.exists()


def test_aggregation_used_ip_and_usage(tmp_path: Path) -> None:
    batch = load(write_export(tmp_path / "ex"), tmp_path)
    s = snapshot(batch)
    used = {(r["account_id"], r["ip"]): r for r in s["used_ip"]}
    a1 = used[("a1", "10.1.2.3")]
    assert a1["first_seen"] == datetime(2023, 12, 1, tzinfo=UTC)
    assert a1["last_seen"] == datetime(2024, 1, 2, tzinfo=UTC)
    assert a1["request_count"] == 12
    assert a1["user_agent"] == "httpx"
    assert used[("a3", "192.168.1.9")]["request_count"] is None
    usage = {(r["account_id"], r["category"]): r for r in s["usage"]}
    assert usage[("a1", "coding")]["requests"] == 15 and usage[("a1", "coding")]["tokens"] == 150
    assert usage[("a1", "coding")]["flagged_jailbreak"] == 1
    assert usage[("a2", "other")]["requests"] == 1  # null category -> 'other'
    batch.cleanup()


def test_longest_prefix_match_and_row_provider(tmp_path: Path) -> None:
    batch = load(write_export(tmp_path / "ex"), tmp_path)
    s = snapshot(batch)
    ips = {r["ip"]: r for r in s["ip_addresses"]}
    assert ips["10.1.2.3"]["proxy_provider"] == "ResiProxy"  # /16 beats /8
    assert ips["10.1.2.3"]["proxy_kind"] == "residential_proxy"
    assert ips["2001:db8::1"]["proxy_provider"] == "VPNCo" and ips["2001:db8::1"]["proxy_kind"] == "vpn"
    assert ips["192.168.1.9"]["proxy_provider"] == "SomeProxy"  # from the log's own enrichment
    assert ips["192.168.1.9"]["proxy_kind"] is None
    assert {r["provider"]: r["kind"] for r in s["proxy_providers"]} == {
        "ResiProxy": "residential_proxy",
        "VPNCo": "vpn",
        "SomeProxy": None,
    }
    assert {(r["ip"], r["provider"]) for r in s["via_proxy"]} == {
        ("10.1.2.3", "ResiProxy"),
        ("2001:db8::1", "VPNCo"),
        ("192.168.1.9", "SomeProxy"),
    }
    batch.cleanup()


def test_known_intel_and_known_accounts(tmp_path: Path) -> None:
    tables = {
        "accounts": ACCOUNTS[:1],
        "ip_events": IP_EVENTS + [dict(IP_EVENTS[0], account_id="old1", ip="172.16.5.5")],
    }
    known_intel = pa.table(
        {
            "network": ["172.16.0.0/12", "172.16.5.0/24"],
            "provider": ["Corp", "Office"],
            "kind": ["corporate", "corporate"],
            "asn": pa.array([9, 9], pa.int64()),
        }
    )
    directory = write_export(tmp_path / "ex", tables=tables)
    with pytest.raises(ExportError) as exc:
        load(directory, tmp_path)
    assert problem_of(exc) == ("ip_events.csv", 3, "account_id")
    batch = load(directory, tmp_path, known_accounts=pa.array(["a2", "a3", "old1"]), known_intel=known_intel)
    ips = {r["ip"]: r for r in batch.read("ip_addresses").to_pylist()}
    assert ips["172.16.5.5"]["proxy_provider"] == "Office"
    assert batch.read("ip_intel").num_rows == 0  # known intel is not re-emitted
    batch.cleanup()


@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_every_encoding_gives_identical_tables(tmp_path: Path, fmt: str) -> None:
    reference = snapshot(load(write_export(tmp_path / "csv", "csv"), tmp_path))
    other = snapshot(load(write_export(tmp_path / fmt.replace(".", "_"), fmt), tmp_path))
    assert other == reference


def test_typed_parquet_and_json_values(tmp_path: Path) -> None:
    """Native types (timestamps, ints, bools) in Parquet/JSONL load like their text forms."""
    reference = snapshot(load(write_export(tmp_path / "csv"), tmp_path))
    d = tmp_path / "typed"
    write_export(d, "parquet")
    accounts = pa.table(
        {
            "account_id": ["a1", "a2", "a3"],
            "created_at": pa.array(
                [
                    datetime(2024, 1, 1, tzinfo=UTC),
                    datetime(2024, 1, 2, tzinfo=UTC),
                    datetime(2024, 1, 3, tzinfo=UTC),
                ],
                pa.timestamp("ms", tz="UTC"),
            ),
            "email": [r["email"] for r in ACCOUNTS],
            "country": [r["country"] for r in ACCOUNTS],
            "org_id": [r["org_id"] for r in ACCOUNTS],
            "org_verified": pa.array([True, False, None]),
            "plan": [r["plan"] for r in ACCOUNTS],
            "status": [r["status"] for r in ACCOUNTS],
        }
    )
    pq.write_table(accounts, d / "accounts.parquet")
    (d / "usage.parquet").unlink()
    usage = [
        {**r, "requests": int(r["requests"]), "tokens": None if r["tokens"] is None else int(r["tokens"])}
        for r in USAGE
    ]
    (d / "usage.jsonl").write_text("".join(json.dumps(r) + "\n" for r in usage))
    assert snapshot(load(d, tmp_path)) == reference


def test_case_insensitive_columns_and_bom(tmp_path: Path) -> None:
    d = tmp_path / "ex"
    write_export(d)
    text = (d / "accounts.csv").read_bytes()
    header, rest = text.split(b"\n", 1)
    (d / "accounts.csv").write_bytes(b"\xef\xbb\xbf" + header.upper() + b"\n" + rest)
    batch = load(d, tmp_path)
    assert sorted(batch.read("accounts").column("account_id").to_pylist()) == ["a1", "a2", "a3"]
    batch.cleanup()


def test_small_chunks_same_result_and_row_numbers(tmp_path: Path) -> None:
    many = [dict(ACCOUNTS[0], account_id=f"u{i}", email=f"u{i}@x.org") for i in range(50)]
    tables = {
        "accounts": many,
        "ip_events": [dict(IP_EVENTS[0], account_id=f"u{i}", ip=f"10.0.{i}.1") for i in range(50)],
    }
    for fmt in ("csv", "jsonl", "parquet"):
        d = write_export(tmp_path / f"c_{fmt}", fmt, tables)
        big = snapshot(load(d, tmp_path))
        small = snapshot(load(d, tmp_path, chunk_rows=7))
        assert small == big and len(small["accounts"]) == 50
    bad = [dict(r) for r in tables["ip_events"]]
    bad[37]["ip"] = "10.0.999.1"
    for fmt in ("csv", "jsonl", "parquet"):
        d = write_export(tmp_path / f"bad_{fmt}", fmt, {"accounts": many, "ip_events": bad})
        with pytest.raises(ExportError) as exc:
            load(d, tmp_path, chunk_rows=7)
        assert problem_of(exc) == (f"ip_events.{fmt}", 38, "ip")


def test_warnings_for_unknown_files_and_columns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    d = write_export(tmp_path / "ex")
    (d / "truth.csv").write_text("account_id,campaign_id\n")
    write_table(d, "payment_methods", [dict(r, colour="red") for r in PAYMENTS])
    write_table(d, "accounts", [dict(r, referrer="ads", score=None) for r in ACCOUNTS])
    batch = load(d, tmp_path)
    text = "\n".join(batch.warnings)
    assert "truth.csv" in text and "colour" in text and "referrer" in text
    assert any("truth.csv" in r.message for r in caplog.records)
    extra = {r["account_id"]: r["extra"] for r in batch.read("accounts").to_pylist()}
    assert json.loads(extra["a1"]) == {"referrer": "ads"}
    batch.cleanup()


def test_optional_tables_absent(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS})
    batch = load(d, tmp_path)
    for t in schema.LOAD_TABLES:
        assert batch.path(t).exists()
    assert batch.counts["used_ip"] == 0 and batch.counts["accounts"] == 3
    assert [f.table for f in batch.files] == ["accounts"]
    batch.cleanup()


def test_fingerprint_stable_and_progress(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex")
    calls: list[tuple[int, int, str]] = []
    a = load(d, tmp_path, progress=lambda done, total, msg: calls.append((done, total, msg)))
    b = load(d, tmp_path)
    assert a.fingerprint == b.fingerprint
    assert calls and calls[-1][0] == calls[-1][1]
    assert all(done <= total for done, total, _ in calls)
    (d / "usage.csv").write_bytes((d / "usage.csv").read_bytes() + b"a3,2024-01-02,1,,,\n")
    assert load(d, tmp_path).fingerprint != a.fingerprint


def test_pseudonymise(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex")
    plain = snapshot(load(d, tmp_path))
    batch = load(d, tmp_path, pseudonymise_key=b"secret")
    s = snapshot(batch)
    dump = json.dumps(s, default=str)
    assert "10.1.2.3" not in dump and "jdoe" not in dump and "J.Doe" not in dump
    assert len(s["ip_addresses"]) == len(plain["ip_addresses"])
    assert {r["subnet"] for r in s["subnets"]} == {r["subnet"] for r in plain["subnets"]}
    assert {r["proxy_provider"] for r in s["ip_addresses"]} == {
        r["proxy_provider"] for r in plain["ip_addresses"]
    }
    assert load(d, tmp_path).fingerprint != batch.fingerprint


# --------------------------------------------------------------------------- mapping


def test_mapping_renames_files_and_columns(tmp_path: Path) -> None:
    d = tmp_path / "lab"
    d.mkdir()
    renamed = [
        {
            ("user_uuid" if k == "account_id" else "Signup_TS" if k == "created_at" else k): v
            for k, v in r.items()
        }
        for r in ACCOUNTS
    ]
    write_table(d, "accounts", renamed, "csv", name="users.csv")
    write_table(d, "payment_methods", PAYMENTS, "jsonl", name="cards.jsonl")
    m = tmp_path / "mapping.toml"
    m.write_text(
        '[accounts]\nfile = "users.csv"\n[accounts.columns]\naccount_id = "user_uuid"\ncreated_at = "signup_ts"\n'
        '[payment_methods]\nfile = "cards.jsonl"\n'
    )
    batch = load(d, tmp_path, mapping=m)
    ref = snapshot(
        load(
            write_export(tmp_path / "ref", tables={"accounts": ACCOUNTS, "payment_methods": PAYMENTS}),
            tmp_path,
        )
    )
    assert snapshot(batch) == ref
    assert any(f.table == "_mapping" for f in batch.files)


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[accounts]\nfile = "nope.csv"\n', "nope.csv"),
        ('[accounts.columns]\naccount_id = "user_uuid"\n', "user_uuid"),
        ('[users]\nfile = "accounts.csv"\n', "users"),
        ('[accounts.columns]\nfavourite = "x"\n', "favourite"),
        ("[accounts\n", "TOML"),
    ],
)
def test_mapping_errors_name_the_problem(tmp_path: Path, toml: str, needle: str) -> None:
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS})
    m = tmp_path / "m.toml"
    m.write_text(toml)
    with pytest.raises(MappingError) as exc:
        load(d, tmp_path, mapping=m)
    assert needle in str(exc.value)
    assert not any((tmp_path / "staging").glob("*"))


def test_mapping_file_missing(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS})
    with pytest.raises(MappingError, match="missing.toml"):
        load(d, tmp_path, mapping=tmp_path / "missing.toml")


# --------------------------------------------------------------------------- directory-level errors


def test_not_a_directory_and_no_accounts(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="not a directory"):
        load(tmp_path / "nope", tmp_path)
    d = write_export(tmp_path / "ex", tables={"usage": USAGE})
    with pytest.raises(ExportError, match="no accounts file"):
        load(d, tmp_path)


def test_two_files_for_one_table(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS})
    write_table(d, "accounts", ACCOUNTS, "parquet")
    with pytest.raises(ExportError, match="two files for table accounts"):
        load(d, tmp_path)


# --------------------------------------------------------------------------- row-level errors


def bad_accounts(
    tmp_path: Path, rows: list[dict[str, Any]], fmt: str = "csv"
) -> pytest.ExceptionInfo[ExportError]:
    d = write_export(tmp_path / f"bad_{fmt}", fmt, {"accounts": rows})
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert not any((tmp_path / "staging").glob("*")), "staging must be removed on error"
    return exc


def test_missing_required_column(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "created_at"} for r in ACCOUNTS]
    exc = bad_accounts(tmp_path, rows)
    assert problem_of(exc) == ("accounts.csv", None, "created_at")
    assert "missing required column" in str(exc.value)


def test_missing_required_value(tmp_path: Path) -> None:
    rows = [dict(r) for r in ACCOUNTS]
    rows[1]["account_id"] = None
    assert problem_of(bad_accounts(tmp_path, rows)) == ("accounts.csv", 2, "account_id")


def test_empty_and_header_only_accounts(tmp_path: Path) -> None:
    d = tmp_path / "empty"
    d.mkdir()
    (d / "accounts.csv").write_bytes(b"")
    with pytest.raises(ExportError, match="empty"):
        load(d, tmp_path)
    (d / "accounts.csv").write_text("account_id,created_at\n")
    with pytest.raises(ExportError, match="no data rows"):
        load(d, tmp_path)


def test_duplicate_account_id_names_second_row(tmp_path: Path) -> None:
    rows = ACCOUNTS + [dict(ACCOUNTS[0], email="other@x.com")] + [dict(ACCOUNTS[1])]
    exc = bad_accounts(tmp_path, rows)
    assert problem_of(exc) == ("accounts.csv", 4, "account_id")
    assert "first in row 1" in str(exc.value)
    assert len(exc.value.problems) == 2 and exc.value.problems[1].row == 5


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_unknown_account_in_child_table(tmp_path: Path, fmt: str) -> None:
    payments = PAYMENTS + [dict(PAYMENTS[0], account_id="ghost")]
    d = write_export(tmp_path / "ex", fmt, {"accounts": ACCOUNTS, "payment_methods": payments})
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == (f"payment_methods.{fmt}", 4, "account_id")
    assert "ghost" in str(exc.value)


def test_invalid_ip(tmp_path: Path) -> None:
    events = [dict(e) for e in IP_EVENTS]
    events[2]["ip"] = "2001:db8::zz"
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS, "ip_events": events})
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == ("ip_events.csv", 3, "ip")


@pytest.mark.parametrize("value", ["2024-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "last tuesday"])
def test_invalid_timestamp(tmp_path: Path, value: str) -> None:
    rows = [dict(r) for r in ACCOUNTS]
    rows[2]["created_at"] = value
    exc = bad_accounts(tmp_path, rows)
    assert problem_of(exc) == ("accounts.csv", 3, "created_at")
    assert "timestamp" in str(exc.value)


def test_invalid_ip_intel_network(tmp_path: Path) -> None:
    intel = IP_INTEL + [{"network": "10.0.0.0/40", "provider": "X", "kind": None, "asn": None}]
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS, "ip_intel": intel})
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == ("ip_intel.csv", 4, "network")


def test_negative_count(tmp_path: Path) -> None:
    events = [dict(e) for e in IP_EVENTS]
    events[1]["request_count"] = "-4"
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS, "ip_events": events})
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == ("ip_events.csv", 2, "request_count")
    assert "negative" in str(exc.value)


def test_bad_bool_and_bad_int(tmp_path: Path) -> None:
    rows = [dict(r) for r in ACCOUNTS]
    rows[0]["org_verified"] = "perhaps"
    assert problem_of(bad_accounts(tmp_path, rows)) == ("accounts.csv", 1, "org_verified")
    usage = [dict(u) for u in USAGE]
    usage[2]["requests"] = "lots"
    d = write_export(tmp_path / "u", tables={"accounts": ACCOUNTS, "usage": usage})
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == ("usage.csv", 3, "requests")


def test_several_problems_collected(tmp_path: Path) -> None:
    rows = [dict(r) for r in ACCOUNTS]
    rows[0]["created_at"] = "nope"
    rows[2]["org_verified"] = "maybe"
    exc = bad_accounts(tmp_path, rows)
    assert {(p.row, p.column) for p in exc.value.problems} == {(1, "created_at"), (3, "org_verified")}
    assert "and 1 more problem" in str(exc.value)


def test_non_utf8_csv(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS})
    data = (d / "accounts.csv").read_bytes().replace(b"bob@corp.com", b"b\xf6b@corp.com")
    (d / "accounts.csv").write_bytes(data)
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == ("accounts.csv", 3, "email")
    assert "UTF-8" in str(exc.value)


def test_non_utf8_jsonl(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex", "jsonl", {"accounts": ACCOUNTS})
    data = (d / "accounts.jsonl").read_bytes().replace(b"bob@corp.com", b"b\xf6b@corp.com")
    (d / "accounts.jsonl").write_bytes(data)
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc)[:2] == ("accounts.jsonl", 3)


def test_ragged_csv_row(tmp_path: Path) -> None:
    d = tmp_path / "ex"
    d.mkdir()
    (d / "accounts.csv").write_text(
        "account_id,created_at,email\na1,2024-01-01,a@b.com\na2,2024-01-01,b@b.com,EXTRA\na3,2024-01-01,c@b.com\n"
    )
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc)[:2] == ("accounts.csv", 2)
    assert "fields" in str(exc.value)


def test_unclosed_quote(tmp_path: Path) -> None:
    d = tmp_path / "ex"
    d.mkdir()
    (d / "accounts.csv").write_text(
        'account_id,created_at,email\na1,2024-01-01,a@b.com\na2,2024-01-01,"b@b.com\na3,2024-01-01,c@b.com\n'
    )
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc)[:2] == ("accounts.csv", 2)


def test_truncated_gzip(tmp_path: Path) -> None:
    d = tmp_path / "ex"
    d.mkdir()
    many = [dict(ACCOUNTS[0], account_id=f"u{i}") for i in range(5000)]
    data = gzip.compress(_csv_bytes(many))
    (d / "accounts.csv.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ExportError, match="truncated or corrupt gzip") as exc:
        load(d, tmp_path)
    assert exc.value.first.file == "accounts.csv.gz"
    (d / "accounts.csv.gz").unlink()
    data = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in many))
    (d / "accounts.jsonl.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ExportError, match="truncated or corrupt gzip"):
        load(d, tmp_path)


def test_corrupt_parquet(tmp_path: Path) -> None:
    d = write_export(tmp_path / "ex", "parquet", {"accounts": ACCOUNTS})
    data = (d / "accounts.parquet").read_bytes()
    (d / "accounts.parquet").write_bytes(data[: len(data) - 30])
    with pytest.raises(ExportError, match="Parquet") as exc:
        load(d, tmp_path)
    assert exc.value.first.file == "accounts.parquet"


def test_wrong_type_in_parquet(tmp_path: Path) -> None:
    d = tmp_path / "ex"
    d.mkdir()
    pq.write_table(pa.table({"account_id": ["a1"], "created_at": pa.array([1.5])}), d / "accounts.parquet")
    with pytest.raises(ExportError, match="wrong type") as exc:
        load(d, tmp_path)
    assert problem_of(exc) == ("accounts.parquet", None, "created_at")


def test_broken_jsonl_line(tmp_path: Path) -> None:
    d = tmp_path / "ex"
    d.mkdir()
    lines = [json.dumps(r) for r in ACCOUNTS]
    lines.insert(1, "")  # blank line 2 is skipped but counted
    lines[2] = lines[2][:-5]  # line 3 is broken
    (d / "accounts.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(ExportError, match="broken JSON line") as exc:
        load(d, tmp_path)
    assert problem_of(exc)[:2] == ("accounts.jsonl", 3)


def test_nul_bytes(tmp_path: Path) -> None:
    rows = [dict(r) for r in ACCOUNTS]
    rows[1]["plan"] = "pro\x00"
    assert problem_of(bad_accounts(tmp_path, rows)) == ("accounts.csv", 2, "plan")


# --------------------------------------------------------------------------- card numbers


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("payment_fingerprint", "4111111111111111"),
        ("payment_fingerprint", "4111 1111 1111 1111"),
        ("payment_fingerprint", "5555-5555-5555-4444"),
        ("card_bin", "378282246310005"),
        ("notes", "6011000990139424"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_card_numbers_refused_and_not_in_message(tmp_path: Path, column: str, value: str, fmt: str) -> None:
    payments = [dict(p) for p in PAYMENTS]
    payments[1][column] = value
    d = write_export(tmp_path / "ex", fmt, {"accounts": ACCOUNTS, "payment_methods": payments})
    with pytest.raises(CardNumberError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == (f"payment_methods.{fmt}", 2, column)
    digits = value.replace(" ", "").replace("-", "")
    message = str(exc.value) + " ".join(str(p) for p in exc.value.problems)
    assert digits not in message and value not in message and digits[:8] not in message
    assert digits[-4:] in message
    assert not any((tmp_path / "staging").glob("*"))


def test_card_fragment_too_long(tmp_path: Path) -> None:
    payments = [dict(p) for p in PAYMENTS]
    payments[0]["card_last4"] = "111111"
    d = write_export(tmp_path / "ex", tables={"accounts": ACCOUNTS, "payment_methods": payments})
    with pytest.raises(ExportError) as exc:
        load(d, tmp_path)
    assert problem_of(exc) == ("payment_methods.csv", 1, "card_last4")

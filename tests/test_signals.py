"""Each evidence family with its benign look-alike, on small hand-built data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from linkgraph import scoring
from linkgraph.detection import build_result
from linkgraph.settings import DetectSettings
from linkgraph.signals import background, evasion, known, lockstep, templates, vocabulary
from linkgraph.signals.inputs import available
from tests.test_linking import tbl
from tests.test_scoring import build_world

T0 = datetime(2025, 5, 1, tzinfo=UTC)
DAY = 1.0


# ----------------------------------------------------------------------------- vocabulary
@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("residential_proxy", "residential_proxy"),
        ("Residential Proxy", "residential_proxy"),
        ("ISP Proxy", "residential_proxy"),
        ("proxy-resi", "residential_proxy"),
        ("NordVPN", "vpn"),
        ("DCH", "hosting"),
        ("Cloud hosting", "hosting"),
        ("datacenter", "hosting"),
        ("tor exit", "tor"),
        ("mobile_carrier", "mobile"),
        ("isp", "isp"),
        ("Residential ISP", "isp"),
        ("Bluewave Broadband (US)", "isp"),
        ("corporate", "corporate"),
        ("university", "education"),
    ],
)
def test_network_kinds_as_vendors_spell_them(text: str, cls: str) -> None:
    assert vocabulary.network_class(pa.array([text])).to_pylist() == [cls]


def test_unrecognised_kind_is_unknown_not_benign() -> None:
    assert vocabulary.network_class(pa.array(["zzz", None, ""])).to_pylist() == [None, None, None]


def test_prepaid_from_any_spelling_and_ordinary_cards_are_not() -> None:
    flags = vocabulary.prepaid(
        pa.array(["prepaid_card", "Gift Card", "VIRTUAL", "stored value", "card", "debit", None])
    )
    assert flags.tolist() == [True, True, True, True, False, False, False]


# ----------------------------------------------------------------------------- templates
def test_sequential_template_found_and_organic_names_with_years_are_not_sequential() -> None:
    ring = [f"jsmith{i:03d}" for i in range(10, 16)]
    organic = ["lucas.wilson1985", "lucaswilson1993", "anna.k", "ben2001", "carla77"]
    t = templates.email_templates(pa.array(ring + organic), pa.array(["mail.com"] * 11))
    assert len(set(t.code[:6].tolist())) == 1 and t.code[0] >= 0
    assert t.sequential[:6].all()
    assert not t.sequential[6:].any()  # 1985 and 1993 share "lucaswilson#" but are no sequence
    assert t.code[8] == -1  # no digits: no template


def test_template_links_need_sign_ups_close_in_time() -> None:
    """A shared template links accounts made together, not look-alike names a year apart."""
    from linkgraph.linking import link_accounts

    acc = [
        dict(
            account_id=f"r{i}",
            created_at=T0 + timedelta(minutes=i),
            email_local=f"bot{i}x",
            email_domain="m.com",
        )
        for i in range(5)
    ] + [
        dict(
            account_id=f"o{i}",
            created_at=T0 + timedelta(days=60 * i),
            email_local=f"joe{i}",
            email_domain="m.com",
        )
        for i in range(5)
    ]
    links = link_accounts({"accounts": tbl("accounts", acc)})
    ids = links.account_ids.to_pylist()
    linked = {ids[a] for a in links.a} | {ids[b] for b in links.b}
    assert {f"r{i}" for i in range(5)} <= linked
    assert not linked & {f"o{i}" for i in range(5)}


# ----------------------------------------------------------------------------- evasion
def test_replacement_after_ban_reusing_device_and_the_look_alikes() -> None:
    # 0 banned, last active day 10; 1 created day 11 on its device (evasion); 2 created day 40 on it
    # (too late: a second-hand laptop); 3 created before the ban on it (a household member)
    bad = np.array([True, False, False, False])
    created = np.array([0.0, 11.0, 40.0, 5.0])
    last = np.array([10.0, 20.0, 50.0, 30.0])
    dev = (np.array([0, 1, 2, 3]), np.array([0, 0, 0, 0]))
    ev = evasion.replacements(bad, created, last, {"device": dev}, window_days=7, max_share=50)
    assert ev.predecessor.tolist() == [-1, 0, -1, -1]
    assert len(ev.pairs) == 1 and ev.via["device"].tolist() == [False, True, False, False]
    assert evasion.lineage_root(np.array([-1, 0, 1, -1])).tolist() == [0, 0, 0, 3]


def test_status_spellings_and_missing_status_is_unknown() -> None:
    got = evasion.bad_status(pa.array(["Banned", "active", "SUSPENDED", None]), 4)
    assert got is not None and got.tolist() == [True, False, True, False]
    assert evasion.bad_status(None, 3) is None
    assert evasion.bad_status(pa.nulls(3, pa.string()), 3) is None


# ----------------------------------------------------------------------------- lockstep
def test_lockstep_on_several_ips_and_a_household_on_one_is_not() -> None:
    minute = 1 / 1440
    # accounts 0 and 1: first seen on IPs 5 and 6 within 3 minutes (lockstep)
    # accounts 2 and 3: a household, same home IP 7 within 2 minutes, only one address
    acc = np.array([0, 1, 0, 1, 2, 3])
    ip = np.array([5, 5, 6, 6, 7, 7])
    t = np.array([0, 3, 100, 102, 50, 52]) * minute
    p = lockstep.first_seen_lockstep(acc, ip, t, 4, window_minutes=10, min_ips=2)
    assert list(zip(p.a.tolist(), p.b.tolist(), p.count.tolist(), strict=True)) == [(0, 1, 2)]
    # the same pattern hours apart is no lockstep
    far = lockstep.first_seen_lockstep(acc, ip, np.array([0, 300, 100, 400, 50, 52]) * minute, 4)
    assert len(far) == 0


def test_coactivity_identical_daily_usage_and_a_family_on_its_own_schedule() -> None:
    days = np.arange(6, dtype=float)
    # 0 and 1: the same five days, near-identical volume and category; 2 and 3: a family, own days
    acc = np.concatenate([np.zeros(5), np.ones(5), np.full(3, 2), np.full(4, 3)]).astype(np.int64)
    day = np.concatenate([days[:5], days[:5], days[[0, 2, 4]], days[[1, 3, 5, 0]]])
    req = np.concatenate([[900, 950, 1000, 980, 940], [910, 940, 1010, 970, 950], [5, 30, 2], [12, 3, 40, 8]])
    cat = np.zeros(len(acc), np.int64)
    prof = lockstep.usage_profiles(acc, day, cat, req.astype(float), 4)
    sim = lockstep.usage_similarity(prof, np.array([0, 2]), np.array([1, 3]))
    assert sim[0] > 0.99 and sim[1] < 0.5


# ----------------------------------------------------------------------------- background
def test_background_rates_and_surprise_grow_with_unexpected_sharing() -> None:
    acc = np.arange(100)
    ident = np.concatenate([np.arange(90), np.repeat([90, 91], 5)])  # 10 of 100 share
    bg = background.type_background("payment", acc, ident, 92)
    assert bg.q == pytest.approx(0.10)
    s = background.share_surprise(np.array([4, 30, 30]), np.array([4, 3, 30]), bg.q)
    assert s[2] > s[0] > s[1] > 0  # all 30 sharing is far less likely than 3 of 30


# ----------------------------------------------------------------------------- known
def test_decisions_make_known_bad_and_known_good_and_the_newest_wins() -> None:
    import pandas as pd

    from linkgraph.model import Decision

    ids = pa.array(["a", "b", "c", "d"])
    members = pd.DataFrame(
        {
            "cluster_id": ["C1", "C1", "C2", "C2"],
            "account_id": ["a", "b", "c", "d"],
            "action": ["enforce", "linked_not_enforced", "enforce", "enforce"],
        }
    )
    decisions = [
        Decision("C2", "dismissed", "ben"),
        Decision("C1", "confirmed", "ana"),
        Decision("C2", "confirmed", "ana"),
    ]
    confirmed, dismissed = known.known_accounts(decisions, members, ids)
    assert confirmed is not None and dismissed is not None
    assert confirmed.tolist() == [True, False, False, False]  # the bystander of C1 is not known-bad
    assert dismissed.tolist() == [False, False, True, True]
    assert known.known_accounts([], members, ids) == (None, None)


# ----------------------------------------------------------------------------- whole runs
def _with_bystanders() -> tuple[dict[str, Any], list[str], list[str]]:
    """build_world plus privacy-minded users on the campaign's residential-proxy exits."""
    tables, groups = build_world()
    rows = {n: t.to_pylist() for n, t in tables.items()}
    bystanders = []
    names = ["mira.holt", "jonas.berg", "ines.duarte", "theo.marsh", "lena.voss", "omar.quinn"]
    for i, name in enumerate(names):
        aid = f"privacy{i}"
        bystanders.append(aid)
        rows["accounts"].append(
            dict(
                account_id=aid,
                created_at=T0 - timedelta(days=40 * (i + 1)),
                email_local=name,
                email_domain="gmail.com",
            )
        )
        rows["email_at"].append(dict(account_id=aid, domain="gmail.com"))
        rows["payment_methods"].append(dict(payment_fingerprint=f"own{i}", method_type="card"))
        rows["paid_with"].append(dict(account_id=aid, payment_fingerprint=f"own{i}"))
        for j in range(2):
            rows["used_ip"].append(
                dict(
                    account_id=aid,
                    ip=f"45.1.0.{(2 * i + j) % 10}",
                    first_seen=T0 + timedelta(hours=5 + i),
                    last_seen=T0,
                    request_count=30,
                    user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0",
                )
            )
        rows["usage"].append(
            dict(account_id=aid, day=T0.date(), category="chat", requests=20, flagged_jailbreak=0)
        )
    return {n: tbl(n, r) for n, r in rows.items()}, groups["campaign"], bystanders


def _members(res: Any) -> Any:
    m = res.members.to_pandas()
    leiden = set(res.clusters.to_pandas().query("view == 'leiden'")["cluster_id"])
    return m[m["cluster_id"].isin(leiden)].set_index("account_id")


def test_proxy_only_bystanders_are_linked_not_enforced_and_the_campaign_is_enforced() -> None:
    tables, campaign, bystanders = _with_bystanders()
    res = build_result(tables, DetectSettings())
    m = _members(res)
    assert (m.loc[campaign, "action"] == "enforce").all()
    assert m.loc[campaign, "attribution"].min() > 0.5
    here = [b for b in bystanders if b in m.index]
    assert here, "bystanders share the campaign's exits, so they are linked to it"
    assert set(m.loc[here, "action"]) <= {"linked_not_enforced"}
    assert m.loc[campaign[0], "reasons"].startswith("shares payment method with")
    assert m.loc[campaign[0], "sub_cluster_id"].startswith(m.loc[campaign[0], "cluster_id"] + ".")


@pytest.mark.parametrize("variant", ["minimal", "no_ip_intel", "no_usage", "no_user_agents"])
def test_partial_exports_run_record_their_inputs_and_still_find_the_campaign(variant: str) -> None:
    tables, campaign, _ = _with_bystanders()
    t = dict(tables)
    if variant in ("minimal", "no_usage"):
        t.pop("usage")
    if variant in ("minimal", "no_ip_intel"):
        t["ip_addresses"] = t["ip_addresses"].drop_columns(["proxy_provider", "proxy_kind"])
    if variant in ("minimal", "no_user_agents"):
        t["used_ip"] = t["used_ip"].drop_columns(["user_agent"])
    res = build_result(t, DetectSettings())
    have = res.stats["inputs"]
    assert have == {
        **available(t),
        "network_classes": variant not in ("minimal", "no_ip_intel"),
        "decisions": False,
    }
    assert have["ip_events.user_agent"] is (variant not in ("minimal", "no_user_agents"))
    assert have["usage"] is (variant not in ("minimal", "no_usage"))
    unknown = set(res.stats["unknown_features"])
    if variant == "minimal":
        assert {"automation_ua", "residential_proxy", "volume", "coactivity"} <= unknown
    m = _members(res)
    assert (m.loc[campaign, "action"] == "enforce").mean() >= 0.9
    top = res.clusters.to_pandas().query("view == 'leiden'").iloc[0]
    assert top["score"] >= scoring.DEFAULT_THRESHOLD
    if unknown:
        assert "unknown (not in the export)" in top["evidence"]


def test_unknown_features_contribute_nothing_either_way() -> None:
    tables, _, _ = _with_bystanders()
    t = dict(tables)
    t["used_ip"] = t["used_ip"].drop_columns(["user_agent"])
    res = build_result(t, DetectSettings())
    import json

    for row in res.clusters.to_pylist():
        c = json.loads(row["contributions"])
        assert c["automation_ua"] == 0 and c["browser_ua"] == 0


def test_dismissed_accounts_are_never_enforced_and_confirmed_ones_raise_their_cluster() -> None:
    tables, campaign, _ = _with_bystanders()
    res = build_result(tables, DetectSettings())
    ids = res.members.column("account_id")
    n = len(tables["accounts"])
    acc_ids = tables["accounts"].column("account_id").combine_chunks()
    dismissed = np.isin(np.asarray(acc_ids.to_pylist()), campaign)
    again = build_result(tables, DetectSettings(), known=(np.zeros(n, bool), dismissed))
    m = _members(again)
    assert (m.loc[campaign, "action"] == "dismissed").all()
    assert len(ids) > 0 and not (m["action"] == "enforce").any()
    top = again.clusters.to_pandas().query("view == 'leiden'").iloc[0]
    assert "dismissed by an analyst" in top["evidence"]
    # confirmed instead: the same accounts are known-bad and their cluster scores higher
    confirmed = build_result(tables, DetectSettings(), known=(dismissed, np.zeros(n, bool)))
    c_top = confirmed.clusters.to_pandas().query("view == 'leiden'").iloc[0]
    assert c_top["score"] > res.clusters.to_pandas().query("view == 'leiden'").iloc[0]["score"]


def test_a_dismissal_is_remembered_across_runs_in_a_real_store(tmp_path: Any) -> None:
    from linkgraph.detection import detect
    from linkgraph.model import Decision
    from linkgraph.store.duckdb import DuckDBStore
    from tests.test_detection import stage, world_tables

    s = DuckDBStore(tmp_path / "k.duckdb")
    s.apply_load(stage(tmp_path, world_tables(), "world"))
    _, groups = build_world()
    with s.write_lock():
        first = detect(s)

    def leiden_members(run_id: int) -> Any:
        ids = set(s.read_result("clusters", run_id).to_pandas().query("view == 'leiden'")["cluster_id"])
        m = s.read_result("members", run_id).to_pandas()
        return m[m["cluster_id"].isin(ids)].set_index("account_id")

    m1 = leiden_members(first.run_id)
    campaign_id = m1.loc[groups["campaign"][0], "cluster_id"]
    assert (m1.loc[groups["campaign"], "action"] == "enforce").all()
    s.add_decision(Decision(campaign_id, "dismissed", "ben", "research partner"))
    with s.write_lock():
        detect(s)  # second run: remembers the dismissal through the cluster's members
    with s.write_lock():
        third = detect(s)  # third run: the decision still names the (stable) cluster id
    m3 = leiden_members(third.run_id)
    assert (m3.loc[groups["campaign"], "action"] == "dismissed").all()
    assert third.stats["inputs"]["payment_methods"] is True
    s.close()


@pytest.mark.parametrize("column", ["funding", "card_funding", "funding_type"])
def test_a_funding_column_reaches_the_prepaid_synonyms_through_a_real_load(
    tmp_path: Any, column: str
) -> None:
    import json

    from linkgraph.loaders.export import load_export

    from linkgraph.detection import detect
    from linkgraph.store.duckdb import DuckDBStore

    export = tmp_path / "export"
    export.mkdir()
    accounts = ["account_id,created_at"] + [f"a{i},2025-05-0{i + 1}T00:00:00Z" for i in range(6)]
    (export / "accounts.csv").write_text("\n".join(accounts) + "\n")
    # a0-a2 share one prepaid card (said only by the funding column), a3-a5 share a credit card
    pays = [f"account_id,payment_fingerprint,method_type,{column}"]
    pays += [f"a{i},fp_gift,card,Prepaid" for i in range(3)]
    pays += [f"a{i},fp_credit,card,credit" for i in range(3, 6)]
    (export / "payment_methods.csv").write_text("\n".join(pays) + "\n")

    batch = load_export(export, staging_dir=tmp_path / "staging")
    assert not [w for w in batch.warnings if column in w]  # not dropped as an unknown column
    s = DuckDBStore(tmp_path / "s.duckdb")
    s.apply_load(batch)
    pm = s.read_table("payment_methods").to_pandas().set_index("payment_fingerprint")
    assert pm.loc["fp_gift", "method_type"] == "card/prepaid"
    assert pm.loc["fp_credit", "method_type"] == "card/credit"
    with s.write_lock():
        run = detect(s)
    clusters = s.read_result("clusters", run.run_id).to_pandas().query("view == 'leiden'")
    members = s.read_result("members", run.run_id).to_pandas()
    share = {
        frozenset(members[members["cluster_id"] == c.cluster_id]["account_id"]): json.loads(c.features)[
            "prepaid_share"
        ]
        for c in clusters.itertuples()
    }
    assert share[frozenset({"a0", "a1", "a2"})] == 1.0
    assert share[frozenset({"a3", "a4", "a5"})] == 0.0
    s.close()


def test_a_funding_column_named_twice_keeps_the_format_name() -> None:
    from linkgraph.loaders.mapping import EMPTY

    names = EMPTY.rename("payment_methods", ["account_id", "Funding", "card_type"], "payment_methods.csv")
    assert names == ["account_id", "funding", "card_type"]
    assert EMPTY.rename("payment_methods", ["card_type"], "p.csv") == ["funding"]

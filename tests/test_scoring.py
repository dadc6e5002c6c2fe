"""Risk scores: explainable features on hand-built look-alike clusters."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from linkgraph import scoring
from linkgraph.linking import link_accounts
from tests.test_linking import tbl

T0 = datetime(2025, 5, 1, tzinfo=UTC)


def build_world() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Four groups: a distillation campaign and three benign look-alikes."""
    rows: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "accounts",
            "paid_with",
            "payment_methods",
            "used_ip",
            "ip_addresses",
            "email_at",
            "email_domains",
            "usage",
            "member_of",
        )
    }
    groups: dict[str, list[str]] = {"campaign": [], "family": [], "team": [], "nat": []}
    rows["email_domains"] += [
        dict(domain="gmail.com", webmail=True, disposable=False),
        dict(domain="tmpbox.xyz", webmail=False, disposable=True),
        dict(domain="bigcorp.com", webmail=False, disposable=False),
    ]
    rows["ip_addresses"] += [
        dict(ip=f"45.1.0.{i}", proxy_provider="ResiProxy", proxy_kind="residential_proxy") for i in range(10)
    ]
    rows["ip_addresses"] += [
        dict(ip="80.1.1.1", proxy_provider="HomeNet", proxy_kind="isp"),
        dict(ip="90.1.1.1", proxy_provider="BigCorp", proxy_kind="corporate"),
        dict(ip="100.64.0.1", proxy_provider="MobileCo", proxy_kind="mobile_carrier"),
    ]
    for k in range(5):
        rows["payment_methods"].append(dict(payment_fingerprint=f"pp{k}", method_type="prepaid_card"))
    rows["payment_methods"] += [
        dict(payment_fingerprint="fam", method_type="card"),
        dict(payment_fingerprint="corp", method_type="card"),
    ]

    def add(group: str, i: int, created: datetime, email: tuple[str, str], **acc: Any) -> str:
        aid = f"{group}{i}"
        groups[group].append(aid)
        rows["accounts"].append(
            dict(account_id=aid, created_at=created, email_local=email[0], email_domain=email[1], **acc)
        )
        rows["email_at"].append(dict(account_id=aid, domain=email[1]))
        return aid

    for i in range(30):
        aid = add("campaign", i, T0 + timedelta(minutes=10 * i), (f"x{i}k7q9z{i * 37 % 1000}", "tmpbox.xyz"))
        rows["paid_with"].append(dict(account_id=aid, payment_fingerprint=f"pp{i % 5}"))
        for j in range(3):
            rows["used_ip"].append(
                dict(
                    account_id=aid,
                    ip=f"45.1.0.{(i + j) % 10}",
                    first_seen=T0,
                    last_seen=T0,
                    request_count=500,
                    user_agent="python-requests/2.32.3",
                )
            )
        rows["usage"] += [
            dict(account_id=aid, day=T0.date(), category="reasoning", requests=9000, flagged_jailbreak=400),
            dict(account_id=aid, day=T0.date(), category="coding", requests=6000, flagged_jailbreak=0),
        ]
    names = ["anna", "ben", "carla", "david"]
    for i, name in enumerate(names):
        aid = add("family", i, T0 - timedelta(days=90 * i), (f"{name}smith", "gmail.com"))
        rows["paid_with"].append(dict(account_id=aid, payment_fingerprint="fam"))
        rows["used_ip"].append(
            dict(
                account_id=aid,
                ip="80.1.1.1",
                first_seen=T0 - timedelta(days=300),
                last_seen=T0,
                request_count=50,
                user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15",
            )
        )
        rows["usage"].append(
            dict(account_id=aid, day=T0.date(), category="chat", requests=40, flagged_jailbreak=0)
        )
    for i in range(20):
        aid = add(
            "team",
            i,
            T0 + timedelta(minutes=5 * i),
            (f"dev{i}", "bigcorp.com"),
            org_id="bigcorp",
            org_verified=True,
        )
        rows["member_of"].append(dict(account_id=aid, org_id="bigcorp"))
        rows["paid_with"].append(dict(account_id=aid, payment_fingerprint="corp"))
        rows["used_ip"].append(
            dict(
                account_id=aid,
                ip="90.1.1.1",
                first_seen=T0,
                last_seen=T0,
                request_count=2000,
                user_agent="python-httpx/0.27",
            )
        )
        rows["usage"].append(
            dict(account_id=aid, day=T0.date(), category="coding", requests=8000, flagged_jailbreak=0)
        )
    for i in range(40):
        aid = add("nat", i, T0 - timedelta(days=7 * i), (f"user.{names[i % 4]}{i}", "gmail.com"))
        rows["used_ip"].append(
            dict(
                account_id=aid,
                ip="100.64.0.1",
                first_seen=T0 - timedelta(days=7 * i),
                last_seen=T0 - timedelta(days=7 * i),
                request_count=20,
                user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile",
            )
        )
        rows["usage"].append(
            dict(account_id=aid, day=T0.date(), category="chat", requests=30, flagged_jailbreak=0)
        )
    return {name: tbl(name, r) for name, r in rows.items()}, groups


@pytest.fixture(scope="module")
def scored() -> tuple[Any, dict[str, int]]:
    tables, groups = build_world()
    links = link_accounts(tables)
    ids = links.account_ids.to_pylist()
    labels = np.full(len(ids), -1)
    label_of = {}
    for k, (g, members) in enumerate(groups.items()):
        label_of[g] = k
        for a in members:
            labels[ids.index(a)] = k
    sig = scoring.account_signals(tables, links)
    return scoring.score_clusters(labels, links, sig, tables), label_of


def test_campaign_scores_above_threshold_and_every_look_alike_below(scored: Any) -> None:
    df, label = scored
    campaign = df.loc[label["campaign"], "score"]
    assert campaign >= scoring.DEFAULT_THRESHOLD
    for benign in ("family", "team", "nat"):
        assert df.loc[label[benign], "score"] < 0.3, benign
        assert df.loc[label[benign], "score"] < campaign


def test_contributions_explain_the_score(scored: Any) -> None:
    df, _ = scored
    for _, row in df.iterrows():
        contrib = json.loads(row["contributions"])
        z = sum(contrib.values())
        assert 1 / (1 + math.exp(-z)) == pytest.approx(row["score"], abs=1e-5)
        assert 0.0 <= row["score"] <= 1.0


def test_features_are_raw_and_plausible(scored: Any) -> None:
    df, label = scored
    camp = json.loads(df.loc[label["campaign"], "features"])
    assert camp["size"] == 30
    assert camp["payment_methods"] == 5
    assert camp["accounts_per_payment"] == pytest.approx(6.0)
    assert camp["prepaid_share"] == 1.0
    assert camp["residential_proxy_share"] == 1.0
    assert camp["proxy_ips"] == 10
    assert camp["automation_ua_share"] == 1.0
    assert camp["disposable_email_share"] == 1.0
    assert camp["signup_burst_24h"] == 1.0
    assert camp["frontier_share"] == 1.0
    assert camp["jailbreak_rate"] == pytest.approx(400 / 15000, abs=1e-4)
    team = json.loads(df.loc[label["team"], "features"])
    assert team["verified_share"] == 1.0
    assert team["residential_proxy_share"] == 0.0
    fam = json.loads(df.loc[label["family"], "features"])
    assert fam["webmail_name_share"] == 1.0
    assert fam["browser_ua_share"] == 1.0
    assert fam["signup_burst_24h"] == 0.0
    nat = json.loads(df.loc[label["nat"], "features"])
    assert nat["shared_payment_share"] == 0.0


def test_verified_organisation_lowers_the_score() -> None:
    raw = scoring_frame_row(verified_share=0.0)
    ver = scoring_frame_row(verified_share=1.0)
    s_raw, _ = scoring.score_frame(raw)
    s_ver, c_ver = scoring.score_frame(ver)
    assert s_ver[0] < s_raw[0]
    assert c_ver.loc[0, "verified_org"] == scoring.WEIGHTS["verified_org"]


def scoring_frame_row(**over: float) -> Any:
    import pandas as pd

    base = {
        "size": 100,
        "density": 0.5,
        "shared_payment_share": 0.5,
        "shared_strong_share": 0.5,
        "shared_strong_ids": 4,
        "share_surprise": 10.0,
        "replacement_share": 0.0,
        "known_bad_share": 0.0,
        "known_good_share": 0.0,
        "template_share": 0.0,
        "sequential_share": 0.0,
        "lockstep_share": 0.0,
        "coactive_share": 0.0,
        "org_network_share": 0.0,
        "prepaid_share": 0.5,
        "residential_proxy_share": 0.5,
        "hosting_share": 0.0,
        "vpn_share": 0.0,
        "signup_burst_24h": 0.5,
        "automation_ua_share": 0.5,
        "disposable_email_share": 0.0,
        "random_email_share": 0.0,
        "rare_domain_share": 0.0,
        "volume_percentile": 0.5,
        "frontier_share": 0.5,
        "jailbreak_rate": 0.0,
        "verified_share": 0.0,
        "webmail_name_share": 0.0,
        "browser_ua_share": 0.0,
    }
    base.update(over)
    return pd.DataFrame([base])


def test_evidence_names_the_main_reasons(scored: Any) -> None:
    df, label = scored
    ev = df.loc[label["campaign"], "evidence"]
    assert ev.startswith("30 accounts: ")
    assert "shares 5 payment methods" in ev
    assert "10 proxy IPs (ResiProxy)" in ev
    assert df.loc[label["campaign"], "proxy_providers"] == "ResiProxy"
    assert df.loc[label["campaign"], "top_categories"] == "reasoning,coding"
    assert "verified" in df.loc[label["team"], "evidence"]


def test_burst_window() -> None:
    cl = np.array([0, 0, 0, 0, 1, 1, 1])
    t = np.array([0.0, 0.5, 0.9, 5.0, 10.0, 20.0, 30.0])
    assert scoring._burst(cl, t, 2, 1.0).tolist() == [3, 1]
    assert scoring._burst(cl, t, 2, 11.0).tolist() == [4, 2]

"""Linking: weighted account–account links from hand-built load tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
import scipy.sparse as sp

from linkgraph import linking, schema
from linkgraph.linking import link_accounts
from linkgraph.settings import DetectSettings

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def tbl(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """A load table with exactly ``schema.table_schema(name)``; missing columns are null."""
    s = schema.table_schema(name)
    return pa.table({f.name: [r.get(f.name) for r in rows] for f in s}, schema=s)


def accounts(n: int, prefix: str = "a", **extra: Any) -> list[dict[str, Any]]:
    return [dict(account_id=f"{prefix}{i}", created_at=T0 + timedelta(days=i), **extra) for i in range(n)]


def pair_weight(links: linking.Links, x: str, y: str) -> float:
    ids = links.account_ids.to_pylist()
    i, j = sorted((ids.index(x), ids.index(y)))
    hit = np.flatnonzero((links.a == i) & (links.b == j))
    return float(links.weight[hit[0]]) if len(hit) else 0.0


def pair_evidence(links: linking.Links, x: str, y: str) -> str | None:
    ids = links.account_ids.to_pylist()
    i, j = sorted((ids.index(x), ids.index(y)))
    hit = np.flatnonzero((links.a == i) & (links.b == j))
    return links.evidence(hit).to_pylist()[0] if len(hit) else None


def test_shared_payment_and_ips_make_one_link_with_evidence() -> None:
    tables = {
        "accounts": tbl("accounts", accounts(4)),
        "paid_with": tbl(
            "paid_with",
            [
                dict(account_id="a0", payment_fingerprint="fp"),
                dict(account_id="a1", payment_fingerprint="fp"),
            ],
        ),
        "used_ip": tbl(
            "used_ip",
            [
                dict(account_id=a, ip=ip, first_seen=T0, last_seen=T0)
                for a in ("a0", "a1")
                for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3")
            ],
        ),
    }
    links = link_accounts(tables)
    assert links.n_links == 1
    # first seen on the same three IPs at the same moment: lockstep on 3 addresses as well
    assert pair_evidence(links, "a0", "a1") == "payment:1,ip:3,lockstep:3"
    # a pair: damping 1, same day: time factor 1 -> 1.0 (payment) + 3 * 0.5 (ip) + 3 * 0.3 (lockstep)
    assert pair_weight(links, "a0", "a1") == pytest.approx(1.0 + 3 * 0.5 + 3 * 0.3)
    # strong ties: the card and the lockstep; the IPs are ordinary (not infrastructure) addresses
    row = np.flatnonzero(links.a == 0)[0]
    assert links.strong[row] == pytest.approx(1.0 + 0.9)
    assert links.ip_weight[row] == pytest.approx(1.5)


def test_popular_identifiers_are_damped_and_over_threshold_ones_skipped() -> None:
    n_big = 260
    rows = accounts(2 + 40 + n_big)
    used = [dict(account_id=f"a{i}", ip="1.1.1.1", first_seen=T0, last_seen=T0) for i in range(2)]
    used += [dict(account_id=f"a{i}", ip="2.2.2.2", first_seen=T0, last_seen=T0) for i in range(2, 42)]
    used += [
        dict(account_id=f"a{i}", ip="3.3.3.3", first_seen=T0, last_seen=T0) for i in range(42, 42 + n_big)
    ]
    links = link_accounts({"accounts": tbl("accounts", rows), "used_ip": tbl("used_ip", used)})
    pair = pair_weight(links, "a0", "a1")
    crowd = pair_weight(links, "a2", "a3")
    assert pair > crowd > 0
    assert crowd == pytest.approx(0.5 * linking.damping(np.array([40]), DetectSettings())[0])
    # the NAT-like IP shared by 260 accounts (> max_share 200) makes no pairwise link
    assert pair_weight(links, "a42", "a43") == 0.0
    assert links.stats["types"]["ip"]["over_max_share"] == 1
    assert links.n_links == 1 + 40 * 39 // 2
    # ...unless the threshold is raised (and such faint links are not pruned)
    wide = link_accounts(
        {"accounts": tbl("accounts", rows), "used_ip": tbl("used_ip", used)},
        DetectSettings(max_share=300, min_pair_weight=0, min_link_weight=0),
    )
    assert pair_weight(wide, "a42", "a43") == pytest.approx(0.5 * 2 / n_big)
    pruned = link_accounts(
        {"accounts": tbl("accounts", rows), "used_ip": tbl("used_ip", used)},
        DetectSettings(max_share=300, min_pair_weight=0),
    )
    assert pair_weight(pruned, "a42", "a43") == 0.0  # below min_link_weight
    faint = link_accounts(
        {"accounts": tbl("accounts", rows), "used_ip": tbl("used_ip", used)},
        DetectSettings(max_share=300, min_pair_weight=0.01, min_link_weight=0),
    )
    assert pair_weight(faint, "a42", "a43") == 0.0
    assert faint.stats["types"]["ip"]["below_min_pair_weight"] == 1


def test_same_day_links_stronger_than_a_year_apart() -> None:
    used = [
        dict(account_id="a0", ip="1.1.1.1", first_seen=T0, last_seen=T0 + timedelta(hours=2)),
        dict(
            account_id="a1",
            ip="1.1.1.1",
            first_seen=T0 + timedelta(hours=5),
            last_seen=T0 + timedelta(hours=6),
        ),
        dict(account_id="a2", ip="2.2.2.2", first_seen=T0, last_seen=T0),
        dict(
            account_id="a3",
            ip="2.2.2.2",
            first_seen=T0 + timedelta(days=365),
            last_seen=T0 + timedelta(days=366),
        ),
    ]
    links = link_accounts({"accounts": tbl("accounts", accounts(4)), "used_ip": tbl("used_ip", used)})
    same_day = pair_weight(links, "a0", "a1")
    year_apart = pair_weight(links, "a2", "a3")
    assert same_day == pytest.approx(0.5)
    assert year_apart == pytest.approx(0.5 * DetectSettings().time_floor, rel=1e-3)


def test_webmail_carries_nothing_disposable_some_and_org_never_links() -> None:
    rows = accounts(6)
    email_at = [
        dict(account_id="a0", domain="gmail.com"),
        dict(account_id="a1", domain="gmail.com"),
        dict(account_id="a2", domain="mailinator.com"),
        dict(account_id="a3", domain="mailinator.com"),
        dict(account_id="a4", domain="acme-corp.io"),
        dict(account_id="a5", domain="acme-corp.io"),
    ]
    domains = [
        dict(domain="gmail.com", webmail=True, disposable=False),
        dict(domain="mailinator.com", webmail=False, disposable=True),
        dict(domain="acme-corp.io", webmail=False, disposable=False),
    ]
    member_of = [dict(account_id=f"a{i}", org_id="org1") for i in range(6)]
    links = link_accounts(
        {
            "accounts": tbl("accounts", rows),
            "email_at": tbl("email_at", email_at),
            "email_domains": tbl("email_domains", domains),
            "member_of": tbl("member_of", member_of),
        }
    )
    assert pair_weight(links, "a0", "a1") == 0.0
    assert pair_weight(links, "a2", "a3") == pytest.approx(DetectSettings().disposable_domain_weight)
    assert pair_weight(links, "a4", "a5") == pytest.approx(DetectSettings().base_weights["email_domain"])
    assert pair_weight(links, "a0", "a5") == 0.0  # same org: not a link
    assert "org" in links.incidence  # ...but kept as a scoring signal


def test_subnet_and_proxy_reached_through_ips() -> None:
    used = [
        dict(account_id="a0", ip="5.5.5.1", first_seen=T0, last_seen=T0),
        dict(account_id="a1", ip="5.5.5.2", first_seen=T0, last_seen=T0),
        dict(account_id="a2", ip="9.9.9.9", first_seen=T0, last_seen=T0),
    ]
    tables = {
        "accounts": tbl("accounts", accounts(3)),
        "used_ip": tbl("used_ip", used),
        "in_subnet": tbl(
            "in_subnet",
            [
                dict(ip="5.5.5.1", subnet="5.5.5.0/24"),
                dict(ip="5.5.5.2", subnet="5.5.5.0/24"),
                dict(ip="9.9.9.9", subnet="9.9.9.0/24"),
            ],
        ),
        "via_proxy": tbl(
            "via_proxy",
            [
                dict(ip="5.5.5.1", provider="ProxyCo"),
                dict(ip="9.9.9.9", provider="ProxyCo"),
                dict(ip="5.5.5.2", provider="HomeISP"),
            ],
        ),
        "proxy_providers": tbl(
            "proxy_providers",
            [dict(provider="ProxyCo", kind="residential_proxy"), dict(provider="HomeISP", kind="isp")],
        ),
    }
    links = link_accounts(tables)
    assert pair_evidence(links, "a0", "a1") == "subnet:1"
    assert pair_evidence(links, "a0", "a2") == "proxy:1"
    assert pair_evidence(links, "a1", "a2") is None  # sharing nothing but an ISP is no evidence


@pytest.mark.parametrize("chunk", [7, 1_000_000])
def test_pair_counts_match_sparse_product(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """The vectorised pair expansion equals B·Bᵀ on a random bipartite graph (any chunking)."""
    monkeypatch.setattr(linking, "_PAIR_CHUNK", chunk)
    rng = np.random.default_rng(5)
    n_acc, n_dev = 300, 120
    acc = rng.integers(0, n_acc, 900)
    dev = rng.integers(0, n_dev, 900)
    pairs = sorted({(int(a), int(d)) for a, d in zip(acc, dev, strict=True)})
    rows = [dict(account_id=f"a{a}", device_id=f"d{d}") for a, d in pairs]
    links = link_accounts(
        {"accounts": tbl("accounts", accounts(n_acc)), "used_device": tbl("used_device", rows)}
    )
    B = sp.coo_matrix(
        (np.ones(len(pairs)), ([p[0] for p in pairs], [p[1] for p in pairs])), shape=(n_acc, n_dev)
    )
    n = np.asarray(B.sum(axis=0)).ravel()
    w = 0.8 * linking.damping(n, DetectSettings())
    expected_w = sp.triu(B @ sp.diags(w) @ B.T, k=1).tocoo()
    expected_c = sp.triu(B @ B.T, k=1).tocoo()
    got = {
        (int(a), int(b)): (c, wt)
        for a, b, c, wt in zip(links.a, links.b, links.counts["device"], links.weight, strict=True)
    }
    exp = {
        (int(a), int(b)): c for a, b, c in zip(expected_c.row, expected_c.col, expected_c.data, strict=True)
    }
    assert set(got) == set(exp)
    assert all(got[k][0] == exp[k] for k in exp)
    expw = {
        (int(a), int(b)): v for a, b, v in zip(expected_w.row, expected_w.col, expected_w.data, strict=True)
    }
    assert all(got[k][1] == pytest.approx(expw[k]) for k in expw)


def test_links_ignore_rows_for_unknown_accounts_and_empty_tables() -> None:
    tables = {
        "accounts": tbl("accounts", accounts(2)),
        "paid_with": tbl(
            "paid_with",
            [
                dict(account_id="a0", payment_fingerprint="fp"),
                dict(account_id="ghost", payment_fingerprint="fp"),
            ],
        ),
        "used_ip": tbl("used_ip", []),
    }
    links = link_accounts(tables)
    assert links.n_links == 0
    assert links.evidence().to_pylist() == []


def test_power_damping_decays_faster() -> None:
    s_log, s_pow = DetectSettings(damping="log"), DetectSettings(damping="power", alpha=1.0)
    n = np.array([2, 10, 100])
    assert linking.damping(n, s_log)[0] == pytest.approx(1.0)
    assert linking.damping(n, s_pow)[0] == pytest.approx(1.0)
    assert (linking.damping(n, s_pow)[1:] < linking.damping(n, s_log)[1:]).all()


def test_evidence_keeps_one_row_per_link_when_a_link_has_no_counted_identifier() -> None:
    """A link whose counts are all zero gets null evidence, and the rows after it stay aligned."""
    n = 4
    counts = {t: np.zeros(n, np.int32) for t in linking.LINK_TYPES}
    counts["payment"][0] = 1
    counts["ip"][2] = 2
    counts["payment"][3] = 1
    counts["device"][3] = 4
    links = linking.Links(
        account_ids=pa.array(["a", "b", "c", "d", "e"]),
        a=np.array([0, 0, 1, 2], np.int32),
        b=np.array([1, 2, 3, 4], np.int32),
        weight=np.ones(n),
        counts=counts,
        incidence={},
    )
    expected = ["payment:1", None, "ip:2", "payment:1,device:4"]
    assert links.evidence().to_pylist() == expected
    assert links.evidence(np.array([1, 3])).to_pylist() == [None, "payment:1,device:4"]

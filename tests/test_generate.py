"""The demo-data generator: contract shape, determinism, encodings, and the planted structure.

The structure tests read the written files back (not the generator's internals), so they check
what a detector would actually see.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from linkgraph.generator import FORMATS, GenerateSettings, generate
from linkgraph.generator.plan import campaign_sizes
from linkgraph.generator.text import luhn_valid
from linkgraph.generator.vocabulary import DISPOSABLE

REQUIRED = {
    "accounts": ["account_id", "created_at", "email", "country", "org_id", "org_verified", "plan", "status"],
    "payment_methods": [
        "account_id",
        "payment_fingerprint",
        "method_type",
        "card_bin",
        "card_last4",
        "billing_country",
        "added_at",
    ],
    "ip_events": [
        "account_id",
        "ip",
        "first_seen",
        "last_seen",
        "request_count",
        "user_agent",
        "device_id",
        "proxy_provider",
    ],
    "ip_intel": ["network", "provider", "kind", "asn"],
    "usage": ["account_id", "day", "requests", "tokens", "category", "flagged_jailbreak"],
}
AUTOMATION = re.compile(
    r"python-requests|httpx|aiohttp|curl/|Go-http|axios|okhttp|HeadlessChrome|^\w+-\w+/\d"
)


def _read(d: Path, table: str, suffix: str = "csv") -> pd.DataFrame:
    # empty unquoted fields are nulls (the generator writes nulls that way)
    opts = pcsv.ConvertOptions(strings_can_be_null=True)
    return pcsv.read_csv(d / f"{table}.{suffix}", convert_options=opts).to_pandas()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, dict[str, pd.DataFrame]]:
    d = tmp_path_factory.mktemp("gen10k")
    report = generate(d, GenerateSettings(accounts=10_000, seed=7))
    frames = {t: _read(d, t) for t in (*REQUIRED, "truth")}
    return d, report, frames


def _hashes(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


class _Intel:
    """Longest-prefix lookup over ip_intel, the way the loader is meant to do it."""

    def __init__(self, intel: pd.DataFrame) -> None:
        self.nets: dict[int, dict[ipaddress._BaseNetwork, tuple[str, str]]] = {}
        for net, prov, kind in zip(intel["network"], intel["provider"], intel["kind"], strict=True):
            n = ipaddress.ip_network(net)
            self.nets.setdefault(n.prefixlen + (1000 if n.version == 6 else 0), {})[n] = (prov, kind)
        self.lens = sorted(self.nets, reverse=True)

    def lookup(self, ip: str) -> tuple[str, str] | None:
        a = ipaddress.ip_address(ip)
        for key in self.lens:
            v6 = key >= 1000
            if v6 != (a.version == 6):
                continue
            n = ipaddress.ip_network(f"{ip}/{key - 1000 if v6 else key}", strict=False)
            hit = self.nets[key].get(n)
            if hit:
                return hit
        return None


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    for fmt in ("csv", "parquet"):
        a, b, c = tmp_path / f"a{fmt}", tmp_path / f"b{fmt}", tmp_path / f"c{fmt}"
        generate(a, GenerateSettings(accounts=3_000, seed=11, fmt=fmt))
        generate(b, GenerateSettings(accounts=3_000, seed=11, fmt=fmt))
        generate(c, GenerateSettings(accounts=3_000, seed=12, fmt=fmt))
        ha, hb, hc = _hashes(a), _hashes(b), _hashes(c)
        assert ha == hb
        assert set(ha) == set(hc)
        assert all(ha[f] != hc[f] for f in ha if not f.startswith("ip_intel")), (
            "a different seed must change the data"
        )


def test_tables_and_required_columns(export) -> None:
    d, report, frames = export
    for table, cols in REQUIRED.items():
        assert (d / f"{table}.csv").exists()
        assert list(frames[table].columns) == cols
        assert report.counts[table] == len(frames[table]) > 0
    acc = frames["accounts"]
    assert acc["account_id"].is_unique and len(acc) == 10_000
    assert acc["email"].str.lower().is_unique
    ev = frames["ip_events"]
    assert not ev.duplicated(["account_id", "ip"]).any(), "ip_events are pre-aggregated per (account, ip)"
    assert set(ev["account_id"]) <= set(acc["account_id"])
    assert set(frames["payment_methods"]["account_id"]) <= set(acc["account_id"])
    assert set(frames["usage"]["category"]) <= {
        "reasoning",
        "coding",
        "tool_use",
        "agentic",
        "vision",
        "alignment",
        "chat",
        "other",
    }
    # Volumes like a real lab's: 1-3 IP rows per account on average, a few identifier rows.
    assert 1.0 <= len(ev) / len(acc) <= 5.0
    assert 1.0 <= len(frames["payment_methods"]) / len(acc) <= 2.0


def test_timestamps_iso_z_and_ordered(export) -> None:
    d, _, frames = export
    text = (d / "accounts.csv").read_text().splitlines()[1]
    assert re.search(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', text)
    acc = frames["accounts"].set_index("account_id")
    ev = frames["ip_events"]
    created = acc.loc[ev["account_id"], "created_at"].to_numpy()
    assert (ev["first_seen"].to_numpy() >= created).all()
    assert (ev["last_seen"] >= ev["first_seen"]).all()
    start = pd.Timestamp("2026-01-01", tz="UTC")
    assert acc["created_at"].min() >= start and acc["created_at"].max() < start + pd.Timedelta(days=181)


def test_ips_are_canonical_and_mixed_versions(export) -> None:
    _, _, frames = export
    ips = frames["ip_events"]["ip"].unique()
    parsed = [ipaddress.ip_address(x) for x in ips]
    assert all(str(p) == x for p, x in zip(parsed, ips, strict=True))
    v6 = sum(p.version == 6 for p in parsed)
    assert 0.03 < v6 / len(parsed) < 0.4
    for net in frames["ip_intel"]["network"]:
        ipaddress.ip_network(net)  # strict: host bits zero
    assert set(frames["ip_intel"]["kind"]) >= {
        "residential_proxy",
        "vpn",
        "mobile_carrier",
        "education",
        "corporate",
        "datacenter",
        "isp",
    }


def test_no_card_numbers_anywhere(export) -> None:
    d, _, frames = export
    pm = frames["payment_methods"].astype(str)
    assert pm["payment_fingerprint"].str.fullmatch(r"fp_[0-9a-f]{16}").all()
    cards = frames["payment_methods"].dropna(subset=["card_bin"])
    assert cards["card_bin"].astype(int).astype(str).str.zfill(6).str.fullmatch(r"\d{6}").all()
    assert (cards["card_last4"].astype(int) < 10_000).all()
    for f in d.iterdir():
        runs = re.findall(rb"(?<!\d)\d{13,19}(?!\d)", f.read_bytes())
        assert not [r for r in runs if luhn_valid(r.decode())], f"card-number-like value in {f.name}"


def test_truth_covers_every_account(export) -> None:
    _, report, frames = export
    truth, acc = frames["truth"], frames["accounts"]
    assert list(truth.columns) == ["account_id", "campaign_id", "kind"]
    assert set(truth["account_id"]) == set(acc["account_id"]) and truth["account_id"].is_unique
    camp = truth["kind"] == "campaign"
    assert truth.loc[camp, "campaign_id"].notna().all() and truth.loc[~camp, "campaign_id"].isna().all()
    assert set(truth["kind"]) == {
        "background",
        "campaign",
        "benign_nat",
        "benign_family",
        "benign_vpn",
        "benign_enterprise",
        "benign_datacenter",
    }
    assert report.campaign_accounts == camp.sum()
    sizes = truth[camp].groupby("campaign_id").size()
    assert report.campaigns == len(sizes) >= 4 and (sizes >= 15).all()


def test_campaigns_share_prepaid_cards_in_groups(export) -> None:
    _, _, frames = export
    pm = frames["payment_methods"].merge(frames["truth"], on="account_id")
    camp = pm[pm["kind"] == "campaign"]
    assert (camp["method_type"] == "prepaid_card").all()
    per_card = camp.groupby("payment_fingerprint")["account_id"].nunique()
    assert 3 <= per_card.median() <= 10
    # almost every member shares a card with at least two others
    shared = set(camp[camp["payment_fingerprint"].isin(per_card[per_card >= 3].index)]["account_id"])
    members = set(camp["account_id"])
    assert len(shared) / len(members) > 0.9
    # cards never cross campaigns; background cards are unique (families aside)
    assert (camp.groupby("payment_fingerprint")["campaign_id"].nunique() == 1).all()
    bg = pm[pm["kind"].isin(["background", "benign_vpn", "benign_nat", "benign_datacenter"])]
    assert bg.groupby("payment_fingerprint")["account_id"].nunique().max() == 1


def test_campaigns_rotate_residential_proxies_and_automation(export) -> None:
    _, _, frames = export
    intel = _Intel(frames["ip_intel"])
    ev = frames["ip_events"].merge(frames["truth"], on="account_id")
    camp = ev[ev["kind"] == "campaign"].copy()
    kinds = camp["ip"].map(lambda ip: (intel.lookup(ip) or ("", ""))[1])
    proxied = (kinds == "residential_proxy") | camp["proxy_provider"].notna()
    assert proxied.mean() > 0.85
    per_account = camp.groupby("account_id")["ip"].nunique()
    assert per_account.median() >= 5
    # exits are reused across members of the same campaign, not across campaigns
    per_ip = camp[proxied].groupby("ip")["account_id"].nunique()
    assert (per_ip >= 2).mean() > 0.5
    assert (camp[proxied].groupby("ip")["campaign_id"].nunique() == 1).mean() > 0.99
    assert camp["user_agent"].str.contains(AUTOMATION).mean() > 0.6
    bg = ev[ev["kind"] == "background"]
    assert bg["user_agent"].str.contains(AUTOMATION).mean() < 0.1


def test_campaign_signups_burst_and_replacement_waves(export) -> None:
    _, _, frames = export
    acc = frames["accounts"].merge(frames["truth"], on="account_id")
    pm = frames["payment_methods"]

    def bursty(times: pd.Series) -> float:
        """Share of accounts with at least two others created within 12 hours of them."""
        t = np.sort((times - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy())
        lo = np.searchsorted(t, t - 12 * 3600)
        hi = np.searchsorted(t, t + 12 * 3600, side="right")
        return float(((hi - lo - 1) >= 2).mean())

    rng = np.random.default_rng(0)
    bg = acc[acc["kind"] == "background"]
    replaced = 0
    for cid, g in acc[acc["kind"] == "campaign"].groupby("campaign_id"):
        assert bursty(g["created_at"]) >= 0.85, cid
        sample = bg.iloc[rng.choice(len(bg), len(g), replace=False)]
        assert bursty(sample["created_at"]) < 0.5
        banned = g[g["status"] == "banned"]
        if banned.empty:
            continue
        cards = pm[pm["account_id"].isin(banned["account_id"])]["payment_fingerprint"]
        late = g[g["created_at"] > banned["created_at"].min()]
        reuse = pm[pm["account_id"].isin(late["account_id"]) & pm["payment_fingerprint"].isin(cards)]
        replaced += not reuse.empty
    assert replaced >= 3, "replacement accounts reuse banned accounts' cards"
    assert (acc[acc["kind"] == "campaign"]["status"] == "banned").mean() > 0.1


def test_campaign_emails_are_throwaway(export) -> None:
    _, _, frames = export
    acc = frames["accounts"].merge(frames["truth"], on="account_id")
    local = acc["email"].str.split("@").str[0]
    domain = acc["email"].str.split("@").str[1]
    camp = acc["kind"] == "campaign"
    bg = acc["kind"] == "background"
    disposable = domain.isin(set(DISPOSABLE))
    fresh = ~domain.isin(set(domain[~camp])) & domain.map(domain[camp].value_counts()).ge(3)
    webmail_base = local.str.replace(".", "", regex=False).str.split("+").str[0]
    gmail = domain.isin({"gmail.com", "googlemail.com"})
    shared_base = gmail & webmail_base.map(webmail_base[gmail & camp].value_counts()).ge(2)
    throwaway = disposable | fresh | shared_base
    assert throwaway[camp].mean() > 0.95
    assert throwaway[bg].mean() < 0.02
    name_like = re.compile(r"^[a-z]+[._]?[a-z]*\d*@")
    assert acc.loc[bg, "email"].str.match(name_like).mean() > 0.9


def test_nat_and_vpn_share_ips_among_unrelated_users(export) -> None:
    _, _, frames = export
    intel = _Intel(frames["ip_intel"])
    ev = frames["ip_events"].merge(frames["truth"], on="account_id")
    per_ip = ev.groupby("ip")["account_id"].nunique()
    big = per_ip[per_ip >= 100].index
    big_kinds = {intel.lookup(ip)[1] for ip in big}
    assert big_kinds & {"mobile_carrier", "education"}, (
        "carrier/campus NAT addresses shared by >= 100 accounts"
    )
    nat = ev[ev["ip"].isin(big)]
    assert (nat[nat["kind"] != "campaign"]["account_id"].nunique()) >= 100
    # NAT users keep their own cards: no card is shared among them
    pm = frames["payment_methods"]
    nat_cards = pm[pm["account_id"].isin(nat["account_id"])]
    assert nat_cards.groupby("payment_fingerprint")["account_id"].nunique().max() <= 5  # a family at most
    vpn = ev[ev["kind"] == "benign_vpn"]
    kinds = vpn["ip"].map(lambda ip: (intel.lookup(ip) or ("", ""))[1])
    assert (kinds == "vpn").any()
    assert vpn[kinds == "vpn"].groupby("ip")["account_id"].nunique().max() >= 3


def test_families_share_a_card_with_spread_out_signups(export) -> None:
    _, _, frames = export
    pm = frames["payment_methods"].merge(frames["truth"], on="account_id")
    acc = frames["accounts"].set_index("account_id")
    fam = pm[pm["kind"] == "benign_family"]
    per_card = fam.groupby("payment_fingerprint")["account_id"].unique()
    groups = [a for a in per_card if 2 <= len(a) <= 5]
    assert len(groups) >= 20
    spans = [acc.loc[list(a), "created_at"].max() - acc.loc[list(a), "created_at"].min() for a in groups]
    assert np.median([s.total_seconds() for s in spans]) > 7 * 86400
    ev = frames["ip_events"]
    shared_ip = sum(
        ev[ev["account_id"].isin(a)].groupby("ip")["account_id"].nunique().max() == len(a) for a in groups
    )
    assert shared_ip / len(groups) > 0.8, "family members share the household address"


def test_verified_enterprise_teams(export) -> None:
    _, _, frames = export
    intel = _Intel(frames["ip_intel"])
    acc = frames["accounts"].merge(frames["truth"], on="account_id")
    ent = acc[acc["kind"] == "benign_enterprise"]
    assert ent["org_id"].notna().all() and ent["org_verified"].astype(bool).all()
    assert (acc.loc[acc["kind"] == "campaign", "org_verified"].fillna(False) == False).all()  # noqa: E712
    for _org, g in ent.groupby("org_id"):
        assert len(g) >= 10
        assert g["email"].str.split("@").str[1].nunique() == 1
    pm = frames["payment_methods"]
    team_card = pm[pm["account_id"].isin(ent["account_id"])].merge(
        ent[["account_id", "org_id"]], on="account_id"
    )
    assert (
        team_card.groupby("org_id")["payment_fingerprint"].agg(lambda s: s.value_counts().iloc[0]) >= 10
    ).all()
    ev = frames["ip_events"]
    ent_ips = ev[ev["account_id"].isin(ent["account_id"])]["ip"].unique()
    assert any((intel.lookup(ip) or ("", ""))[1] == "corporate" for ip in ent_ips)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_encoding_writes_the_same_rows(tmp_path: Path, fmt: str) -> None:
    report = generate(tmp_path, GenerateSettings(accounts=1_000, seed=3, fmt=fmt))
    ref = tmp_path / "ref"
    generate(ref, GenerateSettings(accounts=1_000, seed=3, fmt="csv"))
    for table in REQUIRED:
        path = tmp_path / f"{table}.{fmt}"
        assert path.exists()
        if fmt == "parquet":
            df = pq.read_table(path).to_pandas()
        elif fmt.startswith("jsonl"):
            opener = gzip.open if fmt.endswith(".gz") else open
            with opener(path, "rt") as f:
                df = pd.DataFrame([json.loads(line) for line in f])
        else:
            df = _read(tmp_path, table, fmt)
        assert list(df.columns) == REQUIRED[table]
        assert len(df) == report.counts[table]
        expect = _read(ref, table)
        key = REQUIRED[table][0]
        assert list(df[key].astype(str)) == list(expect[key].astype(str))
    assert (tmp_path / "truth.csv").exists()


def test_campaign_sizes_scale_with_accounts() -> None:
    rng = np.random.default_rng(1)
    big = campaign_sizes(1_000_000, None, rng)
    assert len(big) == 30 and big.min() >= 50 and big.max() <= 2_000 and big.max() > 1_000
    mid = campaign_sizes(100_000, None, rng)
    assert 20 <= len(mid) <= 40 and mid.min() >= 20 and mid.max() <= 400
    small = campaign_sizes(10_000, None, rng)
    assert len(small) >= 4 and small.min() >= 15
    assert len(campaign_sizes(1_000, None, rng)) >= 4
    assert len(campaign_sizes(50_000, 7, rng)) == 7


def test_settings_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        generate(tmp_path, GenerateSettings(accounts=1_000, fmt="xml"))
    with pytest.raises(ValueError, match="at least"):
        generate(tmp_path, GenerateSettings(accounts=10))


def test_generator_steps_are_small_functions():
    """The generator reads as named steps: no function in the subpackage is over ~60 lines."""
    import ast

    import linkgraph.generator

    package = Path(linkgraph.generator.__file__).parent
    lengths = {}
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.FunctionDef):
                lengths[f"{module.name}:{node.name}"] = node.end_lineno - node.lineno + 1
    assert len(lengths) > 50
    too_long = {name: n for name, n in lengths.items() if n > 60}
    assert not too_long, too_long

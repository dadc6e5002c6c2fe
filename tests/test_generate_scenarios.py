"""The evaluation scenario: planted patterns and look-alikes, randomised spellings, partial exports.

Read back from the written files, as a detector would see them.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pandas as pd
import pyarrow.csv as pcsv
import pytest

import linkgraph.generator
from linkgraph.generator import GenerateSettings, generate
from linkgraph.generator.scenario import KIND_SPELLINGS, draw_scenario

PATTERNS = {"classic", "bulk_proxy", "agentic", "quiet_ring", "ban_evasion", "lockstep"}
LOOKALIKES = {
    "benign_nat", "benign_family", "benign_vpn", "benign_enterprise", "benign_datacenter",
    "benign_proxy_user", "benign_classroom", "benign_qa_team", "benign_shared_computer",
    "benign_resignup", "benign_signup_wave",
}  # fmt: skip


def _read(d: Path, table: str) -> pd.DataFrame:
    opts = pcsv.ConvertOptions(strings_can_be_null=True)
    return pcsv.read_csv(d / f"{table}.csv", convert_options=opts).to_pandas()


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    d = tmp_path_factory.mktemp("eval20k")
    generate(d, GenerateSettings(accounts=20_000, seed=3, scenario="evaluation"))
    tables = ("accounts", "payment_methods", "ip_events", "ip_intel", "usage", "truth")
    return d, {t: _read(d, t) for t in tables}


def test_every_pattern_and_lookalike_is_planted_and_labelled(evaluation) -> None:
    _, f = evaluation
    truth = f["truth"]
    assert list(truth.columns) == ["account_id", "campaign_id", "kind", "group_id", "pattern"]
    assert set(truth["pattern"].dropna()) == PATTERNS
    assert set(truth["kind"]) == LOOKALIKES | {"background", "campaign"}
    campaign = truth["campaign_id"].notna()
    assert (truth.loc[campaign, "group_id"] == truth.loc[campaign, "campaign_id"]).all()
    benign = truth["kind"].str.startswith("benign_")
    assert truth.loc[benign, "group_id"].notna().all(), "every look-alike account names its group"
    assert truth.loc[truth["kind"] == "background", "group_id"].isna().all()
    bulk = truth[truth["pattern"] == "bulk_proxy"]
    assert 0.012 * 20_000 <= len(bulk) <= 0.03 * 20_000


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    digests = []
    for name in ("a", "b"):
        generate(tmp_path / name, GenerateSettings(accounts=6_000, seed=5, scenario="evaluation"))
        digests.append(
            {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / name).iterdir()}
        )
    assert digests[0] == digests[1]


def test_scenario_parameters_and_spellings_change_with_the_seed() -> None:
    drawn = [draw_scenario("evaluation", 100_000, seed) for seed in range(1, 9)]
    assert len({s.bulk_accounts for s in drawn}) > 1
    assert len({s.spellings.intel_kind["residential_proxy"] for s in drawn}) > 2
    assert len({s.spellings.prepaid_style for s in drawn}) > 1
    for s in drawn:
        assert set(s.spellings.intel_kind) == set(KIND_SPELLINGS)
    assert draw_scenario("classic", 100_000, 1).name == "classic"


def test_intel_kinds_and_categories_use_the_seeds_spelling(evaluation) -> None:
    _, f = evaluation
    spellings = draw_scenario("evaluation", 20_000, 3).spellings
    assert set(f["ip_intel"]["kind"]) <= set(spellings.intel_kind.values())
    assert set(f["usage"]["category"]) <= set(spellings.categories)


def test_proxy_bystanders_share_campaign_exits_but_nothing_else(evaluation) -> None:
    _, f = evaluation
    truth, events, pays = f["truth"], f["ip_events"], f["payment_methods"]
    bystanders = set(truth.loc[truth["kind"] == "benign_proxy_user", "account_id"])
    campaign_accounts = set(truth.loc[truth["campaign_id"].notna(), "account_id"])
    campaign_ips = set(events.loc[events["account_id"].isin(campaign_accounts), "ip"])
    by_events = events[events["account_id"].isin(bystanders)]
    on_campaign_exits = by_events.loc[by_events["ip"].isin(campaign_ips), "account_id"].nunique()
    assert on_campaign_exits >= 0.5 * len(bystanders)
    campaign_cards = set(pays.loc[pays["account_id"].isin(campaign_accounts), "payment_fingerprint"])
    assert not pays.loc[pays["account_id"].isin(bystanders), "payment_fingerprint"].isin(campaign_cards).any()


def test_evasion_replacements_follow_bans_and_reuse_device_or_card(evaluation) -> None:
    _, f = evaluation
    truth = f["truth"].merge(f["accounts"], on="account_id")
    lineages = truth[truth["pattern"] == "ban_evasion"].sort_values("created_at")
    devices = f["ip_events"].dropna(subset=["device_id"]).groupby("account_id")["device_id"].agg(set)
    cards = f["payment_methods"].groupby("account_id")["payment_fingerprint"].agg(set)
    reused = 0
    for _, lineage in lineages.groupby("campaign_id"):
        ids = lineage["account_id"].tolist()
        assert (lineage["status"].iloc[:-1] == "banned").all()
        for before, after in zip(ids, ids[1:], strict=False):
            shared_device = devices.get(before, set()) & devices.get(after, set())
            shared_card = cards.get(before, set()) & cards.get(after, set())
            reused += bool(shared_device or shared_card)
    pairs = sum(len(g) - 1 for _, g in lineages.groupby("campaign_id"))
    assert pairs > 5
    assert reused >= 0.9 * pairs


def test_quiet_rings_have_sequential_templates_shared_devices_and_own_cards(evaluation) -> None:
    _, f = evaluation
    truth = f["truth"].merge(f["accounts"], on="account_id")
    rings = truth[truth["pattern"] == "quiet_ring"]
    for _, ring in rings.groupby("campaign_id"):
        locals_ = ring["email"].str.split("@").str[0]
        stems = locals_.str.replace(r"\d+$", "", regex=True)
        assert stems.nunique() == 1, "one template per ring"
        ring_events = f["ip_events"][f["ip_events"]["account_id"].isin(ring["account_id"])]
        per_device = ring_events.dropna(subset=["device_id"]).groupby("device_id")["account_id"].nunique()
        assert per_device.max() >= 2, "a device shared within the ring"
        ring_cards = f["payment_methods"][f["payment_methods"]["account_id"].isin(ring["account_id"])]
        assert ring_cards.groupby("payment_fingerprint")["account_id"].nunique().max() == 1


def test_classrooms_share_one_campus_address_and_sequential_emails(evaluation) -> None:
    _, f = evaluation
    truth = f["truth"].merge(f["accounts"], on="account_id")
    for _, room in truth[truth["kind"] == "benign_classroom"].groupby("group_id"):
        ips = f["ip_events"][f["ip_events"]["account_id"].isin(room["account_id"])]
        assert ips.groupby("ip")["account_id"].nunique().max() == len(room)
        numbers = room["email"].str.extract(r"\.s(\d+)@")[0].astype(int).sort_values()
        assert (numbers.diff().dropna() == 1).all()


@pytest.mark.parametrize(
    ("variant", "absent_tables", "absent_columns"),
    [
        ("no_ip_intel", {"ip_intel"}, set()),
        ("no_usage", {"usage"}, set()),
        ("no_user_agents", set(), {"user_agent"}),
        ("minimal", {"ip_intel", "usage"}, {"user_agent", "proxy_provider"}),
    ],
)
def test_partial_export_variants(
    tmp_path: Path, variant: str, absent_tables: set, absent_columns: set
) -> None:
    d = tmp_path / "export"
    generate(d, GenerateSettings(accounts=6_000, seed=2, scenario="evaluation"))
    full_events = _read(d, "ip_events")
    generate(d, GenerateSettings(accounts=6_000, seed=2, scenario="evaluation", variant=variant))
    present = {p.name.split(".")[0] for p in d.iterdir()}
    assert (
        present == {"accounts", "payment_methods", "ip_events", "ip_intel", "usage", "truth"} - absent_tables
    )
    events = _read(d, "ip_events")
    assert set(full_events.columns) - set(events.columns) == absent_columns
    assert len(events) == len(full_events)
    assert "device_id" in events.columns


def test_generator_does_not_import_the_detector() -> None:
    """The generator owns its vocabularies: no detector or loader module is imported."""
    package = Path(linkgraph.generator.__file__).parent
    allowed = {"linkgraph.generator"}
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith("linkgraph"):
                    assert any(name == a or name.startswith(a + ".") for a in allowed), (module.name, name)


def test_throwaway_domains_are_not_the_loaders_list(evaluation) -> None:
    """Campaign addresses in the evaluation scenario use domains invented per seed, so a
    detector cannot score them by knowing the generator's (or any published) list."""
    from linkgraph.loaders.normalise import disposable_domains

    _, f = evaluation
    truth = f["truth"].merge(f["accounts"], on="account_id")
    domains = set(truth.loc[truth["campaign_id"].notna(), "email"].str.split("@").str[1])
    assert not domains & disposable_domains()

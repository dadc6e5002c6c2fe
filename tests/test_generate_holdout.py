"""The holdout scenario: determinism, truth consistency, variants, look-alikes, no detector imports.

Read back from the written files, as a detector would see them.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.csv as pcsv
import pytest

import linkgraph.generator
from linkgraph.generator import GenerateSettings, generate, holdout
from linkgraph.generator.holdout_people import HOLDOUT_LOOKALIKES
from linkgraph.generator.holdout_plan import HOLDOUT_KIND_SPELLINGS
from linkgraph.generator.scenario import KIND_SPELLINGS, draw_scenario

PATTERNS = set(holdout.PATTERN_LOOKALIKES)
TABLES = ("accounts", "payment_methods", "ip_events", "ip_intel", "usage", "truth")


def _read(d: Path, table: str) -> pd.DataFrame:
    opts = pcsv.ConvertOptions(strings_can_be_null=True)
    return pcsv.read_csv(d / f"{table}.csv", convert_options=opts).to_pandas()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    d = tmp_path_factory.mktemp("holdout20k")
    generate(d, GenerateSettings(accounts=20_000, seed=7, scenario="holdout"))
    return {t: _read(d, t) for t in TABLES}


def test_truth_is_consistent(export) -> None:
    truth, accounts = export["truth"], export["accounts"]
    assert list(truth.columns) == ["account_id", "campaign_id", "kind", "group_id", "pattern"]
    assert set(truth["account_id"]) == set(accounts["account_id"]) and truth["account_id"].is_unique
    campaign = truth["campaign_id"].notna()
    assert set(truth.loc[campaign, "pattern"]) == PATTERNS
    assert (truth.loc[campaign, "kind"] == "campaign").all()
    assert (truth.loc[campaign, "group_id"] == truth.loc[campaign, "campaign_id"]).all()
    assert truth.loc[~campaign, "pattern"].isna().all()
    benign = truth["kind"].str.startswith("benign_")
    assert truth.loc[benign, "group_id"].notna().all()
    assert set(HOLDOUT_LOOKALIKES) <= set(truth["kind"])
    for _, group in truth[benign].groupby("group_id"):
        assert group["kind"].nunique() == 1, "a group is one kind of look-alike"


def test_every_pattern_names_a_planted_lookalike_in_its_docstring(export) -> None:
    planted_kinds = set(export["truth"]["kind"])
    functions = {
        "aged_accounts": holdout.add_aged_accounts,
        "slow_drip": holdout.add_slow_drip,
        "split_signups": holdout.add_split_signups,
        "reseller_front": holdout.add_reseller_fronts,
    }
    assert set(functions) == PATTERNS
    for pattern, function in functions.items():
        lookalike = holdout.PATTERN_LOOKALIKES[pattern]
        assert f"Look-alike: {lookalike}" in inspect.getdoc(function), pattern
        assert lookalike in planted_kinds
        assert lookalike in HOLDOUT_LOOKALIKES


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    digests = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(tmp_path / name, GenerateSettings(accounts=6_000, seed=seed, scenario="holdout"))
        digests.append(
            {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / name).iterdir()}
        )
    assert digests[0] == digests[1]
    assert digests[0]["truth.csv"] != digests[2]["truth.csv"]


def test_parameters_and_spellings_are_drawn_per_seed_and_differ_from_the_evaluation() -> None:
    drawn = [draw_scenario("holdout", 100_000, seed) for seed in range(1, 9)]
    assert all(s.holdout is not None for s in drawn)
    assert len({s.holdout.split_campaigns for s in drawn if s.holdout}) > 1
    assert len({s.spellings.intel_kind["residential_proxy"] for s in drawn}) > 2
    assert len({s.spellings.categories for s in drawn}) > 1
    for kind, spellings in HOLDOUT_KIND_SPELLINGS.items():
        assert not set(spellings) & set(KIND_SPELLINGS[kind]), kind
    assert draw_scenario("evaluation", 100_000, 1).holdout is None


def test_slow_drip_resets_devices_but_shares_issuer_user_agent_and_carrier_exits(export) -> None:
    truth, events, pays = export["truth"], export["ip_events"], export["payment_methods"]
    neighbours = set(truth.loc[truth["kind"] == "benign_carrier_neighbour", "account_id"])
    for _, farm in truth[truth["pattern"] == "slow_drip"].groupby("campaign_id"):
        rows = events[events["account_id"].isin(farm["account_id"])]
        assert rows.groupby("device_id")["account_id"].nunique().max() == 1, "a fresh device per account"
        assert rows["user_agent"].nunique() == 1
        cards = pays[pays["account_id"].isin(farm["account_id"])]
        assert cards["payment_fingerprint"].is_unique and cards["card_bin"].nunique() <= 2
        exits = set(rows["ip"])
        assert events.loc[events["ip"].isin(exits), "account_id"].isin(neighbours).any()


def test_split_signups_use_several_providers_one_template_each(export) -> None:
    merged = export["truth"].merge(export["accounts"], on="account_id")
    for _, campaign in merged[merged["pattern"] == "split_signups"].groupby("campaign_id"):
        domains = campaign["email"].str.split("@").str[1]
        assert domains.nunique() >= 3


@pytest.mark.parametrize(
    ("variant", "absent_tables", "absent_columns"),
    [
        ("no_ip_intel", {"ip_intel"}, set()),
        ("no_usage", {"usage"}, set()),
        ("no_user_agents", set(), {"user_agent"}),
        ("minimal", {"ip_intel", "usage"}, {"user_agent", "proxy_provider"}),
    ],
)
def test_every_variant_drops_what_it_says(
    tmp_path: Path, variant: str, absent_tables: set, absent_columns: set
) -> None:
    d = tmp_path / "export"
    generate(d, GenerateSettings(accounts=6_000, seed=2, scenario="holdout"))
    full_events, full_truth = _read(d, "ip_events"), _read(d, "truth")
    generate(d, GenerateSettings(accounts=6_000, seed=2, scenario="holdout", variant=variant))
    present = {p.name.split(".")[0] for p in d.iterdir()}
    assert present == set(TABLES) - absent_tables
    events = _read(d, "ip_events")
    assert set(full_events.columns) - set(events.columns) == absent_columns
    assert len(events) == len(full_events)
    assert _read(d, "truth").equals(full_truth)


def test_generator_imports_nothing_from_the_detector() -> None:
    """Import every module of linkgraph.generator in a fresh interpreter: the only linkgraph
    modules loaded are the package itself and the generator's own."""
    names = [m.name for m in pkgutil.iter_modules(linkgraph.generator.__path__, "linkgraph.generator.")]
    assert "linkgraph.generator.holdout" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('linkgraph'))))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    foreign = [m for m in loaded if m != "linkgraph" and not m.startswith("linkgraph.generator")]
    assert not foreign, foreign
    for name in names:  # and the same modules import in this process too
        importlib.import_module(name)

"""Scenarios: which campaign patterns and benign look-alikes to plant, how big, how spelled.

``classic`` is the original demo: its parameters are the generator's long-standing
constants and its files are byte-identical to what the generator always wrote.

``evaluation`` draws every parameter per seed, from a random stream of its own (so the
parameters do not shift the population's stream): campaign pattern sizes and mixing rates,
look-alike group counts, how many exits a proxy pool rotates through, how a vendor spells
``ip_intel`` kinds and card funding, usage category names, throwaway domains. It plants the
patterns public reports describe (a bulk prepaid + rotating-proxy operation, an agentic
campaign, quiet rings, ban-evasion lineages, lockstep co-activity) next to a benign
look-alike for every signal a detector could use (see ``lookalikes_people``).

The vocabularies here are the generator's own. Nothing is imported from, or copied out of,
the detector: a detector must not be able to score well by sharing the generator's words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from linkgraph.generator.holdout_plan import (
    HOLDOUT_CARD_SPELLINGS,
    HOLDOUT_CATEGORY_SPELLINGS,
    HOLDOUT_FUNDING_COLUMNS,
    HOLDOUT_FUNDING_SPELLINGS,
    HOLDOUT_KIND_SPELLINGS,
    HOLDOUT_PREPAID_SPELLINGS,
    HoldoutPlan,
    draw_holdout_plan,
)

ScenarioName = Literal["classic", "evaluation", "holdout"]
SCENARIOS: tuple[ScenarioName, ...] = ("classic", "evaluation", "holdout")

# Canonical network kinds (what the world model calls them) -> how some vendors write them.
KIND_SPELLINGS: dict[str, tuple[str, ...]] = {
    "residential_proxy": (
        "residential_proxy", "Residential Proxy", "resi", "isp_proxy", "proxy/residential",
        "RESIDENTIAL_PROXY", "residential-proxy", "Proxy - Residential",
    ),
    "datacenter": ("datacenter", "hosting", "Data Center", "cloud", "DCH", "data_center", "Hosting Provider"),
    "vpn": ("vpn", "VPN", "anonymous_vpn", "privacy_vpn", "VPN Service", "vpn_exit"),
    "tor": ("tor", "TOR", "tor_exit", "Tor Exit Node", "anonymizer/tor"),
    "mobile_carrier": ("mobile_carrier", "mobile", "cellular", "Mobile ISP", "wireless"),
    "isp": ("isp", "ISP", "broadband", "fixed_line", "Consumer ISP", "residential"),
    "corporate": ("corporate", "business", "Enterprise", "org", "commercial"),
    "education": ("education", "edu", "university", "Education/Research", "academic"),
}  # fmt: skip

# How a payment processor's export may say that a card is prepaid.
PrepaidStyle = Literal["method_type", "funding_column", "none"]
CARD_SPELLINGS = ("card", "credit_card", "Card", "CARD", "bank_card")
PREPAID_SPELLINGS = (
    "prepaid_card",
    "prepaid",
    "Prepaid Card",
    "gift_card",
    "virtual_prepaid",
    "stored_value",
)
FUNDING_COLUMNS = ("funding", "card_funding", "funding_type", "card_type")
FUNDING_SPELLINGS = (
    {"credit": "credit", "debit": "debit", "prepaid": "prepaid"},
    {"credit": "CREDIT", "debit": "DEBIT", "prepaid": "PREPAID"},
    {"credit": "Credit", "debit": "Debit", "prepaid": "Prepaid Reloadable"},
    {"credit": "C", "debit": "D", "prepaid": "P"},
)

# Usage category names, one tuple per naming convention (order of vocabulary.CATEGORIES).
CATEGORY_SPELLINGS = (
    ("reasoning", "coding", "tool_use", "agentic", "vision", "alignment", "chat", "other"),
    ("Reasoning", "Code", "Tools", "Agents", "Vision", "Safety", "Chat", "Misc"),
    ("math_reasoning", "code_generation", "function_calling", "agent_loop", "image", "policy", "conversation", "uncategorised"),
    ("cot", "programming", "tool-calls", "autonomous", "multimodal", "red_team", "assistant", "unknown"),
)  # fmt: skip

# Words for throwaway domains invented per seed (no list of real disposable services).
THROWAWAY_WORDS_A = (
    "quick",
    "temp",
    "fast",
    "burn",
    "spare",
    "zip",
    "drop",
    "flash",
    "echo",
    "void",
    "blink",
    "ghost",
)
THROWAWAY_WORDS_B = ("mail", "box", "inbox", "post", "letter", "drop", "relay", "msg")
THROWAWAY_TLDS = ("net", "org", "xyz", "io", "cc", "email", "site", "top", "click")


@dataclass(frozen=True)
class Spellings:
    """How this export's vendors write enrichment values."""

    intel_kind: dict[str, str] = field(default_factory=lambda: {k: k for k in KIND_SPELLINGS})
    prepaid_style: PrepaidStyle = "method_type"
    card_method_type: str = "card"
    prepaid_method_type: str = "prepaid_card"
    funding_column: str = ""
    funding_values: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = CATEGORY_SPELLINGS[0]
    log_provider_suffix: str = ""  # the logs may name a provider differently from the intel feed
    throwaway_domains: tuple[str, ...] = ()  # empty: the classic vocabulary list


@dataclass(frozen=True)
class CampaignStyle:
    """How one proxy-based operation behaves. The defaults are the classic campaign's."""

    pattern: str = "classic"
    bursts: tuple[int, int] = (2, 5)  # sign-up bursts, integers low..high-1
    burst_spread_days: int = 30
    original_share: tuple[float, float] = (0.6, 0.8)  # accounts before the first ban wave
    card_group: tuple[int, int] = (3, 9)  # accounts per shared prepaid card
    device_group: tuple[int, int] = (2, 7)  # accounts per shared device
    pool_factor: tuple[float, float] = (1.0, 2.5)  # proxy exits per account
    automation_share: tuple[float, float] = (0.75, 0.95)  # rows with scripted clients
    control_host_chance: float = 0.4
    control_hosts: int = 1
    control_host_share: float = 0.3
    category_mix: tuple[float, ...] = (4, 3, 2.5, 2, 0.3, 0.6, 0.3, 0.1)  # Dirichlet weights


CLASSIC_STYLE = CampaignStyle()


@dataclass(frozen=True)
class Scenario:
    """Everything a scenario decides; group counts are for the whole export."""

    name: ScenarioName = "classic"
    classic_campaigns: int | None = None  # None: scaled with the accounts
    bulk_accounts: int = 0
    bulk_style: CampaignStyle = CLASSIC_STYLE
    agentic_accounts: int = 0
    agentic_style: CampaignStyle = CLASSIC_STYLE
    quiet_rings: tuple[int, ...] = ()  # ring sizes
    evasion_lineages: tuple[int, ...] = ()  # lineage lengths
    lockstep_groups: tuple[int, ...] = ()
    proxy_bystanders: int = 0  # privacy-minded users on a campaign's proxy provider
    classrooms: tuple[int, ...] = ()
    qa_teams: tuple[int, ...] = ()
    shared_computers: tuple[int, ...] = ()  # cafe / library machines: users per machine
    resignup_pairs: int = 0
    signup_waves: tuple[int, ...] = ()  # organic same-day sign-up waves
    organic_payment_mix: tuple[float, float, float] = (0.86, 0.12, 0.02)  # card, paypal, prepaid
    spellings: Spellings = field(default_factory=Spellings)
    holdout: HoldoutPlan | None = None  # the holdout scenario's groups (``holdout``)

    @property
    def detailed_truth(self) -> bool:
        """Whether ``truth.csv`` carries ``group_id`` and ``pattern`` (classic keeps its 3 columns)."""
        return self.name != "classic"

    def campaign_block(self) -> int:
        """Accounts of the proxy-based operations planted before the organic accounts."""
        return self.bulk_accounts + self.agentic_accounts

    def organic_blocks(self) -> list[tuple[str, int]]:
        """Blocks of organic-based accounts the scenario overlays (after the classic look-alikes)."""
        if self.holdout is not None:
            return self.holdout.blocks()
        return [
            ("quiet_ring", sum(self.quiet_rings)),
            ("evasion", sum(self.evasion_lineages)),
            ("lockstep", sum(self.lockstep_groups)),
            ("proxy_bystander", self.proxy_bystanders),
            ("classroom", sum(self.classrooms)),
            ("qa_team", sum(self.qa_teams)),
            ("shared_computer", sum(self.shared_computers)),
            ("resignup", 2 * self.resignup_pairs),
            ("signup_wave", sum(self.signup_waves)),
        ]


def draw_scenario(name: ScenarioName, accounts: int, seed: int) -> Scenario:
    """The scenario for ``name`` at ``accounts`` and ``seed`` (classic has no draws)."""
    if name == "classic":
        return Scenario()
    if name == "holdout":
        return draw_holdout(accounts, seed)
    rng = np.random.default_rng([seed, 0x5CE7A210])
    scale = accounts / 100_000
    return Scenario(
        name="evaluation",
        classic_campaigns=int(np.clip(round(rng.uniform(6, 16) * scale**0.3), 2, 30)),
        bulk_accounts=_count(rng, accounts * rng.uniform(0.015, 0.025), 40),
        bulk_style=_bulk_style(rng),
        agentic_accounts=_count(rng, accounts * rng.uniform(0.04, 0.07), 60),
        agentic_style=_agentic_style(rng),
        quiet_rings=_sizes(rng, 12 * scale**0.6, 5, 16),
        evasion_lineages=_sizes(rng, 30 * scale**0.6, 2, 7),
        lockstep_groups=_sizes(rng, 3 * scale**0.5, 15, 61),
        proxy_bystanders=_count(rng, accounts * rng.uniform(0.002, 0.004), 20),
        classrooms=_sizes(rng, 6 * scale**0.5, 15, 61),
        qa_teams=_sizes(rng, 8 * scale**0.5, 4, 16),
        shared_computers=_sizes(rng, 15 * scale**0.5, 6, 31),
        resignup_pairs=_count(rng, accounts * rng.uniform(0.0015, 0.003), 5),
        signup_waves=_sizes(rng, 1.5, int(accounts * 0.004) + 2, int(accounts * 0.012) + 3),
        organic_payment_mix=_payment_mix(float(rng.uniform(0.02, 0.08))),
        spellings=_spellings(rng),
    )


def _payment_mix(prepaid: float) -> tuple[float, float, float]:
    return (0.88 - prepaid, 0.12, prepaid)


def _count(rng: np.random.Generator, expected: float, minimum: int) -> int:
    return max(minimum, int(round(expected * rng.uniform(0.85, 1.15))))


def _sizes(rng: np.random.Generator, expected_groups: float, low: int, high: int) -> tuple[int, ...]:
    """A Poisson number of groups (at least one) of sizes ``low..high-1``."""
    n = max(1, int(rng.poisson(max(expected_groups, 1.0))))
    return tuple(int(s) for s in rng.integers(low, high, n))


def _bulk_style(rng: np.random.Generator) -> CampaignStyle:
    """One large operation: many bursts, prepaid cards in small groups, a big rotating pool."""
    return CampaignStyle(
        pattern="bulk_proxy",
        bursts=(6, 16),
        burst_spread_days=int(rng.integers(30, 70)),
        card_group=(3, int(rng.integers(6, 12))),
        device_group=(2, int(rng.integers(4, 10))),
        pool_factor=(float(rng.uniform(1.5, 4.0)), float(rng.uniform(4.5, 10.0))),
        automation_share=(float(rng.uniform(0.0, 0.5)), float(rng.uniform(0.6, 0.95))),
        control_host_chance=float(rng.uniform(0.3, 0.9)),
        control_hosts=int(rng.integers(1, 6)),
        control_host_share=float(rng.uniform(0.1, 0.4)),
    )


def _agentic_style(rng: np.random.Generator) -> CampaignStyle:
    """An agentic operation: steady sign-ups, browser automation on shared images, cloud
    workers and proxies, tool-use and agentic traffic."""
    return CampaignStyle(
        pattern="agentic",
        bursts=(10, 25),
        burst_spread_days=int(rng.integers(50, 90)),
        card_group=(4, int(rng.integers(10, 20))),
        device_group=(10, int(rng.integers(20, 60))),
        pool_factor=(float(rng.uniform(0.5, 1.5)), float(rng.uniform(2.0, 4.0))),
        automation_share=(float(rng.uniform(0.0, 0.3)), float(rng.uniform(0.4, 0.9))),
        control_host_chance=1.0,
        control_hosts=int(rng.integers(10, 40)),
        control_host_share=float(rng.uniform(0.5, 0.9)),
        category_mix=(0.8, 1.5, 4, 5, 0.2, 0.2, 0.3, 0.1),
    )


def _spellings(rng: np.random.Generator) -> Spellings:
    intel_kind = {kind: str(rng.choice(options)) for kind, options in KIND_SPELLINGS.items()}
    style: PrepaidStyle = ("method_type", "funding_column", "none")[int(rng.choice(3, p=[0.4, 0.45, 0.15]))]
    funding = FUNDING_SPELLINGS[int(rng.integers(len(FUNDING_SPELLINGS)))]
    n_throwaway = int(rng.integers(3, 9))
    throwaway = {
        f"{rng.choice(THROWAWAY_WORDS_A)}{rng.choice(THROWAWAY_WORDS_B)}{int(rng.integers(2, 99))}.{rng.choice(THROWAWAY_TLDS)}"
        for _ in range(n_throwaway)
    }
    return Spellings(
        intel_kind=intel_kind,
        prepaid_style=style,
        card_method_type=str(rng.choice(CARD_SPELLINGS)),
        prepaid_method_type=str(rng.choice(PREPAID_SPELLINGS)) if style == "method_type" else "",
        funding_column=str(rng.choice(FUNDING_COLUMNS)) if style == "funding_column" else "",
        funding_values=funding if style == "funding_column" else {},
        categories=CATEGORY_SPELLINGS[int(rng.integers(len(CATEGORY_SPELLINGS)))],
        log_provider_suffix=str(rng.choice(["", "", " Inc.", " Networks Ltd", " (resi)"])),
        throwaway_domains=tuple(sorted(throwaway)),
    )


def draw_holdout(accounts: int, seed: int) -> Scenario:
    """The holdout scenario: no classic or evaluation campaigns, only ``holdout``'s patterns,
    next to the classic look-alikes and its own; spellings from other vendors."""
    rng = np.random.default_rng([seed, 0x40D0_0A7])
    return Scenario(
        name="holdout",
        classic_campaigns=0,
        organic_payment_mix=_payment_mix(float(rng.uniform(0.01, 0.06))),
        spellings=_holdout_spellings(rng),
        holdout=draw_holdout_plan(rng, accounts),
    )


def _holdout_spellings(rng: np.random.Generator) -> Spellings:
    style: PrepaidStyle = ("method_type", "funding_column", "none")[int(rng.choice(3, p=[0.35, 0.4, 0.25]))]
    return Spellings(
        intel_kind={kind: str(rng.choice(options)) for kind, options in HOLDOUT_KIND_SPELLINGS.items()},
        prepaid_style=style,
        card_method_type=str(rng.choice(HOLDOUT_CARD_SPELLINGS)),
        prepaid_method_type=str(rng.choice(HOLDOUT_PREPAID_SPELLINGS)) if style == "method_type" else "",
        funding_column=str(rng.choice(HOLDOUT_FUNDING_COLUMNS)) if style == "funding_column" else "",
        funding_values=HOLDOUT_FUNDING_SPELLINGS[int(rng.integers(len(HOLDOUT_FUNDING_SPELLINGS)))]
        if style == "funding_column"
        else {},
        categories=HOLDOUT_CATEGORY_SPELLINGS[int(rng.integers(len(HOLDOUT_CATEGORY_SPELLINGS)))],
        log_provider_suffix=str(rng.choice(["", " LLC", " / residential", " GmbH"])),
    )

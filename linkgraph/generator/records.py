"""The integer-coded rows the generation steps produce, and the enumerations they are coded in.

Steps append arrays to ``RowColumns`` accumulators and never build text: rows refer to
accounts by index (0..N-1) and to cards, devices and organisations by serial number. The
``tables`` step turns a finished ``Population`` into identifiers and text in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from linkgraph.generator.scenario import Scenario

KINDS = (
    "background",
    "campaign",
    "benign_nat",
    "benign_family",
    "benign_vpn",
    "benign_enterprise",
    "benign_datacenter",
    "benign_proxy_user",
    "benign_classroom",
    "benign_qa_team",
    "benign_shared_computer",
    "benign_resignup",
    "benign_signup_wave",
    # holdout scenario (appended, so the codes above keep their values)
    "benign_course_cohort",
    "benign_carrier_neighbour",
    "benign_hackathon",
    "benign_reseller_customer",
    "benign_family_plan",
)
KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
PLANS = ("free", "pro", "team", "enterprise", "api")
PLAN_INDEX = {plan: i for i, plan in enumerate(PLANS)}
STATUSES = ("active", "suspended", "banned", "closed")
STATUS_INDEX = {status: i for i, status in enumerate(STATUSES)}

ACCOUNT_COLUMNS = ("created", "country", "org", "org_verified", "plan", "status", "kind", "campaign", "group")
CARD_COLUMNS = ("method_type", "bin", "last4", "billing_country")
PAYMENT_COLUMNS = ("account", "card", "added")
EVENT_COLUMNS = ("account", "ip", "first_seen", "last_seen", "requests", "user_agent", "device", "provider")
USAGE_COLUMNS = ("account", "day", "category", "requests", "tokens", "jailbreaks")


@dataclass
class RowColumns:
    """Column-wise row accumulator: ``add`` arrays (or scalars), ``concatenate`` once at the end."""

    names: tuple[str, ...]
    parts: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, **columns: np.ndarray | int) -> None:
        n = max(np.size(v) for v in columns.values() if not np.isscalar(v))
        for name in self.names:
            value = columns[name]
            if np.isscalar(value):
                array = np.full(n, value, dtype=np.int64)
            else:
                array = np.asarray(value, dtype=np.int64)
            self.parts.setdefault(name, []).append(array)

    def concatenate(self) -> dict[str, np.ndarray]:
        return {
            name: (np.concatenate(self.parts[name]) if self.parts.get(name) else np.zeros(0, np.int64))
            for name in self.names
        }

    def drop_accounts(
        self, rng: np.random.Generator, accounts: np.ndarray, n: int, keep_share: float
    ) -> None:
        """Remove the rows of ``accounts`` (of ``n``), keeping a random share of them."""
        mask = np.zeros(n, bool)
        mask[accounts] = True
        for i in range(len(self.parts["account"])):
            owner = self.parts["account"][i]
            drop = mask[owner] & (rng.random(len(owner)) >= keep_share)
            if drop.any():
                for name in self.names:
                    self.parts[name][i] = self.parts[name][i][~drop]


@dataclass
class Population:
    """Everything the ``tables`` step needs; rows reference accounts by index (0..N-1)."""

    n: int
    start_s: int
    end_s: int
    n_campaigns: int
    n_campaign_accounts: int
    salt: int
    account: dict[str, np.ndarray]  # ACCOUNT_COLUMNS, one value per account
    email: pa.Array
    cards: dict[str, np.ndarray]  # CARD_COLUMNS, per card serial
    payments: dict[str, np.ndarray]  # PAYMENT_COLUMNS
    events: dict[str, np.ndarray]  # EVENT_COLUMNS
    usage: dict[str, np.ndarray]  # USAGE_COLUMNS
    user_agents: list[str]
    provider_names: list[str]
    intel: list[tuple[str, str, str, int]]  # network, provider, kind, asn
    campaign_names: list[str]
    campaign_patterns: list[str] = field(default_factory=list)
    group_names: list[str] = field(default_factory=list)
    scenario: Scenario = field(default_factory=Scenario)

"""The state every generation step shares: one random stream, the world, serials and row buffers.

All randomness comes from one ``numpy.random.default_rng(seed)`` drawn in a fixed order, so
the same settings give byte-identical files; a step that changes its draws changes every
later step's output, which is why the steps run in one documented order (``population``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.records import (
    ACCOUNT_COLUMNS,
    CARD_COLUMNS,
    EVENT_COLUMNS,
    KIND_INDEX,
    PAYMENT_COLUMNS,
    USAGE_COLUMNS,
    RowColumns,
)
from linkgraph.generator.scenario import Scenario
from linkgraph.generator.world import Network, World, build_world, v6_codes

DAY = 86_400
HOUR = 3_600


def start_epoch(start: str) -> int:
    """Epoch seconds of an ISO date or time (naive means UTC)."""
    moment = datetime.fromisoformat(start)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def consecutive_groups(low: int, sizes: tuple[int, ...]) -> list[np.ndarray]:
    """Account indices of groups laid out one after another from ``low``."""
    out, start = [], low
    for size in sizes:
        out.append(np.arange(start, start + size))
        start += size
    return out


def loguniform(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(low), np.log(max(high, low + 1e-9)), n))


class UserAgents:
    """The user-agent vocabulary: fixed families first, custom campaign tools appended."""

    def __init__(self) -> None:
        self.texts: list[str] = (
            list(vocab.BROWSER_UAS)
            + list(vocab.MOBILE_UAS)
            + list(vocab.SDK_UAS)
            + list(vocab.AUTOMATION_UAS)
        )
        n_browser, n_mobile, n_sdk = len(vocab.BROWSER_UAS), len(vocab.MOBILE_UAS), len(vocab.SDK_UAS)
        self.browser = np.arange(n_browser)
        self.mobile = n_browser + np.arange(n_mobile)
        self.sdk = n_browser + n_mobile + np.arange(n_sdk)
        self.first_automation = n_browser + n_mobile + n_sdk

    def automation(self, position: int) -> int:
        """Index of ``vocab.AUTOMATION_UAS[position]``."""
        return self.first_automation + position

    def add(self, text: str) -> int:
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text)


@dataclass
class OrganicTraits:
    """Per-account traits of the non-campaign accounts (index ``account - first``)."""

    first: int
    device: np.ndarray
    phone: np.ndarray
    primary_user_agent: np.ndarray
    is_developer: np.ndarray
    email_domain: np.ndarray  # index into email_domains
    email_domains: list[str]
    email_last_name: np.ndarray
    enterprise_domain_combos: np.ndarray


@dataclass
class PlantedEmails:
    """Email addresses made by steps that run before the base addresses are drawn."""

    campaign: list[pa.Array] = field(default_factory=list)
    enterprise: list[pa.Array] = field(default_factory=list)
    university: list[tuple[np.ndarray, str]] = field(default_factory=list)  # (accounts, domain)
    replaced: list[tuple[np.ndarray, pa.Array]] = field(default_factory=list)  # (accounts, addresses)


class GenerationState:
    """What the steps read and append to; see ``population.build_population`` for the order."""

    def __init__(self, accounts: int, seed: int, start: str, period_days: int, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rng = np.random.default_rng(seed)
        self.n = accounts
        self.start_s = start_epoch(start)
        self.period_days = period_days
        self.end_s = self.start_s + period_days * DAY
        self.salt = int(self.rng.integers(0, 1 << 62))
        self.world: World = build_world(self.rng, accounts)
        self.user_agents = UserAgents()
        self.account = {name: np.full(accounts, -1, dtype=np.int64) for name in ACCOUNT_COLUMNS}
        self.disposable_domains: tuple[str, ...] = scenario.spellings.throwaway_domains or vocab.DISPOSABLE
        self.cards = RowColumns(CARD_COLUMNS)
        self.payments = RowColumns(PAYMENT_COLUMNS)
        self.events = RowColumns(EVENT_COLUMNS)
        self.usage = RowColumns(USAGE_COLUMNS)
        self.n_cards = 0
        self.n_devices = 0
        self.n_orgs = 0
        self.bounds: dict[str, tuple[int, int]] = {}
        self.emails = PlantedEmails()
        self.campaign_proxy_pools: list[np.ndarray] = []
        self.campaign_names: list[str] = []
        self.campaign_patterns: list[str] = []
        self.campaign_main_proxies: list[int] = []
        self.proxy_order = np.zeros(0, np.int64)
        self.group_names: list[str] = []  # benign look-alike groups (account["group"] indexes it)
        self.organic: OrganicTraits | None = None

    # ----------------------------------------------------------------- serial numbers
    def new_cards(
        self, k: int, method_type: np.ndarray | int, bins: np.ndarray | int, billing: np.ndarray | int
    ) -> np.ndarray:
        """Register ``k`` payment instruments; card types get a BIN and last 4, others nulls."""
        serial = np.arange(self.n_cards, self.n_cards + k, dtype=np.int64)
        self.n_cards += k
        types = np.broadcast_to(np.asarray(method_type, np.int64), (k,))
        is_card = (types == vocab.METHOD_TYPE_INDEX["card"]) | (
            types == vocab.METHOD_TYPE_INDEX["prepaid_card"]
        )
        last4 = np.where(is_card, self.rng.integers(0, 10_000, size=k), -1)
        self.cards.add(
            method_type=types,
            bin=np.where(is_card, np.broadcast_to(bins, (k,)), -1),
            last4=last4,
            billing_country=np.broadcast_to(billing, (k,)),
        )
        return serial

    def new_devices(self, k: int) -> np.ndarray:
        serial = np.arange(self.n_devices, self.n_devices + k, dtype=np.int64)
        self.n_devices += k
        return serial

    def new_org(self) -> int:
        self.n_orgs += 1
        return self.n_orgs - 1

    def provider_index(self, network: Network) -> int:
        """The network's position in ``world.all_networks()`` (the ``proxy_provider`` code)."""
        return self.world.all_networks().index(network)

    def new_group(self, name: str, members: np.ndarray) -> None:
        """Record a benign look-alike group (for ``truth.csv``'s ``group_id``)."""
        self.account["group"][members] = len(self.group_names)
        self.group_names.append(name)

    def new_campaign(self, name: str, pattern: str, members: np.ndarray) -> int:
        """Label ``members`` as one campaign; its index."""
        c = len(self.campaign_names)
        self.campaign_names.append(name)
        self.campaign_patterns.append(pattern)
        self.campaign_main_proxies.append(-1)
        self.account["kind"][members] = KIND_INDEX["campaign"]
        self.account["campaign"][members] = c
        return c

    def traits(self) -> OrganicTraits:
        if self.organic is None:
            raise RuntimeError("the organic step must run before the steps that read its traits")
        return self.organic

    # ----------------------------------------------------------------- time
    def organic_signup_times(self, k: int) -> np.ndarray:
        """Sign-ups over the period: slow growth, quieter weekends, a daily cycle peaking ~15h UTC."""
        days = np.arange(self.period_days)
        weekday = (self.start_s // DAY + days + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        day_weight = (1 + 0.6 * days / self.period_days) * np.where(weekday >= 5, 0.72, 1.0)
        day = self.rng.choice(self.period_days, size=k, p=day_weight / day_weight.sum())
        hours = np.arange(24)
        hour_weight = 1 + 0.7 * np.sin(2 * np.pi * (hours - 9) / 24)
        hour = self.rng.choice(24, size=k, p=hour_weight / hour_weight.sum())
        return self.start_s + day * DAY + hour * HOUR + self.rng.integers(0, HOUR, size=k)

    def clip_time(self, t: np.ndarray) -> np.ndarray:
        return np.clip(t, self.start_s, self.end_s - 1)

    def added_after(self, created: np.ndarray) -> np.ndarray:
        """When a payment method is added: mostly within the hour, otherwise days later."""
        k = len(created)
        soon = self.rng.random(k) < 0.6
        delay = np.where(
            soon, self.rng.integers(30, HOUR, k), (self.rng.exponential(10 * DAY, k)).astype(np.int64)
        )
        return np.minimum(created + delay, self.end_s - 1)

    # ----------------------------------------------------------------- addresses
    def sample_mixed(self, network: Network, k: int, v6_share: float) -> np.ndarray:
        """``k`` addresses of ``network``, a share of them IPv6 where it has an IPv6 block."""
        codes = network.sample_v4(self.rng, k)
        if network.v6_32 is not None and v6_share > 0:
            v6 = self.rng.random(k) < v6_share
            if v6.any():
                codes[v6] = v6_codes(
                    network.sample_v6_prefixes(self.rng, int(v6.sum())),
                    self.rng.integers(0, 8192, int(v6.sum())),
                )
        return codes

    def sample_by_network(
        self, networks: list[Network], which: np.ndarray, v6_share: float = 0.0
    ) -> np.ndarray:
        """One address per entry of ``which`` (an index into ``networks``)."""
        out = np.zeros(len(which), np.int64)
        for j, network in enumerate(networks):
            chosen = which == j
            if chosen.any():
                out[chosen] = self.sample_mixed(network, int(chosen.sum()), v6_share)
        return out

    def random_groups(self, n: int, low: int, high: int) -> np.ndarray:
        """Random partition of ``n`` items into groups of ``low`` to ``high - 1``; group id per item."""
        sizes = self.rng.integers(low, high, size=n // low + 1)
        group = np.repeat(np.arange(len(sizes)), sizes)[:n]
        return group[self.rng.permutation(n)]

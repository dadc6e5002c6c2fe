"""What the holdout scenario plants and how its vendors spell things, drawn per seed.

The holdout scenario is a stand-in for a withheld evaluation set: campaign patterns and
benign look-alikes that the ``evaluation`` scenario does not have, with vendor spellings of
its own. A detector is never tuned on it (see ``holdout``). Its sizes are drawn here from a
random stream of their own, so the parameters do not shift the population's stream.

Its spellings are deliberately different from the evaluation scenario's: a vendor nobody
wrote a synonym for yet is the normal case on a new lab's export.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Network kinds as further intelligence vendors write them (not the evaluation's spellings).
HOLDOUT_KIND_SPELLINGS: dict[str, tuple[str, ...]] = {
    "residential_proxy": ("Residential Proxy Network", "resproxy", "PROXY_RESIDENTIAL", "anonymizer.residential", "proxy:resi"),
    "datacenter": ("Hosting/Datacenter", "hosting_provider", "DC", "server_farm", "infra:hosting"),
    "vpn": ("Anonymous VPN", "vpn_service", "ANONYMIZER_VPN", "privacy:vpn"),
    "tor": ("tor_node", "Anonymizer: Tor", "TOR_EXIT", "onion_router"),
    "mobile_carrier": ("Cellular Network", "mobile_network", "MNO", "wireless_carrier"),
    "isp": ("Fixed Line ISP", "consumer_broadband", "RESIDENTIAL_ISP", "cable/dsl"),
    "corporate": ("Business", "enterprise_network", "COMMERCIAL_ORG", "company"),
    "education": ("University Network", "edu_network", "ACADEMIC", "school"),
}  # fmt: skip
HOLDOUT_CARD_SPELLINGS = ("payment_card", "Card Payment", "cc", "debit_or_credit")
HOLDOUT_PREPAID_SPELLINGS = ("prepaid debit", "giftcard", "Reloadable", "PREPAID_CARD", "anonymous_prepaid")
HOLDOUT_FUNDING_COLUMNS = ("funding_source", "card_category", "product_type")
HOLDOUT_FUNDING_SPELLINGS = (
    {"credit": "credit_card", "debit": "debit_card", "prepaid": "prepaid_card"},
    {"credit": "CR", "debit": "DB", "prepaid": "PP"},
    {"credit": "Consumer Credit", "debit": "Consumer Debit", "prepaid": "Non-reloadable"},
)
HOLDOUT_CATEGORY_SPELLINGS = (
    ("deep_reasoning", "software", "tool_invocation", "autonomy", "image_input", "trust_safety", "general_chat", "n/a"),
    ("REASON", "CODE", "TOOL", "AGENT", "VISION", "SAFETY", "CHAT", "OTHER"),
    ("analysis", "dev", "functions", "workflows", "images", "moderation", "dialogue", "misc"),
)  # fmt: skip
# Card BIN ranges of small issuers (virtual-card programmes): one range, many distinct cards.
ISSUER_BINS = (
    489537, 489538, 446542, 446543, 531993, 531994, 545958, 545959, 410039, 410040,
    428837, 428838, 516063, 516064, 402944, 402945,
)  # fmt: skip
# Phone models of a cheap handset line (device farms buy the same model in bulk).
HANDSET_MODELS = ("SM-A125F", "SM-A035F", "Redmi 9A", "moto e13", "TECNO KG5", "itel A70", "Nokia C21")
# Email providers an operator spreads sign-ups over (webmail and regional services).
SPLIT_PROVIDERS = (
    "gmail.com", "outlook.com", "yahoo.com", "proton.me", "gmx.com", "mail.ru", "zoho.com",
    "aol.com", "tutanota.com", "web.de", "yandex.com", "icloud.com",
)  # fmt: skip


@dataclass(frozen=True)
class HoldoutPlan:
    """Group sizes of the holdout patterns and look-alikes for the whole export."""

    aged_groups: tuple[int, ...]  # operators of bought, aged accounts
    drip_farms: tuple[int, ...]  # slow-drip phone farms
    split_campaigns: tuple[int, ...]  # campaigns split over email providers
    reseller_fronts: tuple[int, ...]  # operators posing as resellers
    cohorts: tuple[int, ...]  # course cohorts moving onto a lab's machines
    carrier_neighbours: int  # phone users behind the farms' carrier exits
    hackathons: tuple[int, ...]
    reseller_customers: tuple[int, ...]  # a real reseller's end customers
    family_plans: tuple[int, ...]

    def blocks(self) -> list[tuple[str, int]]:
        """Index blocks (``plan.assign_blocks``) in the order the steps plant them."""
        return [
            ("aged", sum(self.aged_groups)),
            ("drip", sum(self.drip_farms)),
            ("split", sum(self.split_campaigns)),
            ("reseller_front", sum(self.reseller_fronts)),
            ("cohort", sum(self.cohorts)),
            ("carrier_neighbour", self.carrier_neighbours),
            ("hackathon", sum(self.hackathons)),
            ("reseller_customer", sum(self.reseller_customers)),
            ("family_plan", sum(self.family_plans)),
        ]


def draw_holdout_plan(rng: np.random.Generator, accounts: int) -> HoldoutPlan:
    scale = accounts / 100_000
    return HoldoutPlan(
        aged_groups=_sizes(rng, 4 * scale**0.5, 8, 41),
        drip_farms=_sizes(rng, 3 * scale**0.5, 20, 81),
        split_campaigns=_sizes(rng, 3 * scale**0.5, 30, 121),
        reseller_fronts=_sizes(rng, 2 * scale**0.5, 15, 61),
        cohorts=_sizes(rng, 5 * scale**0.5, 12, 51),
        carrier_neighbours=max(20, int(round(accounts * rng.uniform(0.002, 0.005)))),
        hackathons=_sizes(rng, 3 * scale**0.5, 30, 151),
        reseller_customers=_sizes(rng, 3 * scale**0.5, 20, 101),
        family_plans=_sizes(rng, 40 * scale**0.6, 3, 8),
    )


def _sizes(rng: np.random.Generator, expected_groups: float, low: int, high: int) -> tuple[int, ...]:
    """A Poisson number of groups (at least one) of sizes ``low..high-1``."""
    n = max(1, int(rng.poisson(max(expected_groups, 1.0))))
    return tuple(int(s) for s in rng.integers(low, high, n))

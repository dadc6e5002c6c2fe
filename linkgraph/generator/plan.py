"""How many accounts each planted kind gets, and where its block of account indices lies.

Accounts occupy contiguous index blocks, one per planted kind:
``[campaigns][enterprise][nat][family][vpn][datacenter][background]``. Output rows are
sorted by time later, so nothing can be read from the block order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkgraph.generator.state import GenerationState, loguniform


def campaign_sizes(n: int, campaigns: int | None, rng: np.random.Generator) -> np.ndarray:
    """Campaign sizes: ~30 campaigns of 50-2,000 at 1M accounts, scaled down with ``n``.

    At 100k: ~24 campaigns of 20-400; at 10k: 14 of 15-80; never more than 12% of accounts.
    """
    if campaigns is None:
        campaigns = int(np.clip(round(4 + 10 * np.log10(max(n, 1000) / 1000)), 4, 30))
    if campaigns == 0:
        return np.zeros(0, np.int64)
    scale = n / 1e6
    low = max(50 * scale**0.4, min(15.0, n / 100), 3.0)
    high = max(2000 * scale**0.7, low * 1.6)
    sizes = loguniform(rng, low, high, campaigns)
    sizes[0], sizes[-1] = low, high  # the range is always exercised
    sizes = np.round(sizes).astype(np.int64)
    cap = int(0.12 * n)
    if sizes.sum() > cap:
        sizes = np.maximum(3, np.floor(sizes * cap / sizes.sum())).astype(np.int64)
    return rng.permutation(sizes)


@dataclass
class LookalikePlan:
    """Group sizes of the benign look-alikes; the background gets what is left."""

    team_sizes: np.ndarray  # verified enterprise teams
    nat_sizes: np.ndarray  # carrier NAT pools, then campus NAT pools
    nat_is_university: np.ndarray
    family_sizes: np.ndarray


def plan_lookalikes(state: GenerationState, non_campaign: int) -> LookalikePlan:
    """Draw the look-alike group sizes, scaled with the number of accounts."""
    rng, scale = state.rng, state.n / 1e6
    n_teams = max(2, round(40 * scale**0.6))
    team_sizes = np.round(loguniform(rng, 10, float(np.clip(300 * scale**0.5, 20, 300)), n_teams)).astype(
        np.int64
    )
    team_sizes = np.minimum(team_sizes, max(10, non_campaign // 20))
    n_carrier = max(1, round(12 * scale**0.5))
    n_university = max(1, round(8 * scale**0.5))
    carrier = np.round(loguniform(rng, max(120, 300 * scale**0.3), max(200, 3000 * scale**0.5), n_carrier))
    university = np.round(loguniform(rng, 100, max(150, 1500 * scale**0.5), n_university))
    nat = np.concatenate([carrier, university]).astype(np.int64)
    if nat.sum() > 0.1 * non_campaign:
        nat = np.maximum(10, nat * (0.1 * non_campaign) // nat.sum()).astype(np.int64)
    families = []
    total = 0
    while total < 0.015 * non_campaign:
        size = int(rng.choice([2, 3, 4, 5], p=[0.45, 0.3, 0.17, 0.08]))
        families.append(size)
        total += size
    return LookalikePlan(
        team_sizes=team_sizes,
        nat_sizes=nat,
        nat_is_university=np.arange(len(nat)) >= n_carrier,
        family_sizes=np.array(families, dtype=np.int64),
    )


def assign_blocks(
    state: GenerationState,
    n_campaign_accounts: int,
    plan: LookalikePlan,
    scenario_blocks: list[tuple[str, int]],
) -> None:
    """Set ``state.bounds``: the index range of every planted kind.

    ``scenario_blocks`` (organic-based groups a scenario overlays) come after the classic
    look-alikes, so a scenario without them lays the classic blocks out as always.
    """
    non_campaign = state.n - n_campaign_accounts
    blocks = [
        ("enterprise", int(plan.team_sizes.sum())),
        ("nat", int(plan.nat_sizes.sum())),
        ("family", int(plan.family_sizes.sum())),
        ("vpn", int(0.03 * non_campaign)),
        ("datacenter", int(0.02 * non_campaign)),
        *scenario_blocks,
    ]
    used = sum(size for _, size in blocks)
    if used > 0.6 * non_campaign:
        raise ValueError("too few accounts for the planted look-alikes; generate more accounts")
    blocks.append(("background", non_campaign - used))
    state.bounds = {"campaign": (0, n_campaign_accounts)}
    low = n_campaign_accounts
    for name, size in blocks:
        state.bounds[name] = (low, low + size)
        low += size

"""Campaign patterns built on organic accounts: quiet rings, ban-evasion lineages, lockstep groups.

These operations avoid the classic giveaways (shared prepaid cards, proxy pools, automation
user agents): their accounts start from the organic base (own cards, home addresses,
ordinary browsers) and differ in what public reports describe:

- quiet rings: a few devices shared within the ring and templated, sequential email local
  parts (``nova.lab07@...``, ``nova.lab08@...``), distillation usage at moderate volume;
- ban-evasion lineages: each replacement account is created minutes to hours after the
  previous one was banned and reuses its device, its card or both (sometimes its home line);
- lockstep groups: distinct identities that show up on the same addresses within minutes of
  each other and are active on the same days with near-identical volume and category mix
  (after SynchroTrap and CopyCatch).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.activity import (
    add_access_rows,
    add_usage_rows,
    home_addresses,
    own_cards,
)
from linkgraph.generator.records import STATUS_INDEX
from linkgraph.generator.state import DAY, HOUR, GenerationState, consecutive_groups

DISTILLATION_MIX = np.array([4.0, 3.0, 2.0, 1.5, 0.2, 0.5, 0.4, 0.1])
RING_TAGS = ("ai", "dev", "lab", "research", "work", "data", "eval", "bench", "test", "study")
RING_DOMAINS = ("gmail.com", "outlook.com", "proton.me", "yahoo.com", "hotmail.com")


def templated_emails(rng: np.random.Generator, k: int) -> pa.Array:
    """``k`` addresses from one template with a sequential number (a few numbers skipped)."""
    first = vocab.FIRST_NAMES[rng.integers(len(vocab.FIRST_NAMES))]
    last = vocab.LAST_NAMES[rng.integers(len(vocab.LAST_NAMES))]
    word = vocab.WORDS_A[rng.integers(len(vocab.WORDS_A))]
    tag = RING_TAGS[rng.integers(len(RING_TAGS))]
    template = int(rng.integers(4))
    numbers = int(rng.integers(1, 60)) + np.cumsum(1 + (rng.random(k) < 0.15))
    domain = RING_DOMAINS[rng.integers(len(RING_DOMAINS))]
    width = int(rng.integers(2, 4))
    out = []
    for number in numbers:
        n = f"{int(number):0{width}d}"
        local = (
            f"{first}.{last}.{tag}{n}",
            f"{word}.{tag}{n}",
            f"{first}{last[0]}{tag}{n}",
            f"{tag}_{word}_{n}",
        )[template]
        out.append(f"{local}@{domain}")
    return pa.array(out, pa.string())


# ----------------------------------------------------------------------------- quiet rings
def add_quiet_rings(state: GenerationState) -> None:
    """Rings with own cards and home lines, a few devices shared within the ring, templated
    sequential email local parts and moderate distillation usage."""
    device_of = np.full(state.n, -1, np.int64)
    for r, members in enumerate(
        consecutive_groups(state.bounds["quiet_ring"][0], state.scenario.quiet_rings)
    ):
        state.new_campaign(f"ring_{r + 1:02d}", "quiet_ring", members)
        ring_devices = state.new_devices(int(state.rng.integers(2, 4)))
        device_of[members] = ring_devices[state.rng.integers(0, len(ring_devices), len(members))]
        state.emails.replaced.append((members, templated_emails(state.rng, len(members))))
        _moderate_distillation_usage(state, members)
    _share_ring_devices(state, device_of)


def _share_ring_devices(state: GenerationState, device_of: np.ndarray) -> None:
    """Each ring member uses its ring's device (one of 2-3) on most of its access rows."""
    rng = state.rng
    share = float(rng.uniform(0.5, 0.9))
    parts = state.events.parts
    for i in range(len(parts["account"])):
        mapped = device_of[parts["account"][i]]
        switch = (mapped >= 0) & (rng.random(len(mapped)) < share)
        if switch.any():
            parts["device"][i] = np.where(switch, mapped, parts["device"][i])


def _moderate_distillation_usage(state: GenerationState, members: np.ndarray) -> None:
    """Reasoning/coding-heavy usage on 30-60 % of the days after sign-up, moderate volume."""
    rng = state.rng
    created_day = state.account["created"][members] // DAY
    last_day = (state.end_s - 1) // DAY
    active_share = float(rng.uniform(0.3, 0.6))
    n_days = np.maximum(1, ((last_day - created_day) * active_share).astype(np.int64))
    owner = np.repeat(np.arange(len(members)), np.minimum(n_days, 60))
    span = last_day - created_day[owner] + 1
    days = created_day[owner] + (rng.random(len(owner)) * span).astype(np.int64)
    mix = rng.dirichlet(DISTILLATION_MIX * 3)
    add_usage_rows(
        state, members[owner], days, mix, float(rng.uniform(60, 250)), 0.5, float(rng.uniform(0, 0.01))
    )


# ----------------------------------------------------------------------------- ban evasion
def add_evasion_lineages(state: GenerationState) -> None:
    """Lineages of accounts, each created right after the previous one was banned, reusing
    its device, card or home line. The last account of a lineage is still active."""
    starts = consecutive_groups(state.bounds["evasion"][0], state.scenario.evasion_lineages)
    for lineage_number, members in enumerate(starts):
        state.new_campaign(f"evasion_{lineage_number + 1:02d}", "ban_evasion", members)
        _lineage(state, members)


def _lineage(state: GenerationState, members: np.ndarray) -> None:
    rng, account, traits = state.rng, state.account, state.traits()
    created = int(min(account["created"][members[0]], state.end_s - 60 * DAY))
    device = int(traits.device[members[0] - traits.first])
    card = -1
    home = int(home_addresses(state, 1)[0])
    user_agent = int(traits.primary_user_agent[members[0] - traits.first])
    for position, member in enumerate(members):
        last = position == len(members) - 1
        lifetime = int(rng.integers(3 * DAY, 25 * DAY))
        banned_at = min(created + lifetime, state.end_s - HOUR)
        reuse_device, reuse_card = _what_is_reused(rng, position)
        device = device if reuse_device else int(state.new_devices(1)[0])
        home = home if rng.random() < 0.4 else int(home_addresses(state, 1)[0])
        account["created"][member] = created
        account["status"][member] = STATUS_INDEX["active"] if last else STATUS_INDEX["banned"]
        if reuse_card and card >= 0:
            state.payments.add(
                account=np.array([member]), card=np.array([card]), added=np.array([created + 300])
            )
        else:
            card = int(own_cards(state, np.array([member]), np.array([created + 600]), 0.3)[0])
        end = state.end_s - 1 if last else banned_at
        _lineage_activity(state, member, created, end, home, device, user_agent)
        created = banned_at + int(rng.integers(10 * 60, 30 * HOUR))
        if created >= state.end_s - HOUR:
            created = state.end_s - HOUR


def _what_is_reused(rng: np.random.Generator, position: int) -> tuple[bool, bool]:
    """Whether a replacement reuses the device and/or the card (at least one of them)."""
    if position == 0:
        return True, False
    draw = rng.random()
    return draw < 0.75, draw >= 0.4


def _lineage_activity(
    state: GenerationState, member: int, created: int, end: int, home: int, device: int, user_agent: int
) -> None:
    """Sign-up and sessions from the home line (sometimes a proxy exit), heavy usage until the ban."""
    rng = state.rng
    n_rows = int(rng.integers(2, 6))
    starts = created + np.sort(rng.integers(0, max(end - created, 60), n_rows))
    starts[0] = created + int(rng.integers(0, 600))
    proxy = state.world.proxies[int(rng.integers(len(state.world.proxies)))]
    ips = np.where(rng.random(n_rows) < 0.25, proxy.sample_v4(rng, n_rows), home)
    ips[0] = home
    accounts = np.full(n_rows, member)
    add_access_rows(state, accounts, ips, starts, (10 * 60, 2 * DAY), user_agent, device, median_requests=200)
    first_day, last_day = created // DAY, max(created // DAY, end // DAY)
    days = np.arange(first_day, last_day + 1)
    days = days[rng.random(len(days)) < 0.8]
    if len(days):
        mix = rng.dirichlet(DISTILLATION_MIX * 2)
        add_usage_rows(state, np.full(len(days), member), days, mix, float(rng.uniform(200, 900)), 0.5, 0.01)


# ----------------------------------------------------------------------------- lockstep
def add_lockstep_groups(state: GenerationState) -> None:
    """Distinct identities acting together: same exits within minutes, same days, same volume."""
    for g, members in enumerate(
        consecutive_groups(state.bounds["lockstep"][0], state.scenario.lockstep_groups)
    ):
        state.new_campaign(f"lockstep_{g + 1:02d}", "lockstep", members)
        _lockstep_sessions(state, members)


def _lockstep_sessions(state: GenerationState, members: np.ndarray) -> None:
    rng, traits, s = state.rng, state.traits(), len(members)
    window = int(rng.integers(20, 60)) * DAY
    start = int(rng.integers(state.start_s + 5 * DAY, state.end_s - window - DAY))
    state.account["created"][members] = start - rng.integers(HOUR, 3 * DAY, s)
    n_sessions = int(rng.integers(10, 30))
    session_time = start + np.sort(rng.integers(0, window, n_sessions))
    exits = _lockstep_exits(state, n_sessions)
    user_agent = int(rng.choice(state.user_agents.browser))
    devices = traits.device[members - traits.first]
    for t, ip in zip(session_time, exits, strict=True):
        who = np.flatnonzero(rng.random(s) < rng.uniform(0.4, 0.8))
        first_seen = t + rng.integers(0, 5 * 60, len(who))
        add_access_rows(
            state,
            members[who],
            int(ip),
            first_seen,
            (10 * 60, 3 * HOUR),
            user_agent,
            devices[who],
            median_requests=300,
        )
    days = np.unique(session_time // DAY)
    volume = rng.lognormal(np.log(rng.uniform(150, 600)), 0.5, len(days))
    mix = rng.dirichlet(DISTILLATION_MIX * 4)
    owner = np.repeat(np.arange(s), len(days))
    day = np.tile(days, s)
    add_usage_rows(state, members[owner], day, mix, np.tile(volume, s), 0.05, 0.002)
    state.account["status"][members] = STATUS_INDEX["active"]


def _lockstep_exits(state: GenerationState, n: int) -> np.ndarray:
    """One exit per session: residential-proxy or cloud addresses."""
    rng = state.rng
    proxy = state.world.proxies[int(rng.integers(len(state.world.proxies)))]
    cloud = state.world.clouds[int(rng.integers(len(state.world.clouds)))]
    from_cloud = rng.random(n) < rng.uniform(0.0, 0.5)
    return np.where(from_cloud, cloud.sample_v4(rng, n), proxy.sample_v4(rng, n))

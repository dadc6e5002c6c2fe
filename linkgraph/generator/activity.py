"""Ordinary access rows and daily usage, shared by the organic base and the benign look-alikes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.state import DAY, HOUR, GenerationState

# Category mixes (order of vocabulary.CATEGORIES): ordinary users chat; developers code.
ORGANIC_CATEGORY_MIX = np.array([0.07, 0.25, 0.03, 0.02, 0.07, 0.0, 0.45, 0.11])
DEVELOPER_CATEGORY_MIX = np.array([0.10, 0.55, 0.10, 0.06, 0.03, 0.0, 0.12, 0.04])


@dataclass
class Clients:
    """Which client each access row comes from.

    ``sdk_users`` switch to their SDK user agent on about half of their rows and ``scripters``
    to a script client on about 40 %; left out, nobody switches (the draws are made anyway,
    so the random stream does not depend on who switches).
    """

    user_agent: np.ndarray
    device: np.ndarray
    sdk_users: np.ndarray | None = None
    sdk_user_agent: np.ndarray | None = None
    scripters: np.ndarray | None = None
    script_user_agent: np.ndarray | None = None


def add_organic_events(
    state: GenerationState,
    accounts: np.ndarray,
    ips: np.ndarray,
    created: np.ndarray,
    clients: Clients,
    provider: np.ndarray | int = -1,
    signup: bool = False,
) -> None:
    """Organic access rows; ``signup`` rows start at the sign-up (the address it came from)."""
    rng = state.rng
    k = len(accounts)
    delay = rng.integers(0, 600, k) if signup else rng.exponential(4 * DAY, k).astype(np.int64)
    first_seen = np.minimum(created + delay, state.end_s - HOUR)
    last_seen = np.minimum(first_seen + rng.exponential(25 * DAY, k).astype(np.int64), state.end_s - 1)
    requests = 1 + rng.lognormal(np.log(25), 1.2, k).astype(np.int64)
    nobody = np.zeros(k, bool)
    sdk_users = nobody if clients.sdk_users is None else clients.sdk_users
    scripters = nobody if clients.scripters is None else clients.scripters
    sdk_ua = clients.user_agent if clients.sdk_user_agent is None else clients.sdk_user_agent
    script_ua = clients.user_agent if clients.script_user_agent is None else clients.script_user_agent
    user_agent = np.where(sdk_users & (rng.random(k) < 0.5), sdk_ua, clients.user_agent)
    user_agent = np.where(scripters & (rng.random(k) < 0.4), script_ua, user_agent)
    device = np.where(rng.random(k) < 0.08, -1, clients.device)
    state.events.add(
        account=accounts,
        ip=ips,
        first_seen=first_seen,
        last_seen=last_seen,
        requests=requests,
        user_agent=user_agent,
        device=device,
        provider=provider,
    )


def add_organic_usage(
    state: GenerationState, accounts: np.ndarray, is_developer: np.ndarray | None = None, heavy: bool = False
) -> None:
    """Usage rows (one per entry of ``accounts``) on random days after sign-up; rare jailbreak flags.

    ``is_developer`` (per non-campaign account) switches developers to the coding-heavy mix;
    ``heavy`` is for API developers: larger volumes, longer outputs, fewer flags.
    """
    rng = state.rng
    k = len(accounts)
    first_day = state.account["created"][accounts] // DAY
    span = state.end_s // DAY - first_day
    day = first_day + (rng.random(k) * span).astype(np.int64)
    category = rng.choice(8, size=k, p=ORGANIC_CATEGORY_MIX)
    if is_developer is not None:
        developer = is_developer[accounts - state.traits().first]
        category = np.where(developer, rng.choice(8, size=k, p=DEVELOPER_CATEGORY_MIX), category)
    median = 150 if heavy else 12
    requests = 1 + rng.lognormal(np.log(median), 1.0, k).astype(np.int64)
    tokens = (requests * rng.lognormal(np.log(2500 if heavy else 900), 0.5, k)).astype(np.int64)
    jailbreaks = np.where(rng.random(k) < (0.0005 if heavy else 0.003), rng.integers(1, 4, k), 0)
    state.usage.add(
        account=accounts,
        day=day,
        category=category,
        requests=requests,
        tokens=tokens,
        jailbreaks=np.minimum(jailbreaks, requests),
    )


# ----------------------------------------------------------------------------- rows built directly
# Scenario groups replace their organic rows with rows built from these helpers.
def home_addresses(state: GenerationState, k: int) -> np.ndarray:
    """``k`` addresses at random ISPs (a home line each)."""
    return state.sample_by_network(state.world.isps, state.rng.integers(0, len(state.world.isps), k))


def add_access_rows(
    state: GenerationState,
    accounts: np.ndarray,
    ips: np.ndarray | int,
    first_seen: np.ndarray,
    duration: tuple[int, int],
    user_agent: np.ndarray | int,
    device: np.ndarray | int,
    provider: np.ndarray | int = -1,
    median_requests: float = 25,
) -> None:
    """Access rows with the given start times and a random duration in ``duration`` seconds."""
    rng, k = state.rng, len(accounts)
    last_seen = first_seen + rng.integers(duration[0], duration[1], k)
    requests = 1 + rng.lognormal(np.log(median_requests), 1.0, k).astype(np.int64)
    state.events.add(
        account=accounts,
        ip=ips,
        first_seen=first_seen,
        last_seen=last_seen,
        requests=requests,
        user_agent=user_agent,
        device=device,
        provider=provider,
    )


def add_usage_rows(
    state: GenerationState,
    accounts: np.ndarray,
    days: np.ndarray,
    category_mix: np.ndarray,
    median_requests: np.ndarray | float,
    spread: float,
    jailbreak_rate: float = 0.0,
) -> None:
    """Usage rows on the given days; ``spread`` is the lognormal sigma of the daily volume."""
    rng, k = state.rng, len(accounts)
    category = rng.choice(len(category_mix), size=k, p=np.asarray(category_mix) / np.sum(category_mix))
    requests = 1 + (np.asarray(median_requests) * rng.lognormal(0.0, spread, k)).astype(np.int64)
    tokens = (requests * rng.lognormal(np.log(2500), 0.4, k)).astype(np.int64)
    jailbreaks = rng.binomial(requests, jailbreak_rate) if jailbreak_rate > 0 else np.zeros(k, np.int64)
    state.usage.add(
        account=accounts, day=days, category=category, requests=requests, tokens=tokens, jailbreaks=jailbreaks
    )


def forget_rows(state: GenerationState, accounts: np.ndarray, tables: tuple[str, ...]) -> None:
    """Drop the organic rows of ``accounts`` from ``events``, ``payments`` and/or ``usage``."""
    for name in tables:
        columns = {"events": state.events, "payments": state.payments, "usage": state.usage}[name]
        columns.drop_accounts(state.rng, accounts, state.n, keep_share=0.0)


def own_cards(
    state: GenerationState, accounts: np.ndarray, added: np.ndarray, prepaid_share: float
) -> np.ndarray:
    """One new card per account (some prepaid), added at ``added``; the card serials."""
    rng, k = state.rng, len(accounts)
    prepaid = rng.random(k) < prepaid_share
    method = vocab.METHOD_TYPE_INDEX
    types = np.where(prepaid, method["prepaid_card"], method["card"])
    bins = np.where(prepaid, rng.choice(vocab.PREPAID_BINS, k), rng.choice(vocab.CARD_BINS, k))
    cards = state.new_cards(k, types, bins, state.account["country"][accounts])
    state.payments.add(account=accounts, card=cards, added=added)
    return cards

"""The holdout scenario's campaign patterns: operations the evaluation scenario does not plant.

A stand-in for a withheld evaluation set, written from public reporting on account farms and
fraud rings rather than from what the detector looks for: operators that buy aged accounts
("sleeper" or established accounts) and switch their behaviour; device farms that reset the
device id for every account and drip sign-ups over weeks behind a mobile carrier's shared
exits; campaigns split across email providers with a different template each; operators
posing as resellers behind one organisation. Each pattern's docstring names its benign
look-alike (``holdout_people``), planted in the same export, which a detector must leave alone.

Nobody tunes a detector on this scenario: it is measured at the end, on report seeds only.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.activity import add_access_rows, add_usage_rows, forget_rows
from linkgraph.generator.holdout_people import (
    add_carrier_neighbours,
    add_cohorts,
    add_family_plans,
    add_hackathons,
    add_reseller_customers,
    issuer_cards,
    organic_history,
)
from linkgraph.generator.holdout_plan import HANDSET_MODELS, ISSUER_BINS, SPLIT_PROVIDERS, HoldoutPlan
from linkgraph.generator.plan import LookalikePlan
from linkgraph.generator.records import PLAN_INDEX, STATUS_INDEX
from linkgraph.generator.scenario_groups import label_classic_groups
from linkgraph.generator.state import DAY, HOUR, GenerationState, consecutive_groups

EXTRACTION_MIX = np.array([3.5, 3.0, 1.5, 1.5, 0.3, 0.4, 0.5, 0.1])

# Each holdout campaign pattern and the benign look-alike planted for it.
PATTERN_LOOKALIKES = {
    "aged_accounts": "benign_course_cohort",
    "slow_drip": "benign_carrier_neighbour",
    "split_signups": "benign_hackathon",
    "reseller_front": "benign_reseller_customer",
}

# Which organic rows each group rebuilds (the others keep theirs and get rows added).
_REBUILT = {
    "events": ("aged", "drip", "split", "reseller_front", "cohort", "family_plan"),
    "payments": ("drip", "split", "reseller_front"),
    "usage": ("aged", "drip", "split", "reseller_front", "cohort"),
}


def holdout_plan(state: GenerationState) -> HoldoutPlan:
    if state.scenario.holdout is None:
        raise RuntimeError("the holdout steps need a holdout scenario")
    return state.scenario.holdout


def add_holdout_groups(state: GenerationState, plan: LookalikePlan) -> None:
    """Plant the holdout patterns and look-alikes on the organic base, then label the classic
    look-alikes so ``truth.csv`` names every benign group."""
    for table, blocks in _REBUILT.items():
        accounts = np.concatenate([np.arange(*state.bounds[block]) for block in blocks])
        forget_rows(state, accounts, (table,))
    add_aged_accounts(state)
    farm_exits = add_slow_drip(state)
    add_split_signups(state)
    add_reseller_fronts(state)
    add_cohorts(state)
    add_carrier_neighbours(state, farm_exits)
    add_hackathons(state)
    add_reseller_customers(state)
    add_family_plans(state)
    label_classic_groups(state, plan)


def _groups(state: GenerationState, block: str, sizes: tuple[int, ...]) -> list[np.ndarray]:
    return consecutive_groups(state.bounds[block][0], sizes)


def _extraction_usage(state: GenerationState, members: np.ndarray, begin: np.ndarray, active: float) -> None:
    """Heavy reasoning/coding usage from ``begin`` (per member) on a share of the later days."""
    rng = state.rng
    last_day = (state.end_s - 1) // DAY
    first_day = begin // DAY
    n_days = np.maximum(1, ((last_day - first_day + 1) * active).astype(np.int64))
    owner = np.repeat(np.arange(len(members)), np.minimum(n_days, 90))
    span = last_day - first_day[owner] + 1
    days = first_day[owner] + (rng.random(len(owner)) * span).astype(np.int64)
    mix = rng.dirichlet(EXTRACTION_MIX * 3)
    median = float(rng.uniform(150, 900))
    add_usage_rows(state, members[owner], days, mix, median, 0.6, float(rng.uniform(0.0, 0.008)))


# ----------------------------------------------------------------------------- aged accounts
def add_aged_accounts(state: GenerationState) -> None:
    """Accounts bought with months of organic history, then switched to extraction.

    Before the sale: a home line, the owner's device and browser, light usage. After it: the
    operator's few machines and one small block of exits, a new card per account from one
    issuer's BIN range, heavy reasoning/coding usage.
    Look-alike: benign_course_cohort (established users who move onto a lab's machines on one date).
    """
    for g, members in enumerate(_groups(state, "aged", holdout_plan(state).aged_groups)):
        state.new_campaign(f"aged_{g + 1:02d}", "aged_accounts", members)
        _aged_group(state, members)


def _aged_group(state: GenerationState, members: np.ndarray) -> None:
    rng, s = state.rng, len(members)
    created = state.start_s + rng.integers(0, 45 * DAY, s)
    sold = int(state.start_s + rng.integers(70 * DAY, 120 * DAY))
    switch = sold + rng.integers(0, 6 * DAY, s)
    state.account["created"][members] = created
    organic_history(state, members, created, switch)
    isp = state.world.isps[int(rng.integers(len(state.world.isps)))]
    line = int(isp.sample_v4(rng, 1)[0]) & ~0xFF
    exits = line + rng.choice(np.arange(2, 254), int(rng.integers(3, 13)), replace=False)
    machines = state.new_devices(int(rng.integers(2, 5)))
    browser = int(rng.choice(state.user_agents.browser))
    rows = np.repeat(np.arange(s), rng.integers(5, 16, s))
    first_seen = switch[rows] + (rng.random(len(rows)) * (state.end_s - HOUR - switch[rows])).astype(np.int64)
    ips = exits[rng.integers(0, len(exits), len(rows))]
    devices = machines[rng.integers(0, len(machines), len(rows))]
    add_access_rows(
        state, members[rows], ips, first_seen, (20 * 60, 2 * DAY), browser, devices, median_requests=250
    )
    country = int(rng.integers(len(vocab.COUNTRIES)))
    issuer_cards(state, members, switch + HOUR, int(rng.choice(ISSUER_BINS)), country)
    _extraction_usage(state, members, switch, float(rng.uniform(0.4, 0.8)))
    state.account["plan"][members] = PLAN_INDEX["pro"]
    state.account["status"][members] = STATUS_INDEX["active"]


# ----------------------------------------------------------------------------- slow drip
def add_slow_drip(state: GenerationState) -> list[tuple[np.ndarray, int]]:
    """Device farms that sign up one account every half day to three days for weeks.

    Every account gets a fresh device id (the farm resets it) and its own card, but the cards
    come from one or two BINs of one issuer with one billing country; every account runs the
    same app build on the same handset model, signs up in the same three hours of the day,
    and goes out through a handful of a mobile carrier's shared (CGNAT) exits. Returns each
    farm's exits and user agent, which the look-alike's users share.
    Look-alike: benign_carrier_neighbour (ordinary phone users behind the same carrier exits).
    """
    farms = []
    for f, members in enumerate(_groups(state, "drip", holdout_plan(state).drip_farms)):
        state.new_campaign(f"drip_{f + 1:02d}", "slow_drip", members)
        farms.append(_drip_farm(state, members))
    return farms


def _drip_farm(state: GenerationState, members: np.ndarray) -> tuple[np.ndarray, int]:
    rng, s = state.rng, len(members)
    gaps = rng.integers(12 * HOUR, 72 * HOUR, s)
    first = int(rng.integers(state.start_s, state.end_s - int(gaps.sum()) - 10 * DAY))
    day = (first + np.cumsum(gaps)) // DAY
    hour = int(rng.integers(0, 22))
    created = day * DAY + (hour + rng.integers(0, 3, s)) * HOUR + rng.integers(0, HOUR, s)
    state.account["created"][members] = state.clip_time(created)
    carrier = state.world.carriers[int(rng.integers(len(state.world.carriers)))]
    exits = carrier.sample_v4(rng, int(rng.integers(4, 13)))
    build = f"LabApp/2.{int(rng.integers(0, 5))}.{int(rng.integers(0, 9))}"
    model = HANDSET_MODELS[int(rng.integers(len(HANDSET_MODELS)))]
    user_agent = state.user_agents.add(f"{build} (Android {int(rng.integers(11, 14))}; {model})")
    devices = state.new_devices(s)
    rows = np.repeat(np.arange(s), rng.integers(4, 13, s))
    first_seen = state.account["created"][members][rows] + rng.integers(0, 40 * DAY, len(rows))
    first_seen[np.r_[0, np.flatnonzero(np.diff(rows)) + 1]] = state.account["created"][members] + 60
    ips = exits[rng.integers(0, len(exits), len(rows))]
    add_access_rows(
        state, members[rows], ips, first_seen, (10 * 60, DAY), user_agent, devices[rows], median_requests=120
    )
    bins = rng.choice(ISSUER_BINS, int(rng.integers(1, 3)), replace=False)
    issuer_cards(
        state,
        members,
        state.account["created"][members] + 900,
        rng.choice(bins, s),
        int(rng.integers(len(vocab.COUNTRIES))),
    )
    _extraction_usage(state, members, state.account["created"][members], float(rng.uniform(0.3, 0.7)))
    state.account["status"][members] = STATUS_INDEX["active"]
    return exits, user_agent


# ----------------------------------------------------------------------------- split sign-ups
def add_split_signups(state: GenerationState) -> None:
    """One campaign split into batches, each on its own email provider with its own template.

    Batches sign up in bursts of a few hours weeks apart; across batches the operator reuses
    a few virtual machines and cloud workers; each account has its own card, all from one
    issuer's BIN, and its own residential-proxy exit.
    Look-alike: benign_hackathon (a burst of sign-ups at one venue with a few loaner laptops).
    """
    for c, members in enumerate(_groups(state, "split", holdout_plan(state).split_campaigns)):
        state.new_campaign(f"split_{c + 1:02d}", "split_signups", members)
        _split_campaign(state, members)


def _split_campaign(state: GenerationState, members: np.ndarray) -> None:
    rng, s = state.rng, len(members)
    n_batches = int(rng.integers(3, 6))
    batch = np.sort(rng.integers(0, n_batches, s))
    burst = state.start_s + np.sort(rng.integers(5 * DAY, state.period_days * DAY - 40 * DAY, n_batches))
    created = burst[batch] + rng.integers(0, int(rng.integers(2, 7)) * HOUR, s)
    state.account["created"][members] = created
    providers = rng.choice(SPLIT_PROVIDERS, n_batches, replace=False)
    addresses = np.empty(s, object)
    for b in range(n_batches):
        chosen = np.flatnonzero(batch == b)
        addresses[chosen] = _batch_addresses(rng, len(chosen), str(providers[b]), int(rng.integers(4)))
    state.emails.replaced.append((members, pa.array(list(addresses), pa.string())))
    machines = state.new_devices(int(rng.integers(3, 9)))
    proxy = state.world.proxies[int(rng.integers(len(state.world.proxies)))]
    own_exit = proxy.sample_v4(rng, s)
    browser = int(rng.choice(state.user_agents.browser))
    signup_device = machines[rng.integers(0, len(machines), s)]
    add_access_rows(
        state, members, own_exit, created + 60, (HOUR, 20 * DAY), browser, signup_device, median_requests=150
    )
    cloud = state.world.clouds[int(rng.integers(len(state.world.clouds)))]
    workers = cloud.sample_v4(rng, int(rng.integers(2, 5)))
    who = np.flatnonzero(rng.random(s) < rng.uniform(0.3, 0.6))
    sdk = int(state.user_agents.sdk[int(rng.integers(len(state.user_agents.sdk)))])
    start = created[who] + rng.integers(HOUR, 3 * DAY, len(who))
    add_access_rows(
        state,
        members[who],
        workers[rng.integers(0, len(workers), len(who))],
        start,
        (5 * DAY, 30 * DAY),
        sdk,
        -1,
        median_requests=600,
    )
    issuer_cards(
        state, members, created + 1200, int(rng.choice(ISSUER_BINS)), int(rng.integers(len(vocab.COUNTRIES)))
    )
    _extraction_usage(state, members, created, float(rng.uniform(0.4, 0.8)))
    state.account["status"][members] = np.where(
        rng.random(s) < 0.1, STATUS_INDEX["suspended"], STATUS_INDEX["active"]
    )


def _batch_addresses(rng: np.random.Generator, k: int, domain: str, template: int) -> list[str]:
    """``k`` addresses of one batch: one template per batch, never the same as another batch's."""
    first = np.array(vocab.FIRST_NAMES)[rng.integers(0, len(vocab.FIRST_NAMES), k)]
    last = np.array(vocab.LAST_NAMES)[rng.integers(0, len(vocab.LAST_NAMES), k)]
    word = vocab.WORDS_A[int(rng.integers(len(vocab.WORDS_A)))]
    numbers = rng.choice(np.arange(100, 10_000), k, replace=False)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    out = []
    for i in range(k):
        local = (
            f"{first[i]}{last[i]}{numbers[i] % 100:02d}",
            f"{word}_{last[i]}{numbers[i]}",
            "".join(letters[rng.integers(0, 26, 10)]),
            f"{first[i][0]}.{last[i]}.{numbers[i]}",
        )[template]
        out.append(f"{local}@{domain}")
    return out


# ----------------------------------------------------------------------------- reseller fronts
def add_reseller_fronts(state: GenerationState) -> None:
    """An operator posing as a reseller: one unverified organisation, accounts created in one
    or two batches, traffic only through the 'gateway' cloud hosts with an SDK, two or three
    organisation cards, and extraction usage of near-identical daily volume.
    Look-alike: benign_reseller_customer (a real reseller's end customers behind its gateway).
    """
    for r, members in enumerate(_groups(state, "reseller_front", holdout_plan(state).reseller_fronts)):
        state.new_campaign(f"front_{r + 1:02d}", "reseller_front", members)
        _reseller_front(state, members)


def _reseller_front(state: GenerationState, members: np.ndarray) -> None:
    rng, s, account = state.rng, len(members), state.account
    batches = state.start_s + rng.integers(10 * DAY, 120 * DAY, int(rng.integers(1, 3)))
    created = batches[rng.integers(0, len(batches), s)] + rng.integers(0, 4 * HOUR, s)
    account["created"][members] = created
    account["org"][members] = state.new_org()
    account["org_verified"][members] = 0
    account["plan"][members] = PLAN_INDEX["api"]
    account["status"][members] = STATUS_INDEX["active"]
    cloud = state.world.clouds[int(rng.integers(len(state.world.clouds)))]
    gateway = cloud.sample_v4(rng, int(rng.integers(1, 4)))
    sdk = int(state.user_agents.sdk[int(rng.integers(len(state.user_agents.sdk)))])
    rows = np.repeat(np.arange(s), rng.integers(1, 4, s))
    add_access_rows(
        state,
        members[rows],
        gateway[rng.integers(0, len(gateway), len(rows))],
        created[rows] + 300,
        (10 * DAY, 60 * DAY),
        sdk,
        -1,
        median_requests=800,
    )
    cards = state.new_cards(
        int(rng.integers(2, 4)),
        vocab.METHOD_TYPE_INDEX["card"],
        int(rng.choice(ISSUER_BINS)),
        int(account["country"][members[0]]),
    )
    state.payments.add(account=members, card=cards[rng.integers(0, len(cards), s)], added=created + 600)
    days = np.arange(created.max() // DAY + 1, (state.end_s - 1) // DAY + 1)
    days = days[rng.random(len(days)) < rng.uniform(0.5, 0.9)]
    if not len(days):
        return
    volume = rng.lognormal(np.log(rng.uniform(300, 1200)), 0.4, len(days))
    owner = np.repeat(np.arange(s), len(days))
    add_usage_rows(
        state,
        members[owner],
        np.tile(days, s),
        rng.dirichlet(EXTRACTION_MIX * 4),
        np.tile(volume, s),
        0.08,
        0.001,
    )

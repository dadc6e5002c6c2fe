"""The holdout scenario's benign look-alikes: ordinary people who share what its campaigns share.

- course cohorts: established users who, from the first day of a course, work on a
  university lab's few machines behind one campus block (a behaviour switch on one date,
  shared devices and addresses - like bought aged accounts);
- carrier neighbours: phone users behind the same mobile-carrier CGNAT exits as a device
  farm, many on the same popular app build (shared exits and user agent, own everything else);
- hackathons: a burst of sign-ups within hours at one venue line, a few loaner laptops
  passed around, own cards, a weekend of heavy coding (burst, shared address and devices);
- reseller customers: a real reseller's end customers under one organisation, its gateway
  cloud hosts and its card, each with its own home traffic and varied usage;
- family plans: one card paying for a household's accounts, one home line, a shared tablet.

Each is labelled in ``truth.csv`` (``kind`` and ``group_id``).
"""

from __future__ import annotations

import numpy as np

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.activity import add_access_rows, add_usage_rows, home_addresses
from linkgraph.generator.records import KIND_INDEX, PLAN_INDEX
from linkgraph.generator.state import DAY, HOUR, GenerationState, consecutive_groups

HOLDOUT_LOOKALIKES = (
    "benign_course_cohort",
    "benign_carrier_neighbour",
    "benign_hackathon",
    "benign_reseller_customer",
    "benign_family_plan",
)
EVERYDAY_MIX = np.array([0.07, 0.25, 0.03, 0.02, 0.07, 0.0, 0.45, 0.11])
COURSEWORK_MIX = np.array([0.15, 0.55, 0.05, 0.02, 0.03, 0.0, 0.2, 0.0])
HACK_MIX = np.array([0.1, 0.6, 0.12, 0.08, 0.04, 0.0, 0.06, 0.0])


def _label(state: GenerationState, kind: str, name: str, members: np.ndarray) -> None:
    state.account["kind"][members] = KIND_INDEX[kind]
    state.new_group(name, members)


def _sizes(state: GenerationState, field: str) -> tuple[int, ...]:
    plan = state.scenario.holdout
    if plan is None:
        raise RuntimeError("the holdout steps need a holdout scenario")
    value = getattr(plan, field)
    return value if isinstance(value, tuple) else (int(value),)


# ----------------------------------------------------------------------------- shared helpers
def issuer_cards(
    state: GenerationState, accounts: np.ndarray, added: np.ndarray, bins: np.ndarray | int, country: int
) -> np.ndarray:
    """One new card per account from the given BIN(s) and billing country; the card serials."""
    cards = state.new_cards(len(accounts), vocab.METHOD_TYPE_INDEX["card"], bins, country)
    state.payments.add(account=accounts, card=cards, added=added)
    return cards


def organic_history(state: GenerationState, members: np.ndarray, begin: np.ndarray, end: np.ndarray) -> None:
    """Ordinary use between ``begin`` and ``end`` (per member): a home line, the member's own
    device and browser, light everyday usage on a few days."""
    rng, traits = state.rng, state.traits()
    homes = home_addresses(state, len(members))
    rows = np.repeat(np.arange(len(members)), rng.integers(2, 7, len(members)))
    span = np.maximum(end[rows] - begin[rows], HOUR)
    first_seen = begin[rows] + (rng.random(len(rows)) * span).astype(np.int64)
    first_seen[np.r_[0, np.flatnonzero(np.diff(rows)) + 1]] = begin + 120
    index = members[rows] - traits.first
    add_access_rows(
        state, members[rows], homes[rows], first_seen, (HOUR, 10 * DAY),
        traits.primary_user_agent[index], traits.device[index],
    )  # fmt: skip
    usage = np.repeat(np.arange(len(members)), rng.integers(3, 20, len(members)))
    day_span = np.maximum((end[usage] - begin[usage]) // DAY, 1)
    days = begin[usage] // DAY + (rng.random(len(usage)) * day_span).astype(np.int64)
    add_usage_rows(state, members[usage], days, EVERYDAY_MIX, 12.0, 1.0, 0.001)


# ----------------------------------------------------------------------------- course cohorts
def add_cohorts(state: GenerationState) -> None:
    for c, members in enumerate(consecutive_groups(state.bounds["cohort"][0], _sizes(state, "cohorts"))):
        _label(state, "benign_course_cohort", f"cohort_{c + 1:02d}", members)
        _cohort(state, members)


def _cohort(state: GenerationState, members: np.ndarray) -> None:
    rng, s = state.rng, len(members)
    created = state.start_s + rng.integers(0, 60 * DAY, s)
    state.account["created"][members] = created
    course_start = int(state.start_s + rng.integers(75 * DAY, 120 * DAY))
    organic_history(state, members, created, np.full(s, course_start))
    university, _ = state.world.universities[int(rng.integers(len(state.world.universities)))]
    lab_line = int(university.sample_v4(rng, 1)[0]) & ~0xFF
    lab_ips = lab_line + rng.choice(np.arange(2, 254), int(rng.integers(1, 4)), replace=False)
    machines = state.new_devices(int(rng.integers(3, 9)))
    browser = int(state.user_agents.browser[8])  # the lab image's Linux browser
    lecture_days = course_start // DAY + np.flatnonzero(rng.random(70) < 2 / 7)
    rows = np.repeat(np.arange(s), rng.integers(4, 13, s))
    day = lecture_days[rng.integers(0, len(lecture_days), len(rows))]
    first_seen = day * DAY + rng.integers(8 * HOUR, 18 * HOUR, len(rows))
    add_access_rows(
        state, members[rows], lab_ips[rng.integers(0, len(lab_ips), len(rows))], first_seen,
        (HOUR, 3 * HOUR), browser, machines[rng.integers(0, len(machines), len(rows))], median_requests=40,
    )  # fmt: skip
    owner = np.repeat(np.arange(s), len(lecture_days))
    attended = rng.random(len(owner)) < 0.8
    add_usage_rows(
        state, members[owner][attended], np.tile(lecture_days, s)[attended], COURSEWORK_MIX,
        float(rng.uniform(25, 70)), 0.8, 0.002,
    )  # fmt: skip


# ----------------------------------------------------------------------------- carrier neighbours
def add_carrier_neighbours(state: GenerationState, farm_exits: list[tuple[np.ndarray, int]]) -> None:
    """A few rows each on a device farm's carrier exits; a share on the farm's very app build."""
    rng, traits = state.rng, state.traits()
    low, high = state.bounds["carrier_neighbour"]
    members = np.arange(low, high)
    if not len(members) or not farm_exits:
        return
    _label(state, "benign_carrier_neighbour", "carrier_neighbours", members)
    farm = rng.integers(0, len(farm_exits), len(members))
    rows = np.repeat(np.arange(len(members)), rng.integers(1, 5, len(members)))
    ips = np.array([farm_exits[f][0][rng.integers(0, len(farm_exits[f][0]))] for f in farm[rows]], np.int64)
    farm_agent = np.array([farm_exits[f][1] for f in farm], np.int64)
    same_build = rng.random(len(members)) < 0.35
    mobile = rng.choice(state.user_agents.mobile, len(members))
    agent = np.where(same_build, farm_agent, mobile)
    first_seen = state.account["created"][members[rows]] + rng.integers(HOUR, 60 * DAY, len(rows))
    device = traits.device[members[rows] - traits.first]
    add_access_rows(state, members[rows], ips, first_seen, (10 * 60, 2 * DAY), agent[rows], device)


# ----------------------------------------------------------------------------- hackathons
def add_hackathons(state: GenerationState) -> None:
    for h, members in enumerate(
        consecutive_groups(state.bounds["hackathon"][0], _sizes(state, "hackathons"))
    ):
        _label(state, "benign_hackathon", f"hackathon_{h + 1:02d}", members)
        _hackathon(state, members)


def _hackathon(state: GenerationState, members: np.ndarray) -> None:
    rng, s, traits = state.rng, len(members), state.traits()
    doors_open = int(rng.integers(state.start_s + 10 * DAY, state.end_s - 20 * DAY))
    created = doors_open + rng.integers(0, 3 * HOUR, s)
    state.account["created"][members] = created
    venue = int(home_addresses(state, 1)[0])
    laptops = state.new_devices(int(rng.integers(2, 6)))
    borrower = rng.random(s) < rng.uniform(0.1, 0.3)
    device = np.where(
        borrower, laptops[rng.integers(0, len(laptops), s)], traits.device[members - traits.first]
    )
    sdk = rng.random(s) < 0.5
    agent = np.where(
        sdk, rng.choice(state.user_agents.sdk, s), traits.primary_user_agent[members - traits.first]
    )
    add_access_rows(
        state, members, venue, created + 60, (10 * HOUR, 2 * DAY), agent, device, median_requests=90
    )
    weekend = doors_open // DAY + np.arange(3)
    owner = np.repeat(np.arange(s), 3)
    add_usage_rows(
        state, members[owner], np.tile(weekend, s), HACK_MIX, float(rng.uniform(40, 200)), 1.0, 0.002
    )


# ----------------------------------------------------------------------------- reseller customers
def add_reseller_customers(state: GenerationState) -> None:
    groups = consecutive_groups(state.bounds["reseller_customer"][0], _sizes(state, "reseller_customers"))
    for r, members in enumerate(groups):
        _label(state, "benign_reseller_customer", f"reseller_{r + 1:02d}", members)
        _reseller(state, members)


def _reseller(state: GenerationState, members: np.ndarray) -> None:
    rng, s, account = state.rng, len(members), state.account
    account["org"][members] = state.new_org()
    account["org_verified"][members] = 1 if rng.random() < 0.4 else 0
    account["plan"][members] = np.where(rng.random(s) < 0.5, PLAN_INDEX["team"], PLAN_INDEX["api"])
    cloud = state.world.clouds[int(rng.integers(len(state.world.clouds)))]
    gateway = cloud.sample_v4(rng, int(rng.integers(1, 4)))
    sdk = int(state.user_agents.sdk[int(rng.integers(len(state.user_agents.sdk)))])
    created = account["created"][members]
    add_access_rows(
        state, members, gateway[rng.integers(0, len(gateway), s)], created + rng.integers(HOUR, 20 * DAY, s),
        (5 * DAY, 90 * DAY), sdk, -1, median_requests=150,
    )  # fmt: skip
    card = state.new_cards(1, vocab.METHOD_TYPE_INDEX["card"], int(rng.choice(vocab.CORPORATE_BINS)), 0)
    state.payments.add(account=members, card=np.repeat(card, s), added=created + 900)
    rows = np.repeat(np.arange(s), rng.integers(3, 30, s))
    span = np.maximum((state.end_s - created[rows]) // DAY, 1)
    days = created[rows] // DAY + (rng.random(len(rows)) * span).astype(np.int64)
    for mix_rows in np.array_split(np.arange(len(rows)), max(1, s // 5)):
        if len(mix_rows):
            mix = rng.dirichlet(EVERYDAY_MIX * 4 + 0.2)
            add_usage_rows(
                state, members[rows[mix_rows]], days[mix_rows], mix, float(rng.uniform(10, 200)), 1.0, 0.002
            )


# ----------------------------------------------------------------------------- family plans
def add_family_plans(state: GenerationState) -> None:
    groups = consecutive_groups(state.bounds["family_plan"][0], _sizes(state, "family_plans"))
    for f, members in enumerate(groups):
        _label(state, "benign_family_plan", f"family_plan_{f + 1:04d}", members)
        _family_plan(state, members)


def _family_plan(state: GenerationState, members: np.ndarray) -> None:
    rng, s, traits = state.rng, len(members), state.traits()
    created = state.account["created"][members]
    card = state.new_cards(1, vocab.METHOD_TYPE_INDEX["card"], int(rng.choice(vocab.CARD_BINS)), 0)
    state.payments.add(account=members, card=np.repeat(card, s), added=created + 1800)
    home = int(home_addresses(state, 1)[0])
    tablet = int(state.new_devices(1)[0])
    index = members - traits.first
    rows = np.repeat(np.arange(s), rng.integers(1, 4, s))
    first_seen = created[rows] + rng.integers(60, 30 * DAY, len(rows))
    device = np.where(rng.random(len(rows)) < 0.4, tablet, traits.device[index][rows])
    add_access_rows(
        state,
        members[rows],
        home,
        first_seen,
        (HOUR, 30 * DAY),
        traits.primary_user_agent[index][rows],
        device,
    )

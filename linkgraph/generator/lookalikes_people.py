"""Benign look-alikes made of ordinary people, one for each signal a detector could use.

- proxy bystanders: privacy-minded users who route some traffic through the same commercial
  residential-proxy provider as a campaign, often through the very exits the campaign used
  (own cards, ordinary browsers, organic usage) - a shared exit is not a shared operator;
- classrooms: students signing up in one session on one campus address, with sequential
  university addresses, doing the same homework on the same days (templated identities,
  sign-up burst, shared IP and co-activity all at once);
- QA teams: a company's test accounts (``qa+03@company``) sharing a test device, the
  corporate card and the office network, calling the API from a test harness every day;
- shared computers: cafe or library machines used by unrelated people (one device, one
  address, own cards);
- re-signups: people who closed an account (or had it suspended for a payment problem) and
  later opened a new one on the same device, card or home line;
- sign-up waves: organic users who all signed up within hours of a launch (nothing shared).

Each group is labelled in ``truth.csv`` so a benchmark can report the worst group's share of
accounts flagged.
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
from linkgraph.generator.identities import company_domain
from linkgraph.generator.records import KIND_INDEX, PLAN_INDEX, STATUS_INDEX
from linkgraph.generator.state import DAY, HOUR, GenerationState, consecutive_groups

ORGANIC_MIX = np.array([0.07, 0.25, 0.03, 0.02, 0.07, 0.0, 0.45, 0.11])
HOMEWORK_MIX = np.array([0.2, 0.5, 0.05, 0.0, 0.05, 0.0, 0.2, 0.0])
QA_MIX = np.array([0.05, 0.35, 0.4, 0.1, 0.05, 0.0, 0.05, 0.0])


def _label(state: GenerationState, kind: str, name: str, members: np.ndarray) -> None:
    state.account["kind"][members] = KIND_INDEX[kind]
    state.new_group(name, members)


# ----------------------------------------------------------------------------- proxy bystanders
def add_proxy_bystanders(state: GenerationState) -> None:
    """A few rows each through a campaign's main proxy provider, half on the campaign's exits."""
    rng, traits = state.rng, state.traits()
    low, high = state.bounds["proxy_bystander"]
    members = np.arange(low, high)
    if not len(members):
        return
    _label(state, "benign_proxy_user", "proxy_bystanders", members)
    operations = [c for c, p in enumerate(state.campaign_main_proxies) if p >= 0]
    weight = np.array([(state.account["campaign"] == c).sum() for c in operations], dtype=float)
    campaign_of = np.array(operations)[rng.choice(len(operations), len(members), p=weight / weight.sum())]
    accounts = np.repeat(members, rng.integers(2, 9, len(members)))
    campaign = np.repeat(campaign_of, np.bincount(accounts - low, minlength=len(members)))
    ips = np.zeros(len(accounts), np.int64)
    codes = np.zeros(len(accounts), np.int64)
    for c in np.unique(campaign):
        rows = np.flatnonzero(campaign == c)
        network = state.world.proxies[state.campaign_main_proxies[c]]
        pool = state.campaign_proxy_pools[c]
        on_pool = rng.random(len(rows)) < 0.5
        ips[rows] = np.where(
            on_pool, pool[rng.integers(0, len(pool), len(rows))], network.sample_v4(rng, len(rows))
        )
        codes[rows] = state.provider_index(network)
    first_seen = state.account["created"][accounts] + rng.integers(HOUR, 90 * DAY, len(accounts))
    logged = np.where(rng.random(len(accounts)) < 0.45, codes, -1)
    rows_of = accounts - traits.first
    user_agent, device = traits.primary_user_agent[rows_of], traits.device[rows_of]
    add_access_rows(state, accounts, ips, first_seen, (10 * 60, 5 * DAY), user_agent, device, logged)


# ----------------------------------------------------------------------------- classrooms
def add_classrooms(state: GenerationState) -> None:
    for c, members in enumerate(consecutive_groups(state.bounds["classroom"][0], state.scenario.classrooms)):
        _label(state, "benign_classroom", f"classroom_{c + 1:02d}", members)
        _classroom(state, members)


def _classroom(state: GenerationState, members: np.ndarray) -> None:
    """One session's sign-ups on the campus address, sequential addresses, shared homework days."""
    rng, traits, s = state.rng, state.traits(), len(members)
    university, domain = state.world.universities[int(rng.integers(len(state.world.universities)))]
    campus_ip = int(university.sample_v4(rng, 1)[0])
    session = int(rng.integers(state.start_s + DAY, state.end_s - 60 * DAY))
    state.account["created"][members] = session + rng.integers(0, 2 * HOUR, s)
    state.account["plan"][members] = PLAN_INDEX["free"]
    course = f"{vocab.WORDS_A[rng.integers(len(vocab.WORDS_A))]}{int(rng.integers(100, 500))}"
    start_number = int(rng.integers(1, 30))
    emails = [f"{course}.s{start_number + i:02d}@{domain}" for i in range(s)]
    state.emails.replaced.append((members, pa.array(emails, pa.string())))
    rows_of = members - traits.first
    user_agent, device = traits.primary_user_agent[rows_of], traits.device[rows_of]
    created = state.account["created"][members]
    add_access_rows(
        state, members, campus_ip, created + rng.integers(0, 300, s), (HOUR, 3 * HOUR), user_agent, device
    )
    homework_days = session // DAY + np.sort(
        rng.choice(np.arange(2, 58), int(rng.integers(5, 12)), replace=False)
    )
    for day in homework_days:
        who = np.flatnonzero(rng.random(s) < 0.75)
        in_class = rng.random(len(who)) < 0.5
        ips = np.where(in_class, campus_ip, home_addresses(state, len(who)))
        start = day * DAY + int(rng.integers(9, 20)) * HOUR + rng.integers(0, 2 * HOUR, len(who))
        add_access_rows(state, members[who], ips, start, (30 * 60, 4 * HOUR), user_agent[who], device[who])
        add_usage_rows(
            state, members[who], np.full(len(who), day), HOMEWORK_MIX, float(rng.uniform(20, 60)), 0.3
        )


# ----------------------------------------------------------------------------- QA teams
def add_qa_teams(state: GenerationState) -> None:
    for t, members in enumerate(consecutive_groups(state.bounds["qa_team"][0], state.scenario.qa_teams)):
        _label(state, "benign_qa_team", f"qa_team_{t + 1:02d}", members)
        _qa_team(state, members)


def _qa_team(state: GenerationState, members: np.ndarray) -> None:
    """Test accounts of one company: one day's sign-ups, shared test device, corporate card,
    office network, a test harness calling the API daily with nearly the same volume."""
    rng, account, s = state.rng, state.account, len(members)
    domain = company_domain(
        int(rng.integers(len(vocab.WORDS_A) * len(vocab.WORDS_B) * len(vocab.COMPANY_TLDS)))
    )
    account["org"][members] = state.new_org()
    account["org_verified"][members] = int(rng.random() < 0.5)
    account["plan"][members] = PLAN_INDEX["team"]
    created = int(rng.integers(state.start_s + DAY, state.end_s - 30 * DAY)) + rng.integers(0, HOUR, s)
    account["created"][members] = created
    template = ("qa+{:02d}@{}", "qa-test-{:02d}@{}", "test.user{}@{}", "e2e-{:03d}@{}")[int(rng.integers(4))]
    emails = [template.format(i + 1, domain) for i in range(s)]
    state.emails.replaced.append((members, pa.array(emails, pa.string())))
    card = state.new_cards(
        1,
        vocab.METHOD_TYPE_INDEX["card"],
        int(rng.choice(vocab.CORPORATE_BINS)),
        account["country"][members[0]],
    )
    state.payments.add(account=members, card=np.full(s, card[0]), added=created + 600)
    office = state.world.add_corporate(
        rng, domain.split(".")[0].capitalize() + " QA", vocab.COUNTRIES[account["country"][members[0]]]
    )
    office_ip = office.v4[0][0] + 1 + int(rng.integers(14))
    devices = state.new_devices(int(rng.integers(1, 3)))
    harness = state.user_agents.sdk[int(rng.integers(len(state.user_agents.sdk)))]
    days = np.arange(int(created.min()) // DAY + 1, (state.end_s - 1) // DAY)
    days = days[rng.random(len(days)) < 0.7]
    owner = np.repeat(np.arange(s), len(days))
    start = np.tile(days * DAY + 2 * HOUR, s) + rng.integers(0, 20 * 60, len(owner))
    add_access_rows(
        state,
        members[owner],
        office_ip,
        start,
        (10 * 60, HOUR),
        harness,
        devices[rng.integers(0, len(devices), len(owner))],
    )
    add_usage_rows(state, members[owner], np.tile(days, s), QA_MIX, float(rng.uniform(30, 120)), 0.1)


# ----------------------------------------------------------------------------- shared computers
def add_shared_computers(state: GenerationState) -> None:
    """Cafe and library machines: one device and one public address used by unrelated people."""
    rng = state.rng
    for m, members in enumerate(
        consecutive_groups(state.bounds["shared_computer"][0], state.scenario.shared_computers)
    ):
        _label(state, "benign_shared_computer", f"shared_computer_{m + 1:02d}", members)
        device = int(state.new_devices(1)[0])
        public_ip = int(home_addresses(state, 1)[0])
        accounts = np.repeat(members, rng.integers(1, 4, len(members)))
        first_seen = state.account["created"][accounts] + rng.integers(0, 60 * DAY, len(accounts))
        browser = int(rng.choice(state.user_agents.browser))
        add_access_rows(state, accounts, public_ip, first_seen, (10 * 60, 3 * HOUR), browser, device)


# ----------------------------------------------------------------------------- re-signups
def add_resignups(state: GenerationState) -> None:
    """Pairs: an account closed by its owner (or suspended over a payment) and its successor."""
    low = state.bounds["resignup"][0]
    for p in range(state.scenario.resignup_pairs):
        pair = np.array([low + 2 * p, low + 2 * p + 1])
        _label(state, "benign_resignup", f"resignup_{p + 1:04d}", pair)
        _resignup(state, int(pair[0]), int(pair[1]))


def _resignup(state: GenerationState, first: int, second: int) -> None:
    rng, account, traits = state.rng, state.account, state.traits()
    created = int(min(account["created"][first], state.end_s - 90 * DAY))
    closed = created + int(rng.integers(10 * DAY, 60 * DAY))
    gap = int(rng.integers(10 * 60, DAY)) if rng.random() < 0.3 else int(rng.integers(DAY, 25 * DAY))
    account["created"][[first, second]] = [created, closed + gap]
    account["status"][first] = STATUS_INDEX["closed"] if rng.random() < 0.6 else STATUS_INDEX["suspended"]
    account["status"][second] = STATUS_INDEX["active"]
    home = int(home_addresses(state, 1)[0])
    device = int(traits.device[first - traits.first])
    user_agent = int(traits.primary_user_agent[first - traits.first])
    card = int(own_cards(state, np.array([first]), np.array([created + 900]), 0.03)[0])
    second_device = device if rng.random() < 0.8 else int(state.new_devices(1)[0])
    second_home = home if rng.random() < 0.7 else int(home_addresses(state, 1)[0])
    if rng.random() < 0.5:
        state.payments.add(
            account=np.array([second]), card=np.array([card]), added=np.array([closed + gap + 600])
        )
    else:
        own_cards(state, np.array([second]), np.array([closed + gap + 600]), 0.03)
    for member, begin, end, ip, dev in (
        (first, created, closed, home, device),
        (second, closed + gap, state.end_s - 1, second_home, second_device),
    ):
        n_rows = int(rng.integers(1, 4))
        starts = begin + np.sort(rng.integers(0, max(end - begin, 60), n_rows))
        add_access_rows(state, np.full(n_rows, member), ip, starts, (HOUR, 10 * DAY), user_agent, dev)
        days = begin // DAY + np.unique(
            rng.integers(0, max(1, (end - begin) // DAY), int(rng.integers(1, 8)))
        )
        add_usage_rows(state, np.full(len(days), member), days, ORGANIC_MIX, 12.0, 1.0)


# ----------------------------------------------------------------------------- sign-up waves
def signup_wave_times(state: GenerationState, sizes: tuple[int, ...]) -> np.ndarray:
    """Sign-up times of organic waves: each wave within three hours of one launch moment."""
    rng, out = state.rng, []
    for size in sizes:
        launch = int(rng.integers(state.start_s + DAY, state.end_s - 30 * DAY))
        out.append(launch + rng.integers(0, 3 * HOUR, size))
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def label_signup_waves(state: GenerationState) -> None:
    for w, members in enumerate(
        consecutive_groups(state.bounds["signup_wave"][0], state.scenario.signup_waves)
    ):
        _label(state, "benign_signup_wave", f"signup_wave_{w + 1:02d}", members)

"""Benign look-alikes a good detector must leave alone, overlaid on the organic base.

- enterprise: verified organisations with a corporate card, an office network, company
  addresses and an onboarding burst;
- NAT: carrier and campus NAT, hundreds of ordinary users behind a handful of addresses;
- VPN: unrelated users who share consumer VPN exits;
- datacenter: API developers calling from cloud hosts with SDK or HTTP-library user agents.

(Families sharing a card and computer are planted by the organic step itself.)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.activity import Clients, add_organic_events, add_organic_usage
from linkgraph.generator.identities import company_domain, name_emails
from linkgraph.generator.plan import LookalikePlan
from linkgraph.generator.records import KIND_INDEX, PLAN_INDEX, STATUS_INDEX
from linkgraph.generator.state import DAY, HOUR, GenerationState

METHOD = vocab.METHOD_TYPE_INDEX
ENTERPRISE_CATEGORY_MIX = [0.15, 0.55, 0.1, 0.1, 0.02, 0.0, 0.08, 0.0]


def onboarding_times(state: GenerationState, team_sizes: np.ndarray) -> np.ndarray:
    """Sign-ups of verified teams: 70% in one weekday-afternoon burst, then later hires."""
    rng = state.rng
    out = []
    for size in team_sizes:
        size = int(size)
        day0 = int(rng.integers(0, state.period_days - 40))
        while (state.start_s // DAY + day0 + 3) % 7 >= 5:
            day0 += 1
        burst_time = state.start_s + day0 * DAY + int(rng.integers(13, 17)) * HOUR
        in_burst = rng.random(size) < 0.7
        later = burst_time + rng.integers(DAY, 80 * DAY, size)
        out.append(state.clip_time(np.where(in_burst, burst_time + rng.integers(0, 3 * HOUR, size), later)))
    return np.concatenate(out) if out else np.zeros(0, np.int64)


# ----------------------------------------------------------------------------- enterprise
def add_enterprise_teams(state: GenerationState, plan: LookalikePlan) -> None:
    """Verified organisations: members' own cards mostly replaced by the corporate card and
    their light usage by heavy, clean coding usage."""
    e0, e1 = state.bounds["enterprise"]
    members = np.arange(e0, e1)
    state.payments.drop_accounts(state.rng, members, state.n, keep_share=0.2)
    state.usage.drop_accounts(state.rng, members, state.n, keep_share=0.0)
    start = e0
    for t, size in enumerate(plan.team_sizes):
        team = np.arange(start, start + int(size))
        start += int(size)
        combos = state.traits().enterprise_domain_combos
        domain = company_domain(int(combos[t % len(combos)]))
        country = _enterprise_identity(state, team, domain)
        _corporate_cards(state, team, country)
        _office_network_events(state, team, domain, country)
        _cloud_egress_events(state, team)
        _enterprise_usage(state, team)


def _enterprise_identity(state: GenerationState, team: np.ndarray, domain: str) -> int:
    """Verified org, enterprise plan, mostly one country, corporate addresses; returns the country."""
    rng, account, size = state.rng, state.account, len(team)
    country = int(rng.choice(len(vocab.COUNTRIES), p=vocab.COUNTRY_WEIGHTS))
    account["kind"][team] = KIND_INDEX["benign_enterprise"]
    account["org"][team] = state.new_org()
    account["org_verified"][team] = 1
    account["plan"][team] = PLAN_INDEX["enterprise"] if rng.random() < 0.8 else PLAN_INDEX["team"]
    account["status"][team] = STATUS_INDEX["active"]
    account["country"][team] = np.where(rng.random(size) < 0.85, country, account["country"][team])
    first = rng.integers(0, len(vocab.FIRST_NAMES), size)
    last = rng.integers(0, len(vocab.LAST_NAMES), size)
    emails = name_emails(rng, size, pa.array([domain] * size), last=last, first=first, corporate=True)
    state.emails.enterprise.append(emails)
    return country


def _corporate_cards(state: GenerationState, team: np.ndarray, country: int) -> None:
    """One corporate card (two for teams over 100), added by every member soon after sign-up."""
    rng, size = state.rng, len(team)
    n_cards = 1 if size <= 100 else 2
    cards = state.new_cards(n_cards, METHOD["card"], rng.choice(vocab.CORPORATE_BINS, n_cards), country)
    state.payments.add(
        account=team,
        card=cards[rng.integers(0, n_cards, size)],
        added=state.account["created"][team] + rng.integers(60, 2 * HOUR, size),
    )


def _office_network_events(state: GenerationState, team: np.ndarray, domain: str, country: int) -> None:
    """A /28 office network; members use 1-2 of its addresses from browsers, the SDK and scripts."""
    rng, traits, agents, size = state.rng, state.traits(), state.user_agents, len(team)
    company = domain.split(".")[0].capitalize() + " Inc."
    office = state.world.add_corporate(rng, company, vocab.COUNTRIES[country])
    n_office = int(min(4, 1 + size // 40))
    office_ips = office.v4[0][0] + 1 + rng.choice(14, n_office, replace=False)
    accounts = np.repeat(team, rng.integers(1, 3, size))
    k = len(accounts)
    ips = office_ips[rng.integers(0, n_office, k)]
    client_draw = rng.random(k)
    user_agent = np.where(
        client_draw < 0.6,
        traits.primary_user_agent[accounts - traits.first],
        np.where(
            client_draw < 0.9,
            rng.choice(agents.sdk, k, p=vocab.SDK_WEIGHTS),
            agents.first_automation + rng.choice([0, 1, 2], k),
        ),
    )
    first_seen = state.account["created"][accounts] + rng.integers(60, DAY, k)
    last_seen = np.minimum(first_seen + rng.integers(20 * DAY, 120 * DAY, k), state.end_s - 1)
    requests = 50 + rng.lognormal(np.log(800), 1.0, k).astype(np.int64)
    state.events.add(
        account=accounts,
        ip=ips,
        first_seen=np.minimum(first_seen, state.end_s - HOUR),
        last_seen=last_seen,
        requests=requests,
        user_agent=user_agent,
        device=traits.device[accounts - traits.first],
        provider=-1,
    )


def _cloud_egress_events(state: GenerationState, team: np.ndarray) -> None:
    """Some teams also call from a shared cloud egress (CI, internal tools)."""
    rng, agents = state.rng, state.user_agents
    if rng.random() >= 0.3:
        return
    cloud = state.world.clouds[int(rng.integers(len(state.world.clouds)))]
    egress = cloud.sample_v4(rng, int(rng.integers(1, 3)))
    who = team[rng.random(len(team)) < 0.4]
    if not len(who):
        return
    first_seen = state.account["created"][who] + rng.integers(DAY, 10 * DAY, len(who))
    state.events.add(
        account=who,
        ip=egress[rng.integers(0, len(egress), len(who))],
        first_seen=np.minimum(first_seen, state.end_s - HOUR),
        last_seen=np.minimum(first_seen + 60 * DAY, state.end_s - 1),
        requests=200 + rng.lognormal(np.log(3000), 1.0, len(who)).astype(np.int64),
        user_agent=rng.choice([agents.sdk[0], agents.automation(0), agents.automation(2)], len(who)),
        device=-1,
        provider=-1,
    )


def _enterprise_usage(state: GenerationState, team: np.ndarray) -> None:
    """Heavy coding usage, verified and clean (no jailbreak flags)."""
    rng = state.rng
    accounts = np.repeat(team, 10 + rng.poisson(20, len(team)))
    k = len(accounts)
    first_day = state.account["created"][accounts] // DAY
    day = first_day + (rng.random(k) * (state.end_s // DAY - first_day)).astype(np.int64)
    category = rng.choice(8, size=k, p=ENTERPRISE_CATEGORY_MIX)
    requests = 20 + rng.lognormal(np.log(250), 0.9, k).astype(np.int64)
    state.usage.add(
        account=accounts,
        day=day,
        category=category,
        requests=requests,
        tokens=(requests * rng.lognormal(np.log(3000), 0.5, k)).astype(np.int64),
        jailbreaks=0,
    )


# ----------------------------------------------------------------------------- NAT, VPN, cloud
def add_nat_pools(state: GenerationState, plan: LookalikePlan) -> None:
    """Carrier-grade and campus NAT: hundreds of ordinary users behind a handful of IPs."""
    rng, traits = state.rng, state.traits()
    start = state.bounds["nat"][0]
    for p, size in enumerate(plan.nat_sizes):
        size = int(size)
        members = np.arange(start, start + size)
        start += size
        state.account["kind"][members] = KIND_INDEX["benign_nat"]
        university = bool(plan.nat_is_university[p])
        if university:
            network, domain = state.world.universities[p % len(state.world.universities)]
        else:
            network, domain = state.world.carriers[p % len(state.world.carriers)], ""
        k_ips = max(1, size // 250)
        pool = network.sample_v4(rng, k_ips)
        k_use = np.minimum(rng.integers(1, 3, size), k_ips)
        accounts = np.repeat(members, k_use)
        # a member's picks are consecutive, hence distinct, pool addresses
        position = np.arange(len(accounts)) - np.repeat(np.cumsum(k_use) - k_use, k_use)
        ips = pool[(rng.integers(0, k_ips, size).repeat(k_use) + position) % k_ips]
        rows = accounts - traits.first
        if university:
            clients = Clients(traits.primary_user_agent[rows], traits.device[rows])
        else:
            mobile_ua = rng.choice(state.user_agents.mobile, size=len(accounts), p=vocab.MOBILE_WEIGHTS)
            phone = traits.phone[rows]
            clients = Clients(mobile_ua, np.where(phone >= 0, phone, traits.device[rows]))
        add_organic_events(state, accounts, ips, state.account["created"][accounts], clients)
        if university:  # students and staff: some use the university address
            state.emails.university.append((members[rng.random(size) < 0.4], domain))


def add_vpn_users(state: GenerationState) -> None:
    """Consumer VPN users: unrelated people who happen to share exit addresses."""
    rng, traits = state.rng, state.traits()
    v0, v1 = state.bounds["vpn"]
    m = v1 - v0
    if m == 0:
        return
    members = np.arange(v0, v1)
    state.account["kind"][members] = KIND_INDEX["benign_vpn"]
    provider = rng.choice(len(state.world.vpns), size=m, p=vocab.VPN_WEIGHTS)
    k_use = rng.integers(1, 5, m)
    accounts = np.repeat(members, k_use)
    row_provider = np.repeat(provider, k_use)
    ips = np.zeros(len(accounts), np.int64)
    provider_code = np.zeros(len(accounts), np.int64)
    for j, network in enumerate(state.world.vpns):
        chosen = row_provider == j
        if not chosen.any():
            continue
        pool = network.sample_v4(rng, max(4, int((provider == j).sum()) // 8))
        ips[chosen] = pool[rng.integers(0, len(pool), int(chosen.sum()))]
        provider_code[chosen] = state.provider_index(network)
    enriched = np.where(rng.random(len(accounts)) < 0.2, provider_code, -1)
    rows = accounts - traits.first
    clients = Clients(traits.primary_user_agent[rows], traits.device[rows])
    add_organic_events(state, accounts, ips, state.account["created"][accounts], clients, enriched)


def add_datacenter_developers(state: GenerationState) -> None:
    """API developers calling from cloud hosts with SDK or HTTP-library user agents."""
    rng, account, agents = state.rng, state.account, state.user_agents
    d0, d1 = state.bounds["datacenter"]
    m = d1 - d0
    if m == 0:
        return
    members = np.arange(d0, d1)
    account["kind"][members] = KIND_INDEX["benign_datacenter"]
    account["plan"][members] = np.where(
        account["plan"][members] == PLAN_INDEX["free"], PLAN_INDEX["free"], PLAN_INDEX["api"]
    )
    accounts = np.repeat(members, rng.integers(1, 4, m))
    k = len(accounts)
    clouds = state.world.clouds
    ips = state.sample_by_network(clouds, rng.choice(len(clouds), size=k, p=vocab.CLOUD_WEIGHTS), 0.15)
    # Pairs of colleagues sometimes share one host.
    shared = np.flatnonzero(rng.random(k) < 0.05)
    if len(shared) > 1:
        ips[shared[1::2]] = ips[shared[: len(shared) // 2 * 2 : 2]][: len(shared[1::2])]
    client_draw = rng.random(k)
    user_agent = np.where(
        client_draw < 0.7,
        rng.choice(agents.sdk, k, p=vocab.SDK_WEIGHTS),
        agents.first_automation + rng.choice([0, 1, 2, 3, 4, 6, 8], k),
    )
    created = account["created"][accounts]
    first_seen = np.minimum(created + rng.exponential(5 * DAY, k).astype(np.int64), state.end_s - HOUR)
    last_seen = np.minimum(first_seen + rng.exponential(40 * DAY, k).astype(np.int64), state.end_s - 1)
    requests = 10 + rng.lognormal(np.log(400), 1.3, k).astype(np.int64)
    state.events.add(
        account=accounts,
        ip=ips,
        first_seen=first_seen,
        last_seen=last_seen,
        requests=requests,
        user_agent=user_agent,
        device=-1,
        provider=-1,
    )
    add_organic_usage(state, np.repeat(members, 3 + rng.poisson(6, m)), heavy=True)

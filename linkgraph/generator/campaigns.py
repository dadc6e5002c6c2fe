"""Distillation campaigns, one operation at a time.

Each campaign: 2-4 sign-up bursts, 1-2 ban waves each followed by replacement accounts
within a day (reusing the banned accounts' cards and devices), prepaid cards shared by groups
of 3-8 accounts, devices shared in groups of 2-6, residential-proxy exits reused by members
active on the same days, automation user agents, throwaway emails, and heavy
reasoning/coding/tool-use/agentic usage with jailbreak probing. Campaigns are at most a few
percent of the accounts, so per-campaign loops cost little.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.activity import Clients, add_organic_events
from linkgraph.generator.identities import throwaway_emails
from linkgraph.generator.records import PLAN_INDEX, STATUS_INDEX
from linkgraph.generator.scenario import CLASSIC_STYLE, CampaignStyle
from linkgraph.generator.state import DAY, HOUR, GenerationState
from linkgraph.generator.world import v6_codes

METHOD = vocab.METHOD_TYPE_INDEX


@dataclass
class Timeline:
    """When a campaign's accounts were created and last active, and whose identifiers they reuse."""

    created: np.ndarray
    active_end: np.ndarray
    parent: np.ndarray  # the original account whose cards and devices a replacement reuses
    n_original: int


@dataclass
class ProxyPlan:
    """The campaign's residential-proxy providers and, per provider, its exits in time order."""

    providers: np.ndarray  # indices into world.proxies
    weights: np.ndarray
    pools: list[np.ndarray]
    pool_times: list[np.ndarray]


def add_campaigns(state: GenerationState, sizes: np.ndarray) -> None:
    """Plant every classic campaign in the first ``sizes.sum()`` account indices."""
    state.proxy_order = state.rng.permutation(len(state.world.proxies))
    start = 0
    width = max(2, len(str(len(sizes))))
    for c, size in enumerate(sizes):
        members = np.arange(start, start + int(size))
        start += int(size)
        add_operation(state, members, f"camp_{c + 1:0{width}d}", CLASSIC_STYLE)


def add_operation(state: GenerationState, members: np.ndarray, name: str, style: CampaignStyle) -> None:
    """One proxy-based distillation network, in the order its identifiers are drawn."""
    c = state.new_campaign(name, style.pattern, members)
    main_proxy = int(state.proxy_order[c % len(state.proxy_order)])
    state.campaign_main_proxies[c] = main_proxy
    timeline = _timeline(state, members, style)
    countries = _account_attributes(state, members)
    _prepaid_cards(state, members, timeline, countries, style)
    device_main, device_own = _shared_devices(state, timeline, len(members), style)
    proxies = _proxy_plan(state, timeline, len(members), main_proxy, style)
    browser = _proxy_events(state, members, timeline, proxies, device_main, device_own, style)
    _control_host_events(state, members, timeline, style)
    _operator_slip_events(state, members, timeline, browser, device_main)
    state.emails.campaign.append(throwaway_emails(state.rng, len(members), state.disposable_domains))
    _campaign_usage(state, members, timeline, style)


def _timeline(state: GenerationState, members: np.ndarray, style: CampaignStyle) -> Timeline:
    """2-4 sign-up bursts; 1-2 ban waves, each followed by replacements within a day."""
    rng, s = state.rng, len(members)
    n_original = max(2, int(round(s * rng.uniform(*style.original_share))))
    n_replacement = s - n_original
    day0 = int(rng.integers(2, max(3, state.period_days - 110)))
    n_burst = min(int(rng.integers(*style.bursts)), max(1, n_original // 6))  # bursts of 6+ accounts
    burst_time = state.start_s + day0 * DAY + np.sort(rng.integers(0, style.burst_spread_days * DAY, n_burst))
    burst_width = rng.integers(1 * HOUR, 8 * HOUR, n_burst)
    burst = rng.choice(n_burst, size=n_original, p=rng.dirichlet(np.full(n_burst, 3.0)))
    created = np.zeros(s, np.int64)
    created[:n_original] = burst_time[burst] + (rng.random(n_original) * burst_width[burst]).astype(np.int64)
    n_waves = 1 if n_replacement < 8 else int(rng.integers(1, 3))
    wave_time = burst_time[-1] + np.cumsum(rng.integers(7 * DAY, 25 * DAY, n_waves))
    wave_time = np.minimum(wave_time, state.end_s - 2 * DAY)
    banned_at, parent, placed = _ban_waves(state, created, n_original, n_replacement, wave_time)
    if placed < s:  # not enough alive accounts to ban: the rest join in the last burst
        created[placed:] = burst_time[-1] + rng.integers(0, int(burst_width[-1]), s - placed)
    created = state.clip_time(created)
    last_activity = max(wave_time.max(), burst_time[-1]) + rng.integers(10 * DAY, 45 * DAY)
    campaign_end = int(min(state.end_s - HOUR, last_activity))
    active_end = np.where(banned_at >= 0, banned_at, campaign_end)
    active_end = np.maximum(active_end, created + HOUR)
    state.account["created"][members] = created
    suspended = np.where(rng.random(s) < 0.08, STATUS_INDEX["suspended"], STATUS_INDEX["active"])
    state.account["status"][members] = np.where(banned_at >= 0, STATUS_INDEX["banned"], suspended)
    return Timeline(created, active_end, parent, n_original)


def _ban_waves(
    state: GenerationState, created: np.ndarray, n_original: int, n_replacement: int, wave_time: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Ban alive accounts at each wave and create their replacements (filling ``created``).

    Returns when each account was banned (-1: never), whose identifiers each account reuses,
    and how many accounts were placed.
    """
    rng, s = state.rng, len(created)
    split = np.diff(np.round(np.linspace(0, n_replacement, len(wave_time) + 1)).astype(int))
    banned_at = np.full(s, -1, np.int64)
    parent = np.arange(s)
    alive = list(range(n_original))
    placed = n_original
    for wave in range(len(wave_time)):
        k = int(split[wave])
        if k == 0:
            continue
        candidates = np.array([a for a in alive if created[a] < wave_time[wave]], dtype=np.int64)
        victims = rng.choice(candidates, size=min(k, len(candidates)), replace=False)
        banned_at[victims] = wave_time[wave]
        lag = int(rng.integers(HOUR, 12 * HOUR))
        new = np.arange(placed, placed + len(victims))
        created[new] = wave_time[wave] + lag + rng.integers(0, 10 * HOUR, len(victims))
        parent[new] = parent[victims]
        alive = [a for a in alive if banned_at[a] < 0] + list(new)
        placed += len(victims)
    return banned_at, parent, placed


def _account_attributes(state: GenerationState, members: np.ndarray) -> np.ndarray:
    """1-3 countries, a uniform or mixed paid plan, sometimes fake unverified teams."""
    rng, account, s = state.rng, state.account, len(members)
    countries = rng.choice(
        len(vocab.COUNTRIES), size=int(rng.integers(1, 4)), replace=False, p=vocab.COUNTRY_WEIGHTS
    )
    account["country"][members] = rng.choice(countries, size=s)
    paid = [PLAN_INDEX["pro"], PLAN_INDEX["api"]]
    account["plan"][members] = (
        rng.choice(paid, p=[0.5, 0.5]) if rng.random() < 0.7 else rng.choice(paid, size=s)
    )
    if rng.random() < 0.25:
        orgs = np.array([state.new_org() for _ in range(int(rng.integers(1, 4)))])
        in_org = rng.random(s) < 0.6
        account["org"][members] = np.where(in_org, orgs[rng.integers(0, len(orgs), s)], -1)
        account["org_verified"][members] = np.where(in_org, 0, -1)
        account["plan"][members] = np.where(in_org, PLAN_INDEX["team"], account["plan"][members])
    return countries


def _prepaid_cards(
    state: GenerationState,
    members: np.ndarray,
    timeline: Timeline,
    countries: np.ndarray,
    style: CampaignStyle,
) -> None:
    """Prepaid cards shared by groups of 3-8 originals (a quarter with a second card);
    replacements reuse their parent's; a few members also add another group's card."""
    rng, s, created = state.rng, len(members), timeline.created
    group = state.random_groups(timeline.n_original, *style.card_group)
    n_groups = int(group.max()) + 1
    bins = rng.choice(vocab.PREPAID_BINS, size=int(rng.integers(1, 3)), replace=False)
    card_country = int(rng.choice(countries)) if rng.random() < 0.5 else vocab.COUNTRIES.index("US")
    prepaid = METHOD["prepaid_card"]
    first_card = state.new_cards(n_groups, prepaid, rng.choice(bins, n_groups), card_country)
    has_second = rng.random(n_groups) < 0.25
    second_card = np.where(
        has_second, state.new_cards(n_groups, prepaid, rng.choice(bins, n_groups), card_country), -1
    )
    member_group = group[timeline.parent]
    state.payments.add(
        account=members, card=first_card[member_group], added=created + rng.integers(60, 2 * HOUR, s)
    )
    second = second_card[member_group] >= 0
    state.payments.add(
        account=members[second],
        card=second_card[member_group][second],
        added=created[second] + rng.integers(HOUR, 5 * DAY, int(second.sum())),
    )
    crossing = rng.random(s) < 0.05
    if crossing.any():
        state.payments.add(
            account=members[crossing],
            card=first_card[rng.integers(0, n_groups, int(crossing.sum()))],
            added=created[crossing] + 3 * HOUR,
        )


def _shared_devices(
    state: GenerationState, timeline: Timeline, s: int, style: CampaignStyle
) -> tuple[np.ndarray, np.ndarray]:
    """Devices shared in groups of 2-6 (a VM image, a phone farm); some accounts add their own."""
    group = state.random_groups(timeline.n_original, *style.device_group)
    group_device = state.new_devices(int(group.max()) + 1)
    device_main = group_device[group[timeline.parent]]
    device_own = np.where(state.rng.random(s) < 0.2, state.new_devices(s), -1)
    return device_main, device_own


def _proxy_plan(
    state: GenerationState, timeline: Timeline, s: int, main_proxy: int, style: CampaignStyle
) -> ProxyPlan:
    """1-3 residential providers, each with a campaign pool of exits in time order.

    The main provider goes round a shuffled list so campaigns overlap as little as the
    provider count allows; extra providers are random.
    """
    rng, proxies = state.rng, state.world.proxies
    n_providers = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2]))
    others = rng.permutation(np.setdiff1d(np.arange(len(proxies)), [main_proxy]))
    providers = np.concatenate([[main_proxy], others[: n_providers - 1]]).astype(np.int64)
    weights = rng.dirichlet(np.full(n_providers, 2.0))
    first, last = int(timeline.created.min()), int(timeline.active_end.max())
    pools, pool_times = [], []
    for j, provider in enumerate(providers):
        network = proxies[provider]
        size = max(8, int(s * rng.uniform(*style.pool_factor) * weights[j]))
        pool = network.sample_v4(rng, size)
        if network.v6_32 is not None and rng.random() < 0.5:
            k6 = max(2, size // 6)
            prefixes = network.sample_v6_prefixes(rng, 2)
            # (the right-hand side is drawn before the positions)
            pool[rng.choice(size, k6, replace=False)] = v6_codes(
                prefixes[rng.integers(0, 2, k6)], rng.integers(0, 8192, k6)
            )
        pools.append(pool)
        pool_times.append(np.sort(rng.integers(first, last + 1, size)))
    state.campaign_proxy_pools.append(np.concatenate(pools))
    return ProxyPlan(providers, weights, pools, pool_times)


def _proxy_events(
    state: GenerationState,
    members: np.ndarray,
    timeline: Timeline,
    proxies: ProxyPlan,
    device_main: np.ndarray,
    device_own: np.ndarray,
    style: CampaignStyle,
) -> int:
    """Access rows through the proxy pools; returns the campaign's one browser user agent.

    Each row takes the exit in service at its time (give or take a couple of positions), so
    members active the same days share addresses.
    """
    rng, s = state.rng, len(members)
    created, active_end = timeline.created, timeline.active_end
    rows_per_account = 3 + rng.poisson(rng.uniform(4, 14), s)
    owner = np.repeat(np.arange(s), rows_per_account)
    k = len(owner)
    t = created[owner] + (rng.random(k) * (active_end[owner] - created[owner])).astype(np.int64)
    first_row = np.cumsum(rows_per_account) - rows_per_account  # each account's first row is its sign-up
    t[first_row] = created + rng.integers(0, 600, s)
    provider_of_row = rng.choice(len(proxies.providers), size=k, p=proxies.weights)
    ips = np.zeros(k, np.int64)
    for j in range(len(proxies.providers)):
        chosen = provider_of_row == j
        jitter = np.round(rng.normal(0, 1.5, int(chosen.sum()))).astype(np.int64)
        at = np.searchsorted(proxies.pool_times[j], t[chosen]) + jitter
        ips[chosen] = proxies.pools[j][np.clip(at, 0, len(proxies.pools[j]) - 1)]
    last_seen = np.minimum(t + rng.integers(10 * 60, 3 * DAY, k), active_end[owner])
    requests = 20 + rng.lognormal(np.log(300), 0.9, k).astype(np.int64)
    user_agent, browser = _automation_user_agents(state, k, style)
    use_own = (device_own[owner] >= 0) & (rng.random(k) < 0.4)
    device = np.where(use_own, device_own[owner], device_main[owner])
    device = np.where(rng.random(k) < 0.05, -1, device)
    state.events.add(
        account=members[owner],
        ip=ips,
        first_seen=t,
        last_seen=last_seen,
        requests=requests,
        user_agent=user_agent,
        device=device,
        provider=_logged_provider(state, proxies, provider_of_row),
    )
    return browser


def _automation_user_agents(state: GenerationState, k: int, style: CampaignStyle) -> tuple[np.ndarray, int]:
    """1-3 HTTP libraries or a custom client on most rows, otherwise the campaign's one browser."""
    rng, agents = state.rng, state.user_agents
    n_libraries = int(rng.integers(1, 3))
    tools = list(
        agents.first_automation + rng.choice(len(vocab.AUTOMATION_UAS), size=n_libraries, replace=False)
    )
    if rng.random() < 0.45:
        w1, w2 = rng.choice(len(vocab.CUSTOM_TOOL_WORDS), 2, replace=False)
        version = f"{rng.integers(0, 3)}.{rng.integers(0, 20)}.{rng.integers(0, 10)}"
        tools.append(agents.add(f"{vocab.CUSTOM_TOOL_WORDS[w1]}-{vocab.CUSTOM_TOOL_WORDS[w2]}/{version}"))
    browser = int(rng.choice(agents.browser))
    user_agent = np.where(
        rng.random(k) < rng.uniform(*style.automation_share),
        np.array(tools)[rng.integers(0, len(tools), k)],
        browser,
    )
    return user_agent, browser


def _logged_provider(state: GenerationState, proxies: ProxyPlan, provider_of_row: np.ndarray) -> np.ndarray:
    """The ``proxy_provider`` the lab's logging filled in: more often for providers the intel
    feed does not list."""
    networks = [state.world.proxies[p] for p in proxies.providers]
    code = np.array([state.provider_index(n) for n in networks])[provider_of_row]
    not_in_intel = np.array([not n.in_intel for n in networks])[provider_of_row]
    enriched = state.rng.random(len(provider_of_row)) < np.where(not_in_intel, 0.7, 0.45)
    return np.where(enriched, code, -1)


def _control_host_events(
    state: GenerationState, members: np.ndarray, timeline: Timeline, style: CampaignStyle
) -> None:
    """Some campaigns run control hosts (workers) in a cloud, hit by many members with scripts."""
    rng = state.rng
    if rng.random() >= style.control_host_chance:
        return
    cloud = state.world.clouds[int(rng.integers(len(state.world.clouds)))]
    hosts = cloud.sample_v4(rng, style.control_hosts)
    who = np.flatnonzero(rng.random(len(members)) < style.control_host_share)
    if not len(who):
        return
    state.events.add(
        account=members[who],
        ip=hosts[0] if len(hosts) == 1 else hosts[rng.integers(0, len(hosts), len(who))],
        first_seen=timeline.created[who] + 600,
        last_seen=timeline.active_end[who],
        requests=rng.integers(5, 50, len(who)),
        user_agent=state.user_agents.automation(6),
        device=-1,
        provider=-1,
    )


def _operator_slip_events(
    state: GenerationState, members: np.ndarray, timeline: Timeline, browser: int, device_main: np.ndarray
) -> None:
    """Operator slip-ups: a few members once connected from the operator's own ISP line."""
    rng = state.rng
    if rng.random() >= 0.3:
        return
    isp = state.world.isps[int(rng.integers(len(state.world.isps)))]
    home = isp.sample_v4(rng, 1)[0]
    who = np.flatnonzero(rng.random(len(members)) < rng.uniform(0.03, 0.1))
    if not len(who):
        return
    created = timeline.created[who]
    state.events.add(
        account=members[who],
        ip=home,
        first_seen=created + rng.integers(60, HOUR, len(who)),
        last_seen=created + HOUR,
        requests=rng.integers(1, 20, len(who)),
        user_agent=browser,
        device=device_main[who],
        provider=-1,
    )


def _campaign_usage(
    state: GenerationState, members: np.ndarray, timeline: Timeline, style: CampaignStyle
) -> None:
    """Usage most active days: distillation categories, big outputs, jailbreak probing."""
    rng, s = state.rng, len(members)
    created, active_end = timeline.created, timeline.active_end
    n_rows = np.minimum((active_end - created) // DAY + 1, 3 + rng.poisson(rng.uniform(10, 30), s))
    owner = np.repeat(np.arange(s), n_rows)
    k = len(owner)
    t = created[owner] + (rng.random(k) * (active_end[owner] - created[owner])).astype(np.int64)
    category_mix = rng.dirichlet(list(style.category_mix))
    category = rng.choice(8, size=k, p=category_mix)
    requests = 30 + rng.lognormal(np.log(rng.uniform(400, 1500)), 0.6, k).astype(np.int64)
    tokens = (requests * rng.lognormal(np.log(rng.uniform(2500, 6000)), 0.4, k)).astype(np.int64)
    jailbreaks = rng.binomial(requests, rng.uniform(0.002, 0.03))
    state.usage.add(
        account=members[owner],
        day=t // DAY,
        category=category,
        requests=requests,
        tokens=tokens,
        jailbreaks=jailbreaks,
    )


def add_cross_links(state: GenerationState) -> None:
    """Realistic noise: a few background users once touched a campaign's proxy exits."""
    rng, traits = state.rng, state.traits()
    b0, b1 = state.bounds["background"]
    for pool in state.campaign_proxy_pools:
        k = int(rng.integers(1, 4))
        who = rng.integers(b0, b1, k)
        ips = pool[rng.integers(0, len(pool), k)]
        rows = who - traits.first
        clients = Clients(traits.primary_user_agent[rows], traits.device[rows])
        add_organic_events(state, who, ips, state.account["created"][who], clients)

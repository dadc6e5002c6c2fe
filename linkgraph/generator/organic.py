"""The organic base every non-campaign account starts from, in one vectorised pass.

Sign-up times with a daily and weekly rhythm; households (families are their own); a home
ISP with up to three dynamic addresses per household (some dual-stack); one device each, a
phone for some, a shared family computer in some households; browsers, SDKs for developers;
away-from-home addresses; a few privacy-minded proxy and Tor users; 0-3 payment methods;
webmail or company addresses; light usage. The look-alike steps then overlay what makes
their groups look suspicious.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.activity import Clients, add_organic_events, add_organic_usage
from linkgraph.generator.identities import company_domain
from linkgraph.generator.lookalikes import onboarding_times
from linkgraph.generator.lookalikes_people import signup_wave_times
from linkgraph.generator.plan import LookalikePlan
from linkgraph.generator.records import KIND_INDEX, PLAN_INDEX
from linkgraph.generator.state import GenerationState, OrganicTraits
from linkgraph.generator.world import v6_codes

METHOD = vocab.METHOD_TYPE_INDEX


@dataclass
class Households:
    """Who lives with whom: ``of`` is the household of each account (index ``account - first``)."""

    of: np.ndarray
    n: int
    n_regular: int  # households before the family ones
    n_families: int
    family_of: np.ndarray  # family number of each family-block account
    country: np.ndarray  # per household (set by ``_countries_and_isps``)
    isp: np.ndarray  # per household, index into world.isps (set by ``_countries_and_isps``)


@dataclass
class ClientTraits:
    device: np.ndarray
    phone: np.ndarray
    user_agent: np.ndarray
    is_developer: np.ndarray
    sdk_user_agent: np.ndarray
    scripter: np.ndarray
    script_user_agent: np.ndarray

    def clients(self, rows: np.ndarray) -> Clients:
        """Browser/SDK/script mix for rows of the given accounts (index ``account - first``)."""
        return Clients(
            self.user_agent[rows],
            self.device[rows],
            self.is_developer[rows],
            self.sdk_user_agent[rows],
            self.scripter[rows],
            self.script_user_agent[rows],
        )


def add_organic_accounts(state: GenerationState, plan: LookalikePlan, low: int, high: int) -> None:
    """Give accounts ``low..high`` (every non-campaign account) their organic base."""
    created = _sign_ups(state, plan, low, high)
    households = _households(state, plan, low, high)
    country = _countries_and_isps(state, households, low, high)
    n_slots, slots = _home_address_slots(state, households)
    clients = _devices_and_user_agents(state, households, high - low)
    _home_events(state, households, n_slots, slots, clients, created, low)
    _away_events(state, clients, created, low)
    _privacy_proxy_users(state, clients, low)
    n_methods = _payment_methods(state, households, country, created, low, high)
    _plans(state, clients, n_methods, low, high)
    _email_domains_and_orgs(state, households, clients, low, high)
    rows = 1 + np.minimum(state.rng.poisson(np.where(clients.is_developer, 4.0, 1.3)), 40)
    add_organic_usage(state, low + np.repeat(np.arange(high - low), rows), clients.is_developer)


def _sign_ups(state: GenerationState, plan: LookalikePlan, low: int, high: int) -> np.ndarray:
    """Organic sign-up times (enterprise teams onboard in bursts), kind and account status."""
    account = state.account
    created = state.organic_signup_times(high - low)
    e0, e1 = state.bounds["enterprise"]
    created[e0 - low : e1 - low] = onboarding_times(state, plan.team_sizes)
    if state.scenario.signup_waves:
        w0, w1 = state.bounds["signup_wave"]
        created[w0 - low : w1 - low] = signup_wave_times(state, state.scenario.signup_waves)
    account["created"][low:high] = created
    account["kind"][low:high] = KIND_INDEX["background"]
    account["campaign"][low:high] = -1
    account["status"][low:high] = state.rng.choice(3, size=high - low, p=[0.994, 0.0035, 0.0025])
    return created


def _households(state: GenerationState, plan: LookalikePlan, low: int, high: int) -> Households:
    """Families are their own households; everyone else lives alone or in twos and threes."""
    rng = state.rng
    f0, f1 = state.bounds["family"]
    state.account["kind"][f0:f1] = KIND_INDEX["benign_family"]
    family_of = np.repeat(np.arange(len(plan.family_sizes)), plan.family_sizes)
    others = np.concatenate([np.arange(low, f0), np.arange(f1, high)])
    shuffled = rng.permutation(others)
    sizes = rng.choice([1, 2, 3], size=len(shuffled), p=[0.9, 0.07, 0.03])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), len(shuffled)) + 1]
    household_of_shuffled = np.repeat(np.arange(len(sizes)), sizes)[: len(shuffled)]
    household = np.empty(high - low, np.int64)
    household[shuffled - low] = household_of_shuffled
    household[f0 - low : f1 - low] = len(sizes) + family_of
    n = len(sizes) + len(plan.family_sizes)
    empty = np.zeros(0, np.int64)
    return Households(household, n, len(sizes), len(plan.family_sizes), family_of, empty, empty)


def _countries_and_isps(state: GenerationState, households: Households, low: int, high: int) -> np.ndarray:
    """Household country and home ISP; members mostly share the household's country."""
    rng, m = state.rng, high - low
    n_countries = len(vocab.COUNTRIES)
    households.country = rng.choice(n_countries, size=households.n, p=vocab.COUNTRY_WEIGHTS)
    country = np.where(
        rng.random(m) < 0.93,
        households.country[households.of],
        rng.choice(n_countries, size=m, p=vocab.COUNTRY_WEIGHTS),
    )
    state.account["country"][low:high] = country
    isp_country = np.array([vocab.COUNTRIES.index(isp.country) for isp in state.world.isps])
    households.isp = np.empty(households.n, np.int64)
    for c in range(n_countries):
        in_country = np.flatnonzero(households.country == c)
        candidates = np.flatnonzero(isp_country == c)
        households.isp[in_country] = rng.choice(candidates, size=len(in_country))
    return country


def _home_address_slots(state: GenerationState, households: Households) -> tuple[np.ndarray, np.ndarray]:
    """Up to three home addresses per household (dynamic IPs), some in one /24, some IPv6.

    Dual-stack households get one delegated /48 each, every IPv6 slot an address inside it.
    """
    rng, n = state.rng, households.n
    n_slots = rng.choice([1, 2, 3], size=n, p=[0.55, 0.3, 0.15])
    slots = np.zeros((n, 3), np.int64)
    for j in range(3):
        slots[:, j] = state.sample_by_network(state.world.isps, households.isp)
        if j > 0:
            same24 = rng.random(n) < 0.4
            slots[same24, j] = (slots[same24, 0] & ~np.int64(255)) | rng.integers(1, 255, int(same24.sum()))
    is_v6 = rng.random((n, 3)) < 0.15
    dual_stack = np.flatnonzero(is_v6.any(axis=1))
    prefix48 = np.zeros(n, np.int64)
    for isp in np.unique(households.isp[dual_stack]):
        chosen = dual_stack[households.isp[dual_stack] == isp]
        prefix48[chosen] = state.world.isps[isp].sample_v6_prefixes(rng, len(chosen))
    for j in range(3):
        chosen = np.flatnonzero(is_v6[:, j])
        slots[chosen, j] = v6_codes(prefix48[chosen], rng.integers(0, 8192, len(chosen)))
    return n_slots, slots


def _devices_and_user_agents(state: GenerationState, households: Households, m: int) -> ClientTraits:
    """One device each, a phone for some, a shared family computer in some households;
    browsers for everyone, the SDK for developers, requests/curl for a few scripters."""
    rng, agents = state.rng, state.user_agents
    device = state.new_devices(m)
    phone = np.where(rng.random(m) < 0.3, state.new_devices(m), -1)
    head = np.full(households.n, -1, np.int64)
    head[households.of[::-1]] = np.arange(m)[::-1]  # first member of each household
    shared_computer = rng.random(households.n) < 0.15
    uses_head = shared_computer[households.of] & (head[households.of] != np.arange(m))
    device = np.where(uses_head, device[head[households.of]], device)
    user_agent = rng.choice(agents.browser, size=m, p=vocab.BROWSER_WEIGHTS)
    is_developer = rng.random(m) < 0.08
    sdk = rng.choice(agents.sdk, size=m, p=vocab.SDK_WEIGHTS)
    scripter = rng.random(m) < 0.015
    script = agents.first_automation + rng.choice([0, 1, 2, 6], size=m)
    return ClientTraits(device, phone, user_agent, is_developer, sdk, scripter, script)


def _home_events(
    state: GenerationState,
    households: Households,
    n_slots: np.ndarray,
    slots: np.ndarray,
    clients: ClientTraits,
    created: np.ndarray,
    low: int,
) -> None:
    """Each account uses 1..its household's slot count of home addresses; the first at sign-up."""
    k_home = state.rng.integers(1, n_slots[households.of] + 1)
    for j in range(3):
        rows = np.flatnonzero(k_home > j)
        ips = slots[households.of[rows], j]
        add_organic_events(state, low + rows, ips, created[rows], clients.clients(rows), signup=j == 0)


def _away_events(state: GenerationState, clients: ClientTraits, created: np.ndarray, low: int) -> None:
    """Away from home: mobile carriers (big ranges, not NAT pools) and other ISPs."""
    rng, world = state.rng, state.world
    m = len(created)
    rows = np.repeat(np.arange(m), np.minimum(rng.poisson(1.4, m), 6))
    mobile = rng.random(len(rows)) < 0.55
    ips = np.zeros(len(rows), np.int64)
    ips[mobile] = state.sample_by_network(
        world.carriers, rng.integers(0, len(world.carriers), int(mobile.sum())), 0.2
    )
    ips[~mobile] = state.sample_by_network(
        world.isps, rng.integers(0, len(world.isps), int((~mobile).sum())), 0.1
    )
    mobile_ua = rng.choice(state.user_agents.mobile, size=len(rows), p=vocab.MOBILE_WEIGHTS)
    phone = clients.phone[rows]
    away = Clients(
        user_agent=np.where(mobile, mobile_ua, clients.user_agent[rows]),
        device=np.where(mobile & (phone >= 0), phone, clients.device[rows]),
        sdk_users=clients.is_developer[rows] & ~mobile,
        sdk_user_agent=clients.sdk_user_agent[rows],
        scripters=clients.scripter[rows] & ~mobile,
        script_user_agent=clients.script_user_agent[rows],
    )
    add_organic_events(state, low + rows, ips, created[rows], away)


def _privacy_proxy_users(state: GenerationState, clients: ClientTraits, low: int) -> None:
    """A few privacy-minded background users on residential proxies or Tor (not campaign pools)."""
    rng = state.rng
    b0, b1 = state.bounds["background"]
    for share, networks, enrich in ((0.0015, state.world.proxies, 0.5), (0.0005, [state.world.tor], 0.6)):
        who = b0 + np.flatnonzero(rng.random(b1 - b0) < share)
        accounts = np.repeat(who, rng.integers(1, 4, len(who)))
        which = rng.integers(0, len(networks), len(accounts))
        ips = state.sample_by_network(networks, which)
        provider = np.array([state.provider_index(x) for x in networks])[which]
        enriched = np.where(rng.random(len(accounts)) < enrich, provider, -1)
        rows = accounts - low
        browser = Clients(
            clients.user_agent[rows],
            clients.device[rows],
            sdk_user_agent=clients.sdk_user_agent[rows],
            script_user_agent=clients.script_user_agent[rows],
        )
        add_organic_events(state, accounts, ips, state.account["created"][accounts], browser, enriched)


def _payment_methods(
    state: GenerationState,
    households: Households,
    country: np.ndarray,
    created: np.ndarray,
    low: int,
    high: int,
) -> np.ndarray:
    """0-3 methods each, mostly cards, unique per person, a little legitimate prepaid; families
    share one card added by every member, and most members drop their own."""
    rng, m = state.rng, high - low
    n_methods = rng.choice([0, 1, 2, 3], size=m, p=[0.05, 0.62, 0.28, 0.05])
    owner = np.repeat(np.arange(m), n_methods)
    k = len(owner)
    mix = list(state.scenario.organic_payment_mix)
    types = rng.choice([METHOD["card"], METHOD["paypal"], METHOD["prepaid_card"]], size=k, p=mix)
    bins = np.where(
        types == METHOD["prepaid_card"],
        rng.choice(vocab.PREPAID_BINS, size=k),
        rng.choice(vocab.CARD_BINS, size=k),
    )
    billing = np.where(rng.random(k) < 0.95, country[owner], rng.choice(len(vocab.COUNTRIES), size=k))
    serial = state.new_cards(k, types, bins, billing)
    f0, f1 = state.bounds["family"]
    in_family = (owner + low >= f0) & (owner + low < f1)
    keep_own = ~in_family | (rng.random(k) < 0.3)
    kept = owner[keep_own]
    state.payments.add(account=low + kept, card=serial[keep_own], added=state.added_after(created[kept]))
    n_families = households.n_families
    if n_families:
        family_card = state.new_cards(
            n_families,
            METHOD["card"],
            rng.choice(vocab.CARD_BINS, size=n_families),
            households.country[households.n_regular :],
        )
        members = np.arange(f0, f1)
        added = state.added_after(state.account["created"][members])
        state.payments.add(account=members, card=family_card[households.family_of], added=added)
    return n_methods


def _plans(state: GenerationState, clients: ClientTraits, n_methods: np.ndarray, low: int, high: int) -> None:
    """No payment method means free; developers with one often take the API plan."""
    rng, m = state.rng, high - low
    paid_plans = [PLAN_INDEX["free"], PLAN_INDEX["pro"], PLAN_INDEX["api"], PLAN_INDEX["team"]]
    plan = np.where(
        n_methods == 0, PLAN_INDEX["free"], rng.choice(paid_plans, size=m, p=[0.25, 0.6, 0.1, 0.05])
    )
    plan = np.where(clients.is_developer & (n_methods > 0) & (rng.random(m) < 0.5), PLAN_INDEX["api"], plan)
    state.account["plan"][low:high] = plan


def _email_domains_and_orgs(
    state: GenerationState, households: Households, clients: ClientTraits, low: int, high: int
) -> None:
    """Webmail or a company domain (Zipf-popular), a few disposable; families share a surname;
    some colleagues on a company domain share an (unverified) org id."""
    rng, m = state.rng, high - low
    n_combos = len(vocab.WORDS_A) * len(vocab.WORDS_B) * len(vocab.COMPANY_TLDS)
    n_companies = min(n_combos - 100, max(60, m // 25))
    combos = rng.permutation(n_combos)
    company_domains = [company_domain(c) for c in combos[100 : 100 + n_companies]]
    popularity = 1 / (np.arange(n_companies) + 8.0)
    company = rng.choice(n_companies, size=m, p=popularity / popularity.sum())
    draw = rng.random(m)
    webmail = rng.choice(len(vocab.WEBMAIL), size=m, p=vocab.WEBMAIL_WEIGHTS)
    n_webmail = len(vocab.WEBMAIL)
    domain = np.where(
        draw < 0.83,
        webmail,
        np.where(
            draw < 0.997,
            n_webmail + company,
            n_webmail + n_companies + rng.integers(0, len(state.disposable_domains), m),
        ),
    )
    family_last = rng.integers(0, len(vocab.LAST_NAMES), households.n_families)
    last = rng.integers(0, len(vocab.LAST_NAMES), m)
    f0, f1 = state.bounds["family"]
    last[f0 - low : f1 - low] = family_last[households.family_of]
    on_company = (domain >= n_webmail) & (domain < n_webmail + n_companies)
    in_org = on_company & (rng.random(m) < 0.12)
    org_of_company = np.arange(n_companies) + state.n_orgs
    state.n_orgs += n_companies
    account = state.account
    account["org"][low:high] = np.where(
        in_org, org_of_company[np.clip(domain - n_webmail, 0, n_companies - 1)], -1
    )
    account["org_verified"][low:high] = np.where(in_org, 0, -1)
    plan = account["plan"][low:high]
    account["plan"][low:high] = np.where(in_org & (plan != PLAN_INDEX["free"]), PLAN_INDEX["team"], plan)
    state.organic = OrganicTraits(
        first=low,
        device=clients.device,
        phone=clients.phone,
        primary_user_agent=clients.user_agent,
        is_developer=clients.is_developer,
        email_domain=domain,
        email_domains=list(vocab.WEBMAIL) + company_domains + list(state.disposable_domains),
        email_last_name=last,
        enterprise_domain_combos=combos[:100],
    )

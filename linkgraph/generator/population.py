"""Who the generated accounts are and what they did: the steps in the order they draw.

1. the world (providers and networks) and the campaign sizes;
2. the look-alike group sizes and every kind's block of account indices (``plan``);
3. the organic base of every non-campaign account (``organic``);
4. the benign look-alikes overlaid on it (``lookalikes``);
5. the campaigns, then a little cross-traffic onto their proxy exits (``campaigns``);
6. the base email addresses, the intelligence rows and one pass that puts every row's times
   in order (``finish_population``).

The order is part of the output: every step draws from one random stream, so moving a step
changes every file.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.generator.campaigns import add_campaigns, add_cross_links
from linkgraph.generator.holdout import add_holdout_groups
from linkgraph.generator.identities import name_emails
from linkgraph.generator.lookalikes import (
    add_datacenter_developers,
    add_enterprise_teams,
    add_nat_pools,
    add_vpn_users,
)
from linkgraph.generator.organic import add_organic_accounts
from linkgraph.generator.plan import assign_blocks, campaign_sizes, plan_lookalikes
from linkgraph.generator.records import Population
from linkgraph.generator.scenario import Scenario
from linkgraph.generator.scenario_groups import add_scenario_groups
from linkgraph.generator.state import DAY, GenerationState
from linkgraph.generator.text import take
from linkgraph.generator.world import World


def build_population(
    n: int,
    seed: int,
    start: str,
    period_days: int,
    campaigns: int | None,
    step: Callable[[str], None],
    scenario: Scenario | None = None,
) -> Population:
    """Generate every account and row for ``n`` accounts (see the module docstring)."""
    scenario = scenario or Scenario()
    state = GenerationState(n, seed, start, period_days, scenario)
    sizes = campaign_sizes(
        n, campaigns if scenario.name == "classic" else scenario.classic_campaigns, state.rng
    )
    n_campaign_accounts = int(sizes.sum()) + scenario.campaign_block()
    plan = plan_lookalikes(state, n - n_campaign_accounts)
    assign_blocks(state, n_campaign_accounts, plan, scenario.organic_blocks())
    step("organic accounts")
    add_organic_accounts(state, plan, n_campaign_accounts, n)
    step("benign look-alikes")
    add_enterprise_teams(state, plan)
    add_nat_pools(state, plan)
    add_vpn_users(state)
    add_datacenter_developers(state)
    step(f"{len(sizes)} campaigns")
    add_campaigns(state, sizes)
    add_cross_links(state)
    if scenario.name == "holdout":
        step("holdout patterns and look-alikes")
        add_holdout_groups(state, plan)
    elif scenario.name != "classic":
        step("scenario patterns and look-alikes")
        add_scenario_groups(state, plan, first=int(sizes.sum()))
    return finish_population(state, n_campaign_accounts)


def finish_population(state: GenerationState, n_campaign_accounts: int) -> Population:
    """Base emails, intelligence rows, time order; the ``Population`` the tables are built from."""
    events, payments, usage = (
        state.events.concatenate(),
        state.payments.concatenate(),
        state.usage.concatenate(),
    )
    email = _all_emails(state)
    # One place guarantees time order: created <= first_seen <= last_seen < end, etc.
    created = state.account["created"]
    last_second = state.end_s - 1
    events["first_seen"] = np.clip(events["first_seen"], created[events["account"]], last_second)
    events["last_seen"] = np.clip(events["last_seen"], events["first_seen"], last_second)
    payments["added"] = np.clip(payments["added"], created[payments["account"]], last_second)
    usage["day"] = np.clip(usage["day"], created[usage["account"]] // DAY, last_second // DAY)
    return Population(
        n=state.n,
        start_s=state.start_s,
        end_s=state.end_s,
        n_campaigns=len(state.campaign_names),
        n_campaign_accounts=int((state.account["campaign"] >= 0).sum()),
        salt=state.salt,
        account=state.account,
        email=email,
        cards=state.cards.concatenate(),
        payments=payments,
        events=events,
        usage=usage,
        user_agents=state.user_agents.texts,
        provider_names=state.world.provider_names(),
        intel=intel_rows(state.world),
        campaign_names=state.campaign_names,
        campaign_patterns=state.campaign_patterns,
        group_names=state.group_names,
        scenario=state.scenario,
    )


def _all_emails(state: GenerationState) -> pa.Array:
    """Campaign and enterprise addresses as planted; name-like ones for everyone else
    (university members on their campus domain)."""
    traits = state.traits()
    first_regular = state.bounds["enterprise"][1]
    m = state.n - first_regular
    domain_index = traits.email_domain[first_regular - traits.first :].copy()
    domains = take(traits.email_domains, domain_index)
    for accounts, domain in state.emails.university:
        mask = np.zeros(m, bool)
        mask[accounts - first_regular] = True
        domains = pc.if_else(pa.array(mask), domain, domains)
    last = traits.email_last_name[first_regular - traits.first :]
    regular = name_emails(state.rng, m, domains, last=last)
    planted = [_concat(state.emails.campaign), _concat(state.emails.enterprise)]
    email = pa.concat_arrays([*planted, regular.cast(pa.string())])
    if state.emails.replaced:
        texts = email.to_numpy(zero_copy_only=False).astype(object)
        for accounts, addresses in state.emails.replaced:
            texts[accounts] = addresses.to_numpy(zero_copy_only=False)
        email = pa.array(texts, pa.string())
    if len(email) != state.n:
        raise RuntimeError(f"{len(email)} email addresses for {state.n} accounts")
    return email


def _concat(arrays: list[pa.Array]) -> pa.Array:
    return pa.concat_arrays(arrays) if arrays else pa.array([], pa.string())


def intel_rows(world: World) -> list[tuple[str, str, str, int]]:
    """``ip_intel`` rows (network, provider, kind, asn) for every provider the feed lists."""
    rows = []
    for network in world.all_networks():
        if not network.in_intel:
            continue
        for base, prefix_length in network.v4:
            text = _v4_text(base) if prefix_length == 32 else f"{_v4_text(base)}/{prefix_length}"
            rows.append((text, network.provider, network.kind, network.asn))
        if network.v6_32 is not None:
            v6 = f"{network.v6_32 >> 16:x}:{network.v6_32 & 0xFFFF:x}::/32"
            rows.append((v6, network.provider, network.kind, network.asn))
    return rows


def _v4_text(address: int) -> str:
    return f"{(address >> 24) & 255}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}"

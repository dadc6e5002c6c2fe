"""The evaluation scenario's extra groups, planted after the classic population.

Order: the two large proxy-based operations (bulk and agentic, in the campaign block after
the classic campaigns), the organic-based campaign patterns (``patterns``), the organic-based
look-alikes (``lookalikes_people``), and finally the group labels of the classic look-alikes,
so ``truth.csv`` names every benign group a detector must leave alone.
"""

from __future__ import annotations

import numpy as np

from linkgraph.generator.activity import forget_rows
from linkgraph.generator.campaigns import add_operation
from linkgraph.generator.lookalikes_people import (
    add_classrooms,
    add_proxy_bystanders,
    add_qa_teams,
    add_resignups,
    add_shared_computers,
    label_signup_waves,
)
from linkgraph.generator.patterns import add_evasion_lineages, add_lockstep_groups, add_quiet_rings
from linkgraph.generator.plan import LookalikePlan
from linkgraph.generator.state import GenerationState


def add_scenario_groups(state: GenerationState, plan: LookalikePlan, first: int) -> None:
    """Plant the scenario's operations, patterns and look-alikes; ``first`` is the first index
    after the classic campaigns."""
    scenario = state.scenario
    _forget_organic_rows(state)
    bulk = np.arange(first, first + scenario.bulk_accounts)
    add_operation(state, bulk, "bulk_01", scenario.bulk_style)
    agentic = np.arange(first + scenario.bulk_accounts, first + scenario.campaign_block())
    add_operation(state, agentic, "agentic_01", scenario.agentic_style)
    add_quiet_rings(state)
    add_evasion_lineages(state)
    add_lockstep_groups(state)
    add_proxy_bystanders(state)
    add_classrooms(state)
    add_qa_teams(state)
    add_shared_computers(state)
    add_resignups(state)
    label_signup_waves(state)
    label_classic_groups(state, plan)


# Which organic rows each organic-based group replaces with its own.
_REPLACED_ROWS = {
    "events": ("evasion", "lockstep", "classroom", "qa_team", "resignup"),
    "payments": ("evasion", "qa_team", "resignup"),
    "usage": ("quiet_ring", "evasion", "lockstep", "classroom", "qa_team", "resignup"),
}


def _forget_organic_rows(state: GenerationState) -> None:
    """Drop, in one pass per table, the organic rows the scenario's groups rebuild."""
    for table, blocks in _REPLACED_ROWS.items():
        accounts = np.concatenate([np.arange(*state.bounds[block]) for block in blocks])
        forget_rows(state, accounts, (table,))


def label_classic_groups(state: GenerationState, plan: LookalikePlan) -> None:
    """Group ids for the classic look-alikes: each family, NAT pool and team; VPN and cloud users."""
    for name, sizes in (
        ("family", plan.family_sizes),
        ("nat", plan.nat_sizes),
        ("enterprise", plan.team_sizes),
    ):
        start = state.bounds[name][0]
        for i, size in enumerate(sizes):
            state.new_group(f"{name}_{i + 1:04d}", np.arange(start, start + int(size)))
            start += int(size)
    for name, block in (("vpn_users", "vpn"), ("cloud_developers", "datacenter")):
        low, high = state.bounds[block]
        if high > low:
            state.new_group(name, np.arange(low, high))

"""Demo data: realistic account exports with planted distillation campaigns and benign look-alikes.

``generate(out_dir, settings)`` writes an export in the contract format
(``accounts``, ``payment_methods``, ``ip_events``, ``ip_intel``, ``usage``) plus ``truth.csv``
(``account_id, campaign_id, kind``), which says what was planted so detection can be scored.

What is planted (each step's module has the details and the reasons):

- ``background``: organic users: sign-ups with daily/weekly rhythm, their own cards, home ISP
  addresses shared within households, ordinary browsers, light chat/coding usage.
- ``campaign``: distillation networks: prepaid cards shared by groups of 3-8 accounts,
  residential-proxy IPs reused across members within days, sign-up bursts, ban waves followed
  by replacement accounts reusing cards and devices, automation user agents, throwaway emails,
  heavy reasoning/coding/tool-use/agentic usage with jailbreak flags.
- look-alikes a good detector must leave alone: ``benign_nat`` (carrier and university NAT:
  hundreds of users on a few IPs), ``benign_family`` (a household sharing one card),
  ``benign_vpn`` (unrelated users on consumer VPN exits), ``benign_enterprise`` (verified
  organisations with a corporate card, office network and onboarding burst) and
  ``benign_datacenter`` (API developers calling from cloud hosts with SDK user agents).

That is the ``classic`` scenario (the default, byte-identical to what the generator always
wrote). ``scenario="evaluation"`` draws sizes, mixing rates and vendor spellings per seed and
adds the patterns of public distillation reports (a bulk prepaid + proxy operation, an agentic
campaign, quiet rings, ban-evasion lineages, lockstep groups) and a benign look-alike for every
signal (``scenario``, ``patterns``, ``lookalikes_people``); its ``truth.csv`` adds
``group_id`` and ``pattern``. ``scenario="holdout"`` plants other patterns and look-alikes
with other vendor spellings (``holdout_plan``, ``holdout``, ``holdout_people``): it is for
measuring a detector on something it was never tuned on, never for choosing parameters. ``variant`` writes partial exports (``writing.VARIANTS``).

Everything is vectorised NumPy/Arrow and drawn from one ``numpy.random.default_rng(seed)``,
so the same settings give byte-identical files.

Modules, in the order the steps run: ``scenario`` (what to plant), ``world`` (providers and
networks), ``plan`` (group sizes and index blocks), ``organic`` (the base every non-campaign
account starts from), ``lookalikes``, ``campaigns``, ``scenario_groups`` (with ``patterns`` and
``lookalikes_people``), ``population`` (the steps in order and the finishing pass), ``tables``
(identifiers, text, truth) and ``writing`` (encodings, variants). ``state``, ``records``,
``activity``, ``identities``, ``text`` and ``vocabulary`` are what the steps share.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from linkgraph.generator.population import build_population
from linkgraph.generator.scenario import SCENARIOS, ScenarioName, draw_scenario
from linkgraph.generator.tables import EXPORT_TABLES
from linkgraph.generator.writing import FORMATS, TRUTH_FILE, VARIANTS, Variant, write_export

log = logging.getLogger(__name__)

TABLES = EXPORT_TABLES
PERIOD_DAYS = 180


@dataclass(frozen=True)
class GenerateSettings:
    """What to generate. ``campaigns=None`` scales the number of campaigns with ``accounts``."""

    accounts: int = 10_000
    seed: int = 1
    fmt: str = "csv"  # csv | csv.gz | jsonl | jsonl.gz | parquet
    start: str = "2026-01-01"  # first day of the period (UTC); the period is PERIOD_DAYS long
    campaigns: int | None = None  # default: ~30 at 100k-1M accounts, >= 4 at 1k (classic only)
    scenario: ScenarioName = (
        "classic"  # "evaluation" / "holdout": randomised patterns, look-alikes, spellings
    )
    variant: Variant = "full"  # partial exports: no_ip_intel, no_usage, no_user_agents, minimal

    def validate(self) -> None:
        if self.accounts < 200:
            raise ValueError("generate at least 200 accounts")
        if self.scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {self.scenario!r}; choose one of {', '.join(SCENARIOS)}")
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown variant {self.variant!r}; choose one of {', '.join(VARIANTS)}")
        if self.scenario != "classic" and self.accounts < 5000:
            raise ValueError(f"the {self.scenario} scenario needs at least 5000 accounts")
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format {self.fmt!r}; choose one of {', '.join(FORMATS)}")
        if self.campaigns is not None and not 0 <= self.campaigns <= max(1, self.accounts // 40):
            raise ValueError(
                f"campaigns must be between 0 and {max(1, self.accounts // 40)} for {self.accounts} accounts"
            )


@dataclass(frozen=True)
class GenerateReport:
    """What was written, for the CLI to print."""

    out_dir: Path
    counts: dict[str, int]  # rows per table
    campaigns: int
    campaign_accounts: int
    seconds: float


def generate(
    out_dir: str | os.PathLike[str],
    settings: GenerateSettings,
    progress: Callable[[str], None] | None = None,
) -> GenerateReport:
    """Write a synthetic export and its ``truth.csv`` into ``out_dir`` (created if missing).

    ``progress``, when given, is called with a short message as each stage starts.
    Existing export files of the chosen encoding are overwritten.
    """
    settings.validate()
    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def step(msg: str) -> None:
        log.info("generate: %s", msg)
        if progress is not None:
            progress(msg)

    step(f"building {settings.accounts:,} accounts")
    scenario = draw_scenario(settings.scenario, settings.accounts, settings.seed)
    pop = build_population(
        settings.accounts, settings.seed, settings.start, PERIOD_DAYS, settings.campaigns, step, scenario
    )
    step(f"writing {settings.fmt} files ({settings.variant})")
    counts = write_export(pop, out, settings.fmt, settings.variant)
    seconds = time.perf_counter() - t0
    step(f"done in {seconds:.1f} s")
    return GenerateReport(
        out_dir=out,
        counts=counts,
        campaigns=pop.n_campaigns,
        campaign_accounts=pop.n_campaign_accounts,
        seconds=seconds,
    )


__all__ = [
    "FORMATS",
    "PERIOD_DAYS",
    "SCENARIOS",
    "TABLES",
    "TRUTH_FILE",
    "VARIANTS",
    "GenerateReport",
    "GenerateSettings",
    "generate",
]

"""Detection settings: one dataclass with defaults, readable from a TOML/JSON file or a dict.

Settings know nothing about stores or engines' internals; ``linkgraph.detection.detect`` reads
them, and every value used is recorded in the run's ``params`` so a stored run can be
reproduced. The defaults were chosen with ``bench/bench_quality.py`` (generated exports with
planted campaigns at two sizes and several seeds), not by fitting one data set.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args

from linkgraph.errors import ConfigError

# Base link strength per identifier type for two accounts that share one identifier used by
# exactly two accounts, at the same time. Payment instruments and device fingerprints are
# strong evidence; an IP address is medium; a subnet, a proxy provider or an email domain is
# weak. Organisation membership is not fraud evidence (teams share orgs by design): it is a
# scoring signal only and never creates links.
# ``template`` (a shared email template, see ``signals.templates``) is damped like any
# identifier; ``evasion`` (a replacement of a banned account), ``lockstep`` (first seen together
# on several IPs) and ``coactivity`` (near-identical daily usage) are per pair, not damped.
DEFAULT_BASE_WEIGHTS: dict[str, float] = {
    "payment": 1.0,
    "device": 0.8,
    "ip": 0.5,
    "subnet": 0.08,
    "proxy": 0.04,
    "email_domain": 0.1,
    "template": 0.6,
    "evasion": 1.0,
    "lockstep": 0.3,
    "coactivity": 0.3,
}
# Link types found by a signal rather than by a shared export identifier.
DERIVED_LINK_TYPES: tuple[str, ...] = ("evasion", "lockstep", "coactivity")

# Where communities are found: in process (igraph) or in the database (Neo4j GDS).
Engine = Literal["igraph", "gds"]
ENGINES: tuple[Engine, ...] = get_args(Engine)
Damping = Literal["log", "power"]
DAMPINGS: tuple[Damping, ...] = get_args(Damping)


@dataclass
class DetectSettings:
    """Everything that shapes a detection run.

    Linking: an identifier shared by ``n`` accounts adds ``base[type] * damping(n) * time``
    to the link of every pair of them. ``damping`` is ``(2 / n) ** alpha`` ("power", the
    default) or ``log2(3) / log2(1 + n)`` ("log"); both are 1 for a pair. With power damping
    and ``alpha = 1`` one identifier can tie an account to the others sharing it with a total
    weight of at most ``2 * base``, however popular it is, so a background user on a campaign's
    disposable domain or proxy exit is not pulled into the campaign (log damping let ~3% of
    flagged accounts be such bystanders at 20k accounts; power: < 0.1%). ``time`` is 1 when
    the two accounts used the identifier within a day of each other and decays with
    ``time_tau_days`` towards ``time_floor`` (IP, subnet, proxy and device intervals; sign-up
    times for email domains). Identifiers shared by more than ``max_share`` accounts (carrier
    NAT, big proxy pools, webmail) or whose pair weight is below ``min_pair_weight`` make no
    pairwise links; they stay as cluster-level evidence. Summed links lighter than
    ``min_link_weight`` (= the default resolution: under CPM such a link cannot bind two
    accounts on its own) are dropped, which halves Leiden's work at 1M accounts at no cost in
    measured quality.
    """

    # linking
    base_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_BASE_WEIGHTS))
    disposable_domain_weight: float = 0.3  # base for a disposable email domain (webmail: 0)
    damping: Damping = "power"
    alpha: float = 1.0
    max_share: int = 200
    min_pair_weight: float = 0.005  # identifiers whose pairs would get less make no links
    min_link_weight: float = 0.02  # summed links lighter than this are dropped
    time_tau_days: float = 7.0
    time_floor: float = 0.2
    # communities
    engine: Engine = "igraph"
    resolution: float = 0.02
    n_iterations: int = 1  # 2 gave the same quality at 100k and 1M (bench_quality), 2 s slower at 1M
    seed: int = 42
    min_size: int = 3
    strong_threshold: float = 0.5  # link weight for the strong_components view
    # fragments: suspicious leiden clusters (score >= merge_min_score) whose link density
    # between them beats merge_resolution are one operation and are merged (0 disables)
    merge_resolution: float = 0.002
    merge_min_score: float = 0.5
    # campaigns: sub-clusters whose strong ties to each other, per member of the smaller one,
    # reach campaign_tie are one operation (a campaign_id groups them); only clusters scoring at
    # least campaign_min_score take part
    campaign_tie: float = 0.05
    campaign_min_score: float = 0.2
    # signals (see linkgraph.signals)
    evasion_window_days: float = 7.0
    lockstep_minutes: float = 10.0
    lockstep_min_ips: int = 2
    coactivity_min_similarity: float = 0.8
    coactivity_min_days: int = 3
    infra_tail: float = 0.001  # identifiers above this degree quantile of their type are infrastructure
    infra_min_degree: int = 20
    # account-level enforcement: an account of a flagged campaign is enforced when its strong ties
    # to the campaign reach enforce_strong_tie, or its own evidence reaches enforce_own_evidence
    enforce_strong_tie: float = 0.25
    enforce_own_evidence: float = 2.0
    # stable ids
    id_jaccard: float = 0.5
    # scoring
    score_threshold: float | None = None  # None: scoring.DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ConfigError for values that cannot work (a user typo should not become a bad run)."""
        from linkgraph.schema import IDENTIFIER_BY_NAME

        unknown = set(self.base_weights) - set(IDENTIFIER_BY_NAME) - {"template", *DERIVED_LINK_TYPES}
        if unknown:
            raise ConfigError(f"unknown identifier type(s) in base_weights: {sorted(unknown)}")
        if "org" in self.base_weights:
            raise ConfigError(
                "org membership is a scoring signal, not a link: remove 'org' from base_weights"
            )
        if any(v < 0 for v in self.base_weights.values()):
            raise ConfigError("base_weights must be >= 0")
        if self.damping not in DAMPINGS:
            raise ConfigError(f"damping must be one of {DAMPINGS}, not {self.damping!r}")
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be one of {ENGINES}, not {self.engine!r}")
        for broken, message in self._range_rules():
            if broken:
                raise ConfigError(message)

    def _range_rules(self) -> list[tuple[bool, str]]:
        """(value out of range, what to write instead) for every numeric setting."""
        return [
            (
                self.merge_resolution < 0 or not 0 <= self.merge_min_score <= 1,
                "merge_resolution must be >= 0 and merge_min_score in [0, 1]",
            ),
            (not self.resolution > 0, "resolution must be > 0"),
            (
                self.min_pair_weight < 0 or self.min_link_weight < 0,
                "min_pair_weight and min_link_weight must be >= 0",
            ),
            (self.max_share < 2, "max_share must be >= 2"),
            (self.min_size < 2, "min_size must be >= 2"),
            (
                self.n_iterations == 0 or self.n_iterations < -1,
                "n_iterations must be >= 1 (or -1: until stable)",
            ),
            (not 0 <= self.time_floor <= 1, "time_floor must be in [0, 1]"),
            (self.time_tau_days <= 0, "time_tau_days must be > 0"),
            (
                self.evasion_window_days < 0 or self.lockstep_minutes <= 0 or self.lockstep_min_ips < 1,
                "evasion_window_days must be >= 0, lockstep_minutes > 0, lockstep_min_ips >= 1",
            ),
            (
                self.campaign_tie < 0 or not 0 <= self.campaign_min_score <= 1,
                "campaign_tie must be >= 0 and campaign_min_score in [0, 1]",
            ),
            (
                not 0 <= self.infra_tail < 1 or self.infra_min_degree < 2,
                "infra_tail must be in [0, 1) and infra_min_degree >= 2",
            ),
            (not 0 < self.id_jaccard <= 1, "id_jaccard must be in (0, 1]"),
            (
                self.score_threshold is not None and not 0 <= self.score_threshold <= 1,
                "score_threshold must be in [0, 1]",
            ),
        ]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_path_or_dict(cls, source: str | Path | Mapping[str, Any] | None) -> DetectSettings:
        """Settings from a dict, a ``.toml`` or ``.json`` file (a ``[detect]`` table is accepted).

        Unknown keys are an error, so a misspelt option is never silently ignored.
        """
        if source is None:
            return cls()
        if isinstance(source, Mapping):
            data: dict[str, Any] = dict(source)
        else:
            path = Path(source)
            try:
                raw = path.read_bytes()
            except OSError as e:
                raise ConfigError(f"cannot read settings file {path}: {e.strerror}") from e
            try:
                data = tomllib.loads(raw.decode()) if path.suffix.lower() == ".toml" else json.loads(raw)
            except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as e:
                raise ConfigError(
                    f"settings file {path} is not valid {path.suffix[1:] or 'JSON'}: {e}"
                ) from e
            if not isinstance(data, dict):
                raise ConfigError(f"settings file {path} must hold a table/object")
        if "detect" in data and isinstance(data["detect"], dict):
            data = dict(data["detect"])
        names = {f.name for f in fields(cls)}
        extra = set(data) - names
        if extra:
            raise ConfigError(f"unknown detect setting(s): {sorted(extra)}; known: {sorted(names)}")
        if "base_weights" in data:
            merged = dict(DEFAULT_BASE_WEIGHTS)
            merged.update({str(k): float(v) for k, v in dict(data["base_weights"]).items()})
            data["base_weights"] = merged
        try:
            return cls(**data)
        except TypeError as e:
            raise ConfigError(f"bad detect settings: {e}") from e

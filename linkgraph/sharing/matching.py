"""Matching a peer's bundle against this lab's accounts, with evidence and a strength.

This lab observes its own accounts (``indicators.observations``), hashes the kinds the bundle
holds hashed with the shared key, and joins on ``(kind, value)``. Each account that shares
anything with a campaign gets one row per campaign with the kinds it matched, how many values
of each, and a **strength** in [0, 1].

The strength model, and why:

* Each kind has a base weight, the chance a match of it alone means the same operator:
  email address 0.6 and device id 0.6 (one person's or one machine's identifier), card BIN +
  last 4 0.45 and exact IP 0.45 (identifying, but collide: 10,000 last-4s per BIN, and proxy
  exits are rented by many customers), then the *weak* kinds: subnet 0.25, email domain 0.2,
  email template 0.15, user agent 0.15 and proxy provider 0.1 (thousands of users share one).
* Kinds that describe the same thing are one group and count once, at their best: the email
  (address, domain, template), the network (IP, subnet, provider), the card, the device, the
  client (user agent). A proxy IP implies its subnet and provider, so they add nothing to it.
* Independent groups combine like independent witnesses: ``1 - prod(1 - group score)``.
* Weak evidence alone is capped at ``WEAK_CAP = 0.35``: only groups whose best kind is an
  identifier (address, device, card, IP) can lift a match above it. A shared proxy provider,
  or even provider + subnet + disposable domain + template + user agent, stays a weak match;
  card + device, or an IP + a device, is strong.

Levels: ``strong`` ≥ 0.8, ``medium`` ≥ 0.5 (the default reporting floor), ``weak`` below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from linkgraph import csvsafe
from linkgraph.sharing.bundle import SharedCampaign, SharedIntel
from linkgraph.sharing.indicators import observations
from linkgraph.sharing.keys import SharingKey
from linkgraph.store.base import Store

Level = Literal["strong", "medium", "weak"]
BASE_WEIGHT: dict[str, float] = {
    "email_address": 0.6,
    "device_id": 0.6,
    "card_bin_last4": 0.45,
    "ip": 0.45,
    "subnet": 0.25,
    "email_domain": 0.2,
    "email_template": 0.15,
    "user_agent": 0.15,
    "proxy_provider": 0.1,
}
IDENTIFIER_KINDS = frozenset({"email_address", "device_id", "card_bin_last4", "ip"})
GROUPS: dict[str, tuple[str, ...]] = {
    "email": ("email_address", "email_domain", "email_template"),
    "network": ("ip", "subnet", "proxy_provider"),
    "payment": ("card_bin_last4",),
    "device": ("device_id",),
    "client": ("user_agent",),
}
WEAK_CAP = 0.35
STRONG_AT = 0.8
MEDIUM_AT = 0.5
DEFAULT_MIN_STRENGTH = MEDIUM_AT
MATCH_COLUMNS = (
    "account_id",
    "strength",
    "level",
    "source",
    "source_campaign",
    "indicator_kinds",
    "evidence",
    "bundle_id",
    "key_fingerprint",
    "matched_at",
)


@dataclass(frozen=True)
class MatchResult:
    """Matched accounts (``MATCH_COLUMNS``, strongest first) and what was compared."""

    matches: pd.DataFrame
    accounts_compared: int
    campaigns: int
    below_floor: int  # accounts that matched something but stayed under ``min_strength``


def level(strength: float) -> Level:
    return "strong" if strength >= STRONG_AT else "medium" if strength >= MEDIUM_AT else "weak"


def strengths(present: np.ndarray, kinds: list[str]) -> np.ndarray:
    """Strength per row of a boolean ``(accounts, kinds)`` matrix (module docstring)."""
    col = {k: i for i, k in enumerate(kinds)}
    n = present.shape[0]
    identifier_miss, weak_miss = np.ones(n), np.ones(n)
    for group in GROUPS.values():
        ident, weak_miss_g = np.zeros(n), np.ones(n)
        for k in group:
            if k not in col:
                continue
            has = present[:, col[k]]
            if k in IDENTIFIER_KINDS:
                ident = np.maximum(ident, np.where(has, BASE_WEIGHT[k], 0.0))
            else:
                weak_miss_g *= np.where(has, 1.0 - BASE_WEIGHT[k], 1.0)
        weak = 1.0 - weak_miss_g
        by_identifier = (ident > 0) & (ident >= weak)
        identifier_miss *= np.where(by_identifier, 1.0 - ident, 1.0)
        weak_miss *= np.where(by_identifier, 1.0, 1.0 - weak)
    weak_total = np.minimum(WEAK_CAP, 1.0 - weak_miss)
    return np.round(1.0 - identifier_miss * (1.0 - weak_total), 6)


def strength(kinds: set[str]) -> float:
    """The strength of a match on these kinds (one account; see ``strengths``)."""
    names = sorted(BASE_WEIGHT)
    return float(strengths(np.array([[k in kinds for k in names]]), names)[0])


def _own_values(store: Store, intel: SharedIntel, key: SharingKey) -> pd.DataFrame:
    """This lab's observations, with the shared hash of every kind the bundle holds hashed."""
    obs = observations(store)
    hashed_kinds = {k for c in intel.campaigns for k in c.hashed}
    kinds = obs.column("kind").to_numpy(zero_copy_only=False)
    values = obs.column("value")
    hashes = np.full(len(kinds), None, dtype=object)
    for kind in hashed_kinds:
        idx = np.flatnonzero(kinds == kind)
        if len(idx):
            hashes[idx] = key.hash_values(kind, values.take(pa.array(idx))).to_numpy(zero_copy_only=False)
    df = obs.select(["account_id", "kind", "value"]).to_pandas()
    df["hash"] = hashes
    return df


def _hits(own: pd.DataFrame, campaign: SharedCampaign) -> pd.DataFrame:
    """``(account_id, kind, shown)`` rows where this lab holds a value of the campaign."""
    frames = []
    for kind, vals in campaign.raw.items():
        sel = own[(own["kind"] == kind) & own["value"].isin(vals)]
        frames.append(sel.assign(shown=sel["value"]))
    for kind, vals in campaign.hashed.items():
        sel = own[(own["kind"] == kind) & own["hash"].isin(vals)]
        frames.append(sel.assign(shown="hmac:" + sel["hash"].str[:12]))
    if not frames:
        return pd.DataFrame(columns=["account_id", "kind", "shown"])
    return pd.concat(frames, ignore_index=True)[["account_id", "kind", "shown"]].drop_duplicates()


def _evidence(group: pd.DataFrame) -> str:
    """``{"device_id": ["hmac:…"], "ip": ["203.0.113.7"]}`` as JSON, up to 5 values per kind."""
    out = {
        k: sorted(g["shown"])[:5] + ([f"+{len(g) - 5} more"] if len(g) > 5 else [])
        for k, g in group.groupby("kind")
    }
    return json.dumps(dict(sorted(out.items())), ensure_ascii=False)


def match_bundle(
    store: Store, intel: SharedIntel, key: SharingKey, *, min_strength: float = DEFAULT_MIN_STRENGTH
) -> MatchResult:
    """Accounts of this lab matching the peer's campaigns at ``min_strength`` or more."""
    own = _own_values(store, intel, key)
    now = datetime.now(UTC).replace(microsecond=0)
    frames = []
    below = 0
    for campaign in intel.campaigns:
        hits = _hits(own, campaign)
        if not len(hits):
            continue
        present = pd.crosstab(hits["account_id"], hits["kind"]) > 0
        s = strengths(present.to_numpy(), list(present.columns))
        keep = s >= min_strength
        below += int((~keep).sum())
        kept = present.index[keep]
        evidence = hits[hits["account_id"].isin(set(kept))].groupby("account_id").apply(_evidence)
        kinds = present[keep].apply(lambda r: ",".join(sorted(r.index[r.to_numpy()])), axis=1)
        frames.append(
            pd.DataFrame(
                {
                    "account_id": kept,
                    "strength": s[keep],
                    "level": [level(float(v)) for v in s[keep]],
                    "source": intel.source,
                    "source_campaign": campaign.cluster_id,
                    "indicator_kinds": kinds.reindex(kept).to_numpy(),
                    "evidence": evidence.reindex(kept).to_numpy(),
                    "bundle_id": intel.bundle_id,
                    "key_fingerprint": intel.key_fingerprint or "",
                    "matched_at": now,
                }
            )
        )
    matches = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(MATCH_COLUMNS))
    matches = matches[list(MATCH_COLUMNS)]
    if len(matches):
        matches = matches.sort_values(["strength", "account_id"], ascending=[False, True]).reset_index(
            drop=True
        )
    return MatchResult(matches, int(own["account_id"].nunique()), len(intel.campaigns), below)


def write_matches_csv(matches: pd.DataFrame, out: str | Path) -> str:
    """The matches as CSV (``MATCH_COLUMNS``), formula-looking cells neutralised, atomically."""
    df = matches.copy()
    df["matched_at"] = pd.to_datetime(df["matched_at"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(csvsafe.to_csv(df), encoding="utf-8")
    tmp.replace(path)
    return str(path)


def save_matches(store: Store, result: MatchResult) -> int:
    """Store the matches (``Store.save_intel_matches``): the app's external-intel signal and
    detection's known-bad seeds."""
    df = result.matches.copy()
    df["matched_at"] = pd.to_datetime(df["matched_at"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    df["strength"] = df["strength"].astype(float)
    return store.save_intel_matches(df[list(MATCH_COLUMNS)].to_dict("records"))


def campaign_intel(store: Store, cluster_id: str, run_id: int | None = None) -> pd.DataFrame:
    """The external-intel signal of one campaign: which peer campaigns its members matched.

    One row per (source lab, source campaign): ``accounts`` matched, ``strong`` of them, the
    best ``strength`` and the indicator kinds seen. Empty when nothing matched.
    """
    cols = ["source", "source_campaign", "accounts", "strong", "strength", "indicator_kinds"]
    matches = store.intel_matches()
    if matches.empty:
        return pd.DataFrame(columns=cols)
    members = store.read_result("members", run_id).to_pandas()
    inside = set(members.loc[members["cluster_id"] == cluster_id, "account_id"])
    hits = matches[matches["account_id"].isin(inside)]
    if hits.empty:
        return pd.DataFrame(columns=cols)
    out = hits.groupby(["source", "source_campaign"], as_index=False).agg(
        accounts=("account_id", "nunique"),
        strong=("level", lambda s: int((s == "strong").sum())),
        strength=("strength", "max"),
        indicator_kinds=("indicator_kinds", lambda s: ",".join(sorted({k for v in s for k in v.split(",")}))),
    )
    return out.sort_values(["accounts", "strength"], ascending=False).reset_index(drop=True)[cols]

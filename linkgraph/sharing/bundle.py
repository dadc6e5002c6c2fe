"""STIX 2.1 bundles of confirmed campaigns, written for peers and read back from them.

What a bundle holds (all valid STIX 2.1, checked by ``stix2`` on the way out and on the way in):

* an ``identity`` for the sharing lab (``organization``);
* an ``attack-pattern`` for MITRE ATLAS AML.T0024.002 *Extract AI Model* (sub-technique of
  AML.T0024 *Exfiltration via AI Inference API*), the technique distillation campaigns use;
* per campaign a ``grouping`` (context ``suspicious-activity``): the evidence text as its
  description, the ATLAS technique as an external reference, and custom properties
  ``x_linkgraph_score``, ``x_linkgraph_size``, ``x_linkgraph_first_seen`` /
  ``x_linkgraph_last_seen`` (sign-ups to last activity) and ``x_linkgraph_key_fingerprint``;
* per campaign, indicator kind and chunk of values an ``indicator`` (``indicates`` the attack
  pattern). Raw infrastructure uses STIX's own objects (``[ipv4-addr:value IN (...)]``, subnets
  as ``ISSUBSET``); proxy providers use the custom observable ``x-linkgraph-network``
  (``proxy_provider``) and also get an ``infrastructure`` object (``anonymization``); keyed
  hashes use the custom observable ``x-linkgraph-keyed-hash`` with one property per kind
  (``[x-linkgraph-keyed-hash:device_id IN ('9f…', …)]``). Every indicator says its kind
  (``x_linkgraph_kind``) and whether its values are hashed (``x_linkgraph_hashed``); hashed ones
  carry the key fingerprint.

Which values (``campaign_values``): every value the members hold, of the kinds in
``indicators``, that is *distinctive* at the sharing lab: at least half of the accounts holding
it are in the campaign or in another flagged campaign (a cluster at or above the enforcement
threshold, or confirmed). A popular browser user agent, a university NAT address or a
webmail domain is therefore never shared; proxy providers of proxy/VPN/hosting kinds always are.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.decisions import decisions_in_force
from linkgraph.errors import ShareError
from linkgraph.loaders.normalise import WEBMAIL_DOMAINS
from linkgraph.scoring import DEFAULT_THRESHOLD
from linkgraph.sharing.indicators import KINDS, Kind, observations
from linkgraph.sharing.keys import SharingKey
from linkgraph.store.base import Store

ATLAS_TECHNIQUE = {
    "source_name": "mitre-atlas",
    "external_id": "AML.T0024.002",
    "url": "https://atlas.mitre.org/techniques/AML.T0024.002",
    "description": "Extract AI Model (sub-technique of AML.T0024 Exfiltration via AI Inference API)",
}
ATLAS_PARENT = {
    "source_name": "mitre-atlas",
    "external_id": "AML.T0024",
    "url": "https://atlas.mitre.org/techniques/AML.T0024",
    "description": "Exfiltration via AI Inference API",
}
HASH_OBJECT = "x-linkgraph-keyed-hash"
NETWORK_OBJECT = "x-linkgraph-network"
DISTINCTIVE_SHARE = 0.5
CHUNK = 500  # values per indicator: stix2's pattern check costs ~1 ms per indicator
_NS = uuid.UUID("0d7f3b8e-5b8a-5f0e-9c3a-2f6f2f0b9a41")


@dataclass(frozen=True)
class ShareOptions:
    """How to share. ``allow_residential_ips`` puts residential IPs and subnets in raw (off:
    they are keyed hashes, which a peer with the key still matches)."""

    lab_name: str
    allow_residential_ips: bool = False
    run_id: int | None = None


@dataclass(frozen=True)
class ShareReport:
    """What a bundle holds, for the CLI to print."""

    campaigns: int
    indicators: int
    hashed_values: int
    raw_values: int
    key_fingerprint: str  # empty when written without a key (no hashed values)
    path: str | None = None
    objects: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------- selection
def _run(store: Store, run_id: int | None) -> int:
    runs = store.runs()
    if not runs:
        raise ShareError("no detection run yet: run `linkgraph detect` first")
    if run_id is None:
        return runs[0].run_id
    if run_id not in {r.run_id for r in runs}:
        raise ShareError(f"no detection run {run_id}")
    return run_id


def _decisions(store: Store) -> dict[str, str]:
    """The status of the decision in force per cluster (``linkgraph.decisions``)."""
    return {c: d.status for c, d in decisions_in_force(store).items()}


def confirmed_clusters(store: Store, cluster_ids: list[str], run_id: int | None) -> tuple[int, pd.DataFrame]:
    """The requested clusters of the run; refuses any that is unknown or not confirmed."""
    rid = _run(store, run_id)
    clusters = store.read_result("clusters", rid).to_pandas()
    decisions = _decisions(store)
    for cid in cluster_ids:
        if cid not in set(clusters["cluster_id"]):
            raise ShareError(f"run {rid} has no cluster {cid!r}")
        status = decisions.get(cid, "no decision")
        if status != "confirmed":
            raise ShareError(
                f"cluster {cid} is not confirmed ({status}); only confirmed campaigns are shared"
            )
    sel = clusters[clusters["cluster_id"].isin(cluster_ids)]
    return rid, sel.drop_duplicates("cluster_id").set_index("cluster_id").loc[
        list(dict.fromkeys(cluster_ids))
    ]


def _flagged_accounts(store: Store, rid: int, clusters: pd.DataFrame) -> pa.Array:
    """Members of every cluster at or above the threshold, or confirmed (other campaigns)."""
    all_clusters = store.read_result("clusters", rid).to_pandas()
    confirmed = {c for c, s in _decisions(store).items() if s == "confirmed"}
    flagged = all_clusters[
        (all_clusters["score"] >= DEFAULT_THRESHOLD) | all_clusters["cluster_id"].isin(confirmed)
    ]
    ids = sorted(set(flagged["cluster_id"]) | set(clusters.index))
    members = store.read_result("members", rid)
    members = members.filter(pc.is_in(members.column("cluster_id"), value_set=pa.array(ids, pa.string())))
    return pc.unique(members.column("account_id").combine_chunks())


def _members(store: Store, rid: int, cluster_id: str) -> pa.Array:
    members = store.read_result("members", rid)
    return (
        members.filter(pc.equal(members.column("cluster_id"), cluster_id))
        .column("account_id")
        .combine_chunks()
    )


def campaign_values(obs: pd.DataFrame, members: Iterable[str], flagged: Iterable[str]) -> pd.DataFrame:
    """The distinctive ``(kind, value, private)`` of a campaign's members (module docstring)."""
    members, flagged = set(members), set(flagged)
    inside = obs[obs["account_id"].isin(members)]
    held = obs.merge(inside[["kind", "value"]].drop_duplicates(), on=["kind", "value"])
    held = held.assign(
        inside=held["account_id"].isin(members), benign=~held["account_id"].isin(flagged | members)
    )
    counts = held.groupby(["kind", "value"], as_index=False).agg(
        inside=("inside", "sum"), benign=("benign", "sum"), private=("private", "max")
    )
    share = counts["inside"] / (counts["inside"] + counts["benign"])
    keep = (share >= DISTINCTIVE_SHARE) | (counts["kind"] == "proxy_provider")
    keep &= ~((counts["kind"] == "email_domain") & counts["value"].isin(WEBMAIL_DOMAINS))
    return (
        counts.loc[keep, ["kind", "value", "private", "inside"]]
        .sort_values(["kind", "value"])
        .reset_index(drop=True)
    )


def _window(store: Store, members: pa.Array, row: pd.Series) -> tuple[str | None, str | None]:
    """Sign-up of the first member to the last activity seen (or the last sign-up)."""
    first = row.get("first_signup")
    last = row.get("last_signup")
    used = store.read_table("used_ip", ["account_id", "last_seen"])
    used = used.filter(pc.is_in(used.column("account_id"), value_set=members))
    seen = pc.max(used.column("last_seen")).as_py() if used.num_rows else None
    if seen is not None and (last is None or pd.isna(last) or pd.Timestamp(seen) > pd.Timestamp(last)):
        last = seen
    return _iso(first), _iso(last)


def _iso(v: Any) -> str | None:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    ts = pd.Timestamp(v)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------- STIX out
def _quote(v: str) -> str:
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def indicator_patterns(kind: Kind, values: list[str], hashed: bool) -> list[str]:
    """STIX patterns matching any of ``values`` of ``kind``, ``CHUNK`` values each."""
    out = []
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        if hashed:
            out.append(f"[{HASH_OBJECT}:{kind} IN ({', '.join(_quote(v) for v in chunk)})]")
        elif kind == "proxy_provider":
            out.append(f"[{NETWORK_OBJECT}:proxy_provider IN ({', '.join(_quote(v) for v in chunk)})]")
        elif kind == "ip":
            by_family: dict[str, list[str]] = {}
            for v in chunk:
                by_family.setdefault("ipv6-addr" if ":" in v else "ipv4-addr", []).append(v)
            out.append(
                " OR ".join(
                    f"[{obj}:value IN ({', '.join(_quote(v) for v in vs)})]"
                    for obj, vs in sorted(by_family.items())
                )
            )
        elif kind == "subnet":
            terms = [f"{'ipv6-addr' if ':' in v else 'ipv4-addr'}:value ISSUBSET {_quote(v)}" for v in chunk]
            out.append("[" + " OR ".join(terms) + "]")
        else:
            raise ShareError(f"{kind} values are only ever shared hashed")
    return out


@dataclass
class _Builder:
    """Accumulates the STIX objects of one bundle."""

    key: SharingKey | None
    options: ShareOptions
    created: datetime
    objects: dict[str, Any] = field(default_factory=dict)

    def sid(self, kind: str, *parts: object) -> str:
        return f"{kind}--{uuid.uuid5(_NS, '|'.join(str(p) for p in (self.options.lab_name, kind, *parts)))}"

    def add(self, obj: Any) -> Any:
        self.objects[obj.id] = obj
        return obj


def _identity_and_technique(b: _Builder) -> tuple[Any, Any]:
    import stix2

    lab = b.add(
        stix2.Identity(
            id=b.sid("identity"),
            name=b.options.lab_name,
            identity_class="organization",
            sectors=["technology"],
            created=b.created,
            modified=b.created,
        )
    )
    technique = b.add(
        stix2.AttackPattern(
            id=b.sid("attack-pattern", ATLAS_TECHNIQUE["external_id"]),
            name="Extract AI Model",
            description="Distillation: many accounts query a model's inference API to train a copy of it.",
            external_references=[ATLAS_TECHNIQUE, ATLAS_PARENT],
            created_by_ref=lab.id,
            created=b.created,
            modified=b.created,
        )
    )
    return lab, technique


def _campaign_objects(
    b: _Builder, lab: Any, technique: Any, cid: str, row: pd.Series, values: pd.DataFrame, window: tuple
) -> dict[str, int]:
    """Indicators, infrastructure and the grouping of one campaign; values per kind."""
    import stix2

    refs: list[str] = [technique.id]
    by_kind: dict[str, int] = {}
    common = {"created_by_ref": lab.id, "created": b.created, "modified": b.created}
    for (kind, private), group in values.groupby(["kind", "private"], sort=True):
        hashed = bool(private) and not (b.options.allow_residential_ips and kind in ("ip", "subnet"))
        if hashed and b.key is None:
            continue  # bundle_of drops these first; never write a private value raw
        vals = sorted(
            {b.key.hash_value(kind, v) for v in group["value"]} if hashed and b.key else set(group["value"])
        )
        by_kind[f"{kind}{' (hashed)' if hashed else ''}"] = len(vals)
        for n, pattern in enumerate(indicator_patterns(kind, vals, hashed)):
            extra = {"x_linkgraph_key_fingerprint": b.key.fingerprint} if hashed and b.key else {}
            ind = b.add(
                stix2.Indicator(
                    id=b.sid("indicator", cid, kind, hashed, n),
                    name=f"{b.options.lab_name} campaign {cid}: {kind.replace('_', ' ')}{' (keyed hash)' if hashed else ''}",
                    indicator_types=["anonymization" if kind == "proxy_provider" else "malicious-activity"],
                    pattern=pattern,
                    pattern_type="stix",
                    valid_from=b.created,
                    confidence=int(round(100 * float(row["score"]))),
                    x_linkgraph_kind=kind,
                    x_linkgraph_hashed=hashed,
                    allow_custom=True,
                    **extra,
                    **common,
                )
            )
            rel = b.add(
                stix2.Relationship(
                    id=b.sid("relationship", ind.id, technique.id),
                    relationship_type="indicates",
                    source_ref=ind.id,
                    target_ref=technique.id,
                    **common,
                )
            )
            refs += [ind.id, rel.id]
        if kind == "proxy_provider":
            for v in vals:
                infra = b.add(
                    stix2.Infrastructure(
                        id=b.sid("infrastructure", v),
                        name=v,
                        infrastructure_types=["anonymization"],
                        description="proxy/VPN/hosting provider the campaign's traffic came through",
                        **common,
                    )
                )
                refs.append(infra.id)
    b.add(
        stix2.Grouping(
            id=b.sid("grouping", cid),
            name=f"{b.options.lab_name} distillation campaign {cid}",
            context="suspicious-activity",
            description=str(row.get("evidence") or ""),
            object_refs=sorted(set(refs)),
            external_references=[ATLAS_TECHNIQUE, ATLAS_PARENT],
            confidence=int(round(100 * float(row["score"]))),
            x_linkgraph_cluster_id=cid,
            x_linkgraph_score=round(float(row["score"]), 6),
            x_linkgraph_size=int(row["size"]),
            x_linkgraph_first_seen=window[0],
            x_linkgraph_last_seen=window[1],
            allow_custom=True,
            **({"x_linkgraph_key_fingerprint": b.key.fingerprint} if b.key else {}),
            **common,
        )
    )
    return by_kind


def bundle_of(
    store: Store,
    rid: int,
    clusters: pd.DataFrame,
    key: SharingKey | None,
    options: ShareOptions,
    created: datetime | None = None,
) -> tuple[Any, ShareReport]:
    """The STIX bundle of ``clusters`` (indexed by cluster id) of run ``rid``.

    Without a ``key`` the private kinds are left out entirely (only raw infrastructure is
    written): nothing that belongs to a user can leave without being hashed. ``created``
    fixes the timestamps (and so the ids), for a reproducible bundle of one run.
    """
    import stix2

    obs = observations(store).to_pandas()
    flagged = _flagged_accounts(store, rid, clusters).to_pylist()
    b = _Builder(key, options, created or datetime.now(UTC).replace(microsecond=0))
    lab, technique = _identity_and_technique(b)
    totals: dict[str, int] = {}
    for cid, row in clusters.iterrows():
        members = _members(store, rid, str(cid))
        values = campaign_values(obs, members.to_pylist(), flagged)
        if key is None:
            values = values[
                ~values["private"] | (options.allow_residential_ips & values["kind"].isin(["ip", "subnet"]))
            ]
        by_kind = _campaign_objects(b, lab, technique, str(cid), row, values, _window(store, members, row))
        for k, v in by_kind.items():
            totals[k] = totals.get(k, 0) + v
    ids = [str(c) for c in clusters.index]
    bundle = stix2.Bundle(
        list(b.objects.values()), id=b.sid("bundle", rid, *ids, b.created), allow_custom=True
    )
    hashed = sum(v for k, v in totals.items() if k.endswith("(hashed)"))
    report = ShareReport(
        campaigns=len(clusters),
        indicators=sum(1 for o in b.objects.values() if o.type == "indicator"),
        hashed_values=hashed,
        raw_values=sum(totals.values()) - hashed,
        key_fingerprint=key.fingerprint if key else "",
        by_kind=totals,
        objects=len(b.objects),
    )
    return bundle, report


def build_bundle(
    store: Store, cluster_ids: list[str], key: SharingKey, options: ShareOptions
) -> tuple[Any, ShareReport]:
    """The bundle a peer receives: confirmed campaigns only, private values hashed with ``key``."""
    if not cluster_ids:
        raise ShareError("name at least one confirmed campaign (cluster id) to share")
    if not options.lab_name.strip():
        raise ShareError("the sharing lab needs a name (--lab-name or $LINKGRAPH_LAB_NAME)")
    rid, clusters = confirmed_clusters(store, cluster_ids, options.run_id)
    return bundle_of(store, rid, clusters, key, options)


def serialise(bundle: Any) -> str:
    """Indented JSON of a bundle (stix2's own pretty printer is quadratic in its size)."""
    return json.dumps(json.loads(bundle.serialize()), indent=1, ensure_ascii=False) + "\n"


def write_bundle(
    store: Store, cluster_ids: list[str], key: SharingKey, out: str | Path, options: ShareOptions
) -> ShareReport:
    """Build the bundle and write it to ``out`` atomically (a peer never reads half a file)."""
    bundle, report = build_bundle(store, cluster_ids, key, options)
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(serialise(bundle), "utf-8")
    tmp.replace(path)
    return ShareReport(**{**report.__dict__, "path": str(path)})


# ----------------------------------------------------------------------------- STIX in
@dataclass(frozen=True)
class SharedCampaign:
    """One campaign of a peer's bundle: its grouping and the values to match, by kind."""

    grouping_id: str
    name: str
    cluster_id: str
    score: float | None
    size: int | None
    raw: dict[str, set[str]]  # kind -> raw values
    hashed: dict[str, set[str]]  # kind -> keyed hashes


@dataclass(frozen=True)
class SharedIntel:
    """A peer's bundle, validated and with its key checked."""

    bundle_id: str
    source: str  # the sharing lab's name
    key_fingerprint: str | None
    campaigns: list[SharedCampaign]
    ignored_comparisons: int = 0  # pattern terms of kinds this lab does not observe


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _unquote(text: str) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", m) for m in _QUOTED.findall(text)]


def pattern_values(pattern: str) -> tuple[dict[tuple[str, bool], set[str]], int]:
    """``{(kind, hashed): values}`` of a STIX pattern, and how many terms were not understood."""
    from stix2patterns.pattern import Pattern

    out: dict[tuple[str, bool], set[str]] = {}
    ignored = 0
    for obj, terms in Pattern(pattern).inspect().comparisons.items():
        for path, op, value in terms:
            prop = path[0] if len(path) == 1 else None
            target: tuple[str, bool] | None = None
            if obj == HASH_OBJECT and prop in KINDS:
                target = (str(prop), True)
            elif obj == NETWORK_OBJECT and prop == "proxy_provider" and op in ("=", "IN"):
                target = ("proxy_provider", False)
            elif obj in ("ipv4-addr", "ipv6-addr") and prop == "value":
                target = (
                    ("subnet", False) if op == "ISSUBSET" else ("ip", False) if op in ("=", "IN") else None
                )
            if target is None:
                ignored += 1
                continue
            vals = _unquote(value)
            if target[0] == "proxy_provider":
                vals = [v.lower() for v in vals]
            out.setdefault(target, set()).update(vals)
    return out, ignored


def _parse(path: Path) -> Any:
    import stix2
    import stix2.exceptions

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ShareError(f"{path}: cannot read ({e.strerror})") from e
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ShareError(f"{path}: not a STIX bundle (not JSON: {e})") from e
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise ShareError(f"{path}: not a STIX bundle (no top-level object of type 'bundle')")
    try:
        return stix2.parse(data, allow_custom=True)
    except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ShareError(f"{path}: not a valid STIX 2.1 bundle: {first}") from e


def _check_key(path: Path, objs: list[Any], key: SharingKey) -> str | None:
    marks = {o.get("x_linkgraph_key_fingerprint") for o in objs if o.type in ("grouping", "indicator")}
    hashed = [o for o in objs if o.type == "indicator" and o.get("x_linkgraph_hashed")]
    marks.discard(None)
    if hashed and not marks:
        raise ShareError(
            f"{path}: hashed indicators without a key fingerprint; cannot tell which key made them"
        )
    wrong = sorted(m for m in marks if m != key.fingerprint)
    if wrong:
        raise ShareError(
            f"{path}: hashed with a different key (bundle key fingerprint {wrong[0]}, "
            f"yours {key.fingerprint}); ask the sharing lab which key it used"
        )
    return next(iter(marks), None)


def read_bundle(path: str | Path, key: SharingKey) -> SharedIntel:
    """Parse and validate a peer's bundle with ``stix2``; refuse it if the key differs."""
    p = Path(path)
    bundle = _parse(p)
    objs = list(bundle.get("objects", []))
    old = next((o for o in objs if o.get("spec_version", "2.1") != "2.1"), None)
    if old is not None:
        raise ShareError(f"{p}: not a STIX 2.1 bundle ({old.id} is STIX {old.get('spec_version')})")
    fingerprint = _check_key(p, objs, key)
    by_id = {o.id: o for o in objs}
    source = next((o.name for o in objs if o.type == "identity"), "unknown lab")
    campaigns = []
    ignored = 0
    for g in (o for o in objs if o.type == "grouping"):
        raw: dict[str, set[str]] = {}
        hashed: dict[str, set[str]] = {}
        for ref in g.object_refs:
            ind = by_id.get(ref)
            if ind is None or ind.type != "indicator" or ind.pattern_type != "stix":
                continue
            found, skipped = pattern_values(ind.pattern)
            ignored += skipped
            for (kind, is_hash), vals in found.items():
                (hashed if is_hash else raw).setdefault(kind, set()).update(vals)
        if raw or hashed:
            campaigns.append(
                SharedCampaign(
                    grouping_id=g.id,
                    name=g.name,
                    cluster_id=str(g.get("x_linkgraph_cluster_id", g.id)),
                    score=g.get("x_linkgraph_score"),
                    size=g.get("x_linkgraph_size"),
                    raw=raw,
                    hashed=hashed,
                )
            )
    if not campaigns:
        raise ShareError(f"{p}: the bundle has no campaign (grouping) with indicators this lab can match")
    return SharedIntel(str(bundle.id), source, fingerprint, campaigns, ignored)

"""Threat-intel sharing outputs of a detection run: a STIX 2.1 bundle.

The clusters are the enforcement selection (``linkgraph.enforcement.select_clusters``).
Per cluster a ``grouping`` with the score and evidence, referring to indicators for the
shared IP addresses, payment fingerprints (custom observable
``x-linkgraph-payment-fingerprint``), device fingerprints (``x-linkgraph-device``) and
non-webmail email domains (one indicator per cluster, type and up to 500 values,
``[ipv4-addr:value IN (...)]``: the pattern parser costs ~1 ms per indicator),
``infrastructure`` objects for proxy providers and ``user-account`` observables for the
members. Ids are deterministic (UUIDv5 over run id and content), so exporting the same run
twice gives the same bundle.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC
from typing import Any

from linkgraph.enforcement import ExportReport, emit, identifiers_of, members_of, run_of, select_clusters
from linkgraph.store.base import Store

_NS = uuid.UUID("6c3e5f8e-2d1b-5a57-9f0e-6b1d1c0a7e11")  # namespace for deterministic STIX ids


def _stix_types() -> tuple[Any, Any]:
    """The custom observables (registered once per process)."""
    global _PAYMENT_SCO, _DEVICE_SCO
    if _PAYMENT_SCO is None:
        from stix2 import CustomObservable
        from stix2.properties import StringProperty

        @CustomObservable(
            "x-linkgraph-payment-fingerprint",
            [("fingerprint", StringProperty(required=True))],
            id_contrib_props=["fingerprint"],
        )
        class PaymentFingerprint:
            """A payment instrument by the processor's stable token (never a card number)."""

        @CustomObservable(
            "x-linkgraph-device",
            [("device_id", StringProperty(required=True))],
            id_contrib_props=["device_id"],
        )
        class DeviceFingerprint:
            """A client/device fingerprint."""

        _PAYMENT_SCO, _DEVICE_SCO = PaymentFingerprint, DeviceFingerprint
    return _PAYMENT_SCO, _DEVICE_SCO


_PAYMENT_SCO: Any = None
_DEVICE_SCO: Any = None


def _quote(v: str) -> str:
    return v.replace("\\", "\\\\").replace("'", "\\'")


_STIX_CHUNK = 500
# id type -> the STIX object path its values are matched on (IPs and subnets: by address family)
_STIX_PATHS = {
    "payment": "x-linkgraph-payment-fingerprint:fingerprint",
    "device": "x-linkgraph-device:device_id",
    "email_domain": "email-addr:value",
}


def _stix_pattern(t: str, obj: str, values: list[str]) -> str:
    """A STIX pattern matching any of ``values`` of identifier type ``t``."""
    quoted = [f"'{_quote(v)}'" for v in values]
    if t == "ip":
        return f"[{obj}:value IN ({', '.join(quoted)})]"
    if t == "email_domain":
        return "[" + " OR ".join(f"{obj} LIKE '%@{_quote(v)}'" for v in values) + "]"
    return f"[{obj} IN ({', '.join(quoted)})]"


def write_stix(store: Store, out: Any, **sel: Any) -> ExportReport:
    """The STIX 2.1 bundle of the selected clusters (module docstring) written to ``out``."""
    import stix2

    payment_cls, device_cls = _stix_types()
    rid, clusters, skipped = select_clusters(store, **sel)
    _, created = run_of(store, rid)
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    ids = clusters["cluster_id"].tolist()
    members = members_of(store, rid, ids)
    ident = identifiers_of(store, rid, ids)

    def sid(kind: str, *key: object) -> str:
        return f"{kind}--{uuid.uuid5(_NS, '|'.join(str(k) for k in (rid, kind, *key)))}"

    common = {"created": created, "modified": created}
    producer = stix2.Identity(
        id=sid("identity", "linkgraph"), name="linkgraph", identity_class="system", **common
    )
    objects: dict[str, Any] = {producer.id: producer}
    by_c_members = {c: g["account_id"].tolist() for c, g in members.groupby("cluster_id")}
    by_c_ident = {c: g for c, g in ident.groupby("cluster_id")}
    sco_of = {
        "payment": lambda v: payment_cls(fingerprint=v),
        "device": lambda v: device_cls(device_id=v),
    }
    n_acc = 0
    for row in clusters.to_dict("records"):
        cid = row["cluster_id"]
        refs: list[str] = []
        accs = by_c_members.get(cid, [])
        n_acc += len(accs)
        for a in accs:
            ua = stix2.UserAccount(user_id=a, account_type="linkgraph-api-account", allow_custom=True)
            objects[ua.id] = ua
            refs.append(ua.id)
        g = by_c_ident.get(cid)
        values: dict[tuple[str, str], list[str]] = {}
        for r in [] if g is None else g.to_dict("records"):
            t, v = r["id_type"], str(r["identifier"])
            if t == "proxy":
                infra = stix2.Infrastructure(
                    id=sid("infrastructure", t, v),
                    name=v,
                    infrastructure_types=["anonymization"],
                    description=f"proxy provider used by {int(r['members'])} members of linkgraph cluster {cid}",
                    created_by_ref=producer.id,
                    **common,
                )
                objects[infra.id] = infra
                refs.append(infra.id)
                continue
            if t in sco_of:
                sco = sco_of[t](v)
                objects[sco.id] = sco
                refs.append(sco.id)
            if t == "ip":
                values.setdefault((t, "ipv6-addr" if ":" in v else "ipv4-addr"), []).append(v)
            elif t in _STIX_PATHS:
                values.setdefault((t, _STIX_PATHS[t]), []).append(v)
            # subnets are covered by their IPs (and cost ~1 ms each to parse); organisations are
            # context, not indicators
        # one indicator per cluster, identifier type and chunk of values: the pattern parser
        # costs ~1 ms per indicator, so thousands of one-value indicators would take minutes
        for (t, obj), vals in values.items():
            for chunk_no, start in enumerate(range(0, len(vals), _STIX_CHUNK)):
                chunk = vals[start : start + _STIX_CHUNK]
                ind = stix2.Indicator(
                    id=sid("indicator", cid, t, obj, chunk_no),
                    name=f"linkgraph cluster {cid}: shared {t}",
                    description=f"{len(chunk)} {t} value(s) shared by members of linkgraph cluster {cid}",
                    pattern=_stix_pattern(t, obj, chunk),
                    pattern_type="stix",
                    valid_from=created,
                    indicator_types=["malicious-activity"],
                    created_by_ref=producer.id,
                    confidence=int(round(100 * float(row["score"]))),
                    allow_custom=True,
                    **common,
                )
                objects[ind.id] = ind
                refs.append(ind.id)
        grouping = stix2.Grouping(
            id=sid("grouping", cid),
            name=f"linkgraph cluster {cid}",
            context="suspicious-activity",
            description=row["evidence"],
            object_refs=refs or [producer.id],
            created_by_ref=producer.id,
            confidence=int(round(100 * float(row["score"]))),
            x_linkgraph_score=round(float(row["score"]), 6),
            x_linkgraph_size=int(row["size"]),
            x_linkgraph_run_id=rid,
            x_linkgraph_cluster_id=cid,
            x_linkgraph_decision=row["decision"] or "none",
            allow_custom=True,
            **common,
        )
        objects[grouping.id] = grouping
    bundle = stix2.Bundle(list(objects.values()), id=sid("bundle", ",".join(ids)), allow_custom=True)
    # stix2's pretty=True orders properties with a search that is quadratic in the bundle size;
    # indent the compact serialisation instead (same JSON, same key order)
    path = emit(out, json.dumps(json.loads(bundle.serialize()), indent=1, ensure_ascii=False) + "\n")
    return ExportReport("stix", rid, len(clusters), n_acc, skipped, objects=len(objects), path=path)

"""Account-level attribution and enforcement: which members of a flagged campaign to act on.

A campaign is flagged as a whole (``scoring``), but enforcement is per account. Every member
carries its own attribution:

* **ties**: the weight of its links to other members of the same campaign, by class
  (``linking.STRONG_TYPES``: payment methods, devices, email templates, ban-evasion,
  lockstep and co-activity; non-infrastructure IPs; widely shared infrastructure: proxy exits,
  NATs, VPNs, subnets, providers, email domains);
* **own evidence**: signals of the account itself, each worth a documented number of points
  (``OWN_POINTS``): already banned or in a confirmed campaign, a replacement of a banned
  account, a sequential email template shared with members, signed up in a burst with
  members, lockstep or co-activity with members, and enrichment where the export has it
  (prepaid card, scripted client, disposable email, jailbreak flags).

An account of a campaign scoring at least the threshold is **enforced** when its strong ties
reach ``enforce_strong_tie``, or its own evidence reaches ``enforce_own_evidence``, or it has
both a non-infrastructure IP tie of that size and one point of its own. Everything else in a
flagged campaign is **linked, not enforced**: e.g. a privacy-minded user on the same
residential-proxy exits as the operation, with its own card and browser (public reports
describe one proxy network serving 20,000+ campaign accounts and ordinary customers at once).
An account an analyst dismissed is never enforced again by the same evidence.

``attribution`` in [0, 1] is ``1 - exp(-(2 * strong + ip + 0.5 * own))``: a readable strength,
not a probability. Vectorised over the clustered accounts; reasons are built column-wise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.linking import Links
from linkgraph.scoring import AccountSignals
from linkgraph.settings import DetectSettings

OWN_POINTS: dict[str, float] = {
    "known_bad": 2.0,
    "replacement": 2.0,
    "sequential": 1.0,
    "template": 0.5,
    "burst": 1.0,
    "lockstep": 1.0,
    "coactivity": 1.0,
    "prepaid": 0.5,
    "automation": 0.5,
    "disposable": 0.5,
    "jailbreak": 0.5,
}
BURST_WINDOW_DAYS = 1.0
BURST_MIN_MATES = 3
BURST_RATIO = 5.0


@dataclass
class Attribution:
    """Per account index (all accounts; meaningful where ``labels >= 0``)."""

    strong: np.ndarray
    ip: np.ndarray
    infra: np.ndarray
    own: np.ndarray
    score: np.ndarray
    enforce: np.ndarray
    action: np.ndarray  # ``model.MEMBER_ACTIONS`` per account (object)
    reasons: list[str]  # per clustered account, in ``np.flatnonzero(labels >= 0)`` order


def _ties(links: Links, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per account: strong, IP and infrastructure tie weight to its own campaign; inside mask."""
    n = links.n_accounts
    la, lb = labels[links.a], labels[links.b]
    inside = (la >= 0) & (la == lb)
    a, b = links.a[inside], links.b[inside]

    def per_acc(w: np.ndarray) -> np.ndarray:
        return np.bincount(a, w, n) + np.bincount(b, w, n)

    strong = links.strong[inside] if len(links.strong) else np.zeros(len(a))
    ip = links.ip_weight[inside] if len(links.ip_weight) else np.zeros(len(a))
    infra = np.maximum(links.weight[inside] - strong - ip, 0.0)
    return per_acc(strong), per_acc(ip), per_acc(infra), inside


def _burst_mates(labels: np.ndarray, created: np.ndarray) -> np.ndarray:
    """Per account: other campaign members created within ±12 h, when far above the campaign's rate."""
    n = len(labels)
    out = np.zeros(n, bool)
    members = np.flatnonzero((labels >= 0) & ~np.isnan(created))
    if len(members) < 2:
        return out
    cl, t = labels[members], created[members]
    k = int(cl.max()) + 1
    first = np.full(k, np.inf)
    last = np.full(k, -np.inf)
    np.minimum.at(first, cl, t)
    np.maximum.at(last, cl, t)
    size = np.bincount(cl, minlength=k)
    span = np.maximum(last - first, BURST_WINDOW_DAYS)
    expected = (size - 1) * BURST_WINDOW_DAYS / span
    secs = np.round((t - np.nanmin(t)) * 86_400).astype(np.int64)
    width = int(secs.max()) + 2 * 86_400 + 1
    key = cl.astype(np.int64) * width + secs
    order = np.argsort(key, kind="stable")
    ks = key[order]
    half = int(BURST_WINDOW_DAYS * 86_400 / 2)
    mates = np.searchsorted(ks, ks + half, side="right") - np.searchsorted(ks, ks - half, side="left") - 1
    c = cl[order]
    ok = (mates >= BURST_MIN_MATES) & (mates >= BURST_RATIO * expected[c])
    out[members[order[ok]]] = True
    return out


def _own(links: Links, labels: np.ndarray, sig: AccountSignals, inside: np.ndarray) -> dict[str, np.ndarray]:
    """Bool per account per ``OWN_POINTS`` key."""
    n = links.n_accounts
    flags: dict[str, np.ndarray] = {}
    flags["known_bad"] = sig.known_bad
    flags["replacement"] = sig.replacement
    tm = sig.template
    shared_tm = np.zeros(n, bool)
    sel = (tm >= 0) & (labels >= 0)
    if sel.any():
        key = labels[sel].astype(np.int64) * (int(tm.max()) + 1) + tm[sel]
        _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
        shared_tm[np.flatnonzero(sel)[cnt[inv] >= 3]] = True
    flags["sequential"] = shared_tm & sig.sequential
    flags["template"] = shared_tm & ~sig.sequential
    flags["burst"] = _burst_mates(labels, sig.created)
    for key, t in (("lockstep", "lockstep"), ("coactivity", "coactivity")):
        hit = inside & (links.counts[t] > 0)
        f = np.zeros(n, bool)
        f[links.a[hit]] = True
        f[links.b[hit]] = True
        flags[key] = f
    prepaid = np.zeros(n, bool)
    pay = links.incidence.get("payment")
    if pay is not None and len(sig.prepaid_method):
        prepaid[pay.account[sig.prepaid_method[pay.ident]]] = True
    flags["prepaid"] = prepaid
    flags["automation"] = sig.automation
    flags["disposable"] = sig.disposable
    flags["jailbreak"] = sig.jailbreak > 0
    return flags


_PHRASES: dict[str, str] = {
    "known_bad": "banned/suspended, in a confirmed campaign or strongly matched by peer intel",
    "replacement": "replaces banned account {pred}",
    "sequential": "sequential email template shared with members",
    "template": "email template shared with members",
    "burst": "signed up in a burst with members",
    "lockstep": "first seen with members on several IPs within minutes",
    "coactivity": "daily usage near-identical to a member's",
    "prepaid": "prepaid card",
    "automation": "scripted client",
    "disposable": "disposable email",
    "jailbreak": "jailbreak-flagged requests",
}


def _tie_counts(links: Links, inside: np.ndarray) -> dict[str, np.ndarray]:
    """Per account and link type: campaign members it is linked to through that type."""
    n = links.n_accounts
    out = {}
    for t in ("payment", "device", "ip", "template", "evasion", "lockstep"):
        hit = inside & (links.counts[t] > 0)
        out[t] = np.bincount(links.a[hit], minlength=n) + np.bincount(links.b[hit], minlength=n)
    return out


_TIE_NAMES = {
    "payment": "payment method",
    "device": "device",
    "ip": "IP",
    "template": "email template",
    "evasion": "ban-evasion link",
    "lockstep": "lockstep",
}


def _reasons(
    members: np.ndarray,
    counts: dict[str, np.ndarray],
    flags: dict[str, np.ndarray],
    pred_ids: pa.Array,
) -> list[str]:
    """One line per clustered account, built column-wise with Arrow kernels (no per-account Python)."""
    parts: list[pa.Array] = []
    null = pa.scalar(None, pa.string())
    for t, name in _TIE_NAMES.items():
        c = counts[t][members]
        text = pc.binary_join_element_wise(
            f"shares {name} with ", pc.cast(pa.array(c), pa.string()), " members", ""
        )
        parts.append(pc.if_else(pa.array(c > 0), text, null))
    for key, phrase in _PHRASES.items():
        f = pa.array(flags[key][members])
        if key == "replacement":
            text = pc.binary_join_element_wise("replaces banned account ", pc.fill_null(pred_ids, "?"), "")
            parts.append(pc.if_else(f, text, null))
        else:
            parts.append(pc.if_else(f, pa.scalar(phrase), null))
    if not len(members):
        return []
    # join with a unit separator, then collapse the gaps left by absent parts (null_handling="skip"
    # drops rows in some pyarrow versions)
    joined = pc.binary_join_element_wise(*[pc.fill_null(p, "") for p in parts], "\x1f")
    joined = pc.utf8_trim(pc.replace_substring_regex(joined, "\x1f+", "\x1f"), "\x1f")
    return pc.replace_substring(joined, "\x1f", "; ").to_pylist()


def actions(eligible: np.ndarray, flagged: np.ndarray, dismissed: np.ndarray) -> np.ndarray:
    """``model.MEMBER_ACTIONS`` per account: ``linked_not_enforced`` whenever the account's own
    attribution is too weak (whatever its cluster's score), ``not_flagged`` for an attributable
    account of a cluster below the threshold (what an analyst's confirmation would enforce)."""
    return np.where(
        dismissed,
        "dismissed",
        np.where(~eligible, "linked_not_enforced", np.where(flagged, "enforce", "not_flagged")),
    ).astype(object)


def attribute(
    links: Links,
    labels: np.ndarray,
    sig: AccountSignals,
    campaign_score: np.ndarray,
    threshold: float,
    settings: DetectSettings,
) -> Attribution:
    """Attribution and the enforcement decision for every clustered account (module docstring)."""
    strong, ip, infra, inside = _ties(links, labels)
    flags = _own(links, labels, sig, inside)
    own = sum(OWN_POINTS[k] * flags[k].astype(float) for k in OWN_POINTS)
    own = np.asarray(own, dtype=float)
    flagged = np.zeros(links.n_accounts, bool)
    clustered = labels >= 0
    flagged[clustered] = campaign_score[labels[clustered]] >= threshold
    tie_ok = strong >= settings.enforce_strong_tie
    own_ok = own >= settings.enforce_own_evidence
    ip_ok = (ip >= settings.enforce_strong_tie) & (own >= 1.0)
    eligible = tie_ok | own_ok | ip_ok
    enforce = flagged & eligible & ~sig.known_good
    score = 1.0 - np.exp(-(2.0 * strong + ip + 0.5 * own))
    members = np.flatnonzero(clustered)
    pred = (
        links.signals.evasion.predecessor
        if links.signals is not None and links.signals.evasion is not None
        else None
    )
    pred_m = pred[members] if pred is not None else np.full(len(members), -1)
    pred_ids = pc.if_else(
        pa.array(pred_m >= 0),
        links.account_ids.take(pa.array(np.maximum(pred_m, 0))),
        pa.scalar(None, pa.string()),
    )
    reasons = _reasons(members, _tie_counts(links, inside), flags, pred_ids)
    act = actions(eligible, flagged, sig.known_good)
    return Attribution(strong, ip, infra, own, score, enforce, act, reasons)

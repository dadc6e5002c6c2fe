"""Explainable risk scores for clusters.

The model
---------
Each cluster gets a score in [0, 1] from a **logistic model with hand-set, documented
weights** over features normalised to [0, 1]::

    z     = BIAS + sum_i WEIGHTS[i] * x_i
    score = 1 / (1 + exp(-z))

Every cluster stores its raw ``features`` (JSON), the normalised-and-weighted
``contributions`` ``WEIGHTS[i] * x_i`` (JSON, in logit units, plus the bias) and a one-line
``evidence`` text built from the largest contributions, so an analyst can see *why* a
cluster scores what it scores, and the weights can be argued with.

Features (``x``, each in [0, 1]) and why they matter:

| feature | x | weight | why |
|---|---|---|---|
| size | log10(members) / 3 (1,000 → 1) | +0.5 | campaigns are many accounts; families are a handful |
| density | internal links / possible pairs | +0.5 | campaign accounts are interlinked, not chained |
| shared_payment | share of members whose payment method another member also uses | +2.0 | one card paying for many accounts |
| prepaid | share of the cluster's payment methods that are prepaid/gift/virtual | +1.0 | throwaway instruments |
| residential_proxy | share of requests through residential-proxy IPs | +3.0 | the signature of evading IP limits |
| hosting | share of requests through datacenter/Tor IPs | +1.0 | servers, not people |
| vpn | share of requests through consumer VPNs | +0.2 | weak: many ordinary users use VPNs |
| signup_burst | (members created in the busiest 24 h − 1) / (members − 1) | +2.0 | accounts made in one batch |
| automation_ua | share of members seen with scripted clients (python-requests, httpx, curl, Go-http-client, okhttp, ...) | +2.0 | scripts, not people |
| disposable_email | share of members on disposable email domains | +1.5 | throwaway identities |
| random_email | share of members with random-looking local parts (digits, consonant runs) | +1.0 | generated identities |
| rare_domain | concentration of members on one rare, non-webmail domain | +0.5 | a private domain made for the campaign |
| volume | percentile of requests per member among all accounts | +1.0 | distillation needs volume |
| frontier_share | share of requests on reasoning/coding/tool_use/agentic | +1.0 | what distillation targets |
| jailbreak | flagged jailbreak requests / requests × 10 (capped) | +1.5 | abuse, not use |
| verified_org | share of members in verified organisations | −6.0 | a verified enterprise team is accountable |
| webmail_names | share of members on webmail with name-like local parts | −1.0 | organic sign-ups |
| browser_ua | share of members seen only with ordinary browser user agents | −1.0 | people, not scripts |

``BIAS = -5.5``: a cluster needs several independent signals to pass the default enforcement
threshold ``DEFAULT_THRESHOLD = 0.7`` (z ≥ 0.85); one strong signal alone (a family sharing a
card, a team behind one NAT) stays well below it.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.linking import PROXY_LINK_KINDS, Links, _col, _days, _lookup

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.7

BIAS = -6.0
WEIGHTS: dict[str, float] = {
    "size": 1.5,
    "density": 0.25,
    "shared_payment": 2.0,
    "prepaid": 1.5,
    "residential_proxy": 3.0,
    "hosting": 0.5,
    "vpn": 0.2,
    "signup_burst": 1.5,
    "automation_ua": 1.5,
    "disposable_email": 1.5,
    "random_email": 1.0,
    "rare_domain": 0.5,
    "volume": 0.5,
    "frontier_share": 1.0,
    "jailbreak": 1.5,
    "verified_org": -6.0,
    "webmail_names": -1.0,
    "browser_ua": -1.0,
}

AUTOMATION_UA = (
    r"python-requests|python-urllib|python/|httpx|aiohttp|curl/|wget/|go-http-client|okhttp|"
    r"node-fetch|axios/|undici|libwww-perl|java/|apache-httpclient|scrapy|headlesschrome|"
    r"phantomjs|selenium|playwright|puppeteer|postmanruntime|insomnia"
)
BROWSER_UA = r"^mozilla/5\.0 "
FRONTIER_CATEGORIES = ("reasoning", "coding", "tool_use", "agentic")
PREPAID_METHOD = r"prepaid|gift|virtual"
HOSTING_KINDS = ("datacenter", "tor")
# random-looking local parts: many digits, long consonant runs, or few vowels in a long string
_RANDOM_LOCAL = r"[bcdfghjklmnpqrstvwxz]{5,}|[0-9][a-z]+[0-9]|^[a-z0-9]{16,}$"
_NAMELIKE_LOCAL = r"^[a-z]{2,}([._-]?[a-z]{2,}){0,2}[0-9]{0,4}$"


@dataclass
class AccountSignals:
    """Per-account inputs of the score, as arrays indexed like ``Links.account_ids``.

    Computed once per run (vectorised over whole tables) and shared by both views.
    """

    created: np.ndarray  # days since epoch (NaN unknown)
    verified: np.ndarray  # bool
    domain: np.ndarray  # email domain code (-1 none)
    domain_names: pa.Array
    domain_total: np.ndarray  # accounts per domain code
    webmail_domain: np.ndarray  # bool per domain code
    disposable: np.ndarray  # bool per account
    random_email: np.ndarray  # bool per account
    webmail_name: np.ndarray  # bool per account
    automation: np.ndarray  # bool per account
    browser_only: np.ndarray  # bool per account
    ip_requests: np.ndarray  # float per account: requests over all IPs
    residential: np.ndarray  # float: requests through residential proxies
    hosting: np.ndarray
    vpn: np.ndarray
    requests: np.ndarray  # float: usage requests
    frontier: np.ndarray  # float: usage requests on frontier categories
    jailbreak: np.ndarray  # float: flagged jailbreak requests
    requests_sorted: np.ndarray  # sorted per-account usage totals (for the volume percentile)


def _bool(arr: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _float(arr: pa.Array, fill: float = 0.0) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.cast(arr, pa.float64()), fill).to_numpy(zero_copy_only=False), dtype=float)


def _empty(tables: Mapping[str, pa.Table], name: str) -> bool:
    t = tables.get(name)
    return t is None or t.num_rows == 0


def account_signals(tables: Mapping[str, pa.Table], links: Links) -> AccountSignals:
    """Compute every per-account signal the score uses (vectorised, whole tables)."""
    ids = links.account_ids
    n = len(ids)
    acc = tables["accounts"]
    created = _days(_col(acc, "created_at"))
    verified = _bool(_col(acc, "org_verified")) if "org_verified" in acc.column_names else np.zeros(n, bool)

    # email
    inc = links.incidence.get("email_domain")
    domain = np.full(n, -1, dtype=np.int64)
    if inc is not None and len(inc.names):
        domain[inc.account] = inc.ident
        domain_names = inc.names
        domain_total = inc.n
        webmail_domain = inc.mult == 0
        disp_dom = inc.disposable if inc.disposable is not None else np.zeros(len(inc.names), bool)
    else:
        domain_names = pa.array([], pa.string())
        domain_total = np.zeros(0, np.int64)
        webmail_domain = np.zeros(0, bool)
        disp_dom = np.zeros(0, bool)
    has_dom = domain >= 0
    disposable = np.zeros(n, bool)
    disposable[has_dom] = disp_dom[domain[has_dom]]
    local = _col(acc, "email_local") if "email_local" in acc.column_names else pa.nulls(n, pa.string())
    local = pc.utf8_lower(pc.fill_null(local, ""))
    n_digits = _float(pc.count_substring_regex(local, "[0-9]"))
    length = np.maximum(_float(pc.utf8_length(local)), 1.0)
    random_email = ((n_digits / length) >= 0.3) | _bool(pc.match_substring_regex(local, _RANDOM_LOCAL))
    random_email &= length >= 4
    namelike = _bool(pc.match_substring_regex(local, _NAMELIKE_LOCAL)) & ~random_email
    webmail_acc = np.zeros(n, bool)
    webmail_acc[has_dom] = webmail_domain[domain[has_dom]]
    webmail_name = namelike & webmail_acc

    # IP traffic and user agents
    automation = np.zeros(n, bool)
    non_browser = np.zeros(n, bool)
    has_ua = np.zeros(n, bool)
    ip_requests = np.zeros(n)
    residential = np.zeros(n)
    hosting = np.zeros(n)
    vpn = np.zeros(n)
    if not _empty(tables, "used_ip"):
        u = tables["used_ip"]
        ua_acc = _lookup(_col(u, "account_id"), ids)
        ok = ua_acc >= 0
        req = _float(_col(u, "request_count"), 1.0)
        req = np.where(req > 0, req, 1.0)
        ua = pc.utf8_lower(_col(u, "user_agent"))
        is_auto = _bool(pc.match_substring_regex(ua, AUTOMATION_UA))
        is_browser = _bool(pc.match_substring_regex(ua, BROWSER_UA)) & ~is_auto
        ua_known = np.asarray(pc.is_valid(ua).to_numpy(zero_copy_only=False), dtype=bool)
        automation[ua_acc[ok & is_auto]] = True
        non_browser[ua_acc[ok & ua_known & ~is_browser]] = True
        has_ua[ua_acc[ok & ua_known]] = True
        ip_requests = np.bincount(ua_acc[ok], weights=req[ok], minlength=n)
        if not _empty(tables, "ip_addresses"):
            ipa = tables["ip_addresses"]
            pos = _lookup(_col(u, "ip"), _col(ipa, "ip"))
            kind = pc.take(pc.fill_null(_col(ipa, "proxy_kind"), ""), pa.array(np.where(pos >= 0, pos, 0)))
            kind_np = np.where(pos >= 0, np.asarray(kind.to_numpy(zero_copy_only=False), dtype=object), "")
            for target, kinds in ((residential, ("residential_proxy",)), (hosting, HOSTING_KINDS), (vpn, ("vpn",))):
                sel = ok & np.isin(kind_np, kinds)
                target += np.bincount(ua_acc[sel], weights=req[sel], minlength=n)
    browser_only = has_ua & ~non_browser

    # usage
    requests = np.zeros(n)
    frontier = np.zeros(n)
    jailbreak = np.zeros(n)
    if not _empty(tables, "usage"):
        us = tables["usage"]
        ua_acc = _lookup(_col(us, "account_id"), ids)
        ok = ua_acc >= 0
        r = _float(_col(us, "requests"))
        requests = np.bincount(ua_acc[ok], weights=r[ok], minlength=n)
        cat = pc.utf8_lower(pc.fill_null(_col(us, "category"), "other"))
        is_front = _bool(pc.is_in(cat, value_set=pa.array(FRONTIER_CATEGORIES)))
        sel = ok & is_front
        frontier = np.bincount(ua_acc[sel], weights=r[sel], minlength=n)
        if "flagged_jailbreak" in us.column_names:
            jb = _float(_col(us, "flagged_jailbreak"))
            jailbreak = np.bincount(ua_acc[ok], weights=jb[ok], minlength=n)
    return AccountSignals(
        created=created,
        verified=verified,
        domain=domain,
        domain_names=domain_names,
        domain_total=domain_total,
        webmail_domain=webmail_domain,
        disposable=disposable,
        random_email=random_email,
        webmail_name=webmail_name,
        automation=automation,
        browser_only=browser_only,
        ip_requests=ip_requests,
        residential=residential,
        hosting=hosting,
        vpn=vpn,
        requests=requests,
        frontier=frontier,
        jailbreak=jailbreak,
        requests_sorted=np.sort(requests),
    )


def _burst(cl: np.ndarray, t: np.ndarray, k: int, window_days: float) -> np.ndarray:
    """Per cluster, the most members created within any ``window_days`` window (vectorised)."""
    best = np.zeros(k, dtype=np.int64)
    ok = ~np.isnan(t)
    if not ok.any():
        return best
    cl, t = cl[ok], t[ok]
    secs = np.round((t - np.nanmin(t)) * 86_400).astype(np.int64)
    span = int(secs.max()) + int(window_days * 86_400) + 1
    key = cl.astype(np.int64) * span + secs
    key.sort()
    ends = np.searchsorted(key, key + int(window_days * 86_400), side="right")
    inwin = ends - np.arange(len(key))
    np.maximum.at(best, key // span, inwin)
    return best


def _top_strings(cl: np.ndarray, names: np.ndarray, weights: np.ndarray, k: int, top: int = 3) -> list[str]:
    """Per cluster, the ``top`` names by summed weight, comma-separated (largest first)."""
    out = [""] * k
    if len(cl) == 0:
        return out
    df = pd.DataFrame({"c": cl, "n": names, "w": weights})
    g = df.groupby(["c", "n"], sort=False)["w"].sum().reset_index()
    g = g[g["w"] > 0].sort_values(["c", "w", "n"], ascending=[True, False, True])
    g = g.groupby("c").head(top)
    for c, grp in g.groupby("c")["n"]:
        out[int(c)] = ",".join(str(x) for x in grp)
    return out


def normalise(raw: pd.DataFrame) -> pd.DataFrame:
    """Raw features → x in [0, 1] per ``WEIGHTS`` key (see the module docstring)."""
    x = pd.DataFrame(index=raw.index)
    x["size"] = np.clip(np.log10(np.maximum(raw["size"], 1) / 3.0) / 2.0, 0, 1)
    x["density"] = raw["density"]
    x["shared_payment"] = raw["shared_payment_share"]
    x["prepaid"] = raw["prepaid_share"]
    x["residential_proxy"] = raw["residential_proxy_share"]
    x["hosting"] = raw["hosting_share"]
    x["vpn"] = raw["vpn_share"]
    x["signup_burst"] = raw["signup_burst_24h"]
    x["automation_ua"] = raw["automation_ua_share"]
    x["disposable_email"] = raw["disposable_email_share"]
    x["random_email"] = raw["random_email_share"]
    x["rare_domain"] = raw["rare_domain_share"]
    x["volume"] = raw["volume_percentile"]
    x["frontier_share"] = raw["frontier_share"]
    x["jailbreak"] = np.clip(raw["jailbreak_rate"] * 10.0, 0, 1)
    x["verified_org"] = raw["verified_share"]
    x["webmail_names"] = raw["webmail_name_share"]
    x["browser_ua"] = raw["browser_ua_share"]
    return x.clip(0, 1).fillna(0.0)


def score_frame(
    raw: pd.DataFrame, weights: Mapping[str, float] | None = None, bias: float | None = None
) -> tuple[np.ndarray, pd.DataFrame]:
    """Scores and per-feature contributions (logit units) for raw feature rows."""
    weights = dict(WEIGHTS if weights is None else weights)
    bias = BIAS if bias is None else bias
    x = normalise(raw)
    contrib = pd.DataFrame({k: x[k] * w for k, w in weights.items()}, index=raw.index)
    z = bias + contrib.sum(axis=1).to_numpy()
    return 1.0 / (1.0 + np.exp(-z)), contrib


def cluster_features(
    labels: np.ndarray, links: Links, sig: AccountSignals, tables: Mapping[str, pa.Table]
) -> pd.DataFrame:
    """Raw features and summary columns per cluster label (0..k-1), vectorised over members."""
    k = int(labels.max(initial=-1)) + 1
    members = np.flatnonzero(labels >= 0)
    cl = labels[members]
    size = np.bincount(cl, minlength=k).astype(float)
    f = pd.DataFrame(index=pd.RangeIndex(k))
    f["size"] = size.astype(np.int64)

    def share(flag: np.ndarray) -> np.ndarray:
        return np.bincount(cl, weights=flag[members].astype(float), minlength=k) / np.maximum(size, 1)

    # density
    la, lb = labels[links.a], labels[links.b]
    inside = (la >= 0) & (la == lb)
    n_int = np.bincount(la[inside], minlength=k).astype(float)
    w_int = np.bincount(la[inside], weights=links.weight[inside], minlength=k)
    f["links"] = n_int.astype(np.int64)
    f["density"] = n_int / np.maximum(size * (size - 1) / 2, 1)
    f["mean_link_weight"] = w_int / np.maximum(n_int, 1)

    # payment
    pay = links.incidence.get("payment")
    f["payment_methods"] = 0
    f["shared_payment_methods"] = 0
    f["accounts_per_shared_payment"] = 0.0
    f["shared_payment_share"] = 0.0
    f["accounts_per_payment"] = 0.0
    f["prepaid_share"] = 0.0
    if pay is not None and len(pay.account):
        pl = labels[pay.account]
        sel = pl >= 0
        pk = pl[sel].astype(np.int64) * len(pay.names) + pay.ident[sel]
        uk, inv, cnt = np.unique(pk, return_inverse=True, return_counts=True)
        ucl = uk // len(pay.names)
        uid = uk % len(pay.names)
        n_methods = np.bincount(ucl, minlength=k)
        f["payment_methods"] = n_methods
        shared_method = cnt >= 2
        f["shared_payment_methods"] = np.bincount(ucl[shared_method], minlength=k)
        f["accounts_per_shared_payment"] = np.bincount(
            ucl[shared_method], weights=cnt[shared_method].astype(float), minlength=k
        ) / np.maximum(f["shared_payment_methods"].to_numpy(), 1)
        shared_row = cnt[inv] >= 2
        shared_acc = np.zeros(len(labels), bool)
        shared_acc[pay.account[sel][shared_row]] = True
        f["shared_payment_share"] = share(shared_acc)
        with_pay = np.zeros(len(labels), bool)
        with_pay[pay.account] = True
        f["accounts_per_payment"] = np.bincount(cl, weights=with_pay[members].astype(float), minlength=k) / np.maximum(
            n_methods, 1
        )
        if not _empty(tables, "payment_methods"):
            pm = tables["payment_methods"]
            mpos = _lookup(pay.names, _col(pm, "payment_fingerprint"))
            mt = pc.take(pc.fill_null(_col(pm, "method_type"), ""), pa.array(np.where(mpos >= 0, mpos, 0)))
            prepaid = _bool(pc.match_substring_regex(pc.utf8_lower(mt), PREPAID_METHOD)) & (mpos >= 0)
            f["prepaid_share"] = np.bincount(ucl, weights=prepaid[uid].astype(float), minlength=k) / np.maximum(
                n_methods, 1
            )

    # traffic through proxies
    ipr = np.bincount(cl, weights=sig.ip_requests[members], minlength=k)
    for name, arr in (("residential_proxy_share", sig.residential), ("hosting_share", sig.hosting), ("vpn_share", sig.vpn)):
        f[name] = np.bincount(cl, weights=arr[members], minlength=k) / np.maximum(ipr, 1)
    f["proxy_ips"] = 0
    f["proxy_providers"] = ""
    if not _empty(tables, "used_ip") and not _empty(tables, "ip_addresses"):
        u = tables["used_ip"]
        ipinc = links.incidence.get("ip")
        if ipinc is not None:
            ipa = tables["ip_addresses"]
            pos = _lookup(ipinc.names, _col(ipa, "ip"))
            take = pa.array(np.where(pos >= 0, pos, 0))
            kind = pc.take(pc.fill_null(_col(ipa, "proxy_kind"), ""), take)
            prov = pc.take(pc.fill_null(_col(ipa, "proxy_provider"), ""), take)
            is_proxy = _bool(pc.is_in(kind, value_set=pa.array(sorted(PROXY_LINK_KINDS)))) & (pos >= 0)
            il = labels[ipinc.account]
            sel = (il >= 0) & is_proxy[ipinc.ident]
            uk = np.unique(il[sel].astype(np.int64) * len(ipinc.names) + ipinc.ident[sel])
            f["proxy_ips"] = np.bincount(uk // len(ipinc.names), minlength=k)
            # requests per (cluster, provider): use the used_ip rows directly
            uacc = _lookup(_col(u, "account_id"), links.account_ids)
            upos = _lookup(_col(u, "ip"), _col(ipa, "ip"))
            ul = np.where(uacc >= 0, labels[np.maximum(uacc, 0)], -1)
            ukind = pc.take(pc.fill_null(_col(ipa, "proxy_kind"), ""), pa.array(np.where(upos >= 0, upos, 0)))
            uprov = pc.take(pc.fill_null(_col(ipa, "proxy_provider"), ""), pa.array(np.where(upos >= 0, upos, 0)))
            usel = (ul >= 0) & (upos >= 0) & _bool(pc.is_in(ukind, value_set=pa.array(sorted(PROXY_LINK_KINDS))))
            req = _float(_col(u, "request_count"), 1.0)
            idx = np.flatnonzero(usel)
            names = np.asarray(pc.take(uprov, pa.array(idx)).to_numpy(zero_copy_only=False), dtype=object)
            f["proxy_providers"] = _top_strings(ul[idx], names, np.maximum(req[idx], 1.0), k)
            del prov

    # sign-ups
    created = sig.created[members]
    ok = ~np.isnan(created)
    first = np.full(k, np.inf)
    last = np.full(k, -np.inf)
    np.minimum.at(first, cl[ok], created[ok])
    np.maximum.at(last, cl[ok], created[ok])
    f["first_signup_days"] = np.where(np.isinf(first), np.nan, first)
    f["last_signup_days"] = np.where(np.isinf(last), np.nan, last)
    for days, name in ((1.0, "signup_burst_24h"), (3.0, "signup_burst_72h")):
        best = _burst(cl, created, k, days)
        f[name] = np.maximum(best - 1, 0) / np.maximum(size - 1, 1)

    # user agents and email
    f["automation_ua_share"] = share(sig.automation)
    f["browser_ua_share"] = share(sig.browser_only)
    f["disposable_email_share"] = share(sig.disposable)
    f["random_email_share"] = share(sig.random_email)
    f["webmail_name_share"] = share(sig.webmail_name)
    f["rare_domain_share"] = 0.0
    f["top_domain"] = ""
    dom = sig.domain[members]
    dsel = dom >= 0
    if dsel.any():
        nd = len(sig.domain_names)
        dk, dcnt = np.unique(cl[dsel].astype(np.int64) * nd + dom[dsel], return_counts=True)
        dcl, did = dk // nd, dk % nd
        nonweb = ~sig.webmail_domain[did]
        # concentration: share of the cluster on the domain x share of the domain in the cluster
        conc = np.where(nonweb, (dcnt / size[dcl]) * (dcnt / np.maximum(sig.domain_total[did], 1)), 0.0)
        best = np.zeros(k)
        np.maximum.at(best, dcl, conc)
        f["rare_domain_share"] = best
        order = np.lexsort((-dcnt, dcl))
        firsts = order[np.searchsorted(dcl[order], np.arange(k))[np.isin(np.arange(k), dcl)]]
        top = [""] * k
        names = sig.domain_names.take(pa.array(did[firsts])).to_pylist()
        for c, nm in zip(dcl[firsts].tolist(), names, strict=True):
            top[c] = nm or ""
        f["top_domain"] = top
    f["verified_share"] = share(sig.verified)

    # usage
    req = np.bincount(cl, weights=sig.requests[members], minlength=k)
    f["requests"] = np.round(req).astype(np.int64)
    per_member = req / np.maximum(size, 1)
    pct = np.searchsorted(sig.requests_sorted, per_member, side="left") / max(len(sig.requests_sorted), 1)
    f["requests_per_member"] = per_member
    f["volume_percentile"] = np.where(req > 0, pct, 0.0)
    f["frontier_share"] = np.bincount(cl, weights=sig.frontier[members], minlength=k) / np.maximum(req, 1)
    f["jailbreak_rate"] = np.bincount(cl, weights=sig.jailbreak[members], minlength=k) / np.maximum(req, 1)
    f["top_categories"] = ""
    if not _empty(tables, "usage"):
        us = tables["usage"]
        uacc = _lookup(_col(us, "account_id"), links.account_ids)
        ul = np.where(uacc >= 0, labels[np.maximum(uacc, 0)], -1)
        idx = np.flatnonzero(ul >= 0)
        cats = np.asarray(
            pc.take(pc.fill_null(_col(us, "category"), "other"), pa.array(idx)).to_numpy(zero_copy_only=False),
            dtype=object,
        )
        f["top_categories"] = _top_strings(ul[idx], cats, _float(_col(us, "requests"))[idx], k)
    return f


FEATURE_COLUMNS = (
    "size",
    "links",
    "density",
    "mean_link_weight",
    "payment_methods",
    "accounts_per_payment",
    "shared_payment_methods",
    "accounts_per_shared_payment",
    "shared_payment_share",
    "prepaid_share",
    "proxy_ips",
    "residential_proxy_share",
    "hosting_share",
    "vpn_share",
    "signup_burst_24h",
    "signup_burst_72h",
    "automation_ua_share",
    "browser_ua_share",
    "disposable_email_share",
    "random_email_share",
    "webmail_name_share",
    "rare_domain_share",
    "top_domain",
    "verified_share",
    "requests",
    "requests_per_member",
    "volume_percentile",
    "frontier_share",
    "jailbreak_rate",
)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def evidence_text(row: Mapping[str, object], contrib: Mapping[str, float]) -> str:
    """One line naming the strongest reasons, e.g.
    ``212 accounts: shares 3 payment methods, 41 proxy IPs (provider X), 80% signed up within 24 h``."""

    def num(key: str) -> float:
        v = row.get(key)
        return float(v) if isinstance(v, int | float | np.integer | np.floating) and v == v else 0.0

    phrases: dict[str, str] = {}
    n, pm, pips = int(num("size")), int(num("shared_payment_methods")), int(num("proxy_ips"))
    if pm:
        each = f" ({num('accounts_per_shared_payment'):.1f} accounts each)"
        phrases["shared_payment"] = f"shares {pm} payment method{'s' if pm != 1 else ''}{each}"
    phrases["prepaid"] = f"{_pct(num('prepaid_share'))} prepaid cards"
    provs = str(row.get("proxy_providers") or "")
    via = f" ({provs.split(',')[0]})" if provs else ""
    phrases["residential_proxy"] = f"{pips} proxy IPs{via} carry {_pct(num('residential_proxy_share'))} of requests"
    phrases["hosting"] = f"{_pct(num('hosting_share'))} of requests from datacenter/Tor"
    phrases["vpn"] = f"{_pct(num('vpn_share'))} of requests via VPN"
    phrases["signup_burst"] = f"{_pct(num('signup_burst_24h'))} signed up within 24 h"
    phrases["automation_ua"] = f"{_pct(num('automation_ua_share'))} scripted user agents"
    phrases["disposable_email"] = f"{_pct(num('disposable_email_share'))} disposable email"
    phrases["random_email"] = f"{_pct(num('random_email_share'))} random-looking email names"
    if row.get("top_domain"):
        phrases["rare_domain"] = f"many on {row['top_domain']}"
    phrases["volume"] = f"{num('requests_per_member'):,.0f} requests per account"
    phrases["frontier_share"] = f"{_pct(num('frontier_share'))} of requests on reasoning/coding/tool use/agentic"
    phrases["jailbreak"] = f"{100 * num('jailbreak_rate'):.1f}% jailbreak-flagged"
    phrases["verified_org"] = f"{_pct(num('verified_share'))} in verified organisations"
    phrases["webmail_names"] = f"{_pct(num('webmail_name_share'))} webmail with name-like addresses"
    phrases["browser_ua"] = f"{_pct(num('browser_ua_share'))} browser-only"
    ranked = sorted(((v, key) for key, v in contrib.items() if key in phrases), key=lambda t: -abs(t[0]))
    picked = [(v, key) for v, key in ranked if abs(v) >= 0.3][:5]
    up = [phrases[key] for v, key in picked if v > 0]
    down = [phrases[key] for v, key in picked if v < 0]
    text = f"{n} accounts" + (": " + ", ".join(up) if up else "")
    return text + ("; lowered by " + ", ".join(down) if down else "")


def score_clusters(
    labels: np.ndarray,
    links: Links,
    sig: AccountSignals,
    tables: Mapping[str, pa.Table],
    weights: Mapping[str, float] | None = None,
    bias: float | None = None,
) -> pd.DataFrame:
    """One row per cluster label: score, evidence, features/contributions JSON and summaries."""
    f = cluster_features(labels, links, sig, tables)
    score, contrib = score_frame(f, weights, bias)
    bias_v = BIAS if bias is None else bias
    out = pd.DataFrame(index=f.index)
    out["score"] = np.round(score, 6)
    out["size"] = f["size"].astype(np.int64)
    frec = f[list(FEATURE_COLUMNS)].to_dict("records")
    crec = contrib.round(4).to_dict("records")
    provs = f["proxy_providers"].tolist()
    out["evidence"] = [
        evidence_text({**r, "proxy_providers": p}, c) for r, c, p in zip(frec, crec, provs, strict=True)
    ]
    out["features"] = [json.dumps(_clean(r), sort_keys=True) for r in frec]
    out["contributions"] = [json.dumps({"bias": bias_v, **c}, sort_keys=True) for c in crec]
    out["first_signup_days"] = f["first_signup_days"]
    out["last_signup_days"] = f["last_signup_days"]
    out["payment_methods"] = f["payment_methods"].astype(np.int64)
    out["proxy_providers"] = f["proxy_providers"]
    out["requests"] = f["requests"].astype(np.int64)
    out["top_categories"] = f["top_categories"]
    return out


def _clean(rec: Mapping[str, object]) -> dict[str, object]:
    """JSON-safe feature values (NumPy scalars → Python, floats rounded, NaN → None)."""
    out: dict[str, object] = {}
    for key, v in rec.items():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float):
            v = None if math.isnan(v) else round(v, 4)
        out[key] = v
    return out

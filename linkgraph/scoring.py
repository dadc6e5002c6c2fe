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

Features are in two groups. **Structural** features need no vendor vocabulary: they measure
the cluster against the data's own background (``signals.background``) and work on a minimal
export. **Enrichment** features read vendor values through synonym tables
(``signals.vocabulary``). A feature whose input the export lacks is **unknown**: NaN in
``features``, 0 in ``contributions`` (neither for nor against), and named in the evidence.

| feature | x | weight | why |
|---|---|---|---|
| size | log10(members / 3) / 2 (3 → 0, 30 → 0.5, 300+ → 1) | +1.5 | campaigns are many accounts; families are a handful |
| density | internal links / possible pairs | +0.25 | interlinked, not chained (weak: tiny clusters are always dense) |
| shared_strong | share of members sharing a payment method or device with another member | +1.5 | one operator's instruments and machines |
| multi_shared | log2(distinct shared payment methods and devices) / 3 | +1.5 | many instruments each shared by a few: an operation, not a household or a corporate card |
| surprise | −log10 P(so many members share, Binomial(size, background rate)) / 20 | +1.0 | sharing far beyond what the population does |
| signup_burst | (members created in the busiest 24 h − 1) / (members − 1) | +1.5 | accounts made in one batch |
| evasion | 4 × share of members that replace a banned account (same device/card/IP, created after its last activity) | +2.5 | ban evasion |
| known_bad | 3 × share of members banned/suspended in the export or in analyst-confirmed campaigns | +1.5 | known-bad propagation |
| template | share of members on an email template shared by ≥ 3 members (× min(1, 2 × shared_strong)) | +1.5 | generated identities; without shared instruments a naming convention (classroom, team) |
| sequential | share of members numbered in sequence on a shared template (same factor) | +1.0 | generated in order |
| lockstep | share of members first seen with another member on ≥ 2 IPs within minutes | +3.0 | scripted, synchronised access (CopyCatch: repeated coincidences) |
| coactivity | share of members with near-identical daily volume and category mix to another member | +1.0 | one pipeline driving many accounts (a team's cron jobs too, hence not more) |
| prepaid | share of the cluster's payment methods that are prepaid/gift/virtual (synonyms) | +1.0 | throwaway instruments |
| residential_proxy | share of requests through residential-proxy IPs (network class) | +1.5 | evading per-IP limits |
| hosting | share of requests through hosting/Tor IPs | +0.3 | weak: API developers call from clouds too |
| vpn | share of requests through VPNs | +0.1 | weak: many ordinary users use VPNs |
| automation_ua | share of members seen with scripted clients | +1.0 | scripts, not people (API users script too) |
| disposable_email | share of members on disposable email domains | +1.0 | throwaway identities |
| random_email | share of members with random-looking local parts | +0.5 | generated identities |
| rare_domain | max over non-webmail domains of (share of the cluster on it × share of the domain's accounts in the cluster) | +0.3 | a private domain made for the campaign (or a company's) |
| volume | percentile of the cluster's requests per member among all accounts | +0.3 | distillation needs volume |
| frontier_share | share of requests on reasoning/coding/tool_use/agentic | +0.5 | what distillation targets |
| jailbreak | flagged jailbreak requests / requests × 10 (capped at 1) | +1.0 | abuse, not use |
| verified_org | share of members in verified organisations | −6.0 | a verified enterprise customer is accountable |
| org_network | share of requests from corporate/education networks (network class) | −1.5 | offices and campuses, not proxy pools |
| known_good | share of members an analyst dismissed (remembered across runs) | −6.0 | a dismissal is not re-litigated by the same evidence |
| webmail_names | share of members on webmail with name-like local parts | −0.5 | organic sign-ups |
| browser_ua | share of members seen only with ordinary browser user agents | −0.5 | people, not scripts |

``BIAS = -5.5``: a cluster needs several independent evidence families to pass the default
enforcement threshold ``DEFAULT_THRESHOLD = 0.7`` (z ≥ 0.85); one strong signal alone (a
family sharing a card, a team behind one NAT, a classroom with sequential addresses,
developers on cloud hosts) stays well below. Structural features alone can pass it, so a
minimal export (accounts, payment methods, bare IP events) still finds operations.
Enforcement is then decided per account (``attribution``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.linking import Links, _col, _lookup, prepare_inputs
from linkgraph.loaders.normalise import NAMELIKE_LOCAL, RANDOM_LOCAL
from linkgraph.signals import background, vocabulary

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.7

BIAS = -5.5
WEIGHTS: dict[str, float] = {
    "size": 1.5,
    "density": 0.25,
    "shared_strong": 1.5,
    "multi_shared": 1.5,
    "surprise": 1.0,
    "signup_burst": 1.5,
    "evasion": 2.5,
    "known_bad": 1.5,
    "template": 1.5,
    "sequential": 1.0,
    "lockstep": 3.0,
    "coactivity": 1.0,
    "prepaid": 1.0,
    "residential_proxy": 1.5,
    "hosting": 0.3,
    "vpn": 0.1,
    "automation_ua": 1.0,
    "disposable_email": 1.0,
    "random_email": 0.5,
    "rare_domain": 0.3,
    "volume": 0.3,
    "frontier_share": 0.5,
    "jailbreak": 1.0,
    "verified_org": -6.0,
    "org_network": -1.5,
    "known_good": -6.0,
    "webmail_names": -0.5,
    "browser_ua": -0.5,
}
# feature -> the inputs (``signals.inputs.INPUTS``) it needs; any one of them suffices.
# Without them the feature is unknown (NaN, contributes 0).
NEEDS: dict[str, tuple[str, ...]] = {
    "shared_strong": ("payment_methods", "ip_events.device_id"),
    "multi_shared": ("payment_methods", "ip_events.device_id"),
    "surprise": ("payment_methods", "ip_events.device_id"),
    "signup_burst": ("accounts.created_at",),
    "evasion": ("accounts.status",),
    "known_bad": ("accounts.status", "decisions"),
    "template": ("accounts.email",),
    "sequential": ("accounts.email",),
    "lockstep": ("ip_events.first_seen",),
    "coactivity": ("usage",),
    "prepaid": ("payment_methods.method_type",),
    "residential_proxy": ("network_classes",),
    "hosting": ("network_classes",),
    "vpn": ("network_classes",),
    "automation_ua": ("ip_events.user_agent",),
    "browser_ua": ("ip_events.user_agent",),
    "disposable_email": ("accounts.email",),
    "random_email": ("accounts.email",),
    "webmail_names": ("accounts.email",),
    "rare_domain": ("accounts.email",),
    "volume": ("usage",),
    "frontier_share": ("usage.category",),
    "jailbreak": ("usage.flagged_jailbreak",),
    "verified_org": ("accounts.org_verified",),
    "org_network": ("network_classes",),
}

AUTOMATION_UA = (
    r"python-requests|python-urllib|python/|httpx|aiohttp|curl/|wget/|go-http-client|okhttp|"
    r"node-fetch|axios/|undici|libwww-perl|java/|apache-httpclient|scrapy|headlesschrome|"
    r"phantomjs|selenium|playwright|puppeteer|postmanruntime|insomnia"
)
BROWSER_UA = r"^mozilla/5\.0 "
FRONTIER_CATEGORIES = ("reasoning", "coding", "tool_use", "agentic")
HOSTING_CLASSES = ("hosting", "tor")
# random-looking local parts: many digits, long consonant runs, or few vowels in a long string
# one definition, shared with the loader that stores the flags (accounts.email_random/_namelike)
_RANDOM_LOCAL = RANDOM_LOCAL
_NAMELIKE_LOCAL = NAMELIKE_LOCAL


@dataclass
class AccountSignals:
    """Per-account (and per-row) inputs of the score, indexed like ``Links.account_ids``.

    Computed once per run, vectorised over whole tables, and shared by both views.
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
    org_net: np.ndarray  # float: requests through corporate/education networks
    requests: np.ndarray  # float: usage requests
    frontier: np.ndarray  # float: usage requests on frontier categories
    jailbreak: np.ndarray  # float: flagged jailbreak requests
    requests_sorted: np.ndarray  # sorted per-account usage totals (for the volume percentile)
    # row level, for per-cluster summaries
    ip_acc: np.ndarray  # used_ip row -> account index
    ip_req: np.ndarray  # used_ip row -> requests (>= 1)
    ip_code: np.ndarray  # used_ip row -> ip code
    ip_is_proxy: np.ndarray  # per ip code: provider kind is a proxy kind
    ip_provider: np.ndarray  # per ip code: provider code (-1 none)
    provider_names: pa.Array
    usage_acc: np.ndarray
    usage_req: np.ndarray
    usage_cat: np.ndarray  # category code
    category_names: pa.Array
    prepaid_method: np.ndarray  # per payment identifier code: prepaid/gift/virtual instrument
    # known-bad / known-good and derived signals (see ``linkgraph.signals``)
    known_bad: np.ndarray  # bool per account: banned/suspended in the export or confirmed by analysts
    known_good: np.ndarray  # bool per account: dismissed by analysts
    replacement: np.ndarray  # bool per account: replaces a banned account (ban evasion)
    template: np.ndarray  # template code per account (-1 none)
    sequential: np.ndarray  # bool per account: numbered in sequence on its template
    have: dict[str, bool]  # inputs the run had (``signals.inputs``, plus network_classes/decisions)


def _bool(arr: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _float(arr: pa.Array, fill: float = 0.0) -> np.ndarray:
    return np.asarray(
        pc.fill_null(pc.cast(arr, pa.float64()), fill).to_numpy(zero_copy_only=False), dtype=float
    )


def _per_row(flags_by_name: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """A per-distinct-value flag spread to rows by code (False for code -1)."""
    if len(flags_by_name) == 0:
        return np.zeros(len(codes), bool)
    return np.where(codes >= 0, flags_by_name[np.maximum(codes, 0)], False)


def account_signals(
    tables: Mapping[str, pa.Table],
    links: Links,
    confirmed: np.ndarray | None = None,
    dismissed: np.ndarray | None = None,
) -> AccountSignals:
    """Compute every per-account signal the score uses (vectorised, whole tables).

    ``confirmed`` / ``dismissed``: bool per account from analysts' decisions (``known``); None
    when there are none.
    """
    inp = links.inputs if links.inputs is not None else prepare_inputs(tables)
    n = len(inp.account_ids)
    acc = inp.tables["accounts"]
    created = inp.created
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
    disposable = _per_row(disp_dom, domain)
    local = _col(acc, "email_local") if "email_local" in acc.column_names else pa.nulls(n, pa.string())
    local = pc.utf8_lower(pc.fill_null(local, ""))
    n_digits = _float(pc.count_substring_regex(local, "[0-9]"))
    length = np.maximum(_float(pc.utf8_length(local)), 1.0)
    random_email = ((n_digits / length) >= 0.3) | _bool(pc.match_substring_regex(local, _RANDOM_LOCAL))
    random_email &= length >= 4
    namelike = _bool(pc.match_substring_regex(local, _NAMELIKE_LOCAL)) & ~random_email
    if "email_random" in acc.column_names:  # the loader's flags, made before pseudonymising
        derived = _bool(pc.is_valid(_col(acc, "email_random")))
        random_email = np.where(derived, _bool(_col(acc, "email_random")), random_email)
        namelike = np.where(derived, _bool(_col(acc, "email_namelike")), namelike) & ~random_email
    webmail_name = namelike & _per_row(webmail_domain, domain)

    # IP traffic and user agents: regexes run on the distinct user agents only
    automation = np.zeros(n, bool)
    non_browser = np.zeros(n, bool)
    has_ua = np.zeros(n, bool)
    ip_requests: np.ndarray = np.zeros(n)
    residential = np.zeros(n)
    hosting = np.zeros(n)
    vpn = np.zeros(n)
    org_net = np.zeros(n)
    ip_acc = inp.acc["used_ip"]
    ip_req = np.zeros(0)
    ip_is_proxy = np.zeros(len(inp.ip_names), bool)
    if (u := inp.table("used_ip")) is not None:
        ok = ip_acc >= 0
        ip_req = _float(_col(u, "request_count"), 1.0)
        ip_req = np.where(ip_req > 0, ip_req, 1.0)
        ua = pc.utf8_lower(inp.ua_names)
        auto_ua = _bool(pc.match_substring_regex(ua, AUTOMATION_UA))
        browser_ua = _bool(pc.match_substring_regex(ua, BROWSER_UA)) & ~auto_ua
        is_auto = _per_row(auto_ua, inp.ua_code)
        is_browser = _per_row(browser_ua, inp.ua_code)
        ua_known = inp.ua_code >= 0
        automation[ip_acc[ok & is_auto]] = True
        non_browser[ip_acc[ok & ua_known & ~is_browser]] = True
        has_ua[ip_acc[ok & ua_known]] = True
        ip_requests = np.bincount(ip_acc[ok], weights=ip_req[ok], minlength=n)
        ip_is_proxy = vocabulary.is_class(inp.ip_class, vocabulary.PROXY_CLASSES)
        for target, wanted in (
            (residential, ("residential_proxy",)),
            (hosting, HOSTING_CLASSES),
            (vpn, ("vpn",)),
            (org_net, ("corporate", "education")),
        ):
            sel = ok & _per_row(vocabulary.is_class(inp.ip_class, wanted), inp.ip_code)
            target += np.bincount(ip_acc[sel], weights=ip_req[sel], minlength=n)
    browser_only = has_ua & ~non_browser

    # usage
    requests: np.ndarray = np.zeros(n)
    frontier: np.ndarray = np.zeros(n)
    jailbreak: np.ndarray = np.zeros(n)
    usage_acc = inp.acc["usage"]
    usage_req = np.zeros(0)
    usage_cat = np.zeros(0, np.int64)
    category_names = pa.array([], pa.string())
    if (us := inp.table("usage")) is not None:
        ok = usage_acc >= 0
        usage_req = _float(_col(us, "requests"))
        requests = np.bincount(usage_acc[ok], weights=usage_req[ok], minlength=n)
        usage_cat, category_names = inp.usage_cat, inp.category_names
        front = _bool(pc.is_in(category_names, value_set=pa.array(FRONTIER_CATEGORIES)))
        sel = ok & _per_row(front, usage_cat)
        frontier = np.bincount(usage_acc[sel], weights=usage_req[sel], minlength=n)
        if "flagged_jailbreak" in us.column_names:
            jb = _float(_col(us, "flagged_jailbreak"))
            jailbreak = np.bincount(usage_acc[ok], weights=jb[ok], minlength=n)
    # payment instruments: prepaid or not, per payment identifier code (one lookup per run)
    prepaid_method = np.zeros(0, bool)
    pay = links.incidence.get("payment")
    pm = inp.table("payment_methods")
    if pay is not None and pm is not None:
        pos = _lookup(_col(pm, "payment_fingerprint"), pay.names)
        flags = np.zeros(len(pm), bool)
        for col in ("method_type", "funding", "funding_type"):
            if col in pm.column_names:
                flags |= vocabulary.prepaid(_col(pm, col))
        prepaid_method = np.zeros(len(pay.names), bool)
        prepaid_method[pos[flags & (pos >= 0)]] = True
    have = dict(inp.have)
    have["network_classes"] = bool(len(inp.ip_class)) and inp.ip_class.null_count < len(inp.ip_class)
    have["decisions"] = confirmed is not None or dismissed is not None
    known_bad = inp.bad.copy() if inp.bad is not None else np.zeros(n, bool)
    if confirmed is not None:
        known_bad |= confirmed
    dsig = links.signals
    replacement = (
        dsig.evasion.predecessor >= 0 if dsig is not None and dsig.evasion is not None else np.zeros(n, bool)
    )
    tm = inp.email_templates
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
        org_net=org_net,
        requests=requests,
        frontier=frontier,
        jailbreak=jailbreak,
        requests_sorted=np.sort(requests),
        ip_acc=ip_acc,
        ip_req=ip_req,
        ip_code=inp.ip_code,
        ip_is_proxy=ip_is_proxy,
        ip_provider=inp.ip_provider,
        provider_names=inp.provider_names,
        usage_acc=usage_acc,
        usage_req=usage_req,
        usage_cat=usage_cat,
        category_names=category_names,
        prepaid_method=prepaid_method,
        known_bad=known_bad,
        known_good=dismissed if dismissed is not None else np.zeros(n, bool),
        replacement=replacement,
        template=tm.code if tm is not None else np.full(n, -1, np.int64),
        sequential=tm.sequential if tm is not None else np.zeros(n, bool),
        have=have,
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


def _shared_within(
    labels: np.ndarray, account: np.ndarray, ident: np.ndarray, n_ident: int, k: int, min_members: int = 2
):  # type: ignore[no-untyped-def]
    """Per (cluster, identifier) shared by >= ``min_members`` members: bool per account, distinct per cluster."""
    n = len(labels)
    shared_acc = np.zeros(n, bool)
    distinct = np.zeros(k, np.int64)
    if not len(account):
        return shared_acc, distinct
    lab = labels[account]
    sel = lab >= 0
    key = lab[sel].astype(np.int64) * max(n_ident, 1) + ident[sel]
    uk, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
    hit = cnt >= min_members
    shared_acc[account[sel][hit[inv]]] = True
    distinct = np.bincount(uk[hit] // max(n_ident, 1), minlength=k)
    return shared_acc, distinct


def _structure(
    f: pd.DataFrame,
    labels: np.ndarray,
    members: np.ndarray,
    cl: np.ndarray,
    size: np.ndarray,
    links: Links,
    sig: AccountSignals,
    k: int,
) -> None:
    """Vocabulary-free features: shared instruments vs the background, evasion, templates, lockstep."""

    def share(flag: np.ndarray) -> np.ndarray:
        return np.bincount(cl, weights=flag[members].astype(float), minlength=k) / np.maximum(size, 1)

    n = len(labels)
    strong_acc = np.zeros(n, bool)
    distinct = np.zeros(k, np.int64)
    surprise = np.zeros(k)
    for t in ("payment", "device"):
        inc = links.incidence.get(t)
        if inc is None:
            continue
        acc_t, dist_t = _shared_within(labels, inc.account, inc.ident, len(inc.names), k)
        strong_acc |= acc_t
        distinct += dist_t
        bg = links.signals.background.get(t) if links.signals is not None else None
        if bg is not None:
            m = np.bincount(cl, weights=acc_t[members].astype(float), minlength=k)
            surprise = np.maximum(
                surprise, background.share_surprise(size.astype(np.int64), m.astype(np.int64), bg.q)
            )
    f["shared_strong_share"] = share(strong_acc)
    f["shared_strong_ids"] = distinct
    f["share_surprise"] = surprise
    f["replacement_share"] = share(sig.replacement)
    f["known_bad_share"] = share(sig.known_bad)
    f["known_good_share"] = share(sig.known_good)
    tm_acc, _ = _shared_within(
        labels,
        np.flatnonzero(sig.template >= 0),
        sig.template[sig.template >= 0],
        int(sig.template.max(initial=-1)) + 1,
        k,
        3,
    )
    f["template_share"] = share(tm_acc)
    f["sequential_share"] = share(tm_acc & sig.sequential)
    inside = (labels[links.a] >= 0) & (labels[links.a] == labels[links.b])
    for name, t in (("lockstep_share", "lockstep"), ("coactive_share", "coactivity")):
        hit = inside & (links.counts[t] > 0)
        flag = np.zeros(n, bool)
        flag[links.a[hit]] = True
        flag[links.b[hit]] = True
        f[name] = share(flag)


def _top_names(
    cl: np.ndarray, code: np.ndarray, weight: np.ndarray, names: pa.Array, k: int, top: int = 3
) -> list[str]:
    """Per cluster, the ``top`` names by summed weight, comma-separated (largest first)."""
    out = [""] * k
    sel = (cl >= 0) & (code >= 0) & (weight > 0)
    if not sel.any():
        return out
    nn = len(names)
    key = cl[sel].astype(np.int64) * nn + code[sel]
    uk, inv = np.unique(key, return_inverse=True)
    tot = np.bincount(inv, weights=weight[sel])
    ucl, ucode = uk // nn, uk % nn
    order = np.lexsort((ucode, -tot, ucl))
    ucl, ucode = ucl[order], ucode[order]
    rank = np.arange(len(ucl)) - np.searchsorted(ucl, ucl, side="left")
    keep = rank < top
    text = np.asarray(names.to_pylist(), dtype=object)
    for c, nm in zip(ucl[keep].tolist(), text[ucode[keep]].tolist(), strict=True):
        out[c] = f"{out[c]},{nm}" if out[c] else str(nm)
    return out


def normalise(raw: pd.DataFrame, have: Mapping[str, bool] | None = None) -> pd.DataFrame:
    """Raw features → x in [0, 1] per ``WEIGHTS`` key (see the module docstring).

    With ``have`` (inputs the run had), features whose inputs are all absent are NaN (unknown).
    """
    x = pd.DataFrame(index=raw.index)
    x["size"] = np.clip(np.log10(np.maximum(raw["size"], 1) / 3.0) / 2.0, 0, 1)
    x["density"] = raw["density"]
    x["shared_strong"] = raw["shared_strong_share"]
    x["multi_shared"] = np.log2(np.maximum(raw["shared_strong_ids"], 1)) / 3.0
    x["surprise"] = raw["share_surprise"] / 20.0
    x["evasion"] = raw["replacement_share"] * 4.0
    x["known_bad"] = raw["known_bad_share"] * 3.0
    x["known_good"] = raw["known_good_share"]
    # a template across accounts that share no card or device is a naming convention (a class,
    # a team's test accounts): identity evidence counts in proportion to instrument sharing
    instruments = np.clip(2.0 * raw["shared_strong_share"], 0, 1)
    x["template"] = raw["template_share"] * instruments
    x["sequential"] = raw["sequential_share"] * instruments
    x["lockstep"] = raw["lockstep_share"]
    x["coactivity"] = raw["coactive_share"]
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
    x["org_network"] = raw["org_network_share"]
    x["webmail_names"] = raw["webmail_name_share"]
    x["browser_ua"] = raw["browser_ua_share"]
    x = x.clip(0, 1)
    for feature, needs in NEEDS.items():
        if feature in x.columns and have is not None and not any(have.get(i, False) for i in needs):
            x[feature] = np.nan  # unknown: neither for nor against
    return x


def score_frame(
    raw: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    bias: float | None = None,
    have: Mapping[str, bool] | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Scores and per-feature contributions (logit units) for raw feature rows.

    Unknown features (NaN) contribute 0."""
    weights = dict(WEIGHTS if weights is None else weights)
    bias = BIAS if bias is None else bias
    x = normalise(raw, have).fillna(0.0)
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

    def row_label(acc: np.ndarray) -> np.ndarray:
        return np.where(acc >= 0, labels[np.maximum(acc, 0)], -1) if len(acc) else np.zeros(0, np.int64)

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
        shared_acc = np.zeros(len(labels), bool)
        shared_acc[pay.account[sel][cnt[inv] >= 2]] = True
        f["shared_payment_share"] = share(shared_acc)
        with_pay = np.zeros(len(labels), bool)
        with_pay[pay.account] = True
        f["accounts_per_payment"] = np.bincount(
            cl, weights=with_pay[members].astype(float), minlength=k
        ) / np.maximum(n_methods, 1)
        if len(sig.prepaid_method) and len(uid):
            prepaid = sig.prepaid_method[uid]
            f["prepaid_share"] = np.bincount(ucl, weights=prepaid.astype(float), minlength=k) / np.maximum(
                n_methods, 1
            )

    _structure(f, labels, members, cl, size, links, sig, k)

    # traffic through proxies
    ipr = np.bincount(cl, weights=sig.ip_requests[members], minlength=k)
    for name, arr in (
        ("residential_proxy_share", sig.residential),
        ("hosting_share", sig.hosting),
        ("vpn_share", sig.vpn),
        ("org_network_share", sig.org_net),
    ):
        f[name] = np.bincount(cl, weights=arr[members], minlength=k) / np.maximum(ipr, 1)
    f["proxy_ips"] = 0
    f["proxy_providers"] = ""
    if len(sig.ip_acc):
        rl = row_label(sig.ip_acc)
        proxy_row = _per_row(sig.ip_is_proxy, sig.ip_code)
        sel = (rl >= 0) & proxy_row
        n_ips = max(len(sig.ip_is_proxy), 1)
        uk = np.unique(rl[sel].astype(np.int64) * n_ips + sig.ip_code[sel])
        f["proxy_ips"] = np.bincount(uk // n_ips, minlength=k)
        prov_row = np.where(sig.ip_code >= 0, sig.ip_provider[np.maximum(sig.ip_code, 0)], -1)
        f["proxy_providers"] = _top_names(
            np.where(proxy_row, rl, -1), prov_row, sig.ip_req, sig.provider_names, k
        )

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
        f["top_domain"] = _top_names(
            dcl, did, np.where(nonweb, dcnt, 0).astype(float), sig.domain_names, k, top=1
        )
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
    f["top_categories"] = (
        _top_names(row_label(sig.usage_acc), sig.usage_cat, sig.usage_req, sig.category_names, k)
        if len(sig.usage_acc)
        else ""
    )
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
    "shared_strong_share",
    "shared_strong_ids",
    "share_surprise",
    "replacement_share",
    "known_bad_share",
    "known_good_share",
    "template_share",
    "sequential_share",
    "lockstep_share",
    "coactive_share",
    "prepaid_share",
    "proxy_ips",
    "proxy_providers",
    "residential_proxy_share",
    "hosting_share",
    "vpn_share",
    "org_network_share",
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


def _pct(s: pd.Series) -> pd.Series:
    return (100 * s.astype(float)).round().astype(np.int64).astype(str) + "%"


def evidence_phrases(f: pd.DataFrame) -> pd.DataFrame:
    """Per cluster and WEIGHTS key, the phrase that explains that feature (vectorised)."""
    if f.empty:  # no clusters: string arithmetic on empty float columns would fail
        return pd.DataFrame(index=f.index, columns=list(WEIGHTS), dtype=object)
    p = pd.DataFrame(index=f.index)
    sm = f["shared_payment_methods"].astype(np.int64)
    p["shared_payment"] = np.where(
        sm > 0,
        "shares "
        + sm.astype(str)
        + " payment method"
        + np.where(sm == 1, "", "s")
        + " ("
        + f["accounts_per_shared_payment"].map("{:.1f}".format)
        + " accounts each)",
        "no shared payment methods",
    )
    sid = f["shared_strong_ids"].astype(np.int64).astype(str)
    p["shared_strong"] = np.where(
        sm > 0,
        p["shared_payment"],
        _pct(f["shared_strong_share"]) + " share a device with another member",
    )
    p["multi_shared"] = sid + " distinct cards/devices each shared by several members"
    p["surprise"] = (
        "sharing 10^" + f["share_surprise"].map("{:.0f}".format) + "x less likely than in the population"
    )
    p["evasion"] = (
        _pct(f["replacement_share"])
        + " replace a banned account (same device/card/IP, created after its ban)"
    )
    p["known_bad"] = (
        _pct(f["known_bad_share"])
        + " already banned/suspended, in confirmed campaigns or strongly matched by a peer lab's intel"
    )
    p["known_good"] = _pct(f["known_good_share"]) + " dismissed by an analyst"
    p["template"] = _pct(f["template_share"]) + " on a shared email template"
    p["sequential"] = _pct(f["sequential_share"]) + " numbered in sequence"
    p["lockstep"] = (
        _pct(f["lockstep_share"]) + " first seen with another member on several IPs within minutes"
    )
    p["coactivity"] = _pct(f["coactive_share"]) + " with near-identical daily usage to another member"
    p["prepaid"] = _pct(f["prepaid_share"]) + " prepaid cards"
    first_prov = f["proxy_providers"].str.split(",").str[0].fillna("")
    via = np.where(first_prov != "", " (" + first_prov + ")", "")
    p["residential_proxy"] = (
        f["proxy_ips"].astype(np.int64).astype(str)
        + " proxy IPs"
        + via
        + " carry "
        + _pct(f["residential_proxy_share"])
        + " of requests"
    )
    p["hosting"] = _pct(f["hosting_share"]) + " of requests from datacenter/Tor"
    p["vpn"] = _pct(f["vpn_share"]) + " of requests via VPN"
    p["org_network"] = _pct(f["org_network_share"]) + " of requests from corporate/education networks"
    p["signup_burst"] = _pct(f["signup_burst_24h"]) + " signed up within 24 h"
    p["automation_ua"] = _pct(f["automation_ua_share"]) + " scripted user agents"
    p["disposable_email"] = _pct(f["disposable_email_share"]) + " disposable email"
    p["random_email"] = _pct(f["random_email_share"]) + " random-looking email names"
    p["rare_domain"] = "many on " + f["top_domain"].astype(str)
    p["volume"] = f["requests_per_member"].map("{:,.0f}".format) + " requests per account"
    p["frontier_share"] = _pct(f["frontier_share"]) + " of requests on reasoning/coding/tool use/agentic"
    p["jailbreak"] = (100 * f["jailbreak_rate"]).map("{:.1f}".format) + "% jailbreak-flagged"
    p["verified_org"] = _pct(f["verified_share"]) + " in verified organisations"
    p["webmail_names"] = _pct(f["webmail_name_share"]) + " webmail with name-like addresses"
    p["browser_ua"] = _pct(f["browser_ua_share"]) + " browser-only"
    p["density"] = _pct(f["density"]) + " of member pairs linked"
    p["size"] = f["size"].astype(str) + " accounts"
    return p


def evidence_texts(
    f: pd.DataFrame, contrib: pd.DataFrame, top: int = 5, floor: float = 0.3, unknown: list[str] | None = None
) -> list[str]:
    """One line per cluster naming its strongest reasons, e.g.
    ``212 accounts: shares 3 payment methods (4.0 accounts each), 41 proxy IPs (X) carry 93% of requests``;
    reasons that lowered the score follow ``lowered by``."""
    phrases = evidence_phrases(f)
    tail = f"; unknown (not in the export): {', '.join(unknown)}" if unknown else ""
    keys = [c for c in contrib.columns if c in phrases.columns and c != "size"]
    C = contrib[keys].to_numpy()
    P = phrases[keys].to_numpy(dtype=object)
    order = np.argsort(-np.abs(C), axis=1, kind="stable")[:, :top]
    out = []
    sizes = f["size"].astype(np.int64).tolist()
    for i, row in enumerate(order):
        up = [P[i, j] for j in row if C[i, j] >= floor]
        down = [P[i, j] for j in row if C[i, j] <= -floor]
        text = f"{sizes[i]} accounts" + (": " + ", ".join(up) if up else "")
        out.append(text + ("; lowered by " + ", ".join(down) if down else "") + tail)
    return out


def _json_records(df: pd.DataFrame) -> list[str]:
    """One compact JSON object per row (pandas' C encoder; NaN -> null)."""
    if len(df) == 0:
        return []
    return df.to_json(orient="records", lines=True, double_precision=4).rstrip("\n").split("\n")


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
    score, contrib = score_frame(f, weights, bias, sig.have)
    bias_v = BIAS if bias is None else bias
    out = pd.DataFrame(index=f.index)
    out["score"] = np.round(score, 6)
    out["size"] = f["size"].astype(np.int64)
    unknown = [k for k, needs in NEEDS.items() if not any(sig.have.get(i, False) for i in needs)]
    out["evidence"] = evidence_texts(f, contrib, unknown=unknown)
    out["features"] = _json_records(f[list(FEATURE_COLUMNS)])
    c = contrib.round(4)
    c.insert(0, "bias", bias_v)
    out["contributions"] = _json_records(c)
    out["first_signup_days"] = f["first_signup_days"]
    out["last_signup_days"] = f["last_signup_days"]
    out["payment_methods"] = f["payment_methods"].astype(np.int64)
    out["proxy_providers"] = f["proxy_providers"]
    out["requests"] = f["requests"].astype(np.int64)
    out["top_categories"] = f["top_categories"]
    return out

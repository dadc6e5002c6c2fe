"""Who the generated accounts are and what they did, as integer-coded NumPy arrays.

Accounts occupy contiguous index blocks, one per planted kind:
``[campaigns][enterprise][nat][family][vpn][datacenter][background]``. Non-campaign accounts
first get an organic base (sign-up time, household, home ISP addresses, devices, cards,
email, light usage) in one vectorised pass; each look-alike kind then overlays what makes it
look suspicious (shared NAT addresses, a shared family card, VPN exits, corporate card and
office network, cloud hosts). Campaigns are generated per campaign; they are at most a few
percent of the accounts, so small per-campaign loops cost little.

Rows refer to accounts by index and to cards, devices and organisations by serial number;
``generate_write`` turns them into identifiers and text. Output rows are sorted by time, so
nothing about a campaign can be read from row adjacency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph import generate_text as gt
from linkgraph import generate_world as gw
from linkgraph.generate_world import MT, Network, World

DAY = 86_400
HOUR = 3_600

KINDS = (
    "background",
    "campaign",
    "benign_nat",
    "benign_family",
    "benign_vpn",
    "benign_enterprise",
    "benign_datacenter",
)
K = {k: i for i, k in enumerate(KINDS)}
PLANS = ("free", "pro", "team", "enterprise", "api")
PLAN = {p: i for i, p in enumerate(PLANS)}
STATUSES = ("active", "suspended", "banned")
ST = {s: i for i, s in enumerate(STATUSES)}


@dataclass
class _Cols:
    """Column-wise row accumulator: ``add`` arrays, ``cat`` them once at the end."""

    names: tuple[str, ...]
    parts: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, **cols: np.ndarray | int) -> None:
        n = max(np.size(v) for v in cols.values() if not np.isscalar(v))
        for name in self.names:
            v = cols[name]
            arr = np.full(n, v, dtype=np.int64) if np.isscalar(v) else np.asarray(v, dtype=np.int64)
            self.parts.setdefault(name, []).append(arr)

    def cat(self) -> dict[str, np.ndarray]:
        return {
            k: (np.concatenate(self.parts[k]) if self.parts.get(k) else np.zeros(0, np.int64))
            for k in self.names
        }


@dataclass
class Population:
    """Everything ``generate_write`` needs; rows reference accounts by index (0..N-1)."""

    n: int
    start_s: int
    end_s: int
    n_campaigns: int
    n_campaign_accounts: int
    salt: int
    account: dict[str, np.ndarray]  # created, country, org, org_verified, plan, status, kind, campaign
    email: pa.Array
    cards: dict[str, np.ndarray]  # per card serial: mtype, bin, last4, billing
    payments: dict[str, np.ndarray]  # acct, card, added
    events: dict[str, np.ndarray]  # acct, ip, t0, t1, req, ua, dev, prov
    usage: dict[str, np.ndarray]  # acct, day, cat, req, tok, jb
    ua_vocab: list[str]
    provider_names: list[str]
    intel: list[tuple[str, str, str, int]]  # network, provider, kind, asn
    campaign_names: list[str]


def _start_epoch(start: str) -> int:
    d = datetime.fromisoformat(start)
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return int(d.timestamp())


def _loguniform(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(max(hi, lo + 1e-9)), n))


def campaign_sizes(n: int, campaigns: int | None, rng: np.random.Generator) -> np.ndarray:
    """Campaign sizes: ~30 campaigns of 50-2,000 at 1M accounts, scaled down with ``n``.

    At 100k: ~24 campaigns of 20-400; at 10k: 14 of 15-80; never more than 12% of accounts.
    """
    if campaigns is None:
        campaigns = int(np.clip(round(4 + 10 * np.log10(max(n, 1000) / 1000)), 4, 30))
    if campaigns == 0:
        return np.zeros(0, np.int64)
    scale = n / 1e6
    lo = max(50 * scale**0.4, min(15.0, n / 100), 3.0)
    hi = max(2000 * scale**0.7, lo * 1.6)
    sizes = _loguniform(rng, lo, hi, campaigns)
    sizes[0], sizes[-1] = lo, hi  # the range is always exercised
    sizes = np.round(sizes).astype(np.int64)
    cap = int(0.12 * n)
    if sizes.sum() > cap:
        sizes = np.maximum(3, np.floor(sizes * cap / sizes.sum())).astype(np.int64)
    return rng.permutation(sizes)


class _Builder:
    def __init__(self, n: int, seed: int, start: str, period_days: int, campaigns: int | None) -> None:
        self.rng = np.random.default_rng(seed)
        self.n = n
        self.start_s = _start_epoch(start)
        self.period_days = period_days
        self.end_s = self.start_s + period_days * DAY
        self.salt = int(self.rng.integers(0, 1 << 62))
        self.world: World = gw.build_world(self.rng, n)
        self.ua_vocab: list[str] = (
            list(gw.BROWSER_UAS) + list(gw.MOBILE_UAS) + list(gw.SDK_UAS) + list(gw.AUTOMATION_UAS)
        )
        self.ua_browser = np.arange(len(gw.BROWSER_UAS))
        self.ua_mobile = len(gw.BROWSER_UAS) + np.arange(len(gw.MOBILE_UAS))
        self.ua_sdk = len(gw.BROWSER_UAS) + len(gw.MOBILE_UAS) + np.arange(len(gw.SDK_UAS))
        self.ua_auto0 = len(gw.BROWSER_UAS) + len(gw.MOBILE_UAS) + len(gw.SDK_UAS)
        self.sizes = campaign_sizes(n, campaigns, self.rng)
        self.acc = {
            k: np.full(n, -1, dtype=np.int64)
            for k in ("created", "country", "org", "org_verified", "plan", "status", "kind", "campaign")
        }
        self.cards = _Cols(("mtype", "bin", "last4", "billing"))
        self.n_cards = 0
        self.n_devices = 0
        self.n_orgs = 0
        self.pay = _Cols(("acct", "card", "added"))
        self.ev = _Cols(("acct", "ip", "t0", "t1", "req", "ua", "dev", "prov"))
        self.us = _Cols(("acct", "day", "cat", "req", "tok", "jb"))
        self.camp_emails: dict[int, pa.Array] = {}
        self.uni_email: list[tuple[np.ndarray, str]] = []
        self.campaign_pools: list[np.ndarray] = []
        self.campaign_names: list[str] = []

    # ----------------------------------------------------------------- serials
    def new_cards(
        self, k: int, mtype: np.ndarray | int, bins: np.ndarray | int, billing: np.ndarray | int
    ) -> np.ndarray:
        """Register ``k`` payment instruments; card types get a BIN and last 4, others nulls."""
        serial = np.arange(self.n_cards, self.n_cards + k, dtype=np.int64)
        self.n_cards += k
        mt = np.broadcast_to(np.asarray(mtype, np.int64), (k,))
        has_card = (mt == MT["card"]) | (mt == MT["prepaid_card"])
        last4 = np.where(has_card, self.rng.integers(0, 10_000, size=k), -1)
        self.cards.add(
            mtype=mt,
            bin=np.where(has_card, np.broadcast_to(bins, (k,)), -1),
            last4=last4,
            billing=np.broadcast_to(billing, (k,)),
        )
        return serial

    def new_devices(self, k: int) -> np.ndarray:
        s = np.arange(self.n_devices, self.n_devices + k, dtype=np.int64)
        self.n_devices += k
        return s

    def new_org(self) -> int:
        self.n_orgs += 1
        return self.n_orgs - 1

    def prov_index(self, net: Network) -> int:
        return self.world.all_networks().index(net)

    def add_ua(self, ua: str) -> int:
        if ua not in self.ua_vocab:
            self.ua_vocab.append(ua)
        return self.ua_vocab.index(ua)

    # ----------------------------------------------------------------- time
    def organic_times(self, k: int) -> np.ndarray:
        """Sign-ups over the period: slow growth, quieter weekends, a daily cycle peaking ~15h UTC."""
        days = np.arange(self.period_days)
        weekday = (self.start_s // DAY + days + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        w = (1 + 0.6 * days / self.period_days) * np.where(weekday >= 5, 0.72, 1.0)
        d = self.rng.choice(self.period_days, size=k, p=w / w.sum())
        hours = np.arange(24)
        hw = 1 + 0.7 * np.sin(2 * np.pi * (hours - 9) / 24)
        h = self.rng.choice(24, size=k, p=hw / hw.sum())
        return self.start_s + d * DAY + h * HOUR + self.rng.integers(0, HOUR, size=k)

    def clip_t(self, t: np.ndarray) -> np.ndarray:
        return np.clip(t, self.start_s, self.end_s - 1)

    def day_of(self, t: np.ndarray) -> np.ndarray:
        return np.asarray(t, np.int64) // DAY

    # ----------------------------------------------------------------- address helpers
    def sample_mixed(self, net: Network, k: int, v6_share: float) -> np.ndarray:
        """``k`` addresses of ``net``, a share of them IPv6 where it has an IPv6 block."""
        codes = net.sample_v4(self.rng, k)
        if net.v6_32 is not None and v6_share > 0:
            m = self.rng.random(k) < v6_share
            if m.any():
                codes[m] = gw.v6_codes(
                    net.sample_v6_prefixes(self.rng, int(m.sum())), self.rng.integers(0, 8192, int(m.sum()))
                )
        return codes

    def sample_by_network(self, nets: list[Network], which: np.ndarray, v6_share: float = 0.0) -> np.ndarray:
        out = np.zeros(len(which), np.int64)
        for j, net in enumerate(nets):
            m = which == j
            if m.any():
                out[m] = self.sample_mixed(net, int(m.sum()), v6_share)
        return out

    # ----------------------------------------------------------------- emails
    def name_emails(
        self,
        k: int,
        domains: pa.Array,
        last: np.ndarray | None = None,
        first: np.ndarray | None = None,
        corporate: bool = False,
    ) -> pa.Array:
        """Name-like local parts (``jane.doe``, ``jdoe84``, ``jane1993``) at the given domains.

        ``corporate`` addresses follow a company convention: ``jane.doe`` or ``jdoe``, no digits
        unless needed to keep two colleagues apart.
        """
        rng = self.rng
        fi = rng.integers(0, len(gw.FIRST_NAMES), k) if first is None else first
        li = rng.integers(0, len(gw.LAST_NAMES), k) if last is None else last
        f = gt.take(gw.FIRST_NAMES, fi)
        la = gt.take(gw.LAST_NAMES, li)
        sep = gt.take(("", ".", "_", "."), rng.integers(0, 4, k))
        style = rng.choice(4, size=k, p=[0.6, 0.15, 0.15, 0.1])
        r = rng.random(k)
        if corporate:
            sep = pa.array(["."] * k, pa.string())
            style = np.where(rng.random() < 0.7, 0, 1) + np.zeros(k, np.int64)
            r = np.ones(k)
        year = rng.integers(1960, 2007, k)
        digits = np.where(
            r < 0.25, year, np.where(r < 0.45, year % 100, np.where(r < 0.6, rng.integers(1, 1000, k), -1))
        )
        dig = pc.if_else(pa.array(digits >= 0), gt.int_str(np.maximum(digits, 0)), "")
        initial = pc.utf8_slice_codeunits(f, 0, 1)
        local = pc.case_when(
            pc.make_struct(pa.array(style == 0), pa.array(style == 1), pa.array(style == 2)),
            gt.join(f, sep, la, dig),
            gt.join(initial, la, dig),
            gt.join(f, pc.if_else(pa.array(digits >= 0), dig, gt.int_str(rng.integers(1, 100, k)))),
            gt.join(la, initial, dig),
        )
        # Unique addresses, also after the loader's webmail normalisation (dots removed).
        for _ in range(6):
            key = gt.join(pc.replace_substring(local, ".", ""), "@", domains)
            codes = np.asarray(key.dictionary_encode().indices)
            _, first_pos = np.unique(codes, return_index=True)
            dup = np.ones(k, bool)
            dup[first_pos] = False
            if not dup.any():
                break
            extra = pc.if_else(pa.array(dup), gt.int_str(rng.integers(10, 100_000, k)), "")
            local = gt.join(local, extra)
        return gt.join(local, "@", domains)

    # ----------------------------------------------------------------- build
    def build(self, step: Callable[[str], None]) -> Population:
        n = self.n
        n_camp = int(self.sizes.sum())
        blocks = self.plan_blocks(n - n_camp)
        lo = n_camp
        self.bounds: dict[str, tuple[int, int]] = {"campaign": (0, n_camp)}
        for name, size in blocks:
            self.bounds[name] = (lo, lo + size)
            lo += size
        step("organic accounts")
        self.organic(n_camp, n)
        step("benign look-alikes")
        self.enterprise()
        self.nat()
        self.vpn()
        self.datacenter()
        step(f"{len(self.sizes)} campaigns")
        self.campaigns()
        self.cross_links()
        return self.finish()

    def plan_blocks(self, m: int) -> list[tuple[str, int]]:
        """Sizes of the look-alike blocks; background is what is left."""
        rng, n = self.rng, self.n
        scale = n / 1e6
        n_teams = max(2, round(40 * scale**0.6))
        self.team_sizes = np.round(
            _loguniform(rng, 10, float(np.clip(300 * scale**0.5, 20, 300)), n_teams)
        ).astype(np.int64)
        self.team_sizes = np.minimum(self.team_sizes, max(10, m // 20))
        n_car = max(1, round(12 * scale**0.5))
        n_uni = max(1, round(8 * scale**0.5))
        car = np.round(_loguniform(rng, max(120, 300 * scale**0.3), max(200, 3000 * scale**0.5), n_car))
        uni = np.round(_loguniform(rng, 100, max(150, 1500 * scale**0.5), n_uni))
        nat = np.concatenate([car, uni]).astype(np.int64)
        if nat.sum() > 0.1 * m:
            nat = np.maximum(10, nat * (0.1 * m) // nat.sum()).astype(np.int64)
        self.nat_sizes, self.nat_is_uni = nat, np.arange(len(nat)) >= n_car
        fam = []
        total = 0
        while total < 0.015 * m:
            s = int(rng.choice([2, 3, 4, 5], p=[0.45, 0.3, 0.17, 0.08]))
            fam.append(s)
            total += s
        self.family_sizes = np.array(fam, dtype=np.int64)
        blocks = [
            ("enterprise", int(self.team_sizes.sum())),
            ("nat", int(nat.sum())),
            ("family", int(self.family_sizes.sum())),
            ("vpn", int(0.03 * m)),
            ("datacenter", int(0.02 * m)),
        ]
        used = sum(s for _, s in blocks)
        if used > 0.6 * m:
            raise ValueError("too few accounts for the planted look-alikes; generate more accounts")
        blocks.append(("background", m - used))
        return blocks

    # ----------------------------------------------------------------- organic base
    def organic(self, lo: int, hi: int) -> None:
        rng, acc = self.rng, self.acc
        m = hi - lo
        created = self.organic_times(m)
        e0, e1 = self.bounds["enterprise"]
        created[e0 - lo : e1 - lo] = self.onboarding_times()
        acc["created"][lo:hi] = created
        acc["kind"][lo:hi] = K["background"]
        acc["campaign"][lo:hi] = -1
        acc["status"][lo:hi] = rng.choice(3, size=m, p=[0.994, 0.0035, 0.0025])

        # Households: families are their own households; others are mostly single.
        f0, f1 = self.bounds["family"]
        acc["kind"][f0:f1] = K["benign_family"]
        fam_of = np.repeat(np.arange(len(self.family_sizes)), self.family_sizes)
        others = np.concatenate([np.arange(lo, f0), np.arange(f1, hi)])
        perm = rng.permutation(others)
        hs = rng.choice([1, 2, 3], size=len(perm), p=[0.9, 0.07, 0.03])
        hs = hs[: np.searchsorted(np.cumsum(hs), len(perm)) + 1]
        hh_perm = np.repeat(np.arange(len(hs)), hs)[: len(perm)]
        n_hh = len(hs) + len(self.family_sizes)
        hh = np.empty(m, np.int64)
        hh[perm - lo] = hh_perm
        hh[f0 - lo : f1 - lo] = len(hs) + fam_of
        self.hh = hh

        # Household country and ISP; members mostly share the household's country.
        hh_country = rng.choice(len(gw.COUNTRIES), size=n_hh, p=gw.COUNTRY_WEIGHTS)
        country = np.where(
            rng.random(m) < 0.93, hh_country[hh], rng.choice(len(gw.COUNTRIES), size=m, p=gw.COUNTRY_WEIGHTS)
        )
        acc["country"][lo:hi] = country
        isp_country = np.array([gw.COUNTRIES.index(i.country) for i in self.world.isps])
        hh_isp = np.empty(n_hh, np.int64)
        for c in range(len(gw.COUNTRIES)):
            sel = np.flatnonzero(hh_country == c)
            cands = np.flatnonzero(isp_country == c)
            hh_isp[sel] = rng.choice(cands, size=len(sel))
        # Up to three home addresses per household (dynamic IPs), some in the same /24, some IPv6.
        n_slots = rng.choice([1, 2, 3], size=n_hh, p=[0.55, 0.3, 0.15])
        slots = np.zeros((n_hh, 3), np.int64)
        for j in range(3):
            slots[:, j] = self.sample_by_network(self.world.isps, hh_isp)
            if j > 0:
                same24 = rng.random(n_hh) < 0.4
                slots[same24, j] = (slots[same24, 0] & ~np.int64(255)) | rng.integers(
                    1, 255, int(same24.sum())
                )
        # Dual-stack households: one delegated /48 each, every IPv6 slot an address inside it.
        v6 = rng.random((n_hh, 3)) < 0.15
        hh_v6 = np.flatnonzero(v6.any(axis=1))
        pref48 = np.zeros(n_hh, np.int64)
        for i_isp in np.unique(hh_isp[hh_v6]):
            sel = hh_v6[hh_isp[hh_v6] == i_isp]
            pref48[sel] = self.world.isps[i_isp].sample_v6_prefixes(rng, len(sel))
        for j in range(3):
            sel = np.flatnonzero(v6[:, j])
            slots[sel, j] = gw.v6_codes(pref48[sel], rng.integers(0, 8192, len(sel)))

        # Devices: one each, a phone for some; a shared family computer in some households.
        dev = self.new_devices(m)
        phone = np.where(rng.random(m) < 0.3, self.new_devices(m), -1)
        head = np.full(n_hh, -1, np.int64)
        head[hh[::-1]] = np.arange(m)[::-1]  # first member of each household
        shared_pc = rng.random(n_hh) < 0.15
        use_head = shared_pc[hh] & (head[hh] != np.arange(m))
        dev = np.where(use_head, dev[head[hh]], dev)
        self.dev, self.phone = dev, phone

        # User agents: browsers; developers also use the SDK, a few script with requests/curl.
        ua = rng.choice(self.ua_browser, size=m, p=gw.BROWSER_WEIGHTS)
        is_dev = rng.random(m) < 0.08
        sdk = rng.choice(self.ua_sdk, size=m, p=gw.SDK_WEIGHTS)
        scripter = rng.random(m) < 0.015
        script_ua = self.ua_auto0 + rng.choice([0, 1, 2, 6], size=m)
        self.ua_primary, self.is_dev = ua, is_dev

        # Home events.
        k_home = rng.integers(1, n_slots[hh] + 1)
        for j in range(3):
            sel = np.flatnonzero(k_home > j)
            self.organic_events(
                lo + sel,
                slots[hh[sel], j],
                created[sel],
                ua[sel],
                dev[sel],
                is_dev[sel],
                sdk[sel],
                scripter[sel],
                script_ua[sel],
                signup=j == 0,
            )
        # Away-from-home: mobile carriers (not NAT pools: big ranges), other ISPs.
        n_extra = np.minimum(rng.poisson(1.4, m), 6)
        sel = np.repeat(np.arange(m), n_extra)
        mobile = rng.random(len(sel)) < 0.55
        ip = np.zeros(len(sel), np.int64)
        ip[mobile] = self.sample_by_network(
            self.world.carriers, rng.integers(0, len(self.world.carriers), int(mobile.sum())), 0.2
        )
        ip[~mobile] = self.sample_by_network(
            self.world.isps, rng.integers(0, len(self.world.isps), int((~mobile).sum())), 0.1
        )
        ev_ua = np.where(mobile, rng.choice(self.ua_mobile, size=len(sel), p=gw.MOBILE_WEIGHTS), ua[sel])
        ev_dev = np.where(mobile & (phone[sel] >= 0), phone[sel], dev[sel])
        self.organic_events(
            lo + sel,
            ip,
            created[sel],
            ev_ua,
            ev_dev,
            is_dev[sel] & ~mobile,
            sdk[sel],
            scripter[sel] & ~mobile,
            script_ua[sel],
        )
        # A few privacy-minded users on residential proxies or Tor (not campaign pools).
        bg0, bg1 = self.bounds["background"]
        for share, nets, enrich in ((0.0015, self.world.proxies, 0.5), (0.0005, [self.world.tor], 0.6)):
            who = bg0 + np.flatnonzero(rng.random(bg1 - bg0) < share)
            reps = np.repeat(who, rng.integers(1, 4, len(who)))
            which = rng.integers(0, len(nets), len(reps))
            ipx = self.sample_by_network(nets, which)
            prov = np.array([self.prov_index(x) for x in nets])[which]
            self.organic_events(
                reps,
                ipx,
                acc["created"][reps],
                ua[reps - lo],
                dev[reps - lo],
                np.zeros(len(reps), bool),
                sdk[reps - lo],
                np.zeros(len(reps), bool),
                script_ua[reps - lo],
                np.where(rng.random(len(reps)) < enrich, prov, -1),
            )

        # Payment methods: 0-2 each, mostly cards, unique per person; a little legitimate prepaid.
        n_pm = rng.choice([0, 1, 2, 3], size=m, p=[0.05, 0.62, 0.28, 0.05])
        owner = np.repeat(np.arange(m), n_pm)
        k = len(owner)
        mt = rng.choice([MT["card"], MT["paypal"], MT["prepaid_card"]], size=k, p=[0.86, 0.12, 0.02])
        bins = np.where(
            mt == MT["prepaid_card"], rng.choice(gw.PREPAID_BINS, size=k), rng.choice(gw.CARD_BINS, size=k)
        )
        billing = np.where(rng.random(k) < 0.95, country[owner], rng.choice(len(gw.COUNTRIES), size=k))
        serial = self.new_cards(k, mt, bins, billing)
        # Families: one shared card added by every member; most members drop their own.
        fam_mask = (owner + lo >= f0) & (owner + lo < f1)
        keep_own = ~fam_mask | (rng.random(k) < 0.3)
        self.pay.add(
            acct=lo + owner[keep_own], card=serial[keep_own], added=self.added_after(created[owner[keep_own]])
        )
        if len(self.family_sizes):
            fam_card = self.new_cards(
                len(self.family_sizes),
                MT["card"],
                rng.choice(gw.CARD_BINS, size=len(self.family_sizes)),
                hh_country[len(hs) :],
            )
            members = np.arange(f0, f1)
            self.pay.add(acct=members, card=fam_card[fam_of], added=self.added_after(acc["created"][members]))
        plan = np.where(
            n_pm == 0,
            PLAN["free"],
            rng.choice(
                [PLAN["free"], PLAN["pro"], PLAN["api"], PLAN["team"]], size=m, p=[0.25, 0.6, 0.1, 0.05]
            ),
        )
        plan = np.where(is_dev & (n_pm > 0) & (rng.random(m) < 0.5), PLAN["api"], plan)
        acc["plan"][lo:hi] = plan

        # Emails: webmail or a company domain; families share a surname; a few disposable.
        n_comp = min(len(gw.WORDS_A) * len(gw.WORDS_B) * len(gw.COMPANY_TLDS) - 100, max(60, m // 25))
        combos = rng.permutation(len(gw.WORDS_A) * len(gw.WORDS_B) * len(gw.COMPANY_TLDS))
        self.enterprise_combos = combos[:100]
        comp = combos[100 : 100 + n_comp]
        comp_domains = [self.combo_domain(c) for c in comp]
        zipf = 1 / (np.arange(n_comp) + 8.0)
        which_comp = rng.choice(n_comp, size=m, p=zipf / zipf.sum())
        r = rng.random(m)
        web = rng.choice(len(gw.WEBMAIL), size=m, p=gw.WEBMAIL_WEIGHTS)
        dom_idx = np.where(
            r < 0.83,
            web,
            np.where(
                r < 0.997,
                len(gw.WEBMAIL) + which_comp,
                len(gw.WEBMAIL) + n_comp + rng.integers(0, len(gw.DISPOSABLE), m),
            ),
        )
        vocab = list(gw.WEBMAIL) + comp_domains + list(gw.DISPOSABLE)
        self.domain_vocab = vocab
        fam_last = rng.integers(0, len(gw.LAST_NAMES), len(self.family_sizes))
        last = rng.integers(0, len(gw.LAST_NAMES), m)
        last[f0 - lo : f1 - lo] = fam_last[fam_of]
        self.dom_idx = dom_idx
        self.org_emails_lo = lo
        # Small unverified companies: some colleagues on a company domain share an org id.
        in_org = (dom_idx >= len(gw.WEBMAIL)) & (dom_idx < len(gw.WEBMAIL) + n_comp) & (rng.random(m) < 0.12)
        org_of_comp = np.arange(n_comp) + self.n_orgs
        self.n_orgs += n_comp
        acc["org"][lo:hi] = np.where(
            in_org, org_of_comp[np.clip(dom_idx - len(gw.WEBMAIL), 0, n_comp - 1)], -1
        )
        acc["org_verified"][lo:hi] = np.where(in_org, 0, -1)
        acc["plan"][lo:hi] = np.where(in_org & (plan != PLAN["free"]), PLAN["team"], acc["plan"][lo:hi])
        self.base_email_last = last

        # Usage: a few active days, chat and coding, rare jailbreak flags.
        rows = 1 + np.minimum(rng.poisson(np.where(is_dev, 4.0, 1.3)), 40)
        self.organic_usage(lo + np.repeat(np.arange(m), rows), is_dev)

    def combo_domain(self, c: int) -> str:
        na, nb = len(gw.WORDS_A), len(gw.WORDS_B)
        a, rest = c % na, c // na
        b, t = rest % nb, rest // nb
        return f"{gw.WORDS_A[a]}{gw.WORDS_B[b]}.{gw.COMPANY_TLDS[t]}"

    def added_after(self, created: np.ndarray) -> np.ndarray:
        k = len(created)
        soon = self.rng.random(k) < 0.6
        delay = np.where(
            soon, self.rng.integers(30, HOUR, k), (self.rng.exponential(10 * DAY, k)).astype(np.int64)
        )
        return np.minimum(created + delay, self.end_s - 1)

    def organic_events(
        self,
        acct: np.ndarray,
        ip: np.ndarray,
        created: np.ndarray,
        ua: np.ndarray,
        dev: np.ndarray,
        dev_user: np.ndarray,
        sdk: np.ndarray,
        scripter: np.ndarray,
        script_ua: np.ndarray,
        prov: np.ndarray | int = -1,
        signup: bool = False,
    ) -> None:
        """Organic access rows; ``signup`` rows start at the sign-up (the address it came from)."""
        rng = self.rng
        k = len(acct)
        delay = rng.integers(0, 600, k) if signup else rng.exponential(4 * DAY, k).astype(np.int64)
        t0 = np.minimum(created + delay, self.end_s - HOUR)
        t1 = np.minimum(t0 + rng.exponential(25 * DAY, k).astype(np.int64), self.end_s - 1)
        req = 1 + rng.lognormal(np.log(25), 1.2, k).astype(np.int64)
        u = np.where(dev_user & (rng.random(k) < 0.5), sdk, ua)
        u = np.where(scripter & (rng.random(k) < 0.4), script_ua, u)
        d = np.where(rng.random(k) < 0.08, -1, dev)
        self.ev.add(acct=acct, ip=ip, t0=t0, t1=t1, req=req, ua=u, dev=d, prov=prov)

    def organic_usage(self, acct: np.ndarray, is_dev: np.ndarray | None = None, heavy: bool = False) -> None:
        rng, acc = self.rng, self.acc
        k = len(acct)
        c0 = acc["created"][acct] // DAY
        span = self.end_s // DAY - c0
        day = c0 + (rng.random(k) * span).astype(np.int64)
        p_org = np.array([0.07, 0.25, 0.03, 0.02, 0.07, 0.0, 0.45, 0.11])
        p_dev = np.array([0.10, 0.55, 0.10, 0.06, 0.03, 0.0, 0.12, 0.04])
        cat = rng.choice(8, size=k, p=p_org)
        if is_dev is not None:
            lo = self.bounds["enterprise"][0]
            dv = is_dev[acct - lo]
            cat = np.where(dv, rng.choice(8, size=k, p=p_dev), cat)
        med = 150 if heavy else 12
        req = 1 + rng.lognormal(np.log(med), 1.0, k).astype(np.int64)
        tok = (req * rng.lognormal(np.log(2500 if heavy else 900), 0.5, k)).astype(np.int64)
        jb = np.where(rng.random(k) < (0.0005 if heavy else 0.003), rng.integers(1, 4, k), 0)
        self.us.add(acct=acct, day=day, cat=cat, req=req, tok=tok, jb=np.minimum(jb, req))

    # ----------------------------------------------------------------- look-alikes
    def enterprise(self) -> None:
        """Verified organisations: corporate card, office /28, company emails, onboarding burst."""
        rng, acc = self.rng, self.acc
        e0, e1 = self.bounds["enterprise"]
        lo = self.bounds["enterprise"][0]
        # Members' own cards mostly replaced by the corporate card, usage by heavy coding.
        members = np.arange(e0, e1)
        self.drop_rows(self.pay, members, keep_share=0.2)
        self.drop_rows(self.us, members, keep_share=0.0)
        start = e0
        emails = []
        for t, size in enumerate(self.team_sizes):
            size = int(size)
            team = np.arange(start, start + size)
            start += size
            name_combo = int(self.enterprise_combos[t % len(self.enterprise_combos)])
            domain = self.combo_domain(name_combo)
            country = int(rng.choice(len(gw.COUNTRIES), p=gw.COUNTRY_WEIGHTS))
            company = domain.split(".")[0].capitalize() + " Inc."
            created = acc["created"][team]
            acc["kind"][team] = K["benign_enterprise"]
            acc["org"][team] = self.new_org()
            acc["org_verified"][team] = 1
            acc["plan"][team] = PLAN["enterprise"] if rng.random() < 0.8 else PLAN["team"]
            acc["status"][team] = ST["active"]
            acc["country"][team] = np.where(rng.random(size) < 0.85, country, acc["country"][team])
            first = rng.integers(0, len(gw.FIRST_NAMES), size)
            last = rng.integers(0, len(gw.LAST_NAMES), size)
            emails.append(
                self.name_emails(size, pa.array([domain] * size), last=last, first=first, corporate=True)
            )
            # Corporate card(s).
            n_cc = 1 if size <= 100 else 2
            cc = self.new_cards(n_cc, MT["card"], rng.choice(gw.CORPORATE_BINS, n_cc), country)
            self.pay.add(
                acct=team,
                card=cc[rng.integers(0, n_cc, size)],
                added=created + rng.integers(60, 2 * HOUR, size),
            )
            # Office network and, for some, a shared cloud egress for CI and internal tools.
            office = self.world.add_corporate(rng, company, gw.COUNTRIES[country])
            base = office.v4[0][0]
            n_off = int(min(4, 1 + size // 40))
            office_ips = base + 1 + rng.choice(14, n_off, replace=False)
            k_off = rng.integers(1, 3, size)
            reps = np.repeat(team, k_off)
            ip = office_ips[rng.integers(0, n_off, len(reps))]
            ua_kind = rng.random(len(reps))
            ua = np.where(
                ua_kind < 0.6,
                self.ua_primary[reps - lo],
                np.where(
                    ua_kind < 0.9,
                    rng.choice(self.ua_sdk, len(reps), p=gw.SDK_WEIGHTS),
                    self.ua_auto0 + rng.choice([0, 1, 2], len(reps)),
                ),
            )
            t0 = acc["created"][reps] + rng.integers(60, DAY, len(reps))
            t1 = np.minimum(t0 + rng.integers(20 * DAY, 120 * DAY, len(reps)), self.end_s - 1)
            req = 50 + rng.lognormal(np.log(800), 1.0, len(reps)).astype(np.int64)
            self.ev.add(
                acct=reps,
                ip=ip,
                t0=np.minimum(t0, self.end_s - HOUR),
                t1=t1,
                req=req,
                ua=ua,
                dev=self.dev[reps - lo],
                prov=-1,
            )
            if rng.random() < 0.3:
                cloud = self.world.clouds[int(rng.integers(len(self.world.clouds)))]
                egress = cloud.sample_v4(rng, int(rng.integers(1, 3)))
                who = team[rng.random(size) < 0.4]
                if len(who):
                    t0 = acc["created"][who] + rng.integers(DAY, 10 * DAY, len(who))
                    self.ev.add(
                        acct=who,
                        ip=egress[rng.integers(0, len(egress), len(who))],
                        t0=np.minimum(t0, self.end_s - HOUR),
                        t1=np.minimum(t0 + 60 * DAY, self.end_s - 1),
                        req=200 + rng.lognormal(np.log(3000), 1.0, len(who)).astype(np.int64),
                        ua=rng.choice([self.ua_sdk[0], self.ua_auto0, self.ua_auto0 + 2], len(who)),
                        dev=-1,
                        prov=-1,
                    )
            # Heavy coding usage, verified and clean.
            rows = 10 + rng.poisson(20, size)
            ua_acct = np.repeat(team, rows)
            k = len(ua_acct)
            c0 = acc["created"][ua_acct] // DAY
            day = c0 + (rng.random(k) * (self.end_s // DAY - c0)).astype(np.int64)
            cat = rng.choice(8, size=k, p=[0.15, 0.55, 0.1, 0.1, 0.02, 0.0, 0.08, 0.0])
            req = 20 + rng.lognormal(np.log(250), 0.9, k).astype(np.int64)
            self.us.add(
                acct=ua_acct,
                day=day,
                cat=cat,
                req=req,
                tok=(req * rng.lognormal(np.log(3000), 0.5, k)).astype(np.int64),
                jb=0,
            )
        self.ent_email_arr = pa.concat_arrays(emails) if emails else pa.array([], pa.string())

    def onboarding_times(self) -> np.ndarray:
        """Sign-ups of verified teams: 70% in one weekday-morning burst, then later hires."""
        rng = self.rng
        out = []
        for size in self.team_sizes:
            size = int(size)
            day0 = int(rng.integers(0, self.period_days - 40))
            while (self.start_s // DAY + day0 + 3) % 7 >= 5:
                day0 += 1
            t_burst = self.start_s + day0 * DAY + int(rng.integers(13, 17)) * HOUR
            burst = rng.random(size) < 0.7
            later = t_burst + rng.integers(DAY, 80 * DAY, size)
            out.append(self.clip_t(np.where(burst, t_burst + rng.integers(0, 3 * HOUR, size), later)))
        return np.concatenate(out) if out else np.zeros(0, np.int64)

    def drop_rows(self, cols: _Cols, accts: np.ndarray, keep_share: float) -> None:
        """Remove rows of ``accts`` from ``cols`` (keeping a random share)."""
        mask = np.zeros(self.n, bool)
        mask[accts] = True
        for i in range(len(cols.parts["acct"])):
            a = cols.parts["acct"][i]
            drop = mask[a] & (self.rng.random(len(a)) >= keep_share)
            if drop.any():
                for name in cols.names:
                    cols.parts[name][i] = cols.parts[name][i][~drop]

    def nat(self) -> None:
        """Carrier-grade and campus NAT: hundreds of ordinary users behind a handful of IPs."""
        rng, acc = self.rng, self.acc
        lo = self.bounds["enterprise"][0]
        start = self.bounds["nat"][0]
        for p, size in enumerate(self.nat_sizes):
            size = int(size)
            members = np.arange(start, start + size)
            start += size
            acc["kind"][members] = K["benign_nat"]
            uni = bool(self.nat_is_uni[p])
            if uni:
                net, domain = self.world.universities[p % len(self.world.universities)]
            else:
                net, domain = self.world.carriers[p % len(self.world.carriers)], ""
            k_ips = max(1, size // 250)
            pool = net.sample_v4(rng, k_ips)
            k_use = np.minimum(rng.integers(1, 3, size), k_ips)
            reps = np.repeat(members, k_use)
            # a member's picks are consecutive, hence distinct, pool addresses
            pos = np.arange(len(reps)) - np.repeat(np.cumsum(k_use) - k_use, k_use)
            ip = pool[(rng.integers(0, k_ips, size).repeat(k_use) + pos) % k_ips]
            if uni:
                ua = self.ua_primary[reps - lo]
                dev = self.dev[reps - lo]
            else:
                ua = rng.choice(self.ua_mobile, size=len(reps), p=gw.MOBILE_WEIGHTS)
                ph = self.phone[reps - lo]
                dev = np.where(ph >= 0, ph, self.dev[reps - lo])
            self.organic_events(
                reps,
                ip,
                acc["created"][reps],
                ua,
                dev,
                np.zeros(len(reps), bool),
                ua,
                np.zeros(len(reps), bool),
                ua,
            )
            if uni:
                # Students and staff: some use the university address.
                self.uni_email.append((members[rng.random(size) < 0.4], domain))

    def vpn(self) -> None:
        """Consumer VPN users: unrelated people who happen to share exit addresses."""
        rng, acc = self.rng, self.acc
        v0, v1 = self.bounds["vpn"]
        lo = self.bounds["enterprise"][0]
        m = v1 - v0
        if m == 0:
            return
        members = np.arange(v0, v1)
        acc["kind"][members] = K["benign_vpn"]
        prov = rng.choice(len(self.world.vpns), size=m, p=gw.VPN_WEIGHTS)
        k_use = rng.integers(1, 5, m)
        reps = np.repeat(members, k_use)
        rprov = np.repeat(prov, k_use)
        ip = np.zeros(len(reps), np.int64)
        pidx = np.zeros(len(reps), np.int64)
        for j, net in enumerate(self.world.vpns):
            sel = rprov == j
            users = int((prov == j).sum())
            if not sel.any():
                continue
            pool = net.sample_v4(rng, max(4, users // 8))
            ip[sel] = pool[rng.integers(0, len(pool), int(sel.sum()))]
            pidx[sel] = self.prov_index(net)
        self.organic_events(
            reps, ip, acc["created"][reps], self.ua_primary[reps - lo], self.dev[reps - lo], np.zeros(len(reps), bool),
            self.ua_primary[reps - lo], np.zeros(len(reps), bool), self.ua_primary[reps - lo], np.where(rng.random(len(reps)) < 0.2, pidx, -1),
        )  # fmt: skip

    def datacenter(self) -> None:
        """API developers calling from cloud hosts with SDK or HTTP-library user agents."""
        rng, acc = self.rng, self.acc
        d0, d1 = self.bounds["datacenter"]
        m = d1 - d0
        if m == 0:
            return
        members = np.arange(d0, d1)
        acc["kind"][members] = K["benign_datacenter"]
        acc["plan"][members] = np.where(acc["plan"][members] == PLAN["free"], PLAN["free"], PLAN["api"])
        k_use = rng.integers(1, 4, m)
        reps = np.repeat(members, k_use)
        ip = self.sample_by_network(
            self.world.clouds, rng.choice(len(self.world.clouds), size=len(reps), p=gw.CLOUD_WEIGHTS), 0.15
        )
        # Pairs of colleagues sometimes share one host.
        share = np.flatnonzero(rng.random(len(reps)) < 0.05)
        if len(share) > 1:
            ip[share[1::2]] = ip[share[: len(share) // 2 * 2 : 2]][: len(share[1::2])]
        r = rng.random(len(reps))
        ua = np.where(
            r < 0.7,
            rng.choice(self.ua_sdk, len(reps), p=gw.SDK_WEIGHTS),
            self.ua_auto0 + rng.choice([0, 1, 2, 3, 4, 6, 8], len(reps)),
        )
        t0 = np.minimum(
            acc["created"][reps] + rng.exponential(5 * DAY, len(reps)).astype(np.int64), self.end_s - HOUR
        )
        t1 = np.minimum(t0 + rng.exponential(40 * DAY, len(reps)).astype(np.int64), self.end_s - 1)
        req = 10 + rng.lognormal(np.log(400), 1.3, len(reps)).astype(np.int64)
        self.ev.add(acct=reps, ip=ip, t0=t0, t1=t1, req=req, ua=ua, dev=-1, prov=-1)
        rows = np.repeat(members, 3 + rng.poisson(6, m))
        self.organic_usage(rows, heavy=True)

    # ----------------------------------------------------------------- campaigns
    def campaigns(self) -> None:
        self.proxy_order = self.rng.permutation(len(self.world.proxies))
        start = 0
        width = max(2, len(str(len(self.sizes))))
        for c, size in enumerate(self.sizes):
            members = np.arange(start, start + int(size))
            start += int(size)
            name = f"camp_{c + 1:0{width}d}"
            self.campaign_names.append(name)
            self.campaign(c, members)
        emails = [self.camp_emails[c] for c in range(len(self.sizes))]
        self.camp_email_arr = pa.concat_arrays(emails) if emails else pa.array([], pa.string())

    def campaign(self, c: int, members: np.ndarray) -> None:
        """One distillation network: bursts, ban waves and replacements, shared cards and proxies."""
        rng, acc = self.rng, self.acc
        s = len(members)
        acc["kind"][members] = K["campaign"]
        acc["campaign"][members] = c

        # Timeline: 2-4 sign-up bursts, 1-2 ban waves each followed by replacements within a day.
        n_orig = max(2, int(round(s * rng.uniform(0.6, 0.8))))
        n_repl = s - n_orig
        day0 = int(rng.integers(2, max(3, self.period_days - 110)))
        n_burst = min(int(rng.integers(2, 5)), max(1, n_orig // 6))  # bursts of 6+ accounts
        burst_t = self.start_s + day0 * DAY + np.sort(rng.integers(0, 30 * DAY, n_burst))
        burst_w = rng.integers(1 * HOUR, 8 * HOUR, n_burst)
        b = rng.choice(n_burst, size=n_orig, p=rng.dirichlet(np.full(n_burst, 3.0)))
        created = np.zeros(s, np.int64)
        created[:n_orig] = burst_t[b] + (rng.random(n_orig) * burst_w[b]).astype(np.int64)
        n_waves = 1 if n_repl < 8 else int(rng.integers(1, 3))
        wave_t = burst_t[-1] + np.cumsum(rng.integers(7 * DAY, 25 * DAY, n_waves))
        wave_t = np.minimum(wave_t, self.end_s - 2 * DAY)
        repl_split = np.diff(np.round(np.linspace(0, n_repl, n_waves + 1)).astype(int))
        banned_at = np.full(s, -1, np.int64)
        parent = np.arange(s)  # whose cards/devices an account reuses
        alive = list(range(n_orig))
        pos = n_orig
        for w in range(n_waves):
            k = int(repl_split[w])
            if k == 0:
                continue
            cand = np.array([a for a in alive if created[a] < wave_t[w]], dtype=np.int64)
            victims = rng.choice(cand, size=min(k, len(cand)), replace=False)
            banned_at[victims] = wave_t[w]
            lag = int(rng.integers(HOUR, 12 * HOUR))
            new = np.arange(pos, pos + len(victims))
            created[new] = wave_t[w] + lag + rng.integers(0, 10 * HOUR, len(victims))
            parent[new] = parent[victims]
            alive = [a for a in alive if banned_at[a] < 0] + list(new)
            pos += len(victims)
        if pos < s:  # not enough alive accounts to ban: the rest join in the last burst
            created[pos:] = burst_t[-1] + rng.integers(0, int(burst_w[-1]), s - pos)
        created = self.clip_t(created)
        camp_end = int(
            min(self.end_s - HOUR, max(wave_t.max(), burst_t[-1]) + rng.integers(10 * DAY, 45 * DAY))
        )
        active_end = np.where(banned_at >= 0, banned_at, camp_end)
        active_end = np.maximum(active_end, created + HOUR)
        acc["created"][members] = created
        status = np.where(
            banned_at >= 0, ST["banned"], np.where(rng.random(s) < 0.08, ST["suspended"], ST["active"])
        )
        acc["status"][members] = status

        countries = rng.choice(
            len(gw.COUNTRIES), size=int(rng.integers(1, 4)), replace=False, p=gw.COUNTRY_WEIGHTS
        )
        acc["country"][members] = rng.choice(countries, size=s)
        acc["plan"][members] = (
            rng.choice([PLAN["pro"], PLAN["api"]], p=[0.5, 0.5])
            if rng.random() < 0.7
            else rng.choice([PLAN["pro"], PLAN["api"]], size=s)
        )
        if rng.random() < 0.25:  # fake, unverified teams
            orgs = np.array([self.new_org() for _ in range(int(rng.integers(1, 4)))])
            in_org = rng.random(s) < 0.6
            acc["org"][members] = np.where(in_org, orgs[rng.integers(0, len(orgs), s)], -1)
            acc["org_verified"][members] = np.where(in_org, 0, -1)
            acc["plan"][members] = np.where(in_org, PLAN["team"], acc["plan"][members])

        # Prepaid cards shared by groups of 3-8 originals; replacements reuse their parent's.
        group = self.groups(n_orig, 3, 9)
        n_groups = int(group.max()) + 1
        bins = rng.choice(gw.PREPAID_BINS, size=int(rng.integers(1, 3)), replace=False)
        card_country = int(rng.choice(countries)) if rng.random() < 0.5 else gw.COUNTRIES.index("US")
        card1 = self.new_cards(n_groups, MT["prepaid_card"], rng.choice(bins, n_groups), card_country)
        second = rng.random(n_groups) < 0.25
        card2 = np.where(
            second, self.new_cards(n_groups, MT["prepaid_card"], rng.choice(bins, n_groups), card_country), -1
        )
        g = group[parent]
        self.pay.add(acct=members, card=card1[g], added=created + rng.integers(60, 2 * HOUR, s))
        has2 = card2[g] >= 0
        self.pay.add(
            acct=members[has2],
            card=card2[g][has2],
            added=created[has2] + rng.integers(HOUR, 5 * DAY, int(has2.sum())),
        )
        cross = rng.random(s) < 0.05
        if cross.any():
            self.pay.add(
                acct=members[cross],
                card=card1[rng.integers(0, n_groups, int(cross.sum()))],
                added=created[cross] + 3 * HOUR,
            )

        # Devices shared in groups of 2-6 (a VM image, a phone farm); some accounts add their own.
        dgroup = self.groups(n_orig, 2, 7)
        gdev = self.new_devices(int(dgroup.max()) + 1)
        dev_main = gdev[dgroup[parent]]
        dev_own = np.where(rng.random(s) < 0.2, self.new_devices(s), -1)

        # Proxies: 1-3 residential providers; each keeps a campaign pool of exits in time order,
        # so accounts active the same days reuse the same addresses.
        n_prov = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2]))
        # The main provider goes round a shuffled list so campaigns overlap as little as the
        # provider count allows; extra providers are random.
        main = int(self.proxy_order[c % len(self.proxy_order)])
        others = rng.permutation(np.setdiff1d(np.arange(len(self.world.proxies)), [main]))
        provs = np.concatenate([[main], others[: n_prov - 1]]).astype(np.int64)
        pw = rng.dirichlet(np.full(n_prov, 2.0))
        c0, c1 = int(created.min()), int(active_end.max())
        pools, ptimes = [], []
        for j, pi in enumerate(provs):
            net = self.world.proxies[pi]
            size = max(8, int(s * rng.uniform(1.0, 2.5) * pw[j]))
            pool = net.sample_v4(rng, size)
            if net.v6_32 is not None and rng.random() < 0.5:
                k6 = max(2, size // 6)
                pref = net.sample_v6_prefixes(rng, 2)
                pool[rng.choice(size, k6, replace=False)] = gw.v6_codes(
                    pref[rng.integers(0, 2, k6)], rng.integers(0, 8192, k6)
                )
            pools.append(pool)
            ptimes.append(np.sort(rng.integers(c0, c1 + 1, size)))
        self.campaign_pools.append(np.concatenate(pools))
        lam = rng.uniform(4, 14)
        k_ev = 3 + rng.poisson(lam, s)
        reps = np.repeat(np.arange(s), k_ev)
        k = len(reps)
        t = created[reps] + (rng.random(k) * (active_end[reps] - created[reps])).astype(np.int64)
        first = np.cumsum(k_ev) - k_ev  # each account's first row is its sign-up
        t[first] = created + rng.integers(0, 600, s)
        pj = rng.choice(n_prov, size=k, p=pw)
        ip = np.zeros(k, np.int64)
        for j in range(n_prov):
            sel = pj == j
            at = np.searchsorted(ptimes[j], t[sel]) + np.round(rng.normal(0, 1.5, int(sel.sum()))).astype(
                np.int64
            )
            ip[sel] = pools[j][np.clip(at, 0, len(pools[j]) - 1)]
        t1 = np.minimum(t + rng.integers(10 * 60, 3 * DAY, k), active_end[reps])
        req = 20 + rng.lognormal(np.log(300), 0.9, k).astype(np.int64)
        # Automation on most rows: 1-3 HTTP libraries or a custom client, otherwise one browser.
        autos = list(
            self.ua_auto0 + rng.choice(len(gw.AUTOMATION_UAS), size=int(rng.integers(1, 3)), replace=False)
        )
        if rng.random() < 0.45:
            w1, w2 = rng.choice(len(gw.CUSTOM_TOOL_WORDS), 2, replace=False)
            ver = f"{rng.integers(0, 3)}.{rng.integers(0, 20)}.{rng.integers(0, 10)}"
            autos.append(self.add_ua(f"{gw.CUSTOM_TOOL_WORDS[w1]}-{gw.CUSTOM_TOOL_WORDS[w2]}/{ver}"))
        browser = int(rng.choice(self.ua_browser))
        ua = np.where(
            rng.random(k) < rng.uniform(0.75, 0.95), np.array(autos)[rng.integers(0, len(autos), k)], browser
        )
        dev = np.where((dev_own[reps] >= 0) & (rng.random(k) < 0.4), dev_own[reps], dev_main[reps])
        dev = np.where(rng.random(k) < 0.05, -1, dev)
        prov_idx = np.array([self.prov_index(self.world.proxies[pi]) for pi in provs])[pj]
        not_intel = np.array([not self.world.proxies[pi].in_intel for pi in provs])[pj]
        enrich = rng.random(k) < np.where(not_intel, 0.7, 0.45)
        self.ev.add(
            acct=members[reps],
            ip=ip,
            t0=t,
            t1=t1,
            req=req,
            ua=ua,
            dev=dev,
            prov=np.where(enrich, prov_idx, -1),
        )
        # Some run a control host in a cloud, hit by many members with curl/requests.
        if rng.random() < 0.4:
            cloud = self.world.clouds[int(rng.integers(len(self.world.clouds)))]
            host = cloud.sample_v4(rng, 1)
            who = np.flatnonzero(rng.random(s) < 0.3)
            if len(who):
                self.ev.add(
                    acct=members[who],
                    ip=host[0],
                    t0=created[who] + 600,
                    t1=active_end[who],
                    req=rng.integers(5, 50, len(who)),
                    ua=self.ua_auto0 + 6,
                    dev=-1,
                    prov=-1,
                )

        # Operator slip-ups: a few members once connected from the operator's own ISP line.
        if rng.random() < 0.3:
            isp = self.world.isps[int(rng.integers(len(self.world.isps)))]
            home = isp.sample_v4(rng, 1)[0]
            who = np.flatnonzero(rng.random(s) < rng.uniform(0.03, 0.1))
            if len(who):
                self.ev.add(
                    acct=members[who],
                    ip=home,
                    t0=created[who] + rng.integers(60, HOUR, len(who)),
                    t1=created[who] + HOUR,
                    req=rng.integers(1, 20, len(who)),
                    ua=browser,
                    dev=dev_main[who],
                    prov=-1,
                )

        # Emails: throwaway patterns, one or two per campaign.
        self.camp_emails[c] = self.throwaway_emails(s)

        # Usage: every active day-ish, distillation categories, big outputs, jailbreak probing.
        n_rows = np.minimum((active_end - created) // DAY + 1, 3 + rng.poisson(rng.uniform(10, 30), s))
        ua_acct = np.repeat(np.arange(s), n_rows)
        k = len(ua_acct)
        day = (
            created[ua_acct] + (rng.random(k) * (active_end[ua_acct] - created[ua_acct])).astype(np.int64)
        ) // DAY
        pc_ = rng.dirichlet([4, 3, 2.5, 2, 0.3, 0.6, 0.3, 0.1])
        cat = rng.choice(8, size=k, p=pc_)
        req = 30 + rng.lognormal(np.log(rng.uniform(400, 1500)), 0.6, k).astype(np.int64)
        tok = (req * rng.lognormal(np.log(rng.uniform(2500, 6000)), 0.4, k)).astype(np.int64)
        jb = rng.binomial(req, rng.uniform(0.002, 0.03))
        self.us.add(acct=members[ua_acct], day=day, cat=cat, req=req, tok=tok, jb=jb)

    def groups(self, n: int, lo: int, hi: int) -> np.ndarray:
        """Random partition of ``n`` items into groups of ``lo`` to ``hi - 1``; group id per item."""
        sizes = self.rng.integers(lo, hi, size=n // lo + 1)
        gid = np.repeat(np.arange(len(sizes)), sizes)[:n]
        return gid[self.rng.permutation(n)]

    def throwaway_emails(self, s: int) -> pa.Array:
        """Random local parts at disposable or freshly registered domains, or gmail variants."""
        rng = self.rng
        patterns = [int(rng.choice(3, p=[0.4, 0.3, 0.3]))]
        if rng.random() < 0.3:
            patterns.append(int(rng.choice(3)))
        pat = np.where(rng.random(s) < 0.7, patterns[0], patterns[-1])
        out: list[str] = [""] * s
        width = int(rng.integers(8, 14))
        rand_local = gt.random_alnum(rng, s, width).to_pylist()
        disp = [
            gw.DISPOSABLE[i]
            for i in rng.choice(len(gw.DISPOSABLE), size=int(rng.integers(1, 4)), replace=False)
        ]
        fresh = [
            f"{gw.WORDS_A[rng.integers(len(gw.WORDS_A))]}{gw.WORDS_B[rng.integers(len(gw.WORDS_B))]}{rng.integers(10, 999)}.{gw.FRESH_TLDS[rng.integers(len(gw.FRESH_TLDS))]}"
            for _ in range(int(rng.integers(1, 3)))
        ]
        n_base = max(1, s // int(rng.integers(8, 30)))
        # Bases end in digits and a letter, a shape organic addresses here never have, so a
        # campaign's dotted/tagged variants never collide with a real user's address.
        bases = [
            f"{gw.FIRST_NAMES[rng.integers(len(gw.FIRST_NAMES))]}{gw.LAST_NAMES[rng.integers(len(gw.LAST_NAMES))]}"
            f"{rng.integers(10, 99)}{chr(97 + int(rng.integers(26)))}"
            for _ in range(n_base)
        ]
        seen: set[str] = set()
        for i in range(s):
            if pat[i] == 0:
                out[i] = f"{rand_local[i]}@{disp[rng.integers(len(disp))]}"
            elif pat[i] == 1:
                out[i] = f"{rand_local[i]}@{fresh[rng.integers(len(fresh))]}"
            else:
                base = bases[rng.integers(n_base)]
                while True:
                    chars = list(base)
                    for p in sorted(
                        rng.choice(np.arange(1, len(base)), size=int(rng.integers(0, 4)), replace=False),
                        reverse=True,
                    ):
                        chars.insert(int(p), ".")
                    local = "".join(chars).replace("..", ".")
                    if rng.random() < 0.5:
                        local += "+" + "".join(
                            rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), int(rng.integers(2, 6)))
                        )
                    addr = f"{local}@{'gmail.com' if rng.random() < 0.9 else 'googlemail.com'}"
                    if addr not in seen:
                        break
                out[i] = addr
            seen.add(out[i])
        return pa.array(out, pa.string())

    def cross_links(self) -> None:
        """Realistic noise: a few background users once touched a campaign's proxy exits."""
        rng, acc = self.rng, self.acc
        b0, b1 = self.bounds["background"]
        lo = self.bounds["enterprise"][0]
        for pool in self.campaign_pools:
            k = int(rng.integers(1, 4))
            who = rng.integers(b0, b1, k)
            ip = pool[rng.integers(0, len(pool), k)]
            self.organic_events(
                who,
                ip,
                acc["created"][who],
                self.ua_primary[who - lo],
                self.dev[who - lo],
                np.zeros(k, bool),
                self.ua_primary[who - lo],
                np.zeros(k, bool),
                self.ua_primary[who - lo],
            )

    # ----------------------------------------------------------------- finish
    def finish(self) -> Population:
        lo = self.bounds["enterprise"][0]
        e1 = self.bounds["enterprise"][1]
        # Base emails for everyone after the enterprise block.
        m = self.n - e1
        dom = self.dom_idx[e1 - lo :].copy()
        domains = gt.take(self.domain_vocab, dom)
        for use, domain in self.uni_email:
            mask = np.zeros(m, bool)
            mask[use - e1] = True
            domains = pc.if_else(pa.array(mask), domain, domains)
        base = self.name_emails(m, domains, last=self.base_email_last[e1 - lo :])
        email = pa.concat_arrays([self.camp_email_arr, self.ent_email_arr, base.cast(pa.string())])
        assert len(email) == self.n
        intel = []
        for net in self.world.all_networks():
            if not net.in_intel:
                continue
            for base_ip, plen in net.v4:
                text = _v4(base_ip) if plen == 32 else f"{_v4(base_ip)}/{plen}"
                intel.append((text, net.provider, net.kind, net.asn))
            if net.v6_32 is not None:
                intel.append(
                    (f"{net.v6_32 >> 16:x}:{net.v6_32 & 0xFFFF:x}::/32", net.provider, net.kind, net.asn)
                )
        # One place guarantees time order: created <= first_seen <= last_seen < end, etc.
        events, pays, usage = self.ev.cat(), self.pay.cat(), self.us.cat()
        created = self.acc["created"]
        events["t0"] = np.clip(events["t0"], created[events["acct"]], self.end_s - 1)
        events["t1"] = np.clip(events["t1"], events["t0"], self.end_s - 1)
        pays["added"] = np.clip(pays["added"], created[pays["acct"]], self.end_s - 1)
        usage["day"] = np.clip(usage["day"], created[usage["acct"]] // DAY, (self.end_s - 1) // DAY)
        return Population(
            n=self.n,
            start_s=self.start_s,
            end_s=self.end_s,
            n_campaigns=len(self.sizes),
            n_campaign_accounts=int(self.sizes.sum()),
            salt=self.salt,
            account=self.acc,
            email=email,
            cards=self.cards.cat(),
            payments=pays,
            events=events,
            usage=usage,
            ua_vocab=self.ua_vocab,
            provider_names=self.world.provider_names(),
            intel=intel,
            campaign_names=self.campaign_names,
        )


def _v4(a: int) -> str:
    return f"{(a >> 24) & 255}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"


def build_population(
    n: int, seed: int, start: str, period_days: int, campaigns: int | None, step: Callable[[str], None]
) -> Population:
    """Generate every account and row for ``n`` accounts (see the module docstring)."""
    return _Builder(n, seed, start, period_days, campaigns).build(step)

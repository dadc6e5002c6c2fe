"""The synthetic internet the demo data lives in: vocabularies, networks and their intelligence.

Every provider (ISP, carrier, university, residential-proxy service, VPN, cloud, corporate
office, Tor) owns IPv4 blocks handed out by a buddy allocator over public /8s, plus, for most,
an IPv6 /32. The same objects produce the ``ip_intel`` rows and sample addresses, so an address
drawn for a provider is always inside a network listed for it (except the few providers
deliberately left out of the intelligence feed, which only the logs' ``proxy_provider`` names).

Names are fictional on purpose: demo data should not accuse real companies.

IP codes: an IPv4 address is its uint32 value; an IPv6 address is
``1 << 62 | prefix48 << 13 | host`` (host < 8192), small enough to sort and deduplicate as
int64 and turned into canonical text by ``generate_text.ipv6_text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

V6_FLAG = np.int64(1 << 62)
V6_HOST_BITS = 13

# --------------------------------------------------------------------------- vocabularies
COUNTRIES = (
    "US", "IN", "GB", "DE", "BR", "FR", "CA", "JP", "KR", "ES", "IT", "NL", "AU", "MX", "PL",
    "SE", "TR", "ID", "VN", "NG", "PH", "UA", "AR", "ZA", "SG", "CH", "IL", "EG", "PK", "CO",
)  # fmt: skip
COUNTRY_WEIGHTS = np.array(
    [30, 8, 6, 6, 5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1, 2, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float
)
COUNTRY_WEIGHTS /= COUNTRY_WEIGHTS.sum()

FIRST_NAMES = (
    "james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "william",
    "elizabeth", "david", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah",
    "charles", "karen", "daniel", "nancy", "matthew", "lisa", "anthony", "betty", "mark", "sandra",
    "steven", "ashley", "paul", "emily", "andrew", "donna", "joshua", "michelle", "kevin", "carol",
    "brian", "amanda", "george", "melissa", "timothy", "deborah", "jason", "stephanie", "ryan",
    "rebecca", "jacob", "laura", "gary", "sharon", "nicholas", "cynthia", "eric", "kathleen",
    "jonathan", "amy", "larry", "angela", "justin", "anna", "scott", "ruth", "brandon", "olivia",
    "raj", "priya", "arjun", "ananya", "wei", "li", "hiroshi", "yuki", "min", "jiwoo", "lucas",
    "sofia", "mateo", "valentina", "leon", "emma", "noah", "mia", "ahmed", "fatima", "omar",
    "aisha", "ivan", "olga", "pierre", "camille", "lukas", "hannah", "giulia", "marco", "chen",
    "nguyen", "tunde", "chioma", "diego", "lucia", "sven", "freya", "kofi", "ama", "mehmet", "elif",
)  # fmt: skip
LAST_NAMES = (
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
    "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore",
    "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez", "clark",
    "ramirez", "lewis", "robinson", "walker", "young", "allen", "king", "wright", "scott", "torres",
    "nguyen", "hill", "flores", "green", "adams", "nelson", "baker", "hall", "rivera", "campbell",
    "mitchell", "carter", "roberts", "patel", "sharma", "singh", "kumar", "gupta", "wang", "zhang",
    "liu", "chen", "yang", "tanaka", "suzuki", "sato", "kim", "park", "choi", "silva", "santos",
    "oliveira", "souza", "muller", "schmidt", "schneider", "fischer", "weber", "dubois", "bernard",
    "moreau", "rossi", "russo", "ferrari", "novak", "kowalski", "nowak", "ivanov", "petrov",
    "okafor", "adeyemi", "mensah", "yilmaz", "kaya", "cohen", "levi", "haddad", "khan", "ali",
    "hussain", "jensen", "nielsen", "larsen", "berg", "lindqvist", "fernandez", "gomez", "diaz",
)  # fmt: skip
WORDS_A = (
    "blue", "north", "bright", "silver", "iron", "cedar", "swift", "quiet", "red", "green",
    "amber", "lunar", "solar", "polar", "rapid", "clear", "deep", "high", "open", "true", "nova",
    "pixel", "quantum", "vector", "signal", "harbor", "summit", "river", "stone", "maple", "oak",
    "pine", "falcon", "otter", "fox", "wolf", "bear", "lark", "wren", "kite", "delta", "echo",
    "atlas", "orbit", "prism", "cobalt", "copper", "ember", "frost", "glade",
)  # fmt: skip
WORDS_B = (
    "labs", "works", "systems", "data", "logic", "soft", "tech", "cloud", "ware", "forge",
    "point", "path", "line", "stack", "base", "grid", "loop", "leaf", "field", "bridge", "gate",
    "mint", "craft", "scale", "sight", "mind", "flow", "hub", "port", "yard",
)  # fmt: skip
COMPANY_TLDS = ("com", "io", "co", "net", "de", "ai", "dev", "co.uk")
FRESH_TLDS = ("xyz", "top", "icu", "site", "online", "shop", "club", "live")

WEBMAIL = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me", "gmx.de", "yandex.ru", "qq.com", "mail.com")  # fmt: skip
WEBMAIL_WEIGHTS = np.array([45, 14, 10, 8, 8, 3, 3, 3, 4, 2], dtype=float)
WEBMAIL_WEIGHTS /= WEBMAIL_WEIGHTS.sum()
DISPOSABLE = (
    "mailinator.com", "guerrillamail.com", "yopmail.com", "10minutemail.com", "temp-mail.org",
    "trashmail.com", "sharklasers.com", "maildrop.cc", "getnada.com", "dispostable.com",
    "mailnesia.com", "throwawaymail.com", "moakt.com", "emailondeck.com",
)  # fmt: skip

BROWSER_UAS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
)  # fmt: skip
BROWSER_WEIGHTS = np.array([22, 12, 8, 16, 12, 5, 8, 4, 9, 4], dtype=float)
BROWSER_WEIGHTS /= BROWSER_WEIGHTS.sum()
MOBILE_UAS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
    "LabApp/2.4.1 (iOS 18.1; iPhone15,2)",
    "LabApp/2.4.0 (Android 14; Pixel 8)",
)  # fmt: skip
MOBILE_WEIGHTS = np.array([25, 10, 25, 10, 18, 12], dtype=float)
MOBILE_WEIGHTS /= MOBILE_WEIGHTS.sum()
SDK_UAS = (
    "lab-sdk-python/1.40.2",
    "lab-sdk-python/1.39.0",
    "lab-sdk-typescript/0.32.1",
    "lab-sdk-go/0.9.0",
    "lab-sdk-java/1.3.0",
)
SDK_WEIGHTS = np.array([45, 20, 25, 5, 5], dtype=float)
SDK_WEIGHTS /= SDK_WEIGHTS.sum()
AUTOMATION_UAS = (
    "python-requests/2.31.0",
    "python-requests/2.32.3",
    "python-httpx/0.27.2",
    "python-httpx/0.28.1",
    "Python/3.11 aiohttp/3.9.5",
    "Python/3.12 aiohttp/3.10.10",
    "curl/8.5.0",
    "curl/7.81.0",
    "Go-http-client/2.0",
    "axios/1.7.7",
    "okhttp/4.12.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
)
CUSTOM_TOOL_WORDS = ("harvest", "relay", "batch", "pump", "mirror", "scribe", "bulk", "sync", "turbo", "loop", "drain", "echo")  # fmt: skip

CATEGORIES = ("reasoning", "coding", "tool_use", "agentic", "vision", "alignment", "chat", "other")
CAT = {c: i for i, c in enumerate(CATEGORIES)}
METHOD_TYPES = ("card", "prepaid_card", "paypal", "crypto", "wire")
MT = {m: i for i, m in enumerate(METHOD_TYPES)}
CARD_BINS = (
    411111, 414720, 426684, 438857, 453201, 476173, 491653, 455673, 402400, 448590,
    510510, 520082, 531260, 542418, 554619, 222300, 230510, 371449, 378282, 601100,
)  # fmt: skip
PREPAID_BINS = (
    403163, 404038, 423223, 432465, 435880, 440393, 451129, 472409, 485340, 486208,
    516732, 524038, 530125, 535316, 547046, 558158, 409758, 428208,
)  # fmt: skip
CORPORATE_BINS = (404121, 415463, 427533, 440066, 485932, 519224, 552433, 556637, 379780)

PROXY_NAMES = (
    "ResiPool", "NimbleProxy Networks", "HydraIP", "Luminet Proxies", "StreamRoute Residential",
    "ProxyHarbor", "IPVault Residential", "Peerlink Proxies", "Gridnode", "OctoProxy",
    "Sunbeam Residential", "Ripple Proxies", "VeloIP", "Mosaic Proxy", "Tidal Residential",
    "Fernway Proxy", "Quarry IP", "Halcyon Proxies",
)  # fmt: skip
PROXY_NOT_IN_INTEL = ("Quarry IP", "Halcyon Proxies")  # only the logs' enrichment names them
VPN_NAMES = ("SafeTunnel VPN", "Veil VPN", "Northgate VPN", "Shieldline", "Cloak VPN", "PrivaNet")
VPN_WEIGHTS = np.array([30, 22, 16, 14, 10, 8], dtype=float)
VPN_WEIGHTS /= VPN_WEIGHTS.sum()
CLOUD_NAMES = ("Stratus Cloud", "Cumulo Compute", "Nimbus Hosting", "Aerie Cloud", "Kestrel Hosting")
CLOUD_WEIGHTS = np.array([40, 25, 15, 12, 8], dtype=float)
CLOUD_WEIGHTS /= CLOUD_WEIGHTS.sum()
CARRIER_NAMES = ("Telvio Mobile", "Orbitel Wireless", "Cellara", "Voxa Mobile", "Linkwave Mobile", "Mobilis")
UNIVERSITY_NAMES = (
    ("University of Westbrook", "westbrook.edu"),
    ("Eastfield Institute of Technology", "eit.edu"),
    ("Lakeside State University", "lakeside-state.edu"),
    ("Hollins College", "hollins-college.edu"),
    ("Universitat Nordhafen", "uni-nordhafen.de"),
    ("Kingsbridge University", "kingsbridge.ac.uk"),
    ("Osaka Bay University", "obu.ac.jp"),
    ("Instituto Vale Azul", "iva.edu.br"),
    ("Riverside Polytechnic", "rivpoly.edu"),
    ("Universite de Montclair", "u-montclair.fr"),
    ("Pacific Crest University", "pcu.edu"),
    ("Delhi Institute of Science", "dis.ac.in"),
)
ISP_PREFIX = ("Bluewave", "Meridian", "Keystone", "Horizon", "Summit", "Crestline", "Riverbend", "Lumen Valley", "Northline", "Beacon")  # fmt: skip
ISP_SUFFIX = ("Broadband", "Fiber", "Cable", "Telecom", "Internet")

# Reserved or special-purpose first octets never used for generated addresses.
_RESERVED_V4_8 = {0, 10, 100, 127, 169, 172, 192, 198, 203}


# --------------------------------------------------------------------------- networks
@dataclass
class Network:
    """One provider and the address space it owns."""

    provider: str
    kind: str
    asn: int
    country: str = ""
    v4: list[tuple[int, int]] = field(default_factory=list)  # (base, prefix length)
    v6_32: int | None = None  # the first two IPv6 groups
    in_intel: bool = True

    def sample_v4(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` random host addresses (never .0 or .255) in this provider's IPv4 blocks."""
        if n == 0:
            return np.zeros(0, np.int64)
        sizes = np.array([1 << (32 - p) for _, p in self.v4], dtype=float)
        blk = rng.choice(len(self.v4), size=n, p=sizes / sizes.sum())
        bases = np.array([b for b, _ in self.v4], dtype=np.int64)[blk]
        span = np.array([1 << (32 - p) for _, p in self.v4], dtype=np.int64)[blk]
        off = (rng.integers(0, 1 << 32, size=n, dtype=np.int64) % span) & ~np.int64(255)
        small = span < 256
        r = rng.integers(0, 1 << 30, size=n)
        host_small = np.where(span >= 4, 1 + r % np.maximum(span - 2, 1), 0)
        host = np.where(small, host_small, 1 + r % 254)
        return bases + np.where(small, 0, off) + host

    def sample_v6_prefixes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` random /48 prefixes (third group 0x1000-0xffff) inside the provider's /32."""
        assert self.v6_32 is not None
        g3 = rng.integers(0x1000, 0x10000, size=n, dtype=np.int64)
        return (np.int64(self.v6_32) << 16) | g3


def v6_codes(prefix48: np.ndarray, host: np.ndarray) -> np.ndarray:
    """IP codes for IPv6 addresses in the given /48s (``host`` < 8192 picks the address)."""
    return V6_FLAG | (np.asarray(prefix48, np.int64) << V6_HOST_BITS) | (np.asarray(host, np.int64) & 0x1FFF)


class _Allocator:
    """A buddy allocator over the public IPv4 /8s, with randomised halves so blocks scatter."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        firsts = [o for o in range(1, 224) if o not in _RESERVED_V4_8]
        order = rng.permutation(len(firsts))
        self.free: dict[int, list[int]] = {8: [firsts[i] << 24 for i in order]}

    def alloc(self, prefix: int) -> int:
        pool = self.free.setdefault(prefix, [])
        if pool:
            return pool.pop()
        if prefix <= 8:
            raise RuntimeError("IPv4 space exhausted; generate fewer accounts")
        parent = self.alloc(prefix - 1)
        half = 1 << (32 - prefix)
        keep, spare = (parent, parent + half) if self.rng.random() < 0.5 else (parent + half, parent)
        pool.append(spare)
        return keep


@dataclass
class World:
    """All providers, grouped by role, plus the allocator state they came from."""

    isps: list[Network]
    carriers: list[Network]
    universities: list[tuple[Network, str]]  # with the email domain
    proxies: list[Network]
    vpns: list[Network]
    clouds: list[Network]
    tor: Network
    corporate: list[Network] = field(default_factory=list)
    alloc: _Allocator | None = None
    used_asns: set[int] = field(default_factory=set)

    def all_networks(self) -> list[Network]:
        return (
            self.isps
            + self.carriers
            + [u for u, _ in self.universities]
            + self.proxies
            + self.vpns
            + self.clouds
            + [self.tor]
            + self.corporate
        )

    def provider_names(self) -> list[str]:
        return [n.provider for n in self.all_networks()]

    def new_asn(self, rng: np.random.Generator) -> int:
        while True:
            asn = int(rng.integers(1000, 400_000))
            if asn not in self.used_asns:
                self.used_asns.add(asn)
                return asn

    def add_corporate(self, rng: np.random.Generator, name: str, country: str) -> Network:
        """A /28 office network for a verified organisation."""
        assert self.alloc is not None
        net = Network(name, "corporate", self.new_asn(rng), country, [(self.alloc.alloc(28), 28)])
        self.corporate.append(net)
        return net


def build_world(rng: np.random.Generator, accounts: int) -> World:
    """Allocate every provider's networks, sized so home IPs rarely share a /24 by chance."""
    alloc = _Allocator(rng)
    used: set[int] = set()
    w = World([], [], [], [], [], [], Network("Tor exit", "tor", 0), alloc=alloc, used_asns=used)
    v6_seen: set[int] = set()

    def v6() -> int:
        while True:
            g1 = int(rng.choice([0x2001, 0x2400, 0x2600, 0x2A00, 0x2A01, 0x2A02, 0x2C0F, 0x2800]))
            g2 = int(rng.integers(0x1000, 0x10000))
            code = (g1 << 16) | g2
            if code not in v6_seen:
                v6_seen.add(code)
                return code

    # ISPs: ~3 /24s per account overall, in /12 blocks.
    n_isp = 40
    isp_country = np.concatenate(
        [np.arange(len(COUNTRIES)), rng.choice(len(COUNTRIES), n_isp - len(COUNTRIES), p=COUNTRY_WEIGHTS)]
    )
    blocks_total = max(n_isp, int(np.ceil(3 * accounts / 4096)))
    share = COUNTRY_WEIGHTS[isp_country] / np.bincount(isp_country, minlength=len(COUNTRIES))[isp_country]
    n_blocks = np.maximum(1, np.round(share / share.sum() * blocks_total)).astype(int)
    for i in range(n_isp):
        name = f"{ISP_PREFIX[i % len(ISP_PREFIX)]} {ISP_SUFFIX[(i // len(ISP_PREFIX)) % len(ISP_SUFFIX)]}"
        if i >= len(ISP_PREFIX) * len(ISP_SUFFIX):
            name += f" {i}"
        c = COUNTRIES[isp_country[i]]
        w.isps.append(
            Network(
                f"{name} ({c})",
                "isp",
                w.new_asn(rng),
                c,
                [(alloc.alloc(12), 12) for _ in range(n_blocks[i])],
                v6(),
            )
        )
    for name in CARRIER_NAMES:
        w.carriers.append(
            Network(
                name,
                "mobile_carrier",
                w.new_asn(rng),
                "",
                [(alloc.alloc(14), 14) for _ in range(int(rng.integers(2, 5)))],
                v6(),
            )
        )
    for name, _dom in UNIVERSITY_NAMES:
        w.universities.append(
            (Network(name, "education", w.new_asn(rng), "", [(alloc.alloc(16), 16)], v6()), _dom)
        )
    for name in PROXY_NAMES:
        net = Network(
            name,
            "residential_proxy",
            w.new_asn(rng),
            "",
            [(alloc.alloc(16), 16) for _ in range(int(rng.integers(3, 7)))],
            v6(),
        )
        net.in_intel = name not in PROXY_NOT_IN_INTEL
        # Some exits sit inside ISP space: the intel lists the /20, longest prefix wins.
        if rng.random() < 0.4:
            isp = w.isps[int(rng.integers(len(w.isps)))]
            base, plen = isp.v4[int(rng.integers(len(isp.v4)))]
            net.v4.append((base + int(rng.integers(0, 1 << (20 - plen))) * (1 << 12), 20))
        w.proxies.append(net)
    for name in VPN_NAMES:
        w.vpns.append(
            Network(
                name,
                "vpn",
                w.new_asn(rng),
                "",
                [(alloc.alloc(20), 20) for _ in range(int(rng.integers(2, 5)))],
            )
        )
    for name in CLOUD_NAMES:
        w.clouds.append(
            Network(
                name,
                "datacenter",
                w.new_asn(rng),
                "",
                [(alloc.alloc(14), 14) for _ in range(int(rng.integers(2, 6)))],
                v6(),
            )
        )
    tor_block = alloc.alloc(24)
    w.tor = Network(
        "Tor exit",
        "tor",
        w.new_asn(rng),
        "",
        [(tor_block + int(h), 32) for h in sorted(rng.choice(np.arange(1, 255), 40, replace=False))],
    )
    return w

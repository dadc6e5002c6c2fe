"""The generator's own vocabularies: names, domains, user agents, card BINs, provider names.

Written for the demo data and owned by it: nothing here is shared with the detector, so a
detector tuned on generated data cannot be tuned on the generator's word lists. Names of
providers, companies and universities are fictional on purpose: demo data should not accuse
real companies.
"""

from __future__ import annotations

import numpy as np

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
CATEGORY_INDEX = {c: i for i, c in enumerate(CATEGORIES)}
METHOD_TYPES = ("card", "prepaid_card", "paypal", "crypto", "wire")
METHOD_TYPE_INDEX = {m: i for i, m in enumerate(METHOD_TYPES)}
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

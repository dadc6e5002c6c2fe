"""Cross-lab threat-intel sharing that leaks no user data.

A lab that confirmed a distillation campaign shares what another lab could observe of the same
operator (``bundle.write_bundle``): a STIX 2.1 bundle with one grouping per campaign and
indicators for its network infrastructure (proxy providers, datacenter subnets and IPs, raw)
and keyed hashes (HMAC-SHA256 with a key the labs exchange out of band, ``keys``) of everything
that belongs to a user: normalised email addresses, private or throwaway email domains, email
local-part templates, card BIN + last 4, device ids, user agents, and residential IPs and
subnets (raw only with an explicit opt-in). A peer lab hashes its own values with the same key
and reports the accounts that match (``matching.match_bundle``), with per-indicator evidence
and a strength in which one shared proxy provider never makes a strong match.

Modules: ``keys`` (the shared key and its fingerprint), ``indicators`` (what each side observes,
normalised identically on both sides), ``bundle`` (STIX in and out), ``matching`` (scoring a
peer's bundle against this lab's accounts).
"""

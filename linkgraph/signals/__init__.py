"""Evidence families that detection combines, one module per family.

Every signal says what it needs from the export and what it does when that input is absent:
an absent input makes the signal *unknown* (``None`` / NaN), never benign, so it contributes
nothing either way to a score, and the run records which inputs it had (``inputs.py``).

- ``vocabulary``: synonym tables for enrichment values (network kinds, prepaid instruments)
  as different vendors spell them.
- ``inputs``: which inputs an export provided (tables and columns), for the run record.
- ``background``: how identifiers of each type are shared across the whole population, and
  which identifiers are widely shared infrastructure.
- ``templates``: email local parts that follow one template or sequence.
- ``evasion``: replacement accounts created after a ban that reuse the banned account's
  device, card or IPs.
- ``lockstep``: accounts first seen on the same IPs within minutes (SynchroTrap, CopyCatch)
  and accounts with near-identical daily usage.
- ``known``: known-bad and known-good accounts from the export's statuses and analysts'
  decisions.
"""

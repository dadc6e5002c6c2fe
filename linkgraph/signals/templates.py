"""Templated identities: email local parts that follow one template or sequence.

Operations that create accounts by the hundred name them by a pattern: ``jsmith017``,
``jsmith018``...; ``user_4821_x``; ``qa-team-12``. ``email_templates`` masks every run of
digits in the normalised local part (``email_local``, lower-case) to ``#`` and keeps the
domain, so ``jsmith017@mail.com`` and ``jsmith018@mail.com`` share the template
``jsmith#@mail.com``; the template is an identifier like any other (linking damps it by how
many accounts share it and times it by sign-up, so ``john#@gmail.com`` shared by thousands of
unrelated Johns over a year says nothing). Only local parts with a digit run and at least
``min_letters`` letters are templated (a bare number or a plain name is not a template).

``sequence_rank`` says, per account, whether its number is within ``gap`` of another
account's number on the same template (sequential numbering is much rarer among organic
users than a shared template). Benign look-alikes (a classroom ``student01..30@uni.edu``, a
team's ``qa1..qa9@company.com``) share templates too: a template is one evidence family, never
enough on its own, and organisational domains are judged by the other signals.

Needs ``accounts.email_local`` (and ``email_domain``); absent: no template identifiers
(unknown). Vectorised with Arrow regex kernels; no Python loop over accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Templates:
    """Per account: template code (-1 none) into ``names``, and the number in its local part."""

    code: np.ndarray  # int64 per account
    names: pa.Array  # template text per code
    number: np.ndarray  # float per account (NaN: none)
    sequential: np.ndarray  # bool per account: a neighbour on its template is within ``gap``


def email_templates(
    local: pa.Array, domain: pa.Array | None, min_letters: int = 2, gap: int = 3
) -> Templates:
    """Template identifiers of normalised email local parts (see the module docstring)."""
    n = len(local)
    low = pc.utf8_lower(pc.fill_null(local.cast(pa.string()), ""))
    masked = pc.replace_substring_regex(low, r"[0-9]+", "#")
    letters = np.asarray(pc.count_substring_regex(low, r"[a-z]").to_numpy(zero_copy_only=False))
    has_digit = np.asarray(pc.match_substring_regex(low, r"[0-9]").to_numpy(zero_copy_only=False), bool)
    ok = has_digit & (letters >= min_letters)
    if domain is not None:
        dom = pc.fill_null(pc.utf8_lower(domain.cast(pa.string())), "")
        masked = pc.binary_join_element_wise(masked, dom, "@")
    masked = pc.if_else(pa.array(ok), masked, pa.scalar(None, pa.string()))
    enc = pc.dictionary_encode(masked)
    code = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    digits = pc.extract_regex(low, r"(?P<d>[0-9]+)[^0-9]*$")
    num_txt = pc.utf8_slice_codeunits(pc.struct_field(digits, "d"), 0, 9)
    number = (
        np.asarray(
            pc.fill_null(pc.cast(num_txt, pa.float64(), safe=False), np.nan).to_numpy(zero_copy_only=False),
            dtype=float,
        )
        if n
        else np.zeros(0)
    )
    number = np.where(code >= 0, number, np.nan)
    return Templates(code, enc.dictionary, number, _sequential(code, number, gap))


def stored_templates(
    local: pa.Array,
    template: pa.Array,
    number: pa.Array,
    derived: pa.Array,
    domain: pa.Array | None,
    gap: int = 3,
) -> Templates:
    """``email_templates`` from the loader's ``accounts.email_template`` / ``email_number``.

    The loader computes them with ``email_templates`` on the plain local part, before
    ``--pseudonymise`` hashes it (and the template with it): the same accounts share a template,
    so a pseudonymised store links and scores like a plain one. Rows the loader did not derive
    (``derived`` false: tables made some other way) fall back to their ``local`` part.
    """
    own = email_templates(local, None, gap=gap)
    text = (
        own.names.take(pa.array(np.maximum(own.code, 0)))
        if len(own.names)
        else pa.nulls(len(local), pa.string())
    )
    text = pc.if_else(pa.array(own.code >= 0), text, pa.scalar(None, pa.string()))
    ok = pc.fill_null(derived, False)
    masked = pc.if_else(ok, template.cast(pa.string()), text)
    num = pc.if_else(ok, pc.cast(number, pa.float64()), pa.array(own.number, pa.float64()))
    if domain is not None:
        dom = pc.fill_null(pc.utf8_lower(domain.cast(pa.string())), "")
        masked = pc.binary_join_element_wise(masked, dom, "@")
    enc = pc.dictionary_encode(masked)
    code = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    value = np.asarray(pc.fill_null(num, np.nan).to_numpy(zero_copy_only=False), dtype=float)
    value = np.where(code >= 0, value, np.nan)
    return Templates(code, enc.dictionary, value, _sequential(code, value, gap))


def _sequential(code: np.ndarray, number: np.ndarray, gap: int) -> np.ndarray:
    """Accounts whose number is within ``gap`` of another account's on the same template."""
    out = np.zeros(len(code), bool)
    sel = np.flatnonzero((code >= 0) & ~np.isnan(number))
    if len(sel) < 2:
        return out
    order = sel[np.lexsort((number[sel], code[sel]))]
    c, v = code[order], number[order]
    close = (c[1:] == c[:-1]) & (np.abs(v[1:] - v[:-1]) <= gap)
    near = np.zeros(len(order), bool)
    near[1:] |= close
    near[:-1] |= close
    out[order] = near
    return out

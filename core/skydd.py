"""Disclosure control (röjandeskydd): the one engine every output passes through.

The rules are those of ``../shared/spec/produkt.md`` ("Disclosure control"), with the
threshold from configuration (rule 6, default 5):

1. **Primary** — a count of 1..(threshold-1) is suppressed: shown as "färre än 5", its share
   blank. Zero is shown. A group (a round, a filter result) of 1–4 persons shows nothing but
   "färre än 5".
2. **Secondary** — in a set of cells that add up to a shown total (the codes of a
   single-valued variable including ``okand`` and blank; women + men + blank = all), if
   exactly one cell is suppressed, the next smallest cell above zero is suppressed too.
3. **Complement** — for a multi-valued code, if the persons in the group *without* the code
   are 1–4, the code's count is suppressed.
4. **Other statistics** — a median, mean, sum or quartile over 1–4 persons is suppressed.

Whether the engine is applied at all depends on the caller's scope (``Omfang``): on screen
for politiker and medarbetare; in exports and reports for everyone unless processledning or
admin chose otherwise. Functions here are pure; they take counts and return which are
suppressed, so the same decision serves tables, charts, tooltips, downloads and sentences.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pandas as pd

from core import config


def troskel() -> int:
    """The configured threshold (5): counts 1..troskel-1 are small."""
    return config.skydd_troskel()


def ar_litet(n, grans: int | None = None) -> bool:
    """Rule 1: is ``n`` a small count (1..threshold-1)? Zero and None are not."""
    if n is None or pd.isna(n):
        return False
    g = troskel() if grans is None else grans
    return 0 < int(n) < g


def skydda_mangd(antal: Mapping[Hashable, int], grans: int | None = None) -> set:
    """Rules 1 and 2 over one additive set of cells; returns the keys to suppress.

    ``antal`` maps each cell of a set that adds up to a shown total (every code of a
    single-valued variable, blank included) to its count. Cells of 1–4 are suppressed; if
    that leaves exactly one suppressed cell, the next smallest cell above zero is suppressed
    too, so the total minus the visible cells never gives a small count back. Ties are broken
    by the order of ``antal`` (deterministic).
    """
    g = troskel() if grans is None else grans
    dolda = {k for k, n in antal.items() if ar_litet(n, g)}
    if len(dolda) == 1:
        kandidater = [(int(n), i, k) for i, (k, n) in enumerate(antal.items()) if k not in dolda and n and n > 0]
        if kandidater:
            dolda.add(min(kandidater)[2])
    return dolda


def skydda_komplement(n, total, grans: int | None = None) -> bool:
    """Rule 3: suppress a multi-valued code when the persons *without* it are 1–4."""
    if n is None or total is None:
        return False
    return ar_litet(int(total) - int(n), grans)


def skydda_statistik(underlag, grans: int | None = None) -> bool:
    """Rule 4: a median, mean, sum or quartile over 1..threshold-1 persons is suppressed."""
    return ar_litet(underlag, grans)


def skydda_fordelning(df: pd.DataFrame, total: int, *, flerval: bool, grans: int | None = None) -> pd.DataFrame:
    """Apply rules 1–3 to one distribution.

    Parameters
    ----------
    df : frame with columns ``kod`` and ``n`` (every code of the code list, 0 included, and
        the blank code ``saknas``), one row per code.
    total : the number of persons in the group (the denominator of the shares).
    flerval : True for a multi-valued variable (codes do not add up to the total; rule 3
        instead of rule 2).

    Returns
    -------
    A copy with ``n`` (nullable Int64, <NA> where suppressed), ``andel`` (float, NaN where
    suppressed or total is 0) and ``skyddad`` (bool). When the group itself is small
    (1–4 persons) every cell is suppressed.
    """
    g = troskel() if grans is None else grans
    ut = df.copy()
    if ar_litet(total, g):
        dolda = set(ut["kod"])
    elif flerval:
        dolda = {k for k, n in zip(ut["kod"], ut["n"], strict=True) if ar_litet(n, g) or skydda_komplement(n, total, g)}
    else:
        dolda = skydda_mangd(dict(zip(ut["kod"], ut["n"], strict=True)), g)
    ut["skyddad"] = ut["kod"].isin(dolda)
    ut["n"] = ut["n"].astype("Int64").mask(ut["skyddad"])
    ut["andel"] = _andel(ut["n"], total)
    return ut


def oskyddad_fordelning(df: pd.DataFrame, total: int) -> pd.DataFrame:
    """The same columns as :func:`skydda_fordelning` with nothing suppressed."""
    ut = df.copy()
    ut["skyddad"] = False
    ut["n"] = ut["n"].astype("Int64")
    ut["andel"] = _andel(ut["n"], total)
    return ut


def _andel(n: pd.Series, total: int) -> pd.Series:
    """Shares as floats: NaN where the count is missing (suppressed) or the group is empty."""
    if not total:
        return pd.Series(float("nan"), index=n.index)
    return pd.Series(n.astype("Float64").div(total).to_numpy(dtype=float, na_value=float("nan")), index=n.index)

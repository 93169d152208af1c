"""Disclosure control (röjandeskydd): the one engine every output passes through.

The rules are those of ``../shared/spec/produkt.md`` ("Disclosure control"), with the
threshold from configuration (rule 6, default 5):

1. **Primary** — a count of 1..(threshold-1) is suppressed: shown with the neutral mark
   ("dolt", rule 8), its share blank. Zero is shown. A group (a round, a filter result) of
   1–4 persons shows nothing but the mark.
2. **Secondary** — in a set of cells that add up to a shown total (the codes of a
   single-valued variable including ``okand`` and blank; women + men + blank = all), if
   exactly one cell is suppressed, the next smallest cell above zero is suppressed too.
3. **Complement** — for a multi-valued code, if the persons in the group *without* the code
   are 1–4, the code's count is suppressed.
4. **Other statistics** — a median, mean, sum or quartile over 1–4 persons is suppressed.

These functions decide single tables. What a suppressed scope actually sees is decided once
per release by :mod:`core.frislapp` (rules 7–10: groups are cells too, one neutral mark, one
release verified by linear programming, exclusive codes), which uses the primary rule here and
audits every table of a round together; :mod:`core.utsnitt` reads the views off it.

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


def _en_vag(summa: pd.Series, total: int, flerval: bool, g: int) -> set:
    """The codes of a one-way distribution that rules 1–3 suppress (as :func:`skydda_fordelning`)."""
    if flerval:
        return {k for k, n in summa.items() if ar_litet(n, g) or skydda_komplement(n, total, g)}
    return skydda_mangd(dict(summa.items()), g)


def skydda_korstabell(
    n: pd.DataFrame,
    radsumma: pd.Series,
    kolumnsumma: pd.Series,
    total: int,
    *,
    rad_flerval: bool = False,
    kolumn_flerval: bool = False,
    grans: int | None = None,
) -> tuple[pd.DataFrame, pd.Series, pd.Series, bool]:
    """Rules 1–3 for a cross-tabulation with its margins; returns what to suppress.

    Parameters
    ----------
    n : persons per (row code, column code); index = row codes, columns = column codes.
    radsumma : persons per row code (the row margin); kolumnsumma : per column code.
    total : persons in the group.
    rad_flerval, kolumn_flerval : whether the row / column variable is multi-valued (a person
        can have several codes, so that dimension does not add up; rule 3 applies there).

    Returns
    -------
    ``(dolda, dolda_rader, dolda_kolumner, dold_total)``: boolean frames/series of the same
    shape as the inputs, True where the value must be suppressed.

    Notes
    -----
    Every set of cells that adds up to a shown total is an equation: a row of cells and its
    row margin (when the column variable is single-valued), a column and its column margin
    (when the row variable is single-valued). The margins are suppressed exactly as the
    variable's own distribution is (rules 1–3 one way), because the page shows that too.
    Primary suppression marks cells of 1–4; then, repeatedly until nothing changes, an
    equation with exactly one suppressed member gets its next smallest cell above zero
    suppressed too, so a margin minus the visible cells never gives a small count back.
    """
    g = troskel() if grans is None else grans
    rader, kolumner = list(n.index), list(n.columns)
    varde: dict = {("c", r, k): int(n.loc[r, k]) for r in rader for k in kolumner}
    varde |= {("r", r): int(radsumma[r]) for r in rader}
    varde |= {("k", k): int(kolumnsumma[k]) for k in kolumner}
    varde[("t",)] = int(total)

    if ar_litet(total, g):
        dolda = set(varde)
    else:
        # The margins are each variable's distribution in the same group, which the page
        # shows on its own too: they are decided by the one-way rules alone, so the cross-tab
        # never hides a margin that another view shows (that would give its cells back).
        dolda = {("r", r) for r in _en_vag(radsumma, total, rad_flerval, g)}
        dolda |= {("k", k) for k in _en_vag(kolumnsumma, total, kolumn_flerval, g)}
        dolda |= {("c", r, k) for r in rader for k in kolumner if ar_litet(varde[("c", r, k)], g)}
        # Rule 3 along a multi-valued dimension: persons in the column (row) without the code.
        if rad_flerval:
            dolda |= {("c", r, k) for r in rader for k in kolumner if ar_litet(varde[("k", k)] - varde[("c", r, k)], g)}
        if kolumn_flerval:
            dolda |= {("c", r, k) for r in rader for k in kolumner if ar_litet(varde[("r", r)] - varde[("c", r, k)], g)}
        ekvationer: list[tuple[list, tuple]] = []
        if not kolumn_flerval:
            ekvationer += [([("c", r, k) for k in kolumner], ("r", r)) for r in rader]
        if not rad_flerval:
            ekvationer += [([("c", r, k) for r in rader], ("k", k)) for k in kolumner]
        andrat = True
        while andrat:
            andrat = False
            for celler, summa in ekvationer:
                if sum(c in dolda for c in (*celler, summa)) != 1:
                    continue
                synliga = [(varde[c], i, c) for i, c in enumerate(celler) if c not in dolda]
                # The next smallest cell above zero; failing that a zero cell (hiding a 0
                # protects as well); the margin only when the equation has no visible cell.
                kandidater = [k for k in synliga if k[0] > 0] or synliga
                dolda.add(min(kandidater)[2] if kandidater else summa)
                andrat = True
    celler_dolda = pd.DataFrame(
        [[("c", r, k) in dolda for k in kolumner] for r in rader], index=n.index, columns=n.columns
    )
    return (
        celler_dolda,
        pd.Series([("r", r) in dolda for r in rader], index=n.index),
        pd.Series([("k", k) in dolda for k in kolumner], index=n.columns),
        ("t",) in dolda,
    )

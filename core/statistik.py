"""Statistics for the pages: thin wrappers over ``scipy.stats`` and ``statsmodels``.

No test statistic is written by hand here: each function calls a kept library and only
shapes its input and output, so a reference value in the tests can be reproduced with the
same call in any Python (the tests quote the call). Swedish sentences about a result live
beside the functions, so every page says "more than chance" the same way.

Conventions: a 2×2 table is ``[[a, b], [c, d]]`` with the rows the two groups (women first)
and the columns "with" / "without"; proportions are fractions 0–1; a difference of two
proportions is group 1 minus group 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats
from statsmodels.stats import multitest
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.proportion import confint_proportions_2indep

ALFA = 0.05

# The multiple-testing adjustments the pages may use: code -> (statsmodels method, Swedish name).
JUSTERINGAR: dict[str, tuple[str, str]] = {
    "holm": ("holm", "Holms metod"),
    "bh": ("fdr_bh", "Benjamini–Hochbergs metod"),
}

# Plain-Swedish verdicts on a (adjusted) p-value.
SALLAN_SLUMP = "skillnaden är så stor att den sällan uppstår av en slump"
KAN_VARA_SLUMP = "kan vara en slump"
FOR_FA = "för få för att pröva"
DOLD_PROVNING = "kan inte prövas utan dolda uppgifter"


@lru_cache(maxsize=20_000)
def fisher(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    """Fisher's exact test on the 2×2 table ``[[a, b], [c, d]]``, two-sided.

    Returns
    -------
    ``(odds_ratio, p)`` from ``scipy.stats.fisher_exact`` (the sample odds ratio ``ad/bc``,
    ``inf`` or ``nan`` where a cell is zero).
    """
    res = stats.fisher_exact([[int(a), int(b)], [int(c), int(d)]], alternative="two-sided")
    return float(res.statistic), float(res.pvalue)


def minsta_mojliga_p(n1: int, n2: int, m: int) -> float:
    """The smallest two-sided Fisher p-value any 2×2 table with these margins can give.

    ``n1``, ``n2`` are the group sizes and ``m`` the persons "with" in both together. When
    even the most lopsided table cannot reach :data:`ALFA`, the groups are too few to say
    anything ("för få för att pröva"): the answer does not depend on the data.
    """
    if n1 <= 0 or n2 <= 0 or m <= 0 or m >= n1 + n2:
        return 1.0
    lag, hog = max(0, m - n2), min(m, n1)
    return min(fisher(x, n1 - x, m - x, n2 - m + x)[1] for x in (lag, hog))


def provbar(x1: int, n1: int, x2: int, n2: int, alfa: float = ALFA) -> bool:
    """Whether Fisher's test on ``x1`` of ``n1`` against ``x2`` of ``n2`` can say anything:
    some table with the same margins would fall below ``alfa``."""
    return minsta_mojliga_p(n1, n2, x1 + x2) < alfa


def skillnad_ki(x1: int, n1: int, x2: int, n2: int, alfa: float = ALFA) -> tuple[float, float]:
    """Confidence interval for ``x1/n1 − x2/n2`` (fractions), Newcomb's hybrid score interval.

    ``statsmodels.stats.proportion.confint_proportions_2indep(x1, n1, x2, n2,
    method="newcomb", compare="diff", alpha=alfa)``: it stays inside [−1, 1] and keeps its
    coverage for small groups and for shares near 0 or 1, unlike the Wald interval.
    """
    lo, hi = confint_proportions_2indep(
        int(x1), int(n1), int(x2), int(n2), method="newcomb", compare="diff", alpha=alfa
    )
    return float(lo), float(hi)


def justera(pvarden: Sequence[float], metod: str = "holm") -> list[float]:
    """Adjusted p-values for a family of tests (``statsmodels.stats.multitest.multipletests``).

    Parameters
    ----------
    pvarden : the raw p-values of the tests in the family (those that could be tested).
    metod : ``holm`` (family-wise error, Holm–Bonferroni) or ``bh`` (false discovery rate,
        Benjamini–Hochberg).
    """
    if metod not in JUSTERINGAR:
        raise ValueError(f"Okänd justering: {metod!r}")
    if not len(pvarden):
        return []
    # (statsmodels 0.15's Holm branch ends with a full gc.collect(): ~0.1–0.5 s per call in a
    # large process; the page calls it once per family and caches the result.)
    _, justerade, _, _ = multitest.multipletests(list(pvarden), alpha=ALFA, method=JUSTERINGAR[metod][0])
    return [float(p) for p in justerade]


@dataclass(frozen=True)
class MantelHaenszel:
    """The stratified summary of several 2×2 tables (one per stratum).

    Attributes
    ----------
    oddskvot : the Mantel–Haenszel pooled odds ratio (group 1's odds over group 2's).
    ki : its 95 % confidence interval.
    p : the p-value of the Cochran–Mantel–Haenszel test of "odds ratio 1 in every stratum"
        (with continuity correction).
    p_homogenitet : the Breslow–Day test (Tarone-adjusted) that the odds ratio is the same in
        every stratum.
    strata : number of strata used (those with both groups and both outcomes present).
    """

    oddskvot: float
    ki: tuple[float, float]
    p: float
    p_homogenitet: float
    strata: int


def mantel_haenszel(tabeller: Sequence[Sequence[Sequence[int]]]) -> MantelHaenszel | None:
    """Mantel–Haenszel over 2×2 tables ``[[a, b], [c, d]]`` (``statsmodels``'s
    ``StratifiedTable``: ``oddsratio_pooled``, ``oddsratio_pooled_confint()``,
    ``test_null_odds(correction=True)``, ``test_equal_odds(adjust=True)``).

    Strata that carry no information (a group or an outcome absent) are left out, as the
    estimator itself would weigh them by zero; None when no stratum is left.
    """
    bruk = []
    for t in tabeller:
        m = np.asarray(t, dtype=float).reshape(2, 2)
        if m.sum(axis=1).min() > 0 and m.sum(axis=0).min() > 0:
            bruk.append(m)
    if not bruk:
        return None
    st = StratifiedTable(np.dstack(bruk))
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero cell: the tests say nan/inf
        lo, hi = st.oddsratio_pooled_confint(alpha=ALFA)
        p = st.test_null_odds(correction=True).pvalue
        p_hom = st.test_equal_odds(adjust=True).pvalue if len(bruk) > 1 else float("nan")
    return MantelHaenszel(float(st.oddsratio_pooled), (float(lo), float(hi)), float(p), float(p_hom), len(bruk))


def kvartiler(fordelning: dict[float, int]) -> tuple[float, float, float] | None:
    """First quartile, median and third quartile of a frequency table ``{value: count}``.

    ``numpy.quantile(values, [0.25, 0.5, 0.75])`` with its default (linear) method, so the
    median of an even count is the mean of the two middle values, as on Översikt.
    None when the table is empty.
    """
    varden = np.repeat(np.array(list(fordelning), dtype=float), np.array(list(fordelning.values()), dtype=int))
    if not varden.size:
        return None
    q1, med, q3 = np.quantile(varden, [0.25, 0.5, 0.75])
    return float(q1), float(med), float(q3)


def slutsats(p_justerat: float | None, testbar: bool, dold: bool = False) -> str:
    """The plain-Swedish verdict on one comparison."""
    if dold:
        return DOLD_PROVNING
    if not testbar or p_justerat is None:
        return FOR_FA
    return SALLAN_SLUMP if p_justerat < ALFA else KAN_VARA_SLUMP

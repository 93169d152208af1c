"""core.statistik against reference values, each with the call that produced it.

The reference values were computed once with scipy 1.17.1 / statsmodels 0.15.0 (the pinned
versions) by the quoted calls, and, where a textbook value exists, agree with it.
"""

from __future__ import annotations

import math

import pytest

from core import statistik


@pytest.mark.parametrize(
    ("tabell", "oddskvot", "p"),
    [
        # scipy.stats.fisher_exact([[30, 70], [55, 45]])
        ((30, 70, 55, 45), 0.35064935064935066, 0.0005601916953595483),
        # scipy.stats.fisher_exact([[3, 1], [1, 3]]) — Fisher's tea-tasting table: p = 34/70
        ((3, 1, 1, 3), 9.0, 34 / 70),
        # scipy.stats.fisher_exact([[8, 2], [1, 5]])
        ((8, 2, 1, 5), 20.0, 0.03496503496503495),
        # scipy.stats.fisher_exact([[0, 5], [5, 0]]): p = 2 / C(10, 5) = 2/252
        ((0, 5, 5, 0), 0.0, 2 / 252),
    ],
)
def test_fisher(tabell, oddskvot, p):
    o, pv = statistik.fisher(*tabell)
    assert o == pytest.approx(oddskvot)
    assert pv == pytest.approx(p, rel=1e-9)


def test_minsta_mojliga_p_sager_nar_grupperna_ar_for_sma():
    # 3 against 3 with 3 "with": the most lopsided table [[3, 0], [0, 3]] gives
    # scipy.stats.fisher_exact([[3, 0], [0, 3]]).pvalue = 2/20 = 0.1 — never below 0.05.
    assert statistik.minsta_mojliga_p(3, 3, 3) == pytest.approx(0.1)
    assert not statistik.provbar(2, 3, 1, 3)
    # 5 against 5 with 5: scipy.stats.fisher_exact([[5, 0], [0, 5]]).pvalue = 2/252.
    assert statistik.minsta_mojliga_p(5, 5, 5) == pytest.approx(2 / 252)
    assert statistik.provbar(3, 5, 2, 5)
    # Nobody or everybody "with": nothing to test.
    assert statistik.minsta_mojliga_p(10, 10, 0) == 1.0
    assert statistik.minsta_mojliga_p(10, 10, 20) == 1.0
    assert statistik.minsta_mojliga_p(0, 10, 3) == 1.0


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lo", "hi"),
    [
        # statsmodels.stats.proportion.confint_proportions_2indep(30, 100, 55, 100,
        #     method="newcomb", compare="diff")
        (30, 100, 55, 100, -0.3740079762435951, -0.11323845239984226),
        # ... (0, 10, 5, 10, method="newcomb", compare="diff")
        (0, 10, 5, 10, -0.7634069094874361, -0.11736746745022203),
    ],
)
def test_skillnad_ki(x1, n1, x2, n2, lo, hi):
    assert statistik.skillnad_ki(x1, n1, x2, n2) == pytest.approx((lo, hi))
    # The interval holds the observed difference and stays inside [-1, 1].
    assert lo <= x1 / n1 - x2 / n2 <= hi
    assert -1 <= lo and hi <= 1


def test_justera():
    p = [0.01, 0.04, 0.03, 0.005]
    # statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method="holm")[1]
    # (by hand: 0.005·4, 0.01·3, max(0.03·2, 0.03), max(0.04, 0.06))
    assert statistik.justera(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # ... method="fdr_bh": 0.005·4/1, 0.01·4/2, 0.03·4/3, 0.04·4/4
    assert statistik.justera(p, "bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert statistik.justera([], "holm") == []
    with pytest.raises(ValueError):
        statistik.justera(p, "bonferroni")


def test_mantel_haenszel():
    # t = [np.array([[10, 20], [25, 15]]), np.array([[8, 12], [18, 10]])]
    # s = statsmodels.stats.contingency_tables.StratifiedTable(t)
    # s.oddsratio_pooled, s.oddsratio_pooled_confint(), s.test_null_odds(correction=True).pvalue,
    # s.test_equal_odds(adjust=True).pvalue
    mh = statistik.mantel_haenszel([[[10, 20], [25, 15]], [[8, 12], [18, 10]]])
    assert mh.oddskvot == pytest.approx(0.32719836400818)
    assert mh.ki == pytest.approx((0.15305661978865248, 0.6994716697484961))
    assert mh.p == pytest.approx(0.006665719458094466)
    assert mh.p_homogenitet == pytest.approx(0.7890590764048468)
    assert mh.strata == 2
    # The MH odds ratio by hand: sum(a·d/n) / sum(b·c/n) = (150/70 + 80/48) / (500/70 + 216/48).
    assert mh.oddskvot == pytest.approx((150 / 70 + 80 / 48) / (500 / 70 + 216 / 48))


def test_mantel_haenszel_utan_information():
    # A stratum with only women, or nobody "with", carries no information and is left out.
    mh = statistik.mantel_haenszel([[[10, 20], [25, 15]], [[3, 4], [0, 0]], [[0, 5], [0, 7]]])
    assert mh.strata == 1
    assert math.isnan(mh.p_homogenitet)
    assert statistik.mantel_haenszel([[[0, 0], [1, 2]]]) is None
    assert statistik.mantel_haenszel([]) is None


def test_kvartiler():
    # numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.75]) -> 1.75, 2.5, 3.25
    assert statistik.kvartiler({1: 1, 2: 1, 3: 1, 4: 1}) == pytest.approx((1.75, 2.5, 3.25))
    # numpy.quantile([0, 0, 0, 10, 12], [0.25, 0.5, 0.75]) -> 0, 0, 10
    assert statistik.kvartiler({0: 3, 10: 1, 12: 1}) == pytest.approx((0.0, 0.0, 10.0))
    assert statistik.kvartiler({}) is None


def test_slutsats():
    assert statistik.slutsats(0.001, True) == statistik.SALLAN_SLUMP
    assert statistik.slutsats(0.2, True) == statistik.KAN_VARA_SLUMP
    assert statistik.slutsats(None, False) == statistik.FOR_FA
    assert statistik.slutsats(0.001, True, dold=True) == statistik.DOLD_PROVNING

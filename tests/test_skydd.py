"""Disclosure-control rules 1-4 on hand-built tables (produkt.md, "Disclosure control")."""

import pandas as pd
import pytest

from core import skydd, text


@pytest.mark.parametrize("n, liten", [(0, False), (1, True), (4, True), (5, False), (None, False)])
def test_regel_1_primar(n, liten):
    assert skydd.ar_litet(n) is liten


@pytest.mark.parametrize(
    "antal, dolda",
    [
        # nothing small: nothing hidden
        ({"a": 10, "b": 7, "c": 0}, set()),
        # one small cell: the next smallest above zero goes too (total - visible != small)
        ({"a": 10, "b": 3, "c": 0, "d": 7}, {"b", "d"}),
        # two small cells already protect each other
        ({"a": 10, "b": 3, "c": 2}, {"b", "c"}),
        # a tie is broken by order (the first)
        ({"a": 5, "b": 5, "c": 1}, {"a", "c"}),
        # women = all - men: K 3, M 40, blank 0 -> both K and M hidden
        ({"K": 3, "M": 40, "saknas": 0}, {"K", "M"}),
        # ... and with a blank sex of 2, K and blank hide each other, M stays
        ({"K": 3, "M": 40, "saknas": 2}, {"K", "saknas"}),
    ],
)
def test_regel_2_sekundar(antal, dolda):
    assert skydd.skydda_mangd(antal) == dolda


def test_regel_2_troskel_konfigurerbar():
    assert skydd.skydda_mangd({"a": 6, "b": 20}, grans=10) == {"a", "b"}


@pytest.mark.parametrize(
    "n, total, dold", [(8, 10, True), (6, 10, True), (5, 10, False), (10, 10, False), (0, 10, False)]
)
def test_regel_3_komplement(n, total, dold):
    # 8 of 10 have the code: the 2 without it would be revealed
    assert skydd.skydda_komplement(n, total) is dold


@pytest.mark.parametrize("underlag, dold", [(3, True), (5, False), (0, False)])
def test_regel_4_statistik(underlag, dold):
    # a median over three persons is suppressed
    assert skydd.skydda_statistik(underlag) is dold


def test_fordelning_liten_grupp_doljer_allt():
    df = pd.DataFrame({"kod": ["K", "M", "saknas"], "n": [3, 0, 0]})
    ut = skydd.skydda_fordelning(df, 3, flerval=False)
    assert ut["skyddad"].all() and ut["n"].isna().all() and ut["andel"].isna().all()


def test_fordelning_procent_avslojar_inte():
    # 1 of 3 = 33 %: the share is blank when the count is suppressed
    df = pd.DataFrame({"kod": ["ja", "nej", "saknas"], "n": [1, 9, 0]})
    ut = skydd.skydda_fordelning(df, 10, flerval=False).set_index("kod")
    assert ut.loc["ja", "skyddad"] and pd.isna(ut.loc["ja", "andel"])
    assert ut.loc["nej", "skyddad"]  # the next smallest above zero
    assert not ut.loc["saknas", "skyddad"] and ut.loc["saknas", "andel"] == 0


def test_dolt_ar_neutralt_markering():
    assert text.tal(None, skyddad=True) == "dolt"
    assert text.procent(0.33, skyddad=True) == ""


def _tab(rader, index, kolumner):
    df = pd.DataFrame(rader, index=index, columns=kolumner)
    return df, df.sum(axis=1), df.sum(axis=0), int(df.values.sum())


def test_korstabell_marginaler_ger_inte_tillbaka_en_dold_cell():
    # kon x handlingsplan:      ja  nej
    #                      K    20    3   (23)
    #                      M    15   12   (27)
    # The 3 is primary. Row K: 23 - 20 would give it back -> 20 hidden. Column nej: 15 - 12
    # would give it back -> 12 hidden. Column ja then has 20 hidden alone -> 15 hidden too.
    n, r, k, t = _tab([[20, 3], [15, 12]], ["K", "M"], ["ja", "nej"])
    dolda, dr, dk, dt = skydd.skydda_korstabell(n, r, k, t)
    assert dolda.values.tolist() == [[True, True], [True, True]]
    assert not dr.any() and not dk.any() and not dt


def test_korstabell_ingen_rad_eller_kolumn_med_en_ensam_dold():
    n, r, k, t = _tab([[30, 2, 10], [25, 14, 9], [40, 20, 6]], list("abc"), list("xyz"))
    dolda, dr, dk, _ = skydd.skydda_korstabell(n, r, k, t)
    for i in range(3):
        assert dolda.iloc[i].sum() != 1, dolda
        assert dolda.iloc[:, i].sum() != 1, dolda
    assert dolda.loc["a", "y"]
    # a visible margin minus visible cells never equals a single hidden cell
    for rad in dolda.index:
        if dolda.loc[rad].any():
            assert dolda.loc[rad].sum() >= 2


def test_korstabell_liten_marginal():
    # row b has 4 persons in all: its margin is primary and the margins' equation needs a second
    n, r, k, t = _tab([[30, 12], [2, 2], [20, 11]], list("abc"), ["ja", "nej"])
    dolda, dr, dk, dt = skydd.skydda_korstabell(n, r, k, t)
    assert dr["b"] and dolda.loc["b"].all()
    assert dr.sum() >= 2  # another row margin hidden so the total minus the others != 4
    assert not dt


def test_korstabell_flerval_komplement():
    # rows: arbetshinder (multi), columns: kon. psykisk among women: 18 of 20 women -> the 2
    # women without it would be revealed -> hidden (rule 3); no column equations.
    n = pd.DataFrame([[18, 6], [7, 9]], index=["psykisk", "fysisk"], columns=["K", "M"])
    r = pd.Series([24, 16], index=n.index)
    k = pd.Series([20, 15], index=n.columns)
    dolda, dr, dk, dt = skydd.skydda_korstabell(n, r, k, 35, rad_flerval=True)
    assert dolda.loc["psykisk", "K"]
    # its row equation (K + M = row margin, columns single-valued) then needs a second
    assert dolda.loc["psykisk", "M"]
    assert not dolda.loc["fysisk"].any()


def test_korstabell_liten_grupp():
    n, r, k, t = _tab([[1, 2], [0, 1]], ["K", "M"], ["ja", "nej"])
    dolda, dr, dk, dt = skydd.skydda_korstabell(n, r, k, t)
    assert dolda.values.all() and dr.all() and dk.all() and dt

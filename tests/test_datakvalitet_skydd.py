"""Disclosure control of the data-quality download (core.matt.datakvalitet.skydda_datakvalitet)."""

import math

import pandas as pd
import pytest

from core.matt.datakvalitet import datakvalitet, datakvalitet_export, skydda_datakvalitet
from core.omfang import ADMIN, BehorighetsFel, Omfang
from tests import fixtur


def _tabell(rader):
    kol = ["enhet", "variabel", "personer", "okand", "saknas"]
    df = pd.DataFrame(rader, columns=kol)
    df.insert(2, "etikett", df["variabel"])
    df["okand"] = df["okand"].astype("Int64")
    df["andel_okand"] = [
        o / n if not pd.isna(o) else math.nan for o, n in zip(df["okand"], df["personer"], strict=True)
    ]
    df["andel_saknas"] = df["saknas"] / df["personer"]
    return df


# Units a (10 persons), b (3), c (20); the whole round 33.
# x: unknown a 2, b 1, c 6 (all 9); blank a 0, b 0, c 5 (all 5).
# y: no unknown code; blank nowhere.
TABELL = _tabell(
    [
        ("alla", "x", 33, 9, 5),
        ("alla", "y", 33, None, 0),
        ("a", "x", 10, 2, 0),
        ("a", "y", 10, None, 0),
        ("b", "x", 3, 1, 0),
        ("b", "y", 3, None, 0),
        ("c", "x", 20, 6, 5),
        ("c", "y", 20, None, 0),
    ]
)


def _cell(df, enhet, variabel, kol):
    r = df.set_index(["enhet", "variabel"]).loc[(enhet, variabel)]
    return None if r[f"{kol}_skyddad"] else int(r[kol])


def test_regler_for_nedladdningen():
    df = skydda_datakvalitet(TABELL, grans=5)
    # Sizes: b (3) is small; alone, so the next smallest above zero (a, 10) is hidden too.
    assert [_cell(df, e, "x", "personer") for e in ("alla", "a", "b", "c")] == [33, None, None, 20]
    # Unknown x: a 2 is small and b is a small unit -> two hidden; c 6 and all 9 shown.
    assert [_cell(df, e, "x", "okand") for e in ("alla", "a", "b", "c")] == [9, None, None, 6]
    # Blank x: b (small unit) alone hidden -> the next smallest above zero, c 5, too.
    assert [_cell(df, e, "x", "saknas") for e in ("alla", "a", "b", "c")] == [5, 0, None, None]
    s = df.set_index(["enhet", "variabel"])
    # a's size is hidden, so none of its shares are shown (share and count give the size).
    assert math.isnan(s.loc[("a", "x"), "andel_saknas"]) and math.isnan(s.loc[("a", "x"), "andel_okand"])
    assert s.loc[("c", "x"), "andel_okand"] == pytest.approx(6 / 20)
    assert math.isnan(s.loc[("c", "x"), "andel_saknas"])
    # y has no unknown code: nothing to hide there.
    assert pd.isna(s.loc[("alla", "y"), "okand"]) and not s.loc[("alla", "y"), "okand_skyddad"]


def test_liten_omgang_visar_inget():
    df = skydda_datakvalitet(_tabell([("alla", "x", 4, 1, 0), ("a", "x", 4, 1, 0)]), grans=5)
    assert df["personer"].isna().all() and df["okand"].isna().all() and df["saknas"].isna().all()


@pytest.fixture
def eng(engine):
    fixtur.ladda(engine)
    return engine


def test_export_skyddad_som_standard(eng):
    df = datakvalitet_export(eng, ADMIN, "2019-09")
    # eai has 4 persons (P09-P12): nothing of it is shown; eb (8) then has its size hidden.
    eai = df[df["enhet"] == "eai"]
    assert eai["personer"].isna().all() and eai["saknas"].isna().all()
    eb = df[df["enhet"] == "eb"]
    assert eb["personer"].isna().all() and eb["andel_saknas"].isna().all()
    assert (df.loc[df["enhet"] == "alla", "personer"] == 12).all()
    # kon blank: only P12 -> 1 in the whole round, hidden
    assert _cell(df, "alla", "kon", "saknas") is None


def test_export_utan_skydd(eng):
    df = datakvalitet_export(eng, ADMIN.med_skydd(False), "2019-09")
    ratt = datakvalitet(eng, ADMIN, "2019-09")
    assert not df[["personer_skyddad", "okand_skyddad", "saknas_skyddad"]].any().any()
    assert df["saknas"].tolist() == ratt["saknas"].tolist()
    with pytest.raises(BehorighetsFel):
        datakvalitet_export(eng, Omfang("politiker"), "2019-09")

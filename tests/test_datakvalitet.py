"""Data quality per variable and unit on the hand-built fixture (tests/fixtur.py)."""

import math

import pytest

from core.matt.datakvalitet import datakvalitet
from core.omfang import ADMIN, BehorighetsFel, Omfang
from tests import fixtur


@pytest.fixture
def eng(engine):
    fixtur.ladda(engine)
    return engine


def rad(df, enhet, variabel):
    return df.set_index(["enhet", "variabel"]).loc[(enhet, variabel)]


def test_okant_och_saknas(eng):
    df = datakvalitet(eng, ADMIN, "2019-09")
    # kon blank: P12 -> 1 of 12; the same person (P12) is in eai, so eai has 1 of 4
    assert rad(df, "alla", "kon")["saknas"] == 1 and rad(df, "eai", "kon")["saknas"] == 1
    assert rad(df, "eb", "kon")["saknas"] == 0
    # fodelseregion okand: P09 (eai)
    r = rad(df, "alla", "fodelseregion")
    assert (r["okand"], r["saknas"]) == (1, 1)  # P09 okand, P12 blank
    # inskrivningsdatum blank: P09
    assert rad(df, "alla", "inskrivningsdatum")["saknas"] == 1
    # arbetshinder: ej_klarlagt P05 (eb); blank P09 (eai)
    r = rad(df, "alla", "arbetshinder")
    assert (r["okand"], r["saknas"]) == (1, 1)
    assert rad(df, "eb", "arbetshinder")["andel_okand"] == pytest.approx(1 / 8)
    # handlingsplan has no unknown code; blank P11, P12
    r = rad(df, "alla", "handlingsplan")
    assert math.isnan(r["andel_okand"]) and r["saknas"] == 2
    # halsa: never answered in the fixture
    assert rad(df, "alla", "halsa")["andel_saknas"] == 1.0
    assert set(df["enhet"]) == {"alla", "eb", "eai"}


def test_tom_omgang(eng):
    assert datakvalitet(eng, ADMIN, "1999-01").empty


@pytest.mark.parametrize("roll, enhet", [("politiker", None), ("medarbetare", "eb")])
def test_bara_for_data_sidans_roller(eng, roll, enhet):
    with pytest.raises(BehorighetsFel):
        datakvalitet(eng, Omfang(roll, enhet), "2019-09")

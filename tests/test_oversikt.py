"""Key figures of Översikt on the hand-built fixture (tests/fixtur.py); numbers counted by hand."""

import pytest

from core.matt.oversikt import omgangar, oversikt
from core.omfang import ADMIN, Omfang
from tests import fixtur

POLITIKER = Omfang("politiker")


@pytest.fixture
def eng(engine):
    fixtur.ladda(engine)
    return engine


def rad(o, matt):
    return o.tabell.set_index("matt").loc[matt]


def test_senaste_omgang_oskyddad(eng):
    o = oversikt(eng, ADMIN)
    assert o.omgang.omgang_id == "2020-03" and o.foregaende.omgang_id == "2019-09"
    assert not o.skyddad
    # 2020-03: P01-P06 (K) and P13 (M)
    p = rad(o, "personer")
    assert (p["varde"], p["kvinnor"], p["man"], p["fore"]) == (7, 6, 1, 12)
    assert p["forandring"] == -5
    # completed months to 2020-03-15: 6, 17, 18, 30, 41, 42 (K) and 2 (P13) -> median 18;
    # women: 6, 17, 18, 30, 41, 42 -> (18 + 30) / 2 = 24; 2019-09 median 24 (fixtur comments)
    m = rad(o, "median_inskrivningstid")
    assert (m["varde"], m["kvinnor"], m["man"], m["fore"]) == (18, 24, 2, 24)
    # >= 12 months: P02-P06 -> 5 of 7; >= 36: P05, P06 -> 2 of 7
    assert rad(o, "andel_1ar")["varde"] == pytest.approx(5 / 7)
    assert rad(o, "andel_3ar")["varde"] == pytest.approx(2 / 7)
    # handlingsplan ja: P01-P05, P13 -> 6/7; women 5/6; men 1/1; 2019-09: 6/12
    h = rad(o, "andel_handlingsplan")
    assert h["varde"] == pytest.approx(6 / 7)
    assert h["kvinnor"] == pytest.approx(5 / 6) and h["man"] == 1.0
    assert h["fore"] == pytest.approx(0.5) and h["forandring"] == pytest.approx(6 / 7 - 0.5)
    # ongoing intervention other than "ingen": P01, P04, P06, P13 -> 4/7
    assert rad(o, "andel_pagaende_insats")["varde"] == pytest.approx(4 / 7)
    # af ja: P01-P04, P13 -> 5/7
    assert rad(o, "andel_af")["varde"] == pytest.approx(5 / 7)
    # closures in (2019-09-15, 2020-03-15]: P07 arbete (K), P08 studier, P09 flytt, P10 ovrigt (M)
    a = rad(o, "avslut")
    assert (a["varde"], a["kvinnor"], a["man"]) == (4, 1, 3)
    aas = rad(o, "andel_avslut_arbete_studier")
    assert aas["varde"] == pytest.approx(0.5) and aas["kvinnor"] == 1.0 and aas["man"] == pytest.approx(1 / 3)


def test_forsta_omgangen_har_inga_avslut(eng):
    o = oversikt(eng, ADMIN, "2019-09")
    assert o.foregaende is None
    assert rad(o, "avslut")["varde"] is None or rad(o, "avslut")["varde"] != rad(o, "avslut")["varde"]
    assert rad(o, "personer")["fore"] is None or rad(o, "personer")["fore"] != rad(o, "personer")["fore"]
    # 2019-09 median over 11 known: 0 5 11 12 19 24 31 35 36 54 116 -> 24
    assert rad(o, "median_inskrivningstid")["varde"] == 24
    assert "ingick 12 personer, 7 kvinnor och 4 män" in o.sammanfattning


def test_skyddad_for_politiker(eng):
    o = oversikt(eng, POLITIKER)
    assert o.skyddad
    p = rad(o, "personer")
    # K 6, M 1, blank 0: M is small; alone, so the next smallest above zero (K) goes too
    assert p["varde"] == 7 and p["kvinnor_skyddad"] and p["man_skyddad"]
    # median over 7 shown; men's over 1 hidden (rule 4); women's too, since their number is
    # hidden (a median shown says that its base is at least 5, which would bound the men)
    m = rad(o, "median_inskrivningstid")
    assert m["varde"] == 18 and m["kvinnor_skyddad"] and m["man_skyddad"]
    # handlingsplan: 1 of 7 without a plan -> the share would reveal them (complement)
    assert rad(o, "andel_handlingsplan")["skyddad"]
    assert rad(o, "andel_handlingsplan")["forandring"] != rad(o, "andel_handlingsplan")["forandring"]  # NaN
    # 4 closures: a small count
    assert rad(o, "avslut")["skyddad"]
    assert "7 personer" in o.sammanfattning
    assert "6 kvinnor" not in o.sammanfattning and "1 män" not in o.sammanfattning


def test_tom_databas(engine):
    o = oversikt(engine, POLITIKER)
    assert o.omgang is None and o.tabell.empty
    assert "inga mätomgångar" in o.sammanfattning


def test_omgangar(eng):
    df = omgangar(eng, ADMIN)
    assert df["omgang_id"].tolist() == ["2020-03", "2019-09"]
    assert df["personer"].tolist() == [7, 12]

"""Chart builders and the theme (core/charts.py), tested on ``chart.to_dict()``."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from core import charts


def _tabell(rader):
    kol = ["matt", "etikett", "typ", "kvinnor", "kvinnor_skyddad", "man", "man_skyddad"]
    return pd.DataFrame(rader, columns=kol)


TABELL = _tabell(
    [
        ("personer", "Personer i processen", "antal", 149.0, False, 137.0, False),
        ("andel_1ar", "Minst 1 år", "andel", 0.52, False, 0.61, False),
        ("andel_af", "Inskrivna på AF", "andel", None, True, 0.30, False),
        ("andel_avslut_arbete_studier", "Avslut till arbete eller studier", "andel", None, False, 0.5, False),
    ]
)


def _lager(spec):
    """The bar layer and the text layer of a layered spec."""
    marks = {
        (lager["mark"]["type"] if isinstance(lager["mark"], dict) else lager["mark"]): lager for lager in spec["layer"]
    }
    return marks["bar"], marks["text"]


def _data(spec):
    (varden,) = spec["datasets"].values()
    return varden


def test_temat_ar_registrerat_och_aktivt():
    assert alt.theme.active == "vagen"
    config = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q").to_dict()["config"]
    tal = config["locale"]["number"]
    # Swedish number format: 12 345,6 and 52 % (no-break spaces).
    assert tal["decimal"] == ","
    assert tal["thousands"] == "\u00a0"
    assert tal["grouping"] == [3]
    assert tal["percent"] == "\u00a0%"
    assert config["locale"]["time"]["months"][8] == "september"


def test_nyckeltal_kon_bara_andelar_och_skyddade_utelamnas():
    spec = charts.nyckeltal_kon(TABELL).to_dict()
    data = _data(spec)
    # Shares only (the count row is not drawn); two suppressed/undefined cells left out:
    # 3 share rows x 2 sexes = 6 cells, minus kvinnor on AF (suppressed) and kvinnor's share
    # of closures (undefined) = 4 bars.
    assert [(d["matt"], d["kon"], d["andel"]) for d in data] == [
        ("andel_1ar", "Kvinnor", 0.52),
        ("andel_1ar", "Män", 0.61),
        ("andel_af", "Män", 0.30),
        ("andel_avslut_arbete_studier", "Män", 0.5),
    ]
    undertitel = " ".join(spec["title"]["subtitle"])
    assert "färre än 5 personer" in undertitel and "inskrivna på af (kvinnor)" in undertitel
    assert "värde saknas" in undertitel and "avslut till arbete eller studier (kvinnor)" in undertitel


def test_nyckeltal_kon_kodning_och_farger():
    spec = charts.nyckeltal_kon(TABELL).to_dict()
    assert spec["title"]["text"] == "Skiljer sig andelarna mellan kvinnor och män?"
    staplar, text = _lager(spec)
    enc = staplar["encoding"]
    assert enc["x"]["field"] == "andel" and enc["x"]["type"] == "quantitative"
    assert enc["x"]["axis"]["format"] == ".0%"
    assert enc["x"]["scale"]["domain"] == [0, 1]
    assert enc["y"]["field"] == "etikett" and enc["y"]["type"] == "nominal"
    # Fixed order of the key figures (the table's), never by value.
    assert enc["y"]["sort"] == ["Minst 1 år", "Inskrivna på AF", "Avslut till arbete eller studier"]
    assert enc["color"]["scale"] == {"domain": ["Kvinnor", "Män"], "range": [charts.KVINNOR_FARG, charts.MAN_FARG]}
    assert enc["yOffset"]["field"] == "kon"
    assert text["encoding"]["text"]["format"] == ".0%"


def test_samma_farg_for_kon_overallt():
    farg = charts.kon_farg().to_dict()
    assert farg["scale"]["domain"] == ["Kvinnor", "Män"]
    assert farg["scale"]["range"] == [charts.KVINNOR_FARG, charts.MAN_FARG]
    assert charts.KVINNOR_FARG != charts.MAN_FARG


@pytest.mark.parametrize(
    "rader, antal_staplar, har_undertext",
    [
        ([], 0, False),  # empty round: a chart with no bars, no exception
        ([("andel_af", "AF", "andel", None, True, None, True)], 0, True),  # everything suppressed
        ([("andel_af", "AF", "andel", 0.4, False, 0.6, False)], 2, False),
    ],
)
def test_nyckeltal_kon_kantfall(rader, antal_staplar, har_undertext):
    spec = charts.nyckeltal_kon(_tabell(rader)).to_dict()
    assert len(_data(spec)) == antal_staplar
    assert (len(spec["title"]["subtitle"]) > 1) == har_undertext


def test_nyckeltal_kon_data_text():
    data = charts.nyckeltal_kon_data(TABELL)
    assert list(data.columns) == ["matt", "etikett", "kon", "andel", "skyddad", "text"]
    rad = data[(data["matt"] == "andel_af") & (data["kon"] == "Kvinnor")].iloc[0]
    assert rad["skyddad"] and rad["text"] == "färre än 5"
    assert data[(data["matt"] == "andel_1ar") & (data["kon"] == "Män")].iloc[0]["text"] == "61\u00a0%"

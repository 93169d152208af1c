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
    assert "dolt för att skydda enskilda personer" in undertitel and "inskrivna på af (kvinnor)" in undertitel
    assert "värde saknas" in undertitel and "avslut till arbete eller studier (kvinnor)" in undertitel
    # The right denominator: closures are a share of closures, not of the persons (issue 12).
    assert spec["title"]["subtitle"][0] == (
        "Andel av personerna i omgången, per kön; ”Avslut till arbete eller studier” är en andel av avsluten "
        "sedan förra mätningen."
    )


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
    assert rad["skyddad"] and rad["text"] == "dolt"
    assert data[(data["matt"] == "andel_1ar") & (data["kon"] == "Män")].iloc[0]["text"] == "61\u00a0%"


# --- Målgrupp: distributions, unit against the rest, cross-tabs, data quality ----------------


def _fordelning(rader):
    """A distribution as core.matt.profil returns it (suppressed: n <NA>, andel NaN)."""
    df = pd.DataFrame(rader, columns=["kod", "etikett", "n", "andel", "skyddad"])
    df["n"] = df["n"].astype("Int64")
    df["andel"] = df["andel"].astype(float)
    return df


# 40 persons: psykisk 6, fysisk suppressed, svenska 30 (the largest, but third in the code
# list), blank suppressed; a zero is shown.
FORDELNING = _fordelning(
    [
        ("psykisk", "Psykisk ohälsa", 6, 6 / 40, False),
        ("fysisk", "Fysisk ohälsa", None, None, True),
        ("svenska", "Bristande svenska", 30, 30 / 40, False),
        ("npf", "NPF", 0, 0.0, False),
        ("saknas", "Uppgift saknas", None, None, True),
    ]
)


def _lager_data(spec, i):
    return spec["datasets"][spec["layer"][i]["data"]["name"]]


def _mark(lager):
    return lager["mark"]["type"] if isinstance(lager["mark"], dict) else lager["mark"]


def test_fordelning_skyddade_staplar_ritas_inte():
    spec = charts.fordelning(FORDELNING, "Vad hindrar personerna från att arbeta?").to_dict()
    assert spec["title"]["text"] == "Vad hindrar personerna från att arbeta?"
    assert [_mark(lager) for lager in spec["layer"]] == ["bar", "text", "text"]
    staplar = _lager_data(spec, 0)
    # Only shown codes are in the bar layer (the zero is drawn, at zero).
    assert [d["kod"] for d in staplar] == ["psykisk", "svenska", "npf"]
    assert [d["varde"] for d in staplar] == [6 / 40, 30 / 40, 0.0]
    # The suppressed codes are only a "dolt" at zero, with no value of their own.
    dolda = _lager_data(spec, 2)
    assert [(d["kod"], d["text"], d["varde"]) for d in dolda] == [
        ("fysisk", "dolt", None),
        ("saknas", "dolt", None),
    ]
    assert spec["layer"][2]["encoding"]["x"] == {"datum": 0}


def test_fordelning_ordning_ar_kodlistans():
    spec = charts.fordelning(FORDELNING, "Fråga").to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    # code-list order, never by value (svenska 30 is the largest but stays third)
    ordning = ["Psykisk ohälsa", "Fysisk ohälsa", "Bristande svenska", "NPF", "Uppgift saknas"]
    assert y["sort"] == ordning and y["scale"]["domain"] == ordning
    for lager in spec["layer"]:
        assert lager["encoding"]["y"]["sort"] == ordning


def test_fordelning_etiketter_och_tooltips_ar_samma_varden():
    spec = charts.fordelning(FORDELNING, "Fråga", undertitel=["Andel av 40 personer i urvalet."]).to_dict()
    assert spec["title"]["subtitle"] == ["Andel av 40 personer i urvalet."]
    etiketter = {d["kod"]: d["text"] for d in _lager_data(spec, 1)}
    assert etiketter["psykisk"] == "6 (15\u00a0%)" and etiketter["npf"] == "0 (0\u00a0%)"
    # Tooltips show the formatted texts (suppressed: "dolt"), never a raw count.
    for lager in spec["layer"]:
        assert [(t["field"], t["type"]) for t in lager["encoding"]["tooltip"]] == [
            ("etikett", "nominal"),
            ("antal", "nominal"),
            ("andel", "nominal"),
        ]
    dold = _lager_data(spec, 2)[0]
    assert dold["antal"] == "dolt" and dold["andel"] == "dolt"
    # The axis is the share, in Swedish per cent.
    x = spec["layer"][0]["encoding"]["x"]
    assert x["field"] == "varde" and x["axis"]["format"] == ".0%" and x["scale"]["domain"][0] == 0


def test_fordelning_neutral_farg_och_konets_farger():
    spec = charts.fordelning(FORDELNING, "Fråga").to_dict()
    assert spec["layer"][0]["mark"]["color"] == charts.NEUTRAL_FARG
    assert charts.NEUTRAL_FARG not in (charts.KVINNOR_FARG, charts.MAN_FARG)
    kon = _fordelning(
        [
            ("K", "Kvinnor", 149, 0.52, False),
            ("M", "Män", 137, 0.48, False),
            ("saknas", "Uppgift saknas", 0, 0.0, False),
        ]
    )
    spec = charts.fordelning(kon, "Kön", farger={"K": charts.KVINNOR_FARG, "M": charts.MAN_FARG}).to_dict()
    farg = spec["layer"][0]["encoding"]["color"]
    assert farg["scale"]["domain"] == ["K", "M", "saknas"]
    assert farg["scale"]["range"] == [charts.KVINNOR_FARG, charts.MAN_FARG, charts.NEUTRAL_FARG]
    assert len(spec["layer"]) == 2  # nothing suppressed: no "dolt" layer


def test_fordelning_data_och_antal():
    data = charts.fordelning_data(
        _fordelning([("a", "A", 1, 0.004, False), ("b", "B", None, None, True), ("c", "C", 0, None, False)]), "n"
    )
    assert list(data.columns) == ["kod", "etikett", "varde", "skyddad", "antal", "andel", "text"]
    # never "0 %" for something that is there; an undefined share reads "–"
    assert data["andel"].tolist() == ["<1\u00a0%", "dolt", "–"]
    assert data["varde"].tolist()[0] == 1.0 and data["varde"].isna().tolist() == [False, True, False]
    spec = charts.fordelning(_fordelning([("a", "A", 1234, 0.5, False)]), "Antal", matt="n").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == ",d"
    with pytest.raises(ValueError):
        charts.fordelning_data(FORDELNING, "median")


def test_fordelning_tom_och_allt_skyddat():
    alla_dolda = _fordelning([("a", "A", None, None, True), ("saknas", "Uppgift saknas", None, None, True)])
    spec = charts.fordelning(alla_dolda, "Fråga").to_dict()
    assert _lager_data(spec, 0) == []
    assert [d["text"] for d in _lager_data(spec, 2)] == ["dolt", "dolt"]


def test_jamforelse_grupper_och_skyddade():
    df = pd.concat(
        [
            FORDELNING.assign(grupp="enhet"),
            _fordelning(
                [
                    ("psykisk", "Psykisk ohälsa", 20, 0.2, False),
                    ("fysisk", "Fysisk ohälsa", 11, 0.11, False),
                    ("svenska", "Bristande svenska", 50, 0.5, False),
                    ("npf", "NPF", 19, 0.19, False),
                    ("saknas", "Uppgift saknas", 0, 0.0, False),
                ]
            ).assign(grupp="resten"),
        ]
    )
    spec = charts.jamforelse(df, "Skiljer sig enheten från resten?", {"enhet": "EB", "resten": "Resten"}).to_dict()
    assert spec["title"]["text"] == "Skiljer sig enheten från resten?"
    staplar = _lager_data(spec, 0)
    assert ("EB", "fysisk") not in {(d["gruppnamn"], d["kod"]) for d in staplar}
    assert ("Resten", "fysisk") in {(d["gruppnamn"], d["kod"]) for d in staplar}
    assert {(d["gruppnamn"], d["kod"]) for d in _lager_data(spec, 2)} == {("EB", "fysisk"), ("EB", "saknas")}
    enc = spec["layer"][0]["encoding"]
    assert enc["yOffset"]["field"] == "gruppnamn"
    assert enc["color"]["scale"] == {"domain": ["EB", "Resten"], "range": [charts.NEUTRAL_FARG, charts.RESTEN_FARG]}
    assert enc["y"]["sort"][:3] == ["Psykisk ohälsa", "Fysisk ohälsa", "Bristande svenska"]


def _celler(rader):
    kol = ["rad", "rad_etikett", "kolumn", "kolumn_etikett", "n", "skyddad", "radandel", "kolumnandel"]
    df = pd.DataFrame(rader, columns=kol)
    df["n"] = df["n"].astype("Int64")
    return df


CELLER = _celler(
    [
        ("psykisk", "Psykisk ohälsa", "K", "Kvinnor", 38, False, 38 / 80, 38 / 149),
        ("psykisk", "Psykisk ohälsa", "M", "Män", 42, False, 42 / 80, 42 / 137),
        ("missbruk", "Missbruk", "K", "Kvinnor", None, True, None, None),
        ("missbruk", "Missbruk", "M", "Män", None, True, None, None),
    ]
)


@pytest.mark.parametrize("matt, varden", [("n", [38.0, 42.0]), ("radandel", [38 / 80, 42 / 80])])
def test_korstabell_karta_skyddade_farglaggs_inte(matt, varden):
    spec = charts.korstabell_karta(CELLER, matt, "Arbetshinder efter kön", rad_titel="Arbetshinder").to_dict()
    assert spec["title"]["text"] == "Arbetshinder efter kön"
    assert [_mark(lager) for lager in spec["layer"]] == ["rect", "text"]
    rutor = _lager_data(spec, 0)
    assert [(d["rad"], d["kolumn"], d["varde"]) for d in rutor] == [
        ("Psykisk ohälsa", "Kvinnor", varden[0]),
        ("Psykisk ohälsa", "Män", varden[1]),
    ]
    texter = {(d["rad"], d["kolumn"]): d["text"] for d in _lager_data(spec, 1)}
    assert texter[("Missbruk", "Män")] == "dolt"
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Psykisk ohälsa", "Missbruk"]
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["Kvinnor", "Män"]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ([0, 42.0] if matt == "n" else [0, 1])


def test_korstabell_data_text():
    data = charts.korstabell_data(CELLER, "kolumnandel")
    assert data["text"].tolist() == ["26\u00a0%", "31\u00a0%", "dolt", "dolt"]
    assert data["antal"].tolist() == ["38", "42", "dolt", "dolt"]
    with pytest.raises(ValueError):
        charts.korstabell_data(CELLER, "median")


def test_datakvalitet_karta():
    dq = pd.DataFrame(
        [
            ("alla", "kon", "Kön", 20, None, 1, float("nan"), 0.05),
            ("eb", "kon", "Kön", 12, None, 1, float("nan"), 1 / 12),
            ("eai", "kon", "Kön", 8, None, 0, float("nan"), 0.0),
        ],
        columns=["enhet", "variabel", "etikett", "personer", "okand", "saknas", "andel_okand", "andel_saknas"],
    )
    namn = {"alla": "Hela omgången", "eb": "Ekonomiskt bistånd", "eai": "Arbete och integration"}
    spec = charts.datakvalitet_karta(dq, "andel_saknas", "Var lämnas frågorna obesvarade?", namn).to_dict()
    assert spec["title"]["text"] == "Var lämnas frågorna obesvarade?"
    assert spec["layer"][0]["encoding"]["x"]["sort"] == [
        "Hela omgången",
        "Ekonomiskt bistånd",
        "Arbete och integration",
    ]
    assert [d["text"] for d in _lager_data(spec, 1)] == ["5\u00a0%", "8\u00a0%", "0\u00a0%"]
    # at least 10 % on the colour scale, so a few per cent do not look alarming
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 0.1]
    # kön has no unknown code: nothing coloured, "–" written
    spec = charts.datakvalitet_karta(dq, "andel_okand", "Var svarar handläggarna okänt?", namn).to_dict()
    assert _lager_data(spec, 0) == [] and {d["text"] for d in _lager_data(spec, 1)} == {"–"}


def test_teckenforklaringen_skar_inte_av_namn():
    # Issue 12: a legend names a unit in full (Vega cuts labels at 160 px by default).
    config = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q").to_dict()["config"]
    assert config["legend"]["labelLimit"] == 0

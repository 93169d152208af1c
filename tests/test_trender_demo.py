"""Trender on the demo municipality: the seed's 760 / 109 / 48 % through the report, the
review pack's section against the page's figures, Sammanfattning's new indicators, the charts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core import cli, frislapp
from core.matt import sammanfattning, trender
from core.omfang import Omfang
from tests import test_pages

demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher

POLITIKER = Omfang("politiker")


@pytest.fixture(scope="module")
def eng(demodatabas):
    """The module's demo database itself (these tests only read), so the release's layers
    are built once for all of them."""
    from core import db

    yield db.get_engine(f"sqlite:///{demodatabas[0]}")
    frislapp.rensa_cache()


@pytest.mark.parametrize("skydd", ["on", "off"])
def test_seedens_760_109_48_genom_rapporten(databas, capsys, skydd):
    # Seed 001: 109 of 760 households had assistance through the whole of 2016–2019 (14 %)
    # and stood for 48 % of the cost.
    assert (
        cli.main(
            ["report", "langvarighet", "--fran", "2016-01", "--till", "2019-12", "--skydd", skydd, "--format", "json"]
        )
        == 0
    )
    d = json.loads(capsys.readouterr().out)
    assert d["skydd"] is (skydd == "on")
    assert (d["hushall"], d["hela_perioden"]) == (760, 109)
    assert round(d["andel_hela_perioden"], 2) == 0.14
    assert round(d["andel_kostnad_hela_perioden"], 2) == 0.48
    assert d["kostnad_hela_perioden"] / d["kostnad_total"] == pytest.approx(d["andel_kostnad_hela_perioden"])
    assert [r["ar"] for r in d["per_ar"]] == [2016, 2017, 2018, 2019]
    for r in d["per_ar"]:
        assert r["andel_langvariga"] == pytest.approx(r["langvariga"] / r["hushall"])


def test_rapporterna_trender_och_overgangar(databas, capsys):
    assert cli.main(["report", "trender", "--enhet", "eb"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["skydd"] is True and len(d["omgangar"]) == 8
    assert d["omgangar"][0]["indikatorer"]["personer"]["alla"]["varde"] == 286
    assert d["omgangar"][1]["rorelser"] == {"kvar": 224, "lamnat": 62, "tillkommit": 74}
    assert {r["grupp"] for r in d["enhet_mot_processen"]} == {"enheten", "hela processen"}
    assert cli.main(["report", "overgangar", "--fran-omgang", "2022-09", "--till-omgang", "2023-03"]) == 0
    o = json.loads(capsys.readouterr().out)
    assert o["storlek"]["alla"] == {"kvar": 178, "lamnat": 112, "tillkommit": 105, "fran_n": 290, "till_n": 283}
    # every cell hidden or at least 5 (or 0)
    for per_grupp in o["overgangar"].values():
        for celler in per_grupp.values():
            assert all(c["n"] is None or c["n"] == 0 or c["n"] >= 5 for c in celler)
    assert cli.main(["report", "overgangar", "--fran-omgang", "2023-03", "--till-omgang", "2022-09"]) == 1
    assert "tidigare först" in capsys.readouterr().err


def test_demon_har_en_trovardig_trend(eng):
    s = trender.serie(eng, POLITIKER)
    hp = s[(s["matt"] == "andel_handlingsplan") & (s["grupp"] == "alla")]["varde"].tolist()
    assert hp[0] < 0.6 < 0.8 < hp[-1]  # plans get written: 56 % in 2019-09, 86 % in 2023-03
    assert trender.rubrik(s).startswith("Andelen med handlingsplan har ökat från 56\u00a0% till 86\u00a0%")
    r = trender.rorelser(eng, POLITIKER)
    assert (r[["lamnat", "tillkommit"]] > 0).all().all()  # people join and leave every half-year


def test_rapportsektionen_ar_sidans_siffror(eng):
    sek = trender.rapportsektion(eng, POLITIKER, "2023-03")
    s = trender.serie(eng, POLITIKER, export=True)
    assert sek.meningar == [trender.rubrik(s)]
    ind = sek.tabeller[0].df.set_index("Mätomgång")
    alla = s[s["grupp"] == "alla"].set_index(["omgang_id", "matt"])["varde"]
    for o in ind.index:
        assert ind.loc[o, "Personer"] == alla[(o, "personer")]
        assert ind.loc[o, "Har handlingsplan"] == alla[(o, "andel_handlingsplan")]
    lv = trender.langvarighet(eng, POLITIKER, "2016-01", "2025-12", export=True)
    per_ar = sek.tabeller[1].df.set_index("År")
    assert per_ar.loc[2019, "Långvariga"] == lv.per_ar.set_index("ar").loc[2019, "langvariga"]
    assert "Andel långvariga" in sek.tabeller[1].andelar


def test_sammanfattningen_far_langvarigheten(eng):
    s = sammanfattning.sammanfattning(eng, POLITIKER)
    lv = s.serie[s.serie["indikator"] == "andel_langvariga"]
    assert len(lv) == 8 and lv["varde"].notna().all()
    # the 12 months before September 2019 (2018-09 … 2019-08), straight from the measure
    per_omgang = trender.langvariga_per_omgang(eng, POLITIKER).set_index(["omgang_id", "matt"])["varde"]
    assert lv.set_index("omgang_id").loc["2019-09", "varde"] == per_omgang[("2019-09", "andel")]
    assert s.serie[s.serie["indikator"] == "kostnadsandel_langvariga"]["varde"].between(0, 1).all()


def test_trendlinjen_bryts_vid_dolt_varde():
    from core import charts

    d = pd.DataFrame(
        {
            "omgang_id": ["A", "B", "C"] * 3,
            "grupp": ["alla"] * 3 + ["kvinnor"] * 3 + ["män"] * 3,
            "varde": [0.5, None, 0.7, 0.4, 0.5, 0.6, 0.6, None, None],
        }
    )
    spec = charts.trendlinje(d, "Hur har andelen utvecklats?").to_dict()
    linje, punkter = spec["layer"]
    assert linje["mark"]["invalid"] == "break-paths-show-domains"  # a gap, never a zero
    data = spec["datasets"][spec["data"]["name"]] if "data" in spec else next(iter(spec["datasets"].values()))
    assert [r["varde"] for r in data if r["grupp"] == "Alla"] == [0.5, None, 0.7]
    assert spec["title"]["text"] == "Hur har andelen utvecklats?"

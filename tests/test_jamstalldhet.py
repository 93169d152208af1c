"""Jämställdhet (issue 13): the measures on a hand-built round, the edge cases, the demo's
planted difference, agreement with Målgrupp's release, the report, the review pack and the
benchmark calls.

The hand-built round (2019-09-15; ``inskrivningsdatum`` 2017-01-01 for everybody):

- 12 women ``W01``–``W12``, 10 men ``M01``–``M10``, 2 persons with blank sex ``X01``–``X02``;
- ``handlingsplan`` ja: 9 of the women, 3 of the men, 1 of the blanks;
- ``arbetshinder``/``halsa``: ``W01``–``W06`` and ``M01``–``M05`` psykisk, the others fysisk,
  the blanks ``inga``/``ingen``;
- episodes (``till_enhet`` eai): see ``EPISODER``; open on the date means started on or before
  it and not ended by then.
"""

from __future__ import annotations

import json

import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from core import cli, importer, statistik
from core.matt import jamstalldhet as J
from core.matt import profil
from core.matt.profil import Urval
from core.omfang import ADMIN, Omfang
from tests import smarundor

POLITIKER = Omfang("politiker")
OMG = smarundor.OMGANG

# insats_id, person, type, start, end
EPISODER = [
    *[(f"I{i:02d}", f"M{i:02d}", 1, "2019-03-01", None) for i in range(1, 6)],  # open, work-near
    ("I06", "M06", 5, "2019-06-01", None),  # open, work-near
    ("I07", "M07", 5, "2019-06-01", None),  # open, work-near
    ("I08", "M08", 1, "2019-03-01", "2019-08-01"),  # ended before the date
    ("I09", "M09", 1, "2019-04-01", "2019-09-15"),  # ended on the date: not open
    ("I10", "M10", 1, "2019-10-01", None),  # starts after the date
    ("I11", "W01", 1, "2019-03-01", None),  # open, work-near
    *[(f"I{10 + i:02d}", f"W{i:02d}", 2, "2019-05-01", None) for i in range(2, 5)],  # open, type 2
    ("I15", "W07", 12, "2019-02-01", None),  # open, type 12
    ("I16", "W08", 1, "2016-12-01", None),  # open, work-near, began before this inskrivning
    ("I17", "X01", 2, "2019-05-01", None),  # open, type 2
]


def _rader() -> list[dict]:
    rader = []
    for i in range(1, 13):
        pid = f"W{i:02d}"
        psyk = i <= 6
        rader.append(
            smarundor.person(
                pid,
                "K",
                30 + i,
                handlingsplan="ja" if i <= 9 else "nej",
                arbetshinder=["psykisk" if psyk else "fysisk"],
                halsa="psykisk" if psyk else "fysisk",
            )
        )
    for i in range(1, 11):
        psyk = i <= 5
        rader.append(
            smarundor.person(
                f"M{i:02d}",
                "M",
                30 + i,
                handlingsplan="ja" if i <= 3 else "nej",
                arbetshinder=["psykisk" if psyk else "fysisk"],
                halsa="psykisk" if psyk else "fysisk",
            )
        )
    for i, plan in ((1, "ja"), (2, "nej")):
        rader.append(smarundor.person(f"X{i:02d}", None, 40, handlingsplan=plan, arbetshinder=["inga"], halsa="ingen"))
    return rader


def _episoder_csv(episoder) -> tuple[str, bytes]:
    return smarundor._csv(
        "insats",
        [
            {
                "insats_id": iid,
                "person_id": pid,
                "insatstyp": typ,
                "fran_enhet": "eb",
                "till_enhet": "eai",
                "remissdatum": start,
                "startdatum": start,
                "slutdatum": slut,
                "avslutsorsak": "arbete" if slut else None,
            }
            for iid, pid, typ, start, slut in episoder
        ],
    )


def importera(engine, rader, episoder=()) -> None:
    smarundor.importera(engine, rader)
    if episoder:
        res = importer.importera(engine, [_episoder_csv(episoder)])
        assert res.ok, res.felrapport()


@pytest.fixture
def handbyggd(engine):
    importera(engine, _rader(), EPISODER)
    return engine


def _rad(res, indikator: str):
    d = res.indikatorer.set_index("indikator")
    return d.loc[indikator]


def test_handraknade_andelar_och_prov(handbyggd):
    res = J.jamstalldhet(handbyggd, ADMIN, OMG)
    assert res.storlek == {"K": 12, "M": 10, "saknas": 2}  # blank sex counted, never dropped
    r = _rad(res, "handlingsplan:ja")
    assert (r.n_K, r.bas_K, r.n_M, r.bas_M, r.n_saknas, r.bas_saknas) == (9, 12, 3, 10, 1, 2)
    assert r.skillnad_pp == pytest.approx((9 / 12 - 3 / 10) * 100)
    # scipy.stats.fisher_exact([[9, 3], [3, 7]]) two-sided
    assert r.p_varde == pytest.approx(stats.fisher_exact([[9, 3], [3, 7]]).pvalue)
    # statsmodels confint_proportions_2indep(9, 12, 3, 10, method="newcomb", compare="diff")
    lo, hi = confint_proportions_2indep(9, 12, 3, 10, method="newcomb", compare="diff")
    assert (r.ki_lag_pp, r.ki_hog_pp) == pytest.approx((lo * 100, hi * 100))
    # open on the date: M01–M07 work-near (M08 ended, M09 ended on the date, M10 not started)
    a = _rad(res, "arbetsnara:ja")
    assert (a.n_K, a.bas_K, a.n_M, a.bas_M, a.n_saknas) == (2, 12, 7, 10, 0)
    assert _rad(res, "insatstyp:1")[["n_K", "n_M"]].tolist() == [2, 5]
    assert _rad(res, "insatstyp:2")[["n_K", "n_M", "n_saknas"]].tolist() == [3, 0, 1]
    assert _rad(res, "insatstyp:5")[["n_K", "n_M"]].tolist() == [0, 2]
    # an intervention since inskrivning (2017-01-01): W01–W04, W07 (not W08: began before it);
    # M01–M09 (M08 and M09 ended, but started in the period)
    assert _rad(res, "forsta_insats:ja")[["n_K", "n_M", "n_saknas"]].tolist() == [5, 9, 1]
    # the Benjamini–Hochberg adjustment over every testable indicator, as statsmodels computes it
    d = res.indikatorer
    testade = d[d["provbar"]]
    assert list(testade["p_justerat"]) == pytest.approx(statistik.justera(list(testade["p_varde"]), "bh"))
    assert set(d.loc[~d["provbar"], "slutsats"]) <= {statistik.FOR_FA}
    assert d["p_justerat"].isna().eq(~d["provbar"]).all()


def test_insatser_inom_samma_hinder(handbyggd):
    res = J.jamstalldhet(handbyggd, ADMIN, OMG)
    s = res.strata
    a = s[(s["insats"] == J.ARBETSNARA)].set_index(["stratum", "stratumkod"])
    assert a.loc[("arbetshinder", "psykisk"), ["n_K", "bas_K", "n_M", "bas_M"]].tolist() == [1, 6, 5, 5]
    assert a.loc[("arbetshinder", "fysisk"), ["n_K", "bas_K", "n_M", "bas_M"]].tolist() == [1, 6, 2, 5]
    # per type within the stratum (unprotected scopes): type 5 only among men with fysisk
    t5 = s[(s["insats"] == "5") & (s["stratum"] == "arbetshinder")].set_index("stratumkod")
    assert t5.loc["fysisk", ["n_K", "n_M"]].tolist() == [0, 2]
    # Mantel–Haenszel over halsa (psykisk, fysisk; ingen has no women or men):
    # StratifiedTable([[[1, 5], [5, 0]], [[1, 5], [2, 3]]]) via core.statistik
    mh = res.mantel_haenszel["halsa"]
    ref = statistik.mantel_haenszel([[[1, 5], [5, 0]], [[1, 5], [2, 3]]])
    assert mh["oddskvot"] == pytest.approx(ref.oddskvot)
    assert mh["p"] == pytest.approx(ref.p)
    assert mh["strata"] == 2


def test_tid_till_forsta_insats_och_tid_med_stod(handbyggd):
    res = J.jamstalldhet(handbyggd, ADMIN, OMG)
    pk = res.per_kon.set_index("matt")
    # everybody since 2017-01-01: 32 completed months to 2019-09-15
    assert pk.loc["tid", "K"] == 32 and pk.loc["tid", "M"] == 32
    # women W01 (2019-03: 26 months), W02–W04 (2019-05: 28), W07 (2019-02: 25):
    # numpy.quantile([25, 26, 28, 28, 28], [0.25, 0.5, 0.75]) -> 26, 28, 28
    assert (pk.loc["forsta", "K_q1"], pk.loc["forsta", "K"], pk.loc["forsta", "K_q3"]) == (26, 28, 28)
    assert pk.loc["handlingsplan", "K"] == pytest.approx(9 / 12)
    assert pk.loc["personer", "saknas"] == 2


def test_skyddad_omgang_med_fa_utan_kon(handbyggd):
    # Two persons with blank sex: hidden, so the next smallest of women/men (the 10 men) is
    # hidden too (rule 2) — and a group whose size is hidden is not shown at all (rule 7).
    res = J.jamstalldhet(handbyggd, POLITIKER, OMG)
    assert res.vagrad
    assert res.storlek == {"K": None, "M": None, "saknas": None}
    assert res.indikatorer[["n_K", "n_M", "p_varde"]].isna().all().all()
    assert res.meningar == []


def test_tom_omgang_en_person_bara_kvinnor_alla_utan_kon(engine):
    # an empty round
    smarundor.importera(engine, [])
    tom = J.jamstalldhet(engine, ADMIN, OMG)
    assert tom.storlek == {"K": 0, "M": 0, "saknas": 0}
    assert not tom.indikatorer["provbar"].any() and tom.meningar == []
    assert J.jamstalldhet(engine, POLITIKER, OMG).indikatorer["n_K"].isin([0]).all()


@pytest.mark.parametrize(
    ("rader", "storlek"),
    [
        ([smarundor.person("P1", "K")], {"K": 1, "M": 0, "saknas": 0}),
        ([smarundor.person(f"K{i}", "K", handlingsplan="ja") for i in range(8)], {"K": 8, "M": 0, "saknas": 0}),
        ([smarundor.person(f"S{i}", None) for i in range(6)], {"K": 0, "M": 0, "saknas": 6}),
    ],
    ids=["en_person", "bara_kvinnor", "alla_utan_kon"],
)
def test_kantfall(sqlite_engine, rader, storlek):
    smarundor.importera(sqlite_engine, rader)
    res = J.jamstalldhet(sqlite_engine, ADMIN, OMG)
    assert res.storlek == storlek
    # no man (or no woman): nothing to test, said in words
    assert not res.indikatorer["provbar"].any()
    assert set(res.indikatorer["slutsats"]) == {statistik.FOR_FA}
    skyddad = J.jamstalldhet(sqlite_engine, POLITIKER, OMG)
    if storlek["K"] == 1:
        assert skyddad.vagrad  # one person: nothing but the mark
    assert skyddad.meningar == []


# --- the demo: the planted difference, the release, the report -----------------------------------


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    from core import db, demo

    fil = tmp_path_factory.mktemp("jamdemo") / "demo.db"
    eng = db.get_engine(f"sqlite:///{fil}")
    db.skapa_schema(eng)
    assert demo.ladda(eng).ok
    yield eng
    eng.dispose()


@pytest.mark.parametrize("omfang", [ADMIN, POLITIKER], ids=["admin", "politiker"])
def test_planterad_skillnad_syns_i_meningarna(demo_engine, omfang):
    res = J.jamstalldhet(demo_engine, omfang, "2023-03")
    a = _rad(res, "arbetsnara:ja")
    assert a.andel_M > a.andel_K and a.p_justerat < 0.05
    assert any(m.startswith(J.ARBETSNARA_ETIKETT) and "fler bland männen" in m for m in res.meningar)
    assert any("samma arbetshinder hade männen oftare en arbetsnära insats" in m for m in res.meningar)
    # within every barrier group that can be shown, men more often than women
    s = res.strata
    h = s[(s["stratum"] == "arbetshinder") & (s["insats"] == J.ARBETSNARA)].dropna(subset=["andel_K", "andel_M"])
    assert len(h) >= 5 and (h["andel_M"] > h["andel_K"]).all()
    # the stratified summary over the age bands: women's odds well below men's
    _df, mh, vagrad = J.aldersstrata(demo_engine, omfang, "2023-03")
    assert vagrad is None and mh["oddskvot"] < 0.6 and mh["p"] < 0.05


def test_skyddad_sida_laser_samma_tal_som_malgrupp(demo_engine):
    """Rule 9: a count on this page is the count Målgrupp shows for the same sex group."""
    res = J.jamstalldhet(demo_engine, POLITIKER, "2023-03")
    d = res.indikatorer
    for kon, kol in (("K", "n_K"), ("M", "n_M")):
        p = profil.profil(demo_engine, POLITIKER, "2023-03", Urval(kon=(kon,)))
        assert p.n == res.storlek[kon]
        for v, fd in p.fordelningar.items():
            rader = d[d["variabel"] == v].set_index("kod")
            for kod, n in zip(fd["kod"], fd["n"], strict=True):
                if kod in rader.index:
                    visad = rader.loc[kod, kol]
                    assert (visad is None or visad is type(visad)) or str(visad) == str(n), (kon, v, kod)
                    assert (str(visad) == "<NA>") == (str(n) == "<NA>"), (kon, v, kod)
    # nothing is tested, and no sentence is built, on a hidden count
    testade = d[d["p_varde"].notna()]
    assert testade[["n_K", "bas_K", "n_M", "bas_M"]].notna().all().all()


def test_skyddad_med_urval_och_for_manga_villkor(demo_engine):
    ett = J.jamstalldhet(demo_engine, POLITIKER, "2023-03", Urval(aldersgrupp=("25-34", "35-44")))
    assert ett.vagrad is None and ett.storlek["K"] is not None
    tva = J.jamstalldhet(demo_engine, POLITIKER, "2023-03", Urval(aldersgrupp=("25-34",), fodelseregion=("sverige",)))
    assert tva.vagrad and "högst ett villkor" in tva.vagrad
    # processledning on screen: any filter, unprotected
    fri = J.jamstalldhet(demo_engine, Omfang("processledning"), "2023-03", Urval(enhet=("eb", "eai")))
    assert fri.vagrad is None and not fri.skyddad


def test_rapport_json_och_csv(demo_engine, monkeypatch, capsys):
    monkeypatch.setenv("VAGEN_DATABASE_URL", str(demo_engine.url))
    assert cli.main(["report", "jamstalldhet", "--omgang", "2023-03", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["skydd"] is True and data["justering"] == "bh" and data["omgang"] == "2023-03"
    ind = {i["indikator"]: i for i in data["indikatorer"]}
    a = ind["arbetsnara:ja"]
    assert set(a) >= {"kvinnor", "man", "saknas", "skillnad_pp", "ki_pp", "p_varde", "p_justerat"}
    assert a["kvinnor"]["andel"] == pytest.approx(a["kvinnor"]["n"] / a["kvinnor"]["bas"])
    assert a["skillnad_pp"] == pytest.approx((a["kvinnor"]["andel"] - a["man"]["andel"]) * 100)
    assert {x["hinder"] for x in data["insatser_per_hinder"]} >= {"psykisk", "fysisk", "inga"}
    assert "halsa" in data["mantel_haenszel"]
    assert cli.main(["report", "jamstalldhet", "--omgang", "2023-03", "--skydd", "off", "--format", "csv"]) == 0
    ut = capsys.readouterr().out
    assert ut.startswith("\ufeff") and "Slutsats" in ut.splitlines()[0]
    assert cli.main(["report", "jamstalldhet", "--omgang", "1999-01", "--format", "json"]) != 0


def test_rapportsektion_har_sidans_tal(demo_engine):
    sek = J.rapportsektion(demo_engine, POLITIKER, "2023-03")
    res = J.jamstalldhet(demo_engine, POLITIKER, "2023-03", export=True)
    assert sek.meningar[: len(res.meningar)] == res.meningar
    tab = sek.tabeller[0].df
    d = res.indikatorer[res.indikatorer["provbar"]]
    assert len(tab) == len(d)
    forsta = d.loc[d["skillnad_pp"].abs().idxmax()]
    assert tab.iloc[0]["Kvinnor, antal"] == forsta.n_K and tab.iloc[0]["Män, andel"] == pytest.approx(forsta.andel_M)
    assert len(sek.diagram) == 1
    strata = sek.tabeller[1].df
    a = res.strata[res.strata["insats"] == J.ARBETSNARA]
    assert list(strata["Kvinnor med arbetsnära insats"]) == [None if str(x) == "<NA>" else x for x in a["n_K"]]


def test_bench_anrop(demo_engine):
    assert len(J.BENCH_ANROP) >= 4
    for _namn, anrop in J.BENCH_ANROP:
        assert anrop(demo_engine, "2023-03").indikatorer is not None


def test_rapportsektion_i_pdf_och_arbetsbok(demo_engine, monkeypatch):
    # As the lead will wire it: appended to the pack's SEKTIONER, the section prints and saves.
    import io

    import openpyxl

    from core import rapportpaket

    monkeypatch.setattr(rapportpaket, "SEKTIONER", [J.rapportsektion])
    p = rapportpaket.paket(demo_engine, POLITIKER, "2023-03")
    assert p.sektioner[0].rubrik == "Jämställdhet"
    assert rapportpaket.pdf(p).startswith(b"%PDF")
    bok = openpyxl.load_workbook(io.BytesIO(rapportpaket.xlsx(p)))
    assert len(bok.sheetnames) >= 3

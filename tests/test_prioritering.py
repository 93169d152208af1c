"""The prioritisation tool's measures on hand-built rounds (core/matt/prioritering.py, min_enhet.py).

Banding and cell assignment with hand-computed expectations; every person in exactly one cell;
who gets person lists; the medarbetare's view (own unit as counts, the process as unit + the
protected rest); the CLI report. Rounds are imported as CSV through the importer
(tests/smarundor.py), on SQLite and PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest
from sqlalchemy import select

from core import cli, frislapp
from core.matt import min_enhet as me
from core.matt import prioritering as prio
from core.models import Granskningslogg
from core.omfang import ADMIN, BehorighetsFel, Omfang
from core.population import SAKNAS
from tests import smarundor

MEDARBETARE_EB = Omfang("medarbetare", "eb")
PROCESSLEDNING = Omfang("processledning")


# --- banding ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "belopp, vantat",
    [
        # n = 9 sorted 1000..9000: lag = x_(9//3+1) = x_4 = 4000, hog = x_(18//3+1) = x_7 = 7000
        ({b: 1 for b in range(1000, 10000, 1000)}, (4000, 7000)),
        # n = 10: x_4 = 4000, x_(20//3+1) = x_7 = 7000 (1000..10000)
        ({b: 1 for b in range(1000, 11000, 1000)}, (4000, 7000)),
        # rounded down to hundreds: x_2 = 2345 -> 2300, x_3 = 3999 -> 3900 (n = 3)
        ({1234: 1, 2345: 1, 3999: 1}, (2300, 3900)),
        # every amount equal: both limits on it, everyone in band 3
        ({5000: 7}, (5000, 5000)),
        # two distinct amounts, five each: x_4 = 1000, x_7 = 2000
        ({1000: 5, 2000: 5}, (1000, 2000)),
        # one person
        ({8123: 1}, (8100, 8100)),
        # no known amount
        ({}, None),
    ],
)
def test_tertiler(belopp, vantat):
    assert prio.tertiler(belopp) == vantat


@pytest.mark.parametrize(
    "belopp, vantat",
    [
        (3999, "1"),
        (4000, "2"),  # exactly on the lower limit: the higher band
        (6999, "2"),
        (7000, "3"),  # exactly on the upper limit: the higher band
        (0, "1"),
        (None, SAKNAS),
        (float("nan"), SAKNAS),
    ],
)
def test_niva(belopp, vantat):
    assert prio.niva(belopp, prio.Granser(4000, 7000)) == vantat


def test_niva_utan_granser():
    assert prio.niva(5000, prio.Granser(None, None)) == SAKNAS


@pytest.mark.parametrize(
    "text, vantat",
    [("5000,9000", (5000, 9000)), (" 5 000 , 9\u00a0000 ", (5000, 9000)), ("0,0", (0, 0)), ("", None), (None, None)],
)
def test_tolka_granser(text, vantat):
    assert prio.tolka_granser(text) == vantat


@pytest.mark.parametrize("text", ["5000", "a,b", "9000,5000", "-1,5", "1,2,3", "5000.5,9000"])
def test_tolka_granser_fel(text):
    with pytest.raises(prio.PrioriteringsFel):
        prio.tolka_granser(text)


# --- a hand-built round ---------------------------------------------------------------------------

# (id, sex, unit, potential, amount, plan, barriers) — amounts chosen to sit on the limits
RADER = [
    ("A01", "K", "eb", "hog", 9000, "ja", ["psykisk"]),
    ("A02", "M", "eb", "hog", 9000, "nej", ["ej_klarlagt"]),
    ("A03", "K", "eb", "hog", 7000, None, ["inga"]),
    ("A04", "M", "eai", "medel", 4000, "ja", ["fysisk"]),
    ("A05", "K", "eai", "lag", 3999, "ja", ["ej_klarlagt"]),
    ("A06", None, "eai", "okand", 1000, "nej", []),
    ("A07", "K", "vux", None, None, "ja", ["inga"]),
    ("A08", "M", "eb", "hog", 12000, "ja", ["inga"]),
    ("A09", "K", "eb", "okand", 6999, "ja", ["inga"]),
]
GRANSER = (4000, 7000)
# cells with the fixed limits 4000/7000, by hand from RADER
VANTADE = {
    ("hog", "3"): {"A01", "A02", "A03", "A08"},
    ("medel", "2"): {"A04"},
    ("lag", "1"): {"A05"},
    ("okand", "1"): {"A06"},
    (SAKNAS, SAKNAS): {"A07"},
    ("okand", "2"): {"A09"},
}


def _round(rader=RADER):
    ut = []
    for pid, kon, enhet, pot, belopp, plan, hinder in rader:
        ut.append(
            smarundor.person(
                pid,
                kon,
                enhet=enhet,
                handlaggare=f"H{enhet}",
                forandringspotential=pot,
                bistandsbelopp_kr=belopp,
                handlingsplan=plan,
                arbetshinder=hinder,
                pagaende_insats=["ingen"],
            )
        )
    return ut


@pytest.fixture
def liten(engine):
    smarundor.importera(engine, _round())
    yield engine
    frislapp.rensa_cache()


def test_varje_person_i_exakt_en_cell(liten):
    m = prio.matris(liten, ADMIN, smarundor.OMGANG, granser=GRANSER)
    assert m.n == len(RADER) and int(m.celler["n"].sum()) == len(RADER)
    assert len(m.celler) == len(prio.POTENTIALER) * len(prio.NIVAER)
    for r in m.celler.itertuples():
        assert r.n == len(VANTADE.get((r.potential, r.niva), set())), (r.potential, r.niva)
    # the priority cell by sex: A01, A03 women; A02, A08 men
    c = m.cell("hog", "3")
    assert (c.kvinnor, c.man) == (2, 2)
    # A06 has blank sex: in n, in neither kvinnor nor man
    c = m.cell("okand", "1")
    assert (c.n, c.kvinnor, c.man) == (1, 0, 0)
    assert list(m.rader.set_index("potential")["n"]) == [4, 1, 1, 2, 1]  # hog medel lag okand saknas
    assert list(m.kolumner.set_index("niva")["n"]) == [2, 2, 4, 1]


def test_personlistans_celler_ar_matrisens(liten):
    for (p, v), vantat in VANTADE.items():
        df = prio.personlista(liten, ADMIN, smarundor.OMGANG, p, v, granser=GRANSER, anvandare="t")
        assert set(df["person_id"]) == vantat


def test_tertiler_i_omgangen(liten):
    # the 8 known amounts sorted: 1000 3999 4000 6999 7000 9000 9000 12000;
    # x_(8//3+1) = x_3 = 4000, x_(16//3+1) = x_6 = 9000
    m = prio.matris(liten, ADMIN, smarundor.OMGANG)
    assert (m.granser.lag, m.granser.hog, m.granser.kalla) == (4000, 9000, "tertiler")
    assert m.cell("hog", "3").n == 3  # 9000, 9000, 12000
    assert m.cell("hog", "2").n == 1  # 7000


def test_alla_belopp_lika_och_enhetens_matris(engine):
    rader = [(f"B{i}", "K", "eb" if i < 6 else "eai", "hog", 5000, "ja", ["inga"]) for i in range(10)]
    smarundor.importera(engine, _round(rader))
    m = prio.matris(engine, ADMIN, smarundor.OMGANG)
    assert (m.granser.lag, m.granser.hog) == (5000, 5000)
    assert m.cell("hog", "3").n == 10
    # a unit uses the round's limits and counts only its persons
    e = prio.matris(engine, ADMIN, smarundor.OMGANG, "eb")
    assert e.n == 6 and e.cell("hog", "3").n == 6 and int(e.celler["n"].sum()) == 6
    frislapp.rensa_cache()


def test_tom_omgang(engine):
    smarundor.importera(engine, [])
    m = prio.matris(engine, ADMIN, smarundor.OMGANG)
    assert m.n == 0 and int(m.celler["n"].sum()) == 0 and m.granser.lag is None
    assert "Inga kända belopp" in m.granser.text()


def test_egna_granser_bara_utan_skydd(liten):
    with pytest.raises(prio.PrioriteringsFel):
        prio.matris(liten, MEDARBETARE_EB, smarundor.OMGANG, granser=GRANSER)
    with pytest.raises(prio.PrioriteringsFel):
        prio.matris(liten, PROCESSLEDNING, smarundor.OMGANG, granser=GRANSER, export=True)
    m = prio.matris(liten, PROCESSLEDNING.med_skydd(False), smarundor.OMGANG, granser=GRANSER, export=True)
    assert m.skyddad is False and m.granser.kalla == "egna"


# --- who gets persons ---------------------------------------------------------------------------------


def test_politiker_far_inga_personer_och_inte_sidan(liten):
    pol = Omfang("politiker")
    with pytest.raises(BehorighetsFel):
        prio.personlista(liten, pol, smarundor.OMGANG, "hog", "3", anvandare="p")
    for lista in prio.LISTOR:
        with pytest.raises(BehorighetsFel):
            prio.uppfoljningslista(liten, pol, smarundor.OMGANG, lista, anvandare="p")
    with pytest.raises(BehorighetsFel):
        prio.matris(liten, pol, smarundor.OMGANG)
    with pytest.raises(BehorighetsFel):
        me.min_enhet(liten, pol, smarundor.OMGANG, "eb")


def test_medarbetare_far_bara_egen_enhet(liten):
    df = prio.personlista(liten, MEDARBETARE_EB, smarundor.OMGANG, "hog", "3", anvandare="m")
    # tertiles 4000/9000 (see test_tertiler_i_omgangen): A03 (7000) is band 2
    assert set(df["person_id"]) == {"A01", "A02", "A08"}
    df = prio.personlista(liten, MEDARBETARE_EB, smarundor.OMGANG, "hog", "3", None, anvandare="m")
    assert set(df["enhet"]) == {"eb"}
    for annan in ("eai", "vux"):
        with pytest.raises(BehorighetsFel):
            prio.personlista(liten, MEDARBETARE_EB, smarundor.OMGANG, "hog", "3", annan, anvandare="m")
        with pytest.raises(BehorighetsFel):
            prio.uppfoljningslista(liten, MEDARBETARE_EB, smarundor.OMGANG, "utan_plan", annan, anvandare="m")
        with pytest.raises(BehorighetsFel):
            prio.matris(liten, MEDARBETARE_EB, smarundor.OMGANG, annan)
        with pytest.raises(BehorighetsFel):
            me.min_enhet(liten, MEDARBETARE_EB, smarundor.OMGANG, annan)


@pytest.mark.parametrize(
    "lista, vantat",
    [
        ("utan_plan", {"A02", "A03", "A06"}),  # nej or blank
        ("okand_potential", {"A06", "A09"}),
        ("ej_klarlagda_hinder", {"A02", "A05"}),
    ],
)
def test_uppfoljningslistor(liten, lista, vantat):
    df = prio.uppfoljningslista(liten, ADMIN, smarundor.OMGANG, lista, anvandare="a")
    assert set(df["person_id"]) == vantat
    assert list(df.columns) == prio.PERSON_KOLUMNER
    ph = prio.per_handlaggare(df)
    assert int(ph["personer"].sum()) == len(vantat)


def test_varje_lista_loggas_utan_id(liten):
    prio.personlista(liten, MEDARBETARE_EB, smarundor.OMGANG, "hog", "3", anvandare="m")
    prio.uppfoljningslista(liten, MEDARBETARE_EB, smarundor.OMGANG, "utan_plan", anvandare="m", syfte="nedladdning")
    prio.personlista(liten, MEDARBETARE_EB, smarundor.OMGANG, "hog", "3", anvandare="m", logga=False)
    with liten.connect() as c:
        rader = c.execute(
            select(Granskningslogg.anvandare, Granskningslogg.detalj).where(Granskningslogg.handelse == "personlista")
        ).all()
    assert len(rader) == 2
    detaljer = [json.loads(d) for _a, d in rader]
    assert {d["syfte"] for d in detaljer} == {"visning", "nedladdning"}
    assert all(d["enhet"] == "eb" and d["roll"] == "medarbetare" for d in detaljer)
    assert not any(pid in d for _a, d in rader for pid, *_ in RADER)


# --- the medarbetare's view: own unit known, the process = unit + protected rest -----------------------


def _slumpad(rng: random.Random, n: int) -> list[dict]:
    rader = smarundor.slumpad_omgang(rng, n)
    for r in rader:
        m = r["matning"]
        m["forandringspotential"] = rng.choice(["hog", "hog", "medel", "lag", "okand", None])
        m["bistandsbelopp_kr"] = rng.choice([None, *range(2000, 16000, 700)])
    return rader


def test_medarbetarens_helhet_ar_enheten_plus_skyddad_rest(engine):
    rng = random.Random(16)
    smarundor.importera(engine, _slumpad(rng, 60))
    o = smarundor.OMGANG
    egen = prio.matris(engine, MEDARBETARE_EB, o, "eb")
    assert egen.skyddad is False  # the own unit: plain counts
    assert egen.celler.equals(prio.matris(engine, ADMIN, o, "eb").celler)
    hela = prio.matris(engine, MEDARBETARE_EB, o)
    sann = prio.matris(engine, ADMIN, o).celler.set_index(["potential", "niva"])
    rest = prio.matris(engine, ADMIN, o).celler.set_index(["potential", "niva"])
    rest_n = rest["n"] - egen.celler.set_index(["potential", "niva"])["n"]
    for r in hela.celler.itertuples():
        if r.skyddad:
            continue
        assert r.n == sann.loc[(r.potential, r.niva), "n"]  # a shown figure is the true one
        # and what it gives away about the rest is 0 or at least the threshold
        assert rest_n.loc[(r.potential, r.niva)] == 0 or rest_n.loc[(r.potential, r.niva)] >= 5
    assert hela.skyddad and hela.kanda_enhet == "eb"
    # the same in their file
    fil = prio.matris(engine, MEDARBETARE_EB, o, export=True)
    assert fil.celler.equals(hela.celler)
    frislapp.rensa_cache()


def test_min_enhet_for_medarbetare(engine):
    rng = random.Random(7)
    smarundor.importera(engine, _slumpad(rng, 50))
    o = smarundor.OMGANG
    sann = me.min_enhet(engine, ADMIN, o, "eb").tabell.set_index("matt")
    m = me.min_enhet(engine, MEDARBETARE_EB, o).tabell.set_index("matt")
    assert (m["enhet_n"] == sann["enhet_n"]).all()  # the own unit as counts
    for matt, r in m.iterrows():
        rest = int(sann.loc[matt, "alla_n"] - sann.loc[matt, "enhet_n"])
        if not r["alla_skyddad"]:
            assert r["alla_n"] == sann.loc[matt, "alla_n"]
            assert rest == 0 or rest >= 5, matt
    # the key figures agree with the matrix
    assert sann.loc["prioriterade", "enhet_n"] == prio.matris(engine, ADMIN, o, "eb").cell("hog", "3").n
    assert sann.loc["personer", "alla_n"] == 50
    assert sann.loc["utan_plan", "alla_n"] + sann.loc["handlingsplan", "alla_n"] == 50
    frislapp.rensa_cache()


# --- the CLI ----------------------------------------------------------------------------------------


def test_cli_report_prioritering(liten, capsys, monkeypatch):
    monkeypatch.setenv("VAGEN_DATABASE_URL", str(liten.url.render_as_string(hide_password=False)))
    kod = cli.main(["report", "prioritering", "--omgang", smarundor.OMGANG, "--grans", "4000,7000", "--skydd", "off"])
    assert kod == 0
    d = json.loads(capsys.readouterr().out)
    assert d["skydd"] is False and d["granser"] == {"lag": 4000, "hog": 7000, "kalla": "egna"}
    assert sum(c["n"] for c in d["celler"]) == len(RADER)
    c = next(c for c in d["celler"] if c["potential"] == "hog" and c["niva"] == 3)
    assert (c["n"], c["kvinnor"], c["man"]) == (4, 2, 2)
    # protected: the tertiles, small counts hidden, fixed limits refused with a Swedish message
    kod = cli.main(["report", "prioritering", "--omgang", smarundor.OMGANG, "--enhet", "eb"])
    d = json.loads(capsys.readouterr().out)
    assert kod == 0 and d["skydd"] is True and d["enhet"] == "eb"
    assert all(c["n"] is None or c["n"] == 0 or c["n"] >= 5 for c in d["celler"])
    kod = cli.main(["report", "prioritering", "--omgang", smarundor.OMGANG, "--grans", "4000,7000"])
    assert kod != 0 and "röjandeskydd" in capsys.readouterr().err


# --- the review pack -----------------------------------------------------------------------------------


def test_rapportsektionen_ar_sidans_tal(engine):
    smarundor.importera(engine, _slumpad(random.Random(3), 45))
    o = smarundor.OMGANG
    for omfang in (PROCESSLEDNING, PROCESSLEDNING.med_skydd(False), MEDARBETARE_EB):
        sek = prio.rapportsektion(engine, omfang, o)
        m = prio.matris(engine, omfang, o, export=True)
        celler, lang = sek.tabeller
        for p_, etikett in zip(prio.POTENTIALER, celler.df["Förändringspotential"], strict=True):
            assert etikett == prio.POTENTIAL_ETIKETT[p_]
            for v in prio.NIVAER:
                c = m.cell(p_, v)
                varde = celler.df.loc[celler.df["Förändringspotential"] == etikett, prio.NIVA_ETIKETT[v]].iloc[0]
                assert (None if c.skyddad else int(c.n)) == (None if pd.isna(varde) else int(varde))
        assert list(lang.df["Kvinnor"].isna()) == list(m.celler["kvinnor_skyddad"])
        assert len(sek.diagram) == 1
    pol = prio.rapportsektion(engine, Omfang("politiker"), o)
    assert not pol.tabeller and not pol.diagram
    frislapp.rensa_cache()


def test_rapportsektionen_i_pdf_och_arbetsbok(engine, monkeypatch):
    from core import rapportpaket

    smarundor.importera(engine, _slumpad(random.Random(4), 40))
    monkeypatch.setattr(rapportpaket, "SEKTIONER", [prio.rapportsektion])
    p = rapportpaket.paket(engine, PROCESSLEDNING, smarundor.OMGANG)
    assert rapportpaket.pdf(p).startswith(b"%PDF")
    assert rapportpaket.xlsx(p)[:2] == b"PK"
    frislapp.rensa_cache()


# --- movement across the matrix --------------------------------------------------------------------


def _tva_rundor(engine, rader_fore, rader_nu):
    from core import importer

    smarundor.importera(engine, _round(rader_fore))
    # the second round: the same CSV layout with another round id and date
    nu = _round(rader_nu)
    for r in nu:
        r["matning"]["omgang_id"] = "2020-03"
    filer = [
        smarundor._csv("person", [r["person"] for r in nu]),
        smarundor._csv("matomgang", [{"omgang_id": "2020-03", "datum": "2020-03-15", "benamning": "Andra"}]),
        smarundor._csv("matning", [r["matning"] for r in nu]),
    ]
    res = importer.importera(engine, filer)
    assert res.ok, res.felrapport()


def test_forflyttning_samma_personer(engine):
    from core.matt import forflyttning as ff

    fore = RADER
    # A01 hog -> lag, A02 stays, A03 leaves, N01 joins; the rest unchanged
    nu = [r for r in RADER if r[0] != "A03"]
    nu = [("A01", "K", "eb", "lag", 9000, "ja", ["inga"]) if r[0] == "A01" else r for r in nu]
    nu.append(("N01", "M", "eb", "hog", 5000, "ja", ["inga"]))
    _tva_rundor(engine, fore, nu)
    assert ff.foregaende_omgang(engine, "2020-03") == smarundor.OMGANG
    assert ff.foregaende_omgang(engine, smarundor.OMGANG) is None
    assert ff.forflyttning(engine, ADMIN, smarundor.OMGANG) is None
    f = ff.forflyttning(engine, ADMIN, "2020-03")
    assert f.n == len(RADER) - 1  # in both rounds: all but A03 (and not N01)
    for t in f.tabeller.values():
        assert int(t["n"].sum()) == f.n  # everyone in exactly one cell of each table
    p = f.tabeller["potential"].set_index(["fran", "till"])["n"]
    assert p[("hog", "lag")] == 1 and p[("hog", "hog")] == 2  # A01 moved; A02, A08 stayed
    e = ff.forflyttning(engine, ADMIN, "2020-03", enhet="eb")
    assert e.n == 4  # A01 A02 A08 A09: in eb in the later round and in both rounds (N01 joined)
    with pytest.raises(BehorighetsFel):
        ff.forflyttning(engine, MEDARBETARE_EB, "2020-03", enhet="eai")
    with pytest.raises(BehorighetsFel):
        ff.forflyttning(engine, Omfang("politiker"), "2020-03")
    with pytest.raises(prio.PrioriteringsFel):
        ff.forflyttning(engine, PROCESSLEDNING, "2020-03", enhet="eb", export=True)
    # a medarbetare: the own unit as counts, the process as unit + protected rest
    egen = ff.forflyttning(engine, MEDARBETARE_EB, "2020-03", enhet="eb")
    assert egen.tabeller["potential"].equals(e.tabeller["potential"])
    hela = ff.forflyttning(engine, MEDARBETARE_EB, "2020-03")
    for namn, t in hela.tabeller.items():
        sann = f.tabeller[namn].set_index(["fran", "till"])["n"]
        u = e.tabeller[namn].set_index(["fran", "till"])["n"]
        for r in t.itertuples():
            if not r.skyddad:
                assert r.n == sann[(r.fran, r.till)]
                rest = sann[(r.fran, r.till)] - u[(r.fran, r.till)]
                assert rest == 0 or rest >= 5
    frislapp.rensa_cache()

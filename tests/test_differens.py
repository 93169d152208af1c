"""The eight attacks of issue 9, each on a small hand-built round imported through the importer.

Before the release (one protected set of linked tables per round) every single table was
protected but the tables together were not: exact counts of 1–4 came out by subtraction. Each
test below builds the round of one attack and checks that the attack no longer works — the
view is refused, or the number is hidden, or the attacker's LP (tests/angripare.py) pins
nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core import charts, db, frislapp, text
from core.matt import jamforelse, korstabell, oversikt, profil
from core.matt.profil import Urval
from core.omfang import ADMIN, Omfang
from tests import angripare, insamling, smarundor
from tests.smarundor import person

POL = Omfang("politiker")
MED = Omfang("medarbetare", "eb")


@pytest.fixture
def eng(sqlite_engine):
    yield sqlite_engine
    frislapp.rensa_cache()


def _cell(p, v, kod):
    r = p.fordelningar[v].set_index("kod").loc[kod]
    return None if r["skyddad"] else int(r["n"])


# --- 1. filter differencing -------------------------------------------------------------------


def _hundra() -> list[dict]:
    """100 persons: 2 with blank sex, one aged 65+, one the only person of vux — and that
    person the only one with "Både psykisk och fysisk ohälsa"."""
    rader = []
    for i in range(100):
        kon = None if i < 2 else ("K" if i % 2 else "M")
        alder = 70 if i == 2 else 20 + (i % 40)
        enhet = "vux" if i == 3 else "eb"
        halsa = "bade" if i == 3 else ("ingen" if i % 3 else "psykisk")
        rader.append(person(f"P{i:03d}", kon, alder, enhet=enhet, halsa=halsa, handlingsplan="ja"))
    return rader


@pytest.mark.parametrize("omfang", [POL, MED], ids=["politiker", "medarbetare"])
def test_1_filter_som_lamnar_fa_utanfor_vagras(eng, omfang):
    smarundor.importera(eng, _hundra())
    hela = profil.profil(eng, omfang, smarundor.OMGANG, variabler=["halsa"])
    assert hela.n == 100 and _cell(hela, "halsa", "bade") is None
    for urval in (
        Urval(kon=("K", "M")),  # leaves the 2 with blank sex out
        Urval(aldersgrupp=("16-24", "25-34", "35-44", "45-54", "55-64", "saknas")),  # leaves the 65+ out
        Urval(ej_enhet=("vux",)),  # leaves the only person of vux out
        Urval(enhet=("eb",)),  # everyone but the vux person
    ):
        p = profil.profil(eng, omfang, smarundor.OMGANG, urval, ["halsa"])
        assert p.n is None and p.vagrad, urval
        assert p.fordelningar["halsa"]["skyddad"].all()  # no "0" to subtract from the whole
    # and the one-condition groups whose size is hidden cannot be chosen at all
    sparrade = profil.sparrade_val(eng, smarundor.OMGANG)
    assert "saknas" in sparrade["kon"] and "65+" in sparrade["aldersgrupp"] and "vux" in sparrade["enhet"]


def test_1_cli_rapporten_vagrar_samma_sak(eng, tmp_path):
    url = str(eng.url)
    smarundor.importera(eng, _hundra())
    eng.dispose()

    def rapport(*args):
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "core",
                "report",
                "profile",
                "--omgang",
                smarundor.OMGANG,
                *args,
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env={**__import__("os").environ, "VAGEN_DATABASE_URL": url},
        )
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    hela, eb = rapport(), rapport("--enhet", "eb")
    assert hela["n"] == 100 and hela["variabler"]["halsa"]["bade"]["skyddad"]
    assert eb["n"] is None and eb["vagrad"] and all(c["skyddad"] for c in eb["variabler"]["halsa"].values())


# --- 2. linked views of one page ---------------------------------------------------------------


def _eai_runda() -> list[dict]:
    """eai has 26 persons with halsa 9/9/5/3 (okand 3); the rest 40; vux one person."""
    rader = []
    koder_eai = ["bade"] * 9 + ["psykisk"] * 9 + ["fysisk"] * 5 + ["okand"] * 3
    for i, h in enumerate(koder_eai):
        rader.append(person(f"E{i:02d}", "K" if i % 2 else "M", 30 + i, enhet="eai", halsa=h, handlingsplan="ja"))
    for i in range(40):
        h = ["bade", "psykisk", "fysisk", "ingen"][i % 4]
        rader.append(person(f"B{i:02d}", "K" if i % 2 else "M", 25 + i, enhet="eb", halsa=h, handlingsplan="nej"))
    rader.append(person("V00", "K", 44, enhet="vux", halsa="okand", handlingsplan="ja"))
    return rader


def test_2_enhet_filter_och_jamforelse_ger_inget_tillbaka(eng):
    smarundor.importera(eng, _eai_runda())
    varld = insamling.samla(eng, smarundor.OMGANG, ["kon", "halsa", "handlingsplan"], ["eai", "vux"], [])
    # and the unit filter of the sidebar, on top of what the collector gathers
    p = profil.profil(eng, POL, smarundor.OMGANG, Urval(enhet=("eai",)), ["kon", "halsa", "handlingsplan"])
    s = profil.profil(eng, ADMIN, smarundor.OMGANG, Urval(enhet=("eai",)), ["kon", "halsa", "handlingsplan"])
    varld.grupp("U:eai", angripare.DOLD if p.n is None else p.n)
    for v in ("kon", "halsa", "handlingsplan"):
        for kod, n, sant in zip(p.fordelningar[v]["kod"], p.fordelningar[v]["n"], s.fordelningar[v]["n"], strict=True):
            varld.cell("U:eai", v, kod, angripare.DOLD if n is None or n is __import__("pandas").NA else int(n))
            varld.sanning[("U:eai", v, kod)] = int(sant)
    assert angripare.attackera(varld) == []
    # A one-person unit: its answers would be read off the rest's zeros; the comparison is refused.
    j = jamforelse.enhet_mot_resten(eng, POL, smarundor.OMGANG, "vux", "halsa")
    assert j.vagrad and j.fordelning["skyddad"].all()


# --- 3. shares of a hidden count ------------------------------------------------------------


def test_3_andelar_av_ett_dolt_antal_ar_dolda_aven_i_diagrammets_data(eng):
    rader = []
    for i in range(100):
        kon = None if i < 2 else ("K" if i < 50 else "M")  # 48 women, 50 men, 2 blank
        rader.append(
            person(f"P{i:03d}", kon, 30, handlingsplan="ja" if i % 5 else "nej", af_inskriven="ja" if i % 7 else "nej")
        )
    smarundor.importera(eng, rader)
    ov = oversikt.oversikt(eng, POL, smarundor.OMGANG)
    t = ov.tabell.set_index("matt")
    assert t.loc["personer", "kvinnor_skyddad"]  # the partner of the 2 with blank sex
    for matt in ("andel_handlingsplan", "andel_af", "andel_1ar"):
        assert t.loc[matt, "kvinnor_skyddad"] and t.loc[matt, "kvinnor"] is None, matt
    data = charts.nyckeltal_kon_data(ov.tabell)
    assert data[data["kon"] == charts.KVINNOR]["andel"].isna().all()
    spec = json.dumps(charts.nyckeltal_kon(ov.tabell).to_dict())
    assert "0.2" not in spec.replace("0.25", "")  # no unrounded women's share is sent to the browser
    # The summary names no women's count or share.
    assert "kvinnor" not in ov.sammanfattning.lower() or "Bland kvinnorna" not in ov.sammanfattning


# --- 4. the same variable protected twice --------------------------------------------------------


def test_4_oversikt_och_malgrupp_ar_en_och_samma_skyddade_siffra(eng):
    rader = []
    for i in range(100):
        af = "ja" if i < 6 else ("okand" if i < 8 else "nej")  # ja 6, okand 2, nej 92
        ins = "2019-06-01" if i < 2 else "2017-01-01"  # under 1 year: 2
        rader.append(person(f"P{i:03d}", "K" if i % 2 else "M", 40, af_inskriven=af, inskrivningsdatum=ins))
    smarundor.importera(eng, rader)
    p = profil.profil(eng, POL, smarundor.OMGANG, variabler=["af_inskriven", "inskrivningstid"])
    ov = oversikt.oversikt(eng, POL, smarundor.OMGANG).tabell.set_index("matt")
    assert _cell(p, "af_inskriven", "okand") is None
    # Översikt's "Inskrivna på AF" is the same cell: hidden where Målgrupp hides it
    assert bool(ov.loc["andel_af", "skyddad"]) == (_cell(p, "af_inskriven", "ja") is None)
    varld = insamling.samla(eng, smarundor.OMGANG, ["kon", "inskrivningstid", "af_inskriven", "handlingsplan"], [], [])
    assert angripare.attackera(varld) == []


# --- 5. multi-valued with an exclusive code -----------------------------------------------------


def test_5_den_exklusiva_koden_ger_inte_bort_den_enda_enheten(eng):
    rader = []
    for i in range(100):
        insats = ["ingen"] if i < 93 else ([] if i < 98 else ["reu"])  # ingen 93, saknas 5, reu 2
        hinder = ["inga"] if i < 90 else ([] if i < 96 else ["missbruk"])
        rader.append(person(f"P{i:03d}", "K" if i % 2 else "M", 40, pagaende_insats=insats, arbetshinder=hinder))
    smarundor.importera(eng, rader)
    p = profil.profil(eng, POL, smarundor.OMGANG, variabler=["pagaende_insats", "arbetshinder"])
    assert _cell(p, "pagaende_insats", "reu") is None and _cell(p, "arbetshinder", "missbruk") is None
    varld = insamling.samla(eng, smarundor.OMGANG, ["kon", "pagaende_insats", "arbetshinder"], [], [])
    assert angripare.attackera(varld) == []


# --- 6. cross-tab ---------------------------------------------------------------------------------


def test_6_korstabellens_linjarkombinationer(eng):
    # Förändringspotential x Sjukintyg with a small Låg x Okänt (2) among larger cells.
    celler = {
        ("hog", "heltid"): 6, ("hog", "deltid"): 5, ("hog", "nej"): 20, ("hog", "okand"): 7,
        ("medel", "heltid"): 3, ("medel", "deltid"): 2, ("medel", "nej"): 15, ("medel", "okand"): 2,
        ("lag", "heltid"): 4, ("lag", "deltid"): 3, ("lag", "nej"): 10, ("lag", "okand"): 2,
        ("okand", "heltid"): 5, ("okand", "deltid"): 1, ("okand", "nej"): 8, ("okand", "okand"): 8,
    }  # fmt: skip
    rader, i = [], 0
    for (fp, si), n in celler.items():
        for _ in range(n):
            rader.append(person(f"P{i:03d}", "K" if i % 2 else "M", 40, forandringspotential=fp, sjukintyg=si))
            i += 1
    smarundor.importera(eng, rader)
    kt = korstabell.korstabell(eng, POL, smarundor.OMGANG, "forandringspotential", "sjukintyg")
    c = kt.celler.set_index(["rad", "kolumn"])
    assert c.loc[("lag", "okand"), "skyddad"]
    varld = insamling.samla(
        eng, smarundor.OMGANG, ["kon", "forandringspotential", "sjukintyg"], [], [("forandringspotential", "sjukintyg")]
    )
    assert angripare.attackera(varld) == []


# --- 7. processledning's downloads --------------------------------------------------------------


def test_7_processledningens_filer_ar_skyddade_som_standard(eng):
    smarundor.importera(eng, [person(f"P{i}", "K" if i else "M", 40) for i in range(3)])
    pl = Omfang("processledning")
    ov = oversikt.oversikt(eng, pl, smarundor.OMGANG, export=True)
    assert ov.skyddad and ov.tabell.set_index("matt").loc["personer", "skyddad"]
    rundor = oversikt.omgangar(eng, pl, export=True)
    assert rundor["personer"].isna().all() and rundor["personer_skyddad"].all()
    # unprotected only by their explicit choice
    assert oversikt.omgangar(eng, pl.med_skydd(False), export=True)["personer"].tolist() == [3]


# --- 8. one neutral mark; the threshold -----------------------------------------------------------


def test_8_en_sekundart_dold_cell_pastar_inget_om_sin_storlek(eng):
    from core import ui

    rader = [person(f"P{i:03d}", None if i < 2 else ("K" if i < 50 else "M"), 40) for i in range(100)]
    smarundor.importera(eng, rader)
    ov = oversikt.oversikt(eng, POL, smarundor.OMGANG)
    kon = ui.tabell_kon(ov.tabell).set_index("Nyckeltal")
    assert kon.loc["Personer i processen", "Kvinnor"] == text.DOLT  # 48 women, hidden as a partner
    assert "färre än" not in kon.to_string()
    assert "färre än 5 personer, eller ett tal som" in text.skyddsforklaring()


@pytest.mark.parametrize("troskel", ["1", "2", "fem", "4.5", "-3"])
def test_8_en_troskel_under_3_stoppar_cli(troskel, tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "core", "init"],
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "VAGEN_SKYDD_TROSKEL": troskel,
            "VAGEN_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        },
    )
    assert r.returncode == 2 and "minst 3" in r.stderr and "Traceback" not in r.stderr


def test_8_troskeln_4_fungerar(eng, monkeypatch):
    monkeypatch.setenv("VAGEN_SKYDD_TROSKEL", "4")
    smarundor.importera(eng, [person(f"P{i:02d}", "K", 40, handlingsplan="ja" if i < 4 else "nej") for i in range(20)])
    p = profil.profil(eng, POL, smarundor.OMGANG, variabler=["handlingsplan"])
    assert _cell(p, "handlingsplan", "ja") == 4  # 4 is no longer small at threshold 4
    assert db.dataversion(eng)

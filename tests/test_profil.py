"""The target-group profile and the profile report on the hand-built fixture (tests/fixtur.py)."""

import json
import subprocess
import sys

import pytest

from core import rapport
from core.matt.profil import ProfilFel, Urval, profil
from core.omfang import ADMIN, Omfang
from tests import fixtur

OSKYDDAD = ADMIN  # admin on screen: unsuppressed
POLITIKER = Omfang("politiker")


@pytest.fixture
def eng(engine):
    fixtur.ladda(engine)
    return engine


def cell(p, variabel, kod):
    df = p.fordelningar[variabel].set_index("kod")
    r = df.loc[kod]
    return (None if r["skyddad"] else int(r["n"])), bool(r["skyddad"])


def test_storlek_och_kon_oskyddat(eng):
    p = profil(eng, OSKYDDAD, "2019-09")
    assert p.n == 12 and not p.skyddad
    # kon: P01-P07 K (7), P08-P11 M (4), P12 blank (1)
    df = p.fordelningar["kon"].set_index("kod")
    assert list(df.index) == ["K", "M", "saknas"]
    assert df["n"].tolist() == [7, 4, 1]
    assert df.loc["K", "andel"] == pytest.approx(7 / 12)
    assert df.loc["saknas", "etikett"] == "Uppgift saknas"


def test_harledda_variabler(eng):
    p = profil(eng, OSKYDDAD, "2019-09", variabler=["aldersgrupp", "alder", "inskrivningstid"])
    ag = dict(zip(p.fordelningar["aldersgrupp"]["kod"], p.fordelningar["aldersgrupp"]["n"], strict=True))
    # ages in 2019 from fixtur.PERSONER comments
    assert ag == {"16-24": 3, "25-34": 3, "35-44": 2, "45-54": 1, "55-64": 1, "65+": 1, "saknas": 1}
    alder = dict(zip(p.fordelningar["alder"]["kod"], p.fordelningar["alder"]["n"], strict=True))
    assert alder == {"under_25": 3, "over_55": 2, "saknas": 1}
    it = dict(zip(p.fordelningar["inskrivningstid"]["kod"], p.fordelningar["inskrivningstid"]["n"], strict=True))
    # months: P01 0, P02 11, P10 5 (<1); P03 12, P11 19 (1-2); P04 24, P05 35, P12 31 (2-3);
    # P06 36, P07 116, P08 54 (3+); P09 unknown
    assert it == {"<1": 3, "1-2": 2, "2-3": 3, "3+": 3, "saknas": 1}


def test_flerval_raknar_personer(eng):
    p = profil(eng, OSKYDDAD, "2019-09", variabler=["arbetshinder", "pagaende_insats"])
    ah = dict(zip(p.fordelningar["arbetshinder"]["kod"], p.fordelningar["arbetshinder"]["n"], strict=True))
    # psykisk: P01 P02 P04 P06 P08 P10 P12; fysisk: P04 P07 P10; P09 blank
    assert ah == {
        "psykisk": 7,
        "fysisk": 3,
        "svenska": 0,
        "social": 1,
        "npf": 1,
        "missbruk": 0,
        "ej_klarlagt": 1,
        "inga": 2,
        "saknas": 1,
    }
    pi = p.fordelningar["pagaende_insats"].set_index("kod")
    # every unit of the database is a code, plus "ingen"
    assert list(pi.index)[:2] == ["ingen", "af"] and "saknas" in pi.index
    assert pi.loc["eai", "n"] == 10 and pi.loc["ingen", "n"] == 1 and pi.loc["saknas", "n"] == 1
    assert pi.loc["eai", "etikett"].startswith("Enheten för arbete")


def test_skydd_regler_1_till_3(eng):
    p = profil(eng, POLITIKER, "2019-09")
    assert p.skyddad and p.n == 12
    # kon: M 4 and blank 1 are small -> two suppressed, K 7 shown (rule 1)
    assert cell(p, "kon", "K") == (7, False)
    assert cell(p, "kon", "M") == (None, True)
    assert cell(p, "kon", "saknas") == (None, True)
    # af_inskriven: ja 3 small, alone -> next smallest above zero (nej 9) too (rule 2); zeros shown
    assert cell(p, "af_inskriven", "ja") == (None, True)
    assert cell(p, "af_inskriven", "nej") == (None, True)
    assert cell(p, "af_inskriven", "okand") == (0, False)
    # boende: hemlos 2 small; egen 5 and andrahand 5 tie -> the first in code order (egen)
    assert cell(p, "boende", "hemlos") == (None, True)
    assert cell(p, "boende", "egen") == (None, True)
    assert cell(p, "boende", "andrahand") == (5, False)
    # pagaende_insats (multi): eai 10 of 12 -> 2 without it -> suppressed (rule 3)
    assert cell(p, "pagaende_insats", "eai") == (None, True)
    # arbetshinder: psykisk 7 (5 without) shown; fysisk 3 suppressed; zero shown
    assert cell(p, "arbetshinder", "psykisk") == (7, False)
    assert cell(p, "arbetshinder", "fysisk") == (None, True)
    assert cell(p, "arbetshinder", "svenska") == (0, False)
    # a suppressed share is blank
    df = p.fordelningar["kon"].set_index("kod")
    assert df.loc["M", "andel"] != df.loc["M", "andel"]  # NaN


def test_harledd_alder_foljer_banden(eng):
    # 16-24 has 3 persons (suppressed) so under_25 (the same persons) is suppressed too;
    # 55-64 and 65+ are suppressed so over_55 (their union, 2) is suppressed.
    p = profil(eng, POLITIKER, "2019-09", variabler=["aldersgrupp", "alder"])
    assert cell(p, "alder", "under_25") == (None, True)
    assert cell(p, "alder", "over_55") == (None, True)


def test_filter_enhet_och_liten_grupp(eng):
    # eai in 2019-09: P09-P12 by matning.enhet, P01 by an open episode delivered by eai -> 5
    p = profil(eng, OSKYDDAD, "2019-09", Urval(enhet=("eai",)), variabler=["kon"])
    assert p.n == 5
    # af: P02 by an episode that ended 2018-12-01 (within 12 months) -> 1 person
    p = profil(eng, OSKYDDAD, "2019-09", Urval(enhet=("af",)), variabler=["kon"])
    assert p.n == 1
    # the rest of the process against eai: 12 - 5
    assert profil(eng, OSKYDDAD, "2019-09", Urval(ej_enhet=("eai",)), variabler=["kon"]).n == 7
    # reu: P03's episode ended 2018-01-01, more than 12 months before -> nobody
    p = profil(eng, OSKYDDAD, "2019-09", Urval(enhet=("reu",)), variabler=["kon"])
    assert p.n == 0
    assert p.fordelningar["kon"]["n"].tolist() == [0, 0, 0]
    # a group of 1-4 persons shows nothing but "färre än 5"
    p = profil(eng, POLITIKER, "2019-09", Urval(enhet=("af",)), variabler=["kon", "arbetshinder"])
    assert p.n is None and p.n_skyddad
    assert p.fordelningar["kon"]["skyddad"].all()
    assert p.fordelningar["arbetshinder"]["skyddad"].all()


def test_filter_kon_alder_region_tid(eng):
    assert profil(eng, OSKYDDAD, "2019-09", Urval(kon=("K",)), ["kon"]).n == 7
    assert profil(eng, OSKYDDAD, "2019-09", Urval(kon=("saknas",)), ["kon"]).n == 1
    assert profil(eng, OSKYDDAD, "2019-09", Urval(aldersgrupp=("16-24", "65+")), ["kon"]).n == 4
    assert profil(eng, OSKYDDAD, "2019-09", Urval(fodelseregion=("sverige",)), ["kon"]).n == 6
    assert profil(eng, OSKYDDAD, "2019-09", Urval(inskrivningstid=("3+", "saknas")), ["kon"]).n == 4


def test_okand_omgang(eng):
    with pytest.raises(ProfilFel, match="finns inte"):
        profil(eng, OSKYDDAD, "1999-01")


def test_tom_omgang(engine):
    import datetime as dt

    from core import db
    from core.models import Matomgang

    with engine.begin() as c:
        db.bulk_insert(
            c, Matomgang.__table__, [{"omgang_id": "2024-09", "datum": dt.date(2024, 9, 15), "benamning": None}]
        )
    p = profil(engine, POLITIKER, "2024-09")
    assert p.n == 0
    assert all(df["n"].fillna(0).sum() == 0 for df in p.fordelningar.values())
    assert p.fordelningar["kon"]["andel"].isna().all()


def test_rapport_json_form(eng):
    data = json.loads(rapport.profil(eng, ADMIN.med_skydd(False), "2019-09", format="json"))
    assert data["omgang"] == "2019-09" and data["n"] == 12 and data["skydd"] is False
    assert data["variabler"]["kon"]["K"] == {"n": 7, "andel": pytest.approx(7 / 12), "skyddad": False}
    assert set(data["variabler"]) >= {"kon", "aldersgrupp", "alder", "inskrivningstid", "arbetshinder", "handlingsplan"}
    # every code listed, 0 where nobody has it
    assert data["variabler"]["arbetshinder"]["svenska"] == {"n": 0, "andel": 0.0, "skyddad": False}
    skyddad = json.loads(rapport.profil(eng, ADMIN, "2019-09", format="json"))
    assert skyddad["skydd"] is True
    assert skyddad["variabler"]["kon"]["M"] == {"n": None, "andel": None, "skyddad": True}


def test_rapport_csv(eng):
    text = rapport.profil(eng, ADMIN, "2019-09", format="csv")
    assert text.startswith("\ufeffMätomgång;Urval;Röjandeskydd;Personer i urvalet;Variabel")
    rad_m = next(r for r in text.splitlines() if ";kon;" in r and ";M;" in r)
    assert ";dolt;;" in rad_m  # the neutral mark, share blank
    assert rad_m.endswith("kan räknas fram ur.")  # the legend travels with the file
    rad_k = next(r for r in text.splitlines() if ";kon;" in r and ";K;" in r)
    assert ";7;0,5833333333333334;" in rad_k  # 7/12 with a decimal comma


def _cli(url, *args):
    import os

    env = dict(os.environ, VAGEN_DATABASE_URL=url)
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, env=env)


def test_cli_rapport_och_fel(eng, db_url):
    r = _cli(db_url, "report", "profile", "--omgang", "2019-09", "--enhet", "eai", "--skydd", "off", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["n"] == 5 and data["urval"]["enhet"] == ["eai"] and data["skydd"] is False
    r = _cli(db_url, "report", "profile", "--omgang", "1999-01", "--format", "json")
    assert r.returncode != 0 and "finns inte" in r.stderr and "Traceback" not in r.stderr
    r = _cli(db_url, "report", "profile", "--omgang", "2019-09", "--enhet", "xyz", "--format", "json")
    assert r.returncode != 0 and "Enheten 'xyz' finns inte" in r.stderr
    r = _cli(db_url, "report", "profile", "--omgang", "2019-09", "--format", "pdf")
    assert r.returncode == 2 and "Fel:" in r.stderr and "Traceback" not in r.stderr

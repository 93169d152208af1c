"""The attacker (tests/angripare.py) against what a medarbetare sees of the rest of the process.

A medarbetare knows their own unit's persons (Prioritering gives them its lists), so the
figures of the whole process on Prioritering and Min enhet are worth to them exactly the
process minus their unit. The collector (``tests/insamling.samla_medarbetare``) subtracts the
unit's true counts from everything shown and hands the rest to the LP attacker: nothing of
1–4 may come out pinned. The protected matrix of the whole round (processledning's protected
file, the CLI with ``--skydd on``) is attacked as it is. The control: the process's figures
with only the primary suppression of the rest give its small counts away, so the test can fail.
"""

from __future__ import annotations

import random

import pytest

from core import db, frislapp
from tests import angripare, insamling, smarundor
from tests.test_prioritering import _slumpad

FROER = [(16, 55), pytest.param(1, 40, marks=pytest.mark.slow), pytest.param(302, 70, marks=pytest.mark.slow)]


@pytest.fixture
def runda(tmp_path):
    def skapa(fro: int, n: int):
        eng = db.get_engine(f"sqlite:///{tmp_path / f'a{fro}.db'}")
        db.skapa_schema(eng)
        smarundor.importera(eng, _slumpad(random.Random(fro), n))
        return eng

    yield skapa
    frislapp.rensa_cache()
    db.dispose_engines()


@pytest.mark.parametrize("fro, n", FROER)
def test_angriparen_laser_inget_om_resten(runda, fro, n):
    eng = runda(fro, n)
    for enhet in ("eb", "eai", None):
        fynd = angripare.attackera(insamling.samla_medarbetare(eng, smarundor.OMGANG, enhet))
        assert not fynd, f"låsta små tal (fro {fro}, enhet {enhet}): {fynd[:5]}"


def test_kontroll_utan_skydd_mot_subtraktion_laser_angriparen(runda):
    """The control: the rest's small counts hidden but nothing else (no secondary suppression),
    and the attacker pins them through the matrix's margins and Min enhet's totals."""
    eng = runda(16, 55)
    fynd = angripare.attackera(insamling.samla_medarbetare(eng, smarundor.OMGANG, "eai", primar=True))
    assert fynd


def _andra_rundan(rng: random.Random, rader: list[dict]) -> list[dict]:
    """The same persons half a year on: most stay, some change potential or amount, some leave."""
    import copy

    ut = []
    for r in rader:
        if rng.random() < 0.15:
            continue
        r = copy.deepcopy(r)
        m = r["matning"]
        m["omgang_id"] = "2020-03"
        if rng.random() < 0.3:
            m["forandringspotential"] = rng.choice(["hog", "medel", "lag", "okand", None])
        if rng.random() < 0.3:
            m["bistandsbelopp_kr"] = rng.choice([None, *range(2000, 16000, 700)])
        ut.append(r)
    return ut


@pytest.fixture
def tva_rundor(tmp_path):
    from core import importer

    rng = random.Random(16)
    eng = db.get_engine(f"sqlite:///{tmp_path / 'f.db'}")
    db.skapa_schema(eng)
    forsta = _slumpad(rng, 60)
    smarundor.importera(eng, forsta)
    andra = _andra_rundan(rng, forsta)
    filer = [
        smarundor._csv("matomgang", [{"omgang_id": "2020-03", "datum": "2020-03-15", "benamning": "Andra"}]),
        smarundor._csv("matning", [r["matning"] for r in andra]),
    ]
    assert importer.importera(eng, filer).ok
    yield eng
    frislapp.rensa_cache()
    eng.dispose()


def test_forflyttningen_mot_angriparen(tva_rundor):
    for enhet in ("eb", "eai"):
        varld = insamling.samla_forflyttning(tva_rundor, smarundor.OMGANG, "2020-03", enhet)
        fynd = angripare.attackera(varld)
        assert not fynd, fynd[:5]
        # and no shown figure of the rest is a small count
        visade = [v for k, v in varld.celler.items() if v is not angripare.DOLD and k[1].endswith("_fran")]
        assert not [v for v in visade if 0 < v < 5]


def test_forflyttningen_kontroll_vanligt_skydd_rojer_resten(tva_rundor):
    """The control: the process's tables with the ordinary primary rule (counts of 1–4 hidden),
    minus the unit a medarbetare knows, show small counts of the rest outright."""
    from core.matt import forflyttning
    from core.omfang import ADMIN

    sma = 0
    for enhet in ("eb", "eai"):
        hela = forflyttning.forflyttning(tva_rundor, ADMIN, "2020-03")
        egen = forflyttning.forflyttning(tva_rundor, ADMIN, "2020-03", enhet=enhet)
        for namn in forflyttning.TABELLER:
            w = hela.tabeller[namn]["n"].astype(int)
            u = egen.tabeller[namn]["n"].astype(int)
            visad = (w == 0) | (w >= 5)
            rest = (w - u)[visad]
            sma += int(((rest > 0) & (rest < 5)).sum())
    assert sma > 0

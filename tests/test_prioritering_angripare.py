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

"""The Trender page as each role meets it, through AppTest from ``app.py`` (the demo database
with one user per role, from ``tests/test_pages.py``)."""

from __future__ import annotations

import pytest

from core import auth, text
from core.omfang import ROLLER
from tests import test_pages

demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher
som_pa_servern = test_pages.som_pa_servern
_inloggad = test_pages._inloggad
SMA_TAL = {"1", "2", "3", "4"}


def _trender(roll: str):
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page("pages/trender.py").run()
    assert not at.exception, at.exception
    return at


def _vy(at, vy: str):
    at.session_state["trender_vy"] = vy
    at.run()
    assert not at.exception, at.exception
    return at


def _celler(at) -> set[str]:
    ut = set()
    for df in at.dataframe:
        ut |= {str(v) for v in df.value.to_numpy().ravel()}
    return ut


@pytest.mark.parametrize("roll", ROLLER)
def test_trender_for_varje_roll(databas, roll):
    at = _trender(roll)
    assert [t.value for t in at.title] == ["Trender"]
    # the headline: the demo's share with a plan, 56 % in September 2019, 86 % in March 2023
    assert at.subheader[0].value == (
        f"Andelen med handlingsplan har ökat från {text.procent(0.563)} till {text.procent(0.855)} sedan september 2019."
    )
    tabell = at.dataframe[0].value
    assert list(tabell["Mätomgång"]) == [
        "2019-09",
        "2020-03",
        "2020-09",
        "2021-03",
        "2021-09",
        "2022-03",
        "2022-09",
        "2023-03",
    ]
    assert list(tabell["Personer (N)"])[0] == "286"

    _vy(at, "Samma personer")
    assert {m.label for m in at.metric} >= {"Har lämnat", "Har tillkommit"}
    _vy(at, "Långvarighet och kostnad")
    # the seed's finding (seed 001), through this page: 109 of 760 households, 48 % of the cost
    metrik = {m.label: m.value for m in at.metric}
    assert metrik["Hushåll med bistånd 2016–2019"] == "760"
    assert metrik["…med bistånd varje månad"] == "109"
    assert metrik["Deras andel av kostnaden"] == "48\u00a0%"
    _vy(at, "Återkoppling till enheten")
    assert at.dataframe

    sma = set()
    for vy in ("Indikatorer över tid", "Samma personer", "Långvarighet och kostnad", "Återkoppling till enheten"):
        sma |= _celler(_vy(at, vy)) & SMA_TAL
    if roll in ("politiker", "medarbetare"):
        assert not sma, f"{roll} ser små tal: {sma}"
    else:
        assert sma  # unprotected on screen: small transitions show (so the check above can fail)


def test_medarbetare_ser_sin_enhet(databas):
    at = _vy(_trender("medarbetare"), "Återkoppling till enheten")
    # the demo's medarbetare works at eai (core.auth.DEMO_ENHETER): their own unit by default
    assert at.selectbox(key="trender_enhet").value == "eai"
    assert at.selectbox(key="trender_enhet").value == auth.DEMO_ENHETER[0]

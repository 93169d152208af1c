"""Prioritering and Min enhet as each role meets them, through AppTest from ``app.py``.

The fixtures are those of ``tests/test_pages.py`` (the demo database, one user per role; the
demo medarbetare belongs to ``eai``). Person-level rows: never for politiker (the pages are not
registered, their addresses answer "no access", core refuses), a medarbetare only their own
unit — whatever the widgets' values are set to — and every view and download is in the audit
log.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import select

from core import db, ui
from core.models import Granskningslogg, Matning
from tests import test_malgrupp, test_pages

demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher
som_pa_servern = test_pages.som_pa_servern
filer = test_malgrupp.filer
_inloggad = test_pages._inloggad
_csv = test_malgrupp._csv

OMGANG = "2023-03"
SIDOR = {"prioritering": "pages/prioritering.py", "min_enhet": "pages/min_enhet.py"}
PERSONKOLUMN = "Person"


def _sida(roll: str, sida: str, omgang: str = OMGANG):
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page(SIDOR[sida]).run()
    assert not at.exception, at.exception
    if at.sidebar.selectbox and any(s.key == ui.OMGANG_NYCKEL for s in at.sidebar.selectbox):
        at.sidebar.selectbox(key=ui.OMGANG_NYCKEL).select(omgang).run()
    assert not at.exception, at.exception
    return at


def _vy(at, vy: str):
    at.session_state["prioritering_vy"] = vy
    at.run()
    assert not at.exception, at.exception
    return at


def _personlogg(url: str) -> list[dict]:
    with db.get_engine(url).connect() as c:
        rader = c.execute(
            select(Granskningslogg.anvandare, Granskningslogg.detalj).where(Granskningslogg.handelse == "personlista")
        ).all()
    return [{"anvandare": a, **json.loads(d)} for a, d in rader]


def _personer_i(url: str, enhet: str) -> set[str]:
    """The persons of the round who belong to ``enhet`` (the core's own definition)."""
    from core.omfang import hor_till_enhet

    eng = db.get_engine(url)
    from core.matt.profil import hamta_omgang

    o = hamta_omgang(eng, OMGANG)
    with eng.connect() as c:
        return set(
            c.execute(
                select(Matning.person_id).where(
                    Matning.omgang_id == OMGANG, hor_till_enhet(enhet, OMGANG, o.datum, Matning.person_id)
                )
            ).scalars()
        )


def _alla_personid(at) -> set[str]:
    ut = set()
    for d in at.dataframe:
        v = d.value
        if isinstance(v, pd.DataFrame) and PERSONKOLUMN in v.columns:
            ut |= set(v[PERSONKOLUMN].astype(str))
    return ut


# --- every role -----------------------------------------------------------------------------------

TITLAR = {"prioritering": "Prioritering", "min_enhet": "Min enhet"}


@pytest.mark.parametrize("roll", ["medarbetare", "processledning", "admin"])
def test_sidorna_for_varje_roll(databas, roll):
    for sida in SIDOR:
        at = _sida(roll, sida)
        assert [t.value for t in at.title] == [TITLAR[sida]]
        assert not at.error


def test_medarbetarens_forsta_sida_ar_min_enhet(databas):
    at = _inloggad("medarbetare", "Demo medarbetare", "medarbetare")
    assert [t.value for t in at.title] == ["Min enhet"]
    assert "Enheten för arbete och integration" in at.dataframe[0].value.columns[1]


@pytest.mark.parametrize("sida", list(SIDOR))
def test_politiker_nar_inte_sidorna(databas, sida):
    url, _ = databas
    at = _inloggad("politiker", "Demo politiker", "politiker")
    with pytest.raises(ValueError):  # not registered for the role
        at.switch_page(SIDOR[sida])
    # the page file run directly (a fresh server's first request by address) closes itself
    from streamlit.testing.v1 import AppTest

    direkt = AppTest.from_file(str(test_pages.ROT / SIDOR[sida]), default_timeout=30)
    direkt.session_state["authentication_status"] = True
    direkt.session_state["username"] = "politiker"
    direkt.run()
    assert not direkt.exception
    assert [e.value for e in direkt.error] == ["Din roll har inte behörighet till den här sidan."]
    assert not direkt.dataframe and not direkt.get("download_button")
    assert not _personlogg(url)

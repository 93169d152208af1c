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
from core.matt import prioritering as prio
from core.models import Granskningslogg, Matning
from core.omfang import Omfang
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
    assert any("Enheten för arbete och integration" in h.value for h in at.subheader)
    assert list(at.dataframe[0].value.columns)[:3] == ["Nyckeltal", "Enheten, antal", "Enheten, andel"]


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


# --- person lists: only the own unit, whatever the widgets say; every view and download logged ---------


def _andra_medarbetare(url: str, enhet: str, namn: str = "medarbetare_eb") -> str:
    """A second medarbetare, of another unit (logged in the way the authenticator does)."""
    from core import auth

    auth.skapa_anvandare_som_admin(
        db.get_engine(url), Omfang("admin"), "admin", namn, "Medarbetare EB", "medarbetare", enhet, "ett-långt-lösen-16"
    )
    return namn


def test_medarbetare_ser_bara_egna_personer_i_cellen(databas, filer):
    url, _ = databas
    egna = _personer_i(url, "eai")
    at = _vy(_sida("medarbetare", "prioritering"), "Personer i en cell")
    sedda = _alla_personid(at)
    assert sedda and sedda <= egna
    # every cell of the matrix, by widget value
    for p in prio.POTENTIALER:
        at.selectbox(key="prioritering_cell_potential").set_value(p).run()
        for v in prio.NIVAER:
            at.selectbox(key="prioritering_cell_niva").set_value(v).run()
            assert not at.exception
            assert _alla_personid(at) <= egna
    # another unit's code, or the whole process, put straight into the widget's state
    for varde in ("eb", "vux", None):
        at.session_state["prioritering_enhet"] = varde
        at.run()
        assert not at.exception
        assert _alla_personid(at) <= egna
    logg = _personlogg(url)
    assert logg and all(r["enhet"] == "eai" and r["anvandare"] == "medarbetare" for r in logg)


def test_nedladdningen_av_listan_loggas(databas, filer):
    url, _ = databas
    filerna, _ = filer
    at = _vy(_sida("medarbetare", "prioritering"), "Personer i en cell")
    namn = f"personer-hog-3-eai-{OMGANG}.csv"
    assert namn in filerna
    fore = len(_personlogg(url))
    df = _csv(filerna[namn])
    assert set(df["Person"]) <= _personer_i(url, "eai") and len(df) > 0
    assert list(df.columns)[:2] == ["Person", "Handläggare"]
    logg = _personlogg(url)
    assert len(logg) == fore + 1 and logg[-1]["syfte"] == "nedladdning"
    assert at  # the page stays


def test_en_omkorning_ar_inte_en_ny_visning(databas):
    url, _ = databas
    at = _vy(_sida("medarbetare", "prioritering"), "Personer i en cell")
    n = len(_personlogg(url))
    at.run()
    at.run()
    assert len(_personlogg(url)) == n


@pytest.mark.parametrize("lista", list(prio.LISTOR))
def test_uppfoljningslistorna(databas, lista):
    url, _ = databas
    at = _vy(_sida("medarbetare", "prioritering"), "Uppföljningslistor")
    at.segmented_control(key="prioritering_lista").set_value(lista).run()
    assert not at.exception
    assert _alla_personid(at) <= _personer_i(url, "eai")
    assert any(r["lista"] == lista for r in _personlogg(url))


def test_medarbetare_i_en_annan_enhet_ser_inte_eai(databas):
    url, _ = databas
    anv = _andra_medarbetare(url, "eb")
    at = _inloggad(anv, "Medarbetare EB", "medarbetare")
    at.switch_page(SIDOR["prioritering"]).run()
    at.sidebar.selectbox(key=ui.OMGANG_NYCKEL).select(OMGANG).run()
    bara_eai = _personer_i(url, "eai") - _personer_i(url, "eb")
    for vy in ("Personer i en cell", "Uppföljningslistor"):
        _vy(at, vy)
        sedda = _alla_personid(at)
        assert sedda and sedda <= _personer_i(url, "eb") and not sedda & bara_eai
        at.session_state["prioritering_enhet"] = "eai"
        at.run()
        assert not _alla_personid(at) & bara_eai


def test_processledning_ser_alla_och_valjer_enhet(databas):
    url, _ = databas
    at = _vy(_sida("processledning", "prioritering"), "Personer i en cell")
    alla = _alla_personid(at)
    assert alla - _personer_i(url, "eai")  # persons of other units too
    at.segmented_control(key="prioritering_enhet").set_value("vux").run()
    assert _alla_personid(at) <= _personer_i(url, "vux")


def test_matrisen_for_medarbetare(databas, filer):
    filerna, _ = filer
    at = _sida("medarbetare", "prioritering")
    tabeller = [d.value for d in at.dataframe]
    matris = tabeller[0].data if hasattr(tabeller[0], "data") else tabeller[0]
    assert list(matris.columns) == ["Förändringspotential", "Låg", "Medel", "Hög", "Belopp saknas", "Summa"]
    # Min enhet's own matrix: plain counts that agree with the person lists
    eng = db.get_engine(test_pages.config.databas_url())
    m = prio.matris(eng, Omfang("admin"), OMGANG, "eai")
    assert matris.iloc[0, 3] == str(m.cell("hog", "3").n)
    assert not at.get("checkbox")  # no unprotected download for a medarbetare
    # the whole process: the legend, and no unprotected choice of limits
    at.segmented_control(key="prioritering_enhet").set_value(None).run()
    assert not at.exception and not at.toggle
    assert any("dolt" in c.value for c in at.caption)


def test_processledning_egna_granser(databas):
    at = _sida("processledning", "prioritering")
    at.toggle(key="prioritering_gransval").set_value(True).run()
    at.number_input(key="prioritering_grans_lag").set_value(5000).run()
    at.number_input(key="prioritering_grans_hog").set_value(9000).run()
    assert not at.exception
    assert any("egna gränser" in c.value and "9\u00a0000" in c.value for c in at.caption)


def test_min_enhet_for_processledning(databas):
    at = _sida("processledning", "min_enhet")
    at.selectbox(key="min_enhet_enhet").set_value("vux").run()
    assert not at.exception
    assert any("Enheten för vuxenstöd" in h.value for h in at.subheader)


def test_listan_per_handlaggare(databas):
    at = _vy(_sida("medarbetare", "prioritering"), "Uppföljningslistor")
    val = at.selectbox(key="prioritering_lista_csv_handlaggare")
    kod = val.options[1]
    val.set_value(kod).run()
    lista = next(d.value for d in at.dataframe if PERSONKOLUMN in d.value.columns)
    assert set(lista["Handläggare"]) == {kod}


@pytest.mark.parametrize("roll", ["medarbetare", "processledning"])
def test_forflyttningen(databas, roll, filer):
    filerna, _ = filer
    at = _vy(_sida(roll, "prioritering"), "Förflyttning")
    assert any("flyttat i matrisen sedan 2022-09" in h.value for h in at.subheader)
    tabeller = [d.value for d in at.dataframe]
    assert len(tabeller) == 2 and list(tabeller[0].columns)[1:] == ["Hög", "Medel", "Låg", "Okänt", "Uppgift saknas"]
    assert not _alla_personid(at)
    namn = next(n for n in [*filerna.fardiga, *filerna.vid_klick] if n.startswith("forflyttning"))
    df = _csv(filerna[namn])
    # a medarbetare's own unit is plain counts (they know its persons), and the file says so
    assert set(df["Röjandeskydd"]) == ({"av – får inte spridas"} if roll == "medarbetare" else {"på"})

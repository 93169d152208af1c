"""The Jämställdhet page (issue 13) as each role meets it, through AppTest from ``app.py``.

The fixtures are those of ``tests/test_pages.py`` (the demo database with one user per role,
clean caches, the server's page mode). The demo's latest round, 2023-03, has the planted
difference: men more often than women with the same barriers have a work-near intervention.
"""

from __future__ import annotations

import re

import pytest

from core import text, ui
from core.omfang import ROLLER
from tests import test_pages

demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher
som_pa_servern = test_pages.som_pa_servern
_inloggad = test_pages._inloggad

SMA = re.compile(r"(?<![\d\u00a0 ])([1-4]) av ")  # "3 av 12": a count of 1–4 shown
SKYDDADE = ("politiker", "medarbetare")


def _sida(roll: str):
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page("pages/jamstalldhet.py").run()
    assert not at.exception
    return at


def _vy(at, vy: str):
    at.session_state["jamstalldhet_vy"] = vy
    at.run()
    assert not at.exception
    return at


def _celler(at) -> list[str]:
    ut = []
    for df in at.dataframe:
        ut += [str(v) for v in df.value.to_numpy().ravel()]
    return ut


@pytest.mark.parametrize("roll", ROLLER)
def test_sidan_for_varje_roll(databas, roll):
    at = _sida(roll)
    assert [t.value for t in at.title] == ["Jämställdhet"]
    metrik = {m.label: m.value for m in at.metric}
    assert set(metrik) == {"Kvinnor", "Män", "Kön saknas"}
    assert metrik["Kvinnor"] == "134" and metrik["Män"] == "149"
    # the top sentences state the planted difference, with the adjustment named
    topp = " ".join(m.value for m in at.markdown)
    assert "arbetsnära insats" in topp and "fler bland männen" in topp
    assert "samma arbetshinder hade männen oftare" in topp
    assert any("Benjamini–Hochbergs metod" in c.value for c in at.caption)
    assert [t.label for t in at.tabs] == list(ui.JAMSTALLDHET_VYER)
    skyddad = roll in SKYDDADE
    assert any(text.skyddsforklaring() in c.value for c in at.caption) == skyddad
    for vy in ui.JAMSTALLDHET_VYER:
        _vy(at, vy)
        celler = _celler(at)
        assert celler, vy
        if skyddad:
            assert not [c for c in celler if SMA.search(c)], vy
        # the unprotected download is offered only to processledning and admin
        assert bool([c for c in at.checkbox if c.label == ui.UTAN_SKYDD_ETIKETT]) == (not skyddad)


@pytest.mark.parametrize("roll", ["politiker", "admin"])
def test_alla_indikatorer_och_strata(databas, roll):
    at = _vy(_sida(roll), "Alla indikatorer")
    at.selectbox(key="jamstalldhet_omrade").select("Insatser på mätdagen (SKR-typ)").run()
    assert not at.exception
    tabell = at.dataframe[-1].value
    rad = tabell[tabell["Indikator"] == "Har en arbetsnära insats (SKR 1, 5–8)"].iloc[0]
    assert rad["Mer än slumpen?"] == "Ja, sällan en slump"
    assert rad["Kvinnor"].startswith("17") and rad["Män"].startswith("38")
    at.toggle(key="jamstalldhet_bara_sakra").set_value(True).run()
    assert not at.exception
    assert set(at.dataframe[-1].value["Mer än slumpen?"]) == {"Ja, sällan en slump"}

    at = _vy(at, "Insatser inom samma hindergrupp")
    hinder = at.dataframe[0].value
    assert "Psykisk ohälsa" in set(hinder["Grupp"])
    for stratum in ("halsa", "aldersgrupp"):
        at.segmented_control(key="jamstalldhet_stratum").set_value(stratum).run()
        assert not at.exception, stratum
        assert at.dataframe, stratum
    assert any("Mantel–Haenszel" in m.value for m in at.markdown)
    # the per-type breakdown within a group: unprotected scopes only
    if roll == "admin":
        assert at.selectbox(key="jamstalldhet_grupp_aldersgrupp")
    else:
        with pytest.raises(KeyError):
            at.selectbox(key="jamstalldhet_grupp_aldersgrupp")


def test_for_manga_villkor_for_politiker(databas):
    at = _inloggad("politiker", "Demo politiker", "politiker")
    at.switch_page("pages/jamstalldhet.py").run()
    at.sidebar.multiselect(key="vagen_urval_aldersgrupp").select("25-34").run()
    at.sidebar.multiselect(key="vagen_urval_fodelseregion").select("sverige").run()
    assert not at.exception
    assert any("högst ett villkor" in w.value for w in at.warning)
    assert not at.dataframe and not at.tabs

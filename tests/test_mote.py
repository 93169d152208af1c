"""Möte (issue 17): every variable one screen at a time, stepped by keys, and the room's question."""

from __future__ import annotations

import pytest

from core import ui
from tests import test_pages

demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher
som_pa_servern = test_pages.som_pa_servern
_inloggad = test_pages._inloggad


def _mote(roll: str = "processledning"):
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page("pages/mote.py").run()
    assert not at.exception
    return at


def _titel(at) -> str:
    return at.header[0].value


@pytest.mark.parametrize("roll", ["processledning", "admin"])
def test_genomgangen_stegar_fram_och_tillbaka(databas, roll):
    at = _mote(roll)
    assert _titel(at) == ui.FRAGOR[ui.BILDER[0]]
    assert any(f"Bild 1 av {len(ui.BILDER)}" in m.value for m in at.markdown)
    knappar = {b.key: b for b in at.button}
    assert {"mote_fore", "mote_nasta", "mote_fraga_knapp"} <= set(knappar)
    at.button(key="mote_nasta").click().run()
    assert _titel(at) == ui.FRAGOR[ui.BILDER[1]]
    at.button(key="mote_fore").click().run()
    at.button(key="mote_fore").click().run()  # wraps around to the last variable
    assert _titel(at) == ui.FRAGOR[ui.BILDER[-1]]
    # the protection is on by default: the legend is shown with the chart
    assert at.toggle(key=ui.mote.MOTE_SKYDD).value is True


def test_fraga_fran_rummet_i_samma_stora_vy(databas):
    at = _mote()
    at.button(key="mote_fraga_knapp").click().run()
    assert at.session_state[ui.MOTE_FRAGA] is True
    assert _titel(at) == "Arbetshinder efter kön"
    at.selectbox(key="mote_rad").select("halsa").run()
    assert _titel(at) == "Hälsa efter kön"
    assert not at.exception
    at.button(key="mote_fraga_knapp").click().run()
    assert _titel(at) == ui.FRAGOR[ui.BILDER[0]]  # back where the walk-through was


def test_utan_skydd_varnar(databas):
    at = _mote()
    at.toggle(key=ui.mote.MOTE_SKYDD).set_value(False).run()
    assert any("Röjandeskyddet är avstängt" in w.value for w in at.warning)


def test_moteslaget_ar_processledningens():
    # politiker and medarbetare do not get the page (its address answers "Ingen behörighet";
    # the e2e tests try every page of SIDOR by URL for every role)
    from core.omfang import SIDOR_PER_ROLL

    assert [r for r, s in SIDOR_PER_ROLL.items() if "mote" in s] == ["processledning", "admin"]

"""Insatsflöden as each role meets it, through AppTest from ``app.py`` (issue 14).

The fixtures are those of ``tests/test_pages.py`` (the demo database with one user per role).
The demo's latest round is 2023-03; its twelve months hold the loop eb → eai → eb.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import db, ui
from core.models import Granskningslogg
from core.omfang import ROLLER
from tests import test_pages

demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher
som_pa_servern = test_pages.som_pa_servern
_inloggad = test_pages._inloggad


def _floden(roll: str):
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page("pages/floden.py").run()
    assert not at.exception, at.exception
    return at


def _vy(at, vy: str):
    at.session_state["floden_vy"] = vy
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


@pytest.mark.parametrize("roll", ROLLER)
def test_floden_for_varje_roll(databas, roll):
    at = _floden(roll)
    assert [t.value for t in at.title] == ["Insatsflöden"]
    assert [t.label for t in at.tabs] == list(ui.FLODEN_VYER)
    metrik = {m.label: m.value for m in at.metric}
    # the demo's twelve months up to 2023-03-15: 497 episodes of 284 persons (core/matt/floden.py)
    assert metrik["Insatser (remisser)"] == "497"
    assert metrik["Personer"] == "284"
    assert at.get("vega_lite_chart")  # the flow diagram
    assert "Återkomster i flödet" in _text(at)  # eb → eai → eb, in words too
    for vy in ui.FLODEN_VYER[1:]:
        _vy(at, vy)
        assert not at.error
        assert at.get("vega_lite_chart") or at.dataframe
    skyddad = roll in ("politiker", "medarbetare")
    assert any("dolt" in c.value for c in at.caption) == skyddad  # the legend where hidden figures show
    # the period can be chosen only where nothing is suppressed
    assert ("floden_egen_period" in [t.key for t in at.toggle]) == (not skyddad)


@pytest.mark.parametrize("roll", ["politiker", "medarbetare"])
def test_skyddade_roller_far_ingen_egen_period(databas, roll):
    at = _floden(roll)
    assert "floden_egen_period" not in [t.key for t in at.toggle]


def test_vantelistan_loggas_och_aldrig_for_politiker(databas):
    url, _ = databas
    at = _floden("politiker")
    _vy(at, "Väntetid")
    assert "floden_vantelista" not in [t.key for t in at.toggle]

    at = _floden("processledning")
    _vy(at, "Väntetid")
    at.toggle(key="floden_vantelista").set_value(True).run()
    assert not at.exception
    with db.get_engine(url).connect() as c:
        logg = c.execute(select(Granskningslogg.handelse, Granskningslogg.detalj)).all()
    assert any(h == "personlista" and "floden" in (d or "") for h, d in logg)
    assert any(df.value.shape[0] > 0 and "Väntat, dagar" in df.value.columns for df in at.dataframe)


def test_politiker_ett_villkor_i_taget(databas):
    at = _floden("politiker")
    at.multiselect(key="floden_kon").set_value(["K"])
    at.multiselect(key="floden_insatstyp").set_value(["1"]).run()
    assert not at.exception
    assert any("ett villkor i taget" in w.value for w in at.warning)
    metrik = {m.label: m.value for m in at.metric}
    assert metrik["Insatser (remisser)"] == "dolt"  # the episodes' tables refused as a whole
    assert metrik["Personer"] != "dolt"  # the flow (all insatstyper) for women is shown


def test_processledning_egen_period(databas):
    at = _floden("processledning")
    at.toggle(key="floden_egen_period").set_value(True).run()
    import datetime as dt

    at.date_input(key="floden_fran").set_value(dt.date(2020, 1, 1))
    at.date_input(key="floden_till").set_value(dt.date(2020, 12, 31)).run()
    assert not at.exception
    assert any("2020-01-01–2020-12-31" in c.value for c in at.caption)

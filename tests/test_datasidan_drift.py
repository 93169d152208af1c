"""The Data page's operations (issue 19): deleting a round with a confirmation step, and the
export when a sheet would exceed Excel's rows. AppTest from ``app.py`` on the demo database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core import auth, db, exporter, ui
from core.models import Granskningslogg, Matning
from tests import test_pages as _sidor

demodatabas, databas = _sidor.demodatabas, _sidor.databas
rena_cacher, som_pa_servern = _sidor.rena_cacher, _sidor.som_pa_servern


@pytest.fixture
def skydd(tmp_path, monkeypatch):
    katalog = tmp_path / "skydd"
    monkeypatch.setenv("VAGEN_BACKUP_KATALOG", str(katalog))
    return katalog


def _datasida(url: str, anv: str, roll: str) -> AppTest:
    auth.registrera_aktivitet(db.get_engine(url), anv)
    at = AppTest.from_file(_sidor.APP, default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = anv
    at.session_state["name"] = "Test"
    at.session_state["roles"] = [roll]
    at.run()
    return at.switch_page("pages/data.py").run()


def _matningar(url: str, omgang_id: str) -> int:
    with db.get_engine(url).connect() as c:
        return c.execute(select(func.count()).select_from(Matning).where(Matning.omgang_id == omgang_id)).scalar_one()


@pytest.mark.parametrize("roll", ["processledning", "admin"])
def test_ta_bort_en_matomgang(databas, skydd, roll):
    url, losen = databas
    anv, _ = losen[roll]
    at = _datasida(url, anv, roll)
    assert not at.exception
    assert "Ta bort en mätomgång" in [h.value for h in at.header]
    val = at.selectbox(key="data_radera_val_0")
    assert val.value is None  # nothing is chosen to begin with
    val.select("2019-09").run()
    # The confirmation step names how many measurements go.
    assert any("286 mätningar i mätomgång 2019-09" in w.value for w in at.warning)
    knapp = at.button(key="data_radera")
    assert knapp.label == "Ta bort 286 mätningar" and knapp.disabled
    at.checkbox(key="data_radera_ja_2019-09").check().run()
    assert not at.button(key="data_radera").disabled
    at.button(key="data_radera").click().run()
    assert not at.exception and not at.error
    assert any("Mätomgång 2019-09 är borttagen: 286 mätningar" in s.value for s in at.success)
    assert _matningar(url, "2019-09") == 0
    (kopia,) = skydd.iterdir()
    assert any(str(kopia) in s.value for s in at.success)
    # The rounds table no longer lists it, and the choice is empty again.
    omgangar = at.dataframe[0].value
    assert "2019-09" not in set(omgangar["Mätomgång"]) and len(omgangar) == 7
    assert at.selectbox(key="data_radera_val_1").value is None
    with db.get_engine(url).connect() as c:
        detalj = c.execute(
            select(Granskningslogg.detalj).where(
                Granskningslogg.handelse == "radering", Granskningslogg.anvandare == anv
            )
        ).scalar_one()
    assert json.loads(detalj)["matningar"] == 286
    # Översikt falls back to the rounds that remain.
    at.switch_page("pages/oversikt.py").run()
    assert not at.exception and "2019-09" not in at.sidebar.selectbox(key=ui.OMGANG_NYCKEL).options


def test_ta_bort_under_import_sager_det(databas, skydd):
    from tests.skrivlas import halla

    url, _ = databas
    at = _datasida(url, "admin", "admin")
    at.selectbox(key="data_radera_val_0").select("2019-09").run()
    at.checkbox(key="data_radera_ja_2019-09").check().run()
    with halla(url):
        at.button(key="data_radera").click().run()
        assert not at.exception
        assert any("En import pågår" in e.value for e in at.error)
    assert _matningar(url, "2019-09") == 286 and not skydd.exists()


def test_export_nar_ett_blad_blir_for_stort(databas, monkeypatch):
    url, _ = databas
    monkeypatch.setattr(exporter, "EXCEL_MAX_RADER", 1000)  # the demo's 2 000-odd measurements do not fit
    at = _datasida(url, "processledning", "processledning")
    assert not at.exception
    assert any("Arbetsboken kan inte skapas: bladet" in w.value and "matning" in w.value for w in at.warning)
    knappar = {d.label: d for d in at.get("download_button")}
    assert knappar["Ladda ner arbetsbok (.xlsx)"].proto.disabled
    assert "Ladda ner CSV-filer (.zip)" in knappar


def test_export_som_ryms_har_ingen_varning(databas):
    url, _ = databas
    at = _datasida(url, "processledning", "processledning")
    assert not any("Arbetsboken kan inte skapas" in w.value for w in at.warning)
    knappar = {d.label: d for d in at.get("download_button")}
    assert not knappar["Ladda ner arbetsbok (.xlsx)"].proto.disabled
    assert "Ladda ner CSV-filer (.zip)" not in knappar

"""The Sammanfattning page (issue 17): the indicators equal the core's, always protected, the
pack downloads protected by default and audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core import config, db, text, ui
from core.matt import oversikt as oversikt_matt
from core.models import Granskningslogg
from core.omfang import Omfang
from tests import test_pages

demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher
som_pa_servern = test_pages.som_pa_servern
_inloggad = test_pages._inloggad


def _sida(roll: str):
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page("pages/sammanfattning.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("roll", ["politiker", "processledning", "admin"])
def test_sidan_visar_karnans_tal(databas, roll):
    at = _sida(roll)
    assert at.title[0].value == "Sammanfattning"
    eng = db.get_engine(config.databas_url())
    # Always protected: the figures are the protected Översikt's, also for admin.
    ov = oversikt_matt.oversikt(eng, Omfang(roll), None, export=True).tabell.set_index("matt")
    metrik = {m.label: m.value for m in at.metric}
    assert metrik["Personer i processen"] == text.tal(ov.loc["personer", "varde"])
    assert metrik["Har handlingsplan"] == text.procent(ov.loc["andel_handlingsplan", "varde"])
    texter = " ".join(m.value for m in at.markdown)
    assert "I mätningen" in texter and "ingick" in texter
    assert any("Röjandeskyddet är alltid på" in c.value for c in at.caption)
    # a box only for those who may choose an unprotected pack
    rutor = [c.key for c in at.checkbox]
    assert (ui.sammanfattning.SAMMANFATTNING_SKYDD_AV in rutor) == (roll != "politiker")


def test_medarbetare_har_ingen_sammanfattning(databas):
    at = _inloggad("medarbetare", "Demo medarbetare", "medarbetare")
    with pytest.raises(ValueError):  # not registered for the role
        at.switch_page("pages/sammanfattning.py")


def _exporter(url: str) -> list[dict]:
    with db.get_engine(url).connect() as c:
        rader = c.execute(
            select(Granskningslogg.anvandare, Granskningslogg.detalj).where(Granskningslogg.handelse == "export")
        ).all()
    return [{"anvandare": a, **json.loads(d)} for a, d in rader]


def test_paketet_skyddat_som_standard_och_loggat(databas):
    url, _ = databas
    pol = Omfang("politiker")
    pdf = ui.sammanfattning._paketfil(pol.med_skydd(True), "2023-03", "pdf", "politiker")()
    assert pdf.startswith(b"%PDF")
    xlsx = ui.sammanfattning._paketfil(Omfang("processledning").med_skydd(False), "2023-03", "xlsx", "pia")()
    assert xlsx[:2] == b"PK"
    loggade = _exporter(url)
    assert {(e["anvandare"], e["format"], e["rojandeskydd"]) for e in loggade} == {
        ("politiker", "pdf", True),
        ("pia", "xlsx", False),
    }
    with pytest.raises(Exception, match="skyddade"):
        pol.med_skydd(False)

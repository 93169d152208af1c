"""A medarbetare's day in Chromium (issue 16): log in, Min enhet, the priority cell's list, download.

Screenshots at 1280×720 and 1440×900 of Min enhet and Prioritering as a case worker of
``eai`` sees them go to ``tests/artefakter/e2e/medarbetare-dag-*.png``.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from sqlalchemy import select

from core import db
from core.matt.profil import hamta_omgang
from core.models import Granskningslogg, Matning
from core.omfang import hor_till_enhet
from tests.e2e.hjalp import (
    dataram,
    expect,
    inga_undantag,
    logga_in,
    navigeringslank,
    rubrik,
    skarmbild,
    tabellrader,
    vanta_klar,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
OMGANG = "2023-03"


def _personer_i(url: str, enhet: str) -> set[str]:
    eng = db.get_engine(url)
    d = hamta_omgang(eng, OMGANG).datum
    with eng.connect() as c:
        return set(
            c.execute(
                select(Matning.person_id).where(
                    Matning.omgang_id == OMGANG, hor_till_enhet(enhet, OMGANG, d, Matning.person_id)
                )
            ).scalars()
        )


def test_en_medarbetares_dag(server, sida):
    anv, losen = server.losenord["medarbetare"]
    logga_in(sida, server.bas, anv, losen)
    # Min enhet is the first page: the unit against the whole process
    expect(rubrik(sida)).to_have_text("Min enhet")
    vanta_klar(sida)
    inga_undantag(sida)
    nyckeltal = dataram(sida, "Hela processen, antal")
    assert any(r[0] == "Saknar handlingsplan" for r in tabellrader(nyckeltal))
    for bredd, hojd in ((1280, 720), (1440, 900)):
        sida.set_viewport_size({"width": bredd, "height": hojd})
        skarmbild(sida, f"medarbetare-dag-min-enhet-{bredd}")

    # to Prioritering by the link to the lists
    sida.get_by_role("link", name="Till listorna på Prioritering", exact=False).click()
    expect(rubrik(sida)).to_have_text("Prioritering")
    vanta_klar(sida)
    inga_undantag(sida)
    expect(sida.get_by_text("Hur många har hög förändringspotential och högt bistånd?")).to_be_visible()
    for bredd, hojd in ((1280, 720), (1440, 900)):
        sida.set_viewport_size({"width": bredd, "height": hojd})
        skarmbild(sida, f"medarbetare-dag-matris-{bredd}")

    # the priority cell's persons (the default cell), then the download
    sida.get_by_role("tab", name="Personer i en cell").click()
    vanta_klar(sida)
    lista = dataram(sida, "Handläggare")
    sedda = {r[0] for r in tabellrader(lista)}
    egna = _personer_i(server.db_url, "eai")
    assert sedda and sedda <= egna
    for bredd, hojd in ((1280, 720), (1440, 900)):
        sida.set_viewport_size({"width": bredd, "height": hojd})
        skarmbild(sida, f"medarbetare-dag-cell-{bredd}")
    knapp = sida.get_by_role("button", name="Ladda ner listan (CSV)")
    with sida.expect_download() as nedladdning:
        knapp.click()
    fil = nedladdning.value
    assert fil.failure() is None, fil.failure()
    assert fil.suggested_filename == f"personer-hog-3-eai-{OMGANG}.csv"
    df = pd.read_csv(io.BytesIO(open(fil.path(), "rb").read()), sep=";", encoding="utf-8-sig", dtype=str)
    assert set(df["Person"]) <= egna and sedda <= set(df["Person"])
    # the grid draws only the rows in view; the count above it is the list's length
    expect(sida.get_by_text(f"{len(df)} personer", exact=False).first).to_be_visible()

    # every view and the download are in the audit log, without a person id
    with db.get_engine(server.db_url).connect() as c:
        rader = c.execute(
            select(Granskningslogg.detalj).where(
                Granskningslogg.anvandare == anv, Granskningslogg.handelse == "personlista"
            )
        ).scalars()
        detaljer = [json.loads(d) for d in rader]
    assert {"visning", "nedladdning"} <= {d["syfte"] for d in detaljer}
    assert all(d["enhet"] == "eai" for d in detaljer)
    assert not any(p in json.dumps(detaljer) for p in sedda)

    # Uppföljningslistor and back to Min enhet by the menu
    sida.get_by_role("tab", name="Uppföljningslistor").click()
    vanta_klar(sida)
    inga_undantag(sida)
    for bredd, hojd in ((1280, 720), (1440, 900)):
        sida.set_viewport_size({"width": bredd, "height": hojd})
        skarmbild(sida, f"medarbetare-dag-uppfoljning-{bredd}")
    navigeringslank(sida, "Min enhet").click()
    expect(rubrik(sida)).to_have_text("Min enhet")


def test_processledningens_prioritering(server, sida):
    anv, losen = server.losenord["processledning"]
    logga_in(sida, server.bas, anv, losen, sokvag="prioritering")
    expect(rubrik(sida)).to_have_text("Prioritering")
    vanta_klar(sida)
    inga_undantag(sida)
    for bredd, hojd in ((1280, 720), (1440, 900)):
        sida.set_viewport_size({"width": bredd, "height": hojd})
        skarmbild(sida, f"processledning-prioritering-{bredd}")

"""Sammanfattning and the review pack (issue 17): the figures equal Översikt's and Målgrupp's,
the PDF's text and the workbook's cells equal the core tables, and a protected pack holds no
hidden value."""

from __future__ import annotations

import io
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

from core import db, rapportpaket, text
from core.matt import oversikt as oversikt_matt
from core.matt import profil as profil_matt
from core.matt import sammanfattning as sammanfattning_matt
from core.omfang import Omfang
from tests import test_pages

demodatabas = test_pages.demodatabas

POLITIKER = Omfang("politiker")
ADMIN_AV = Omfang("admin", skydd_av=True)


@pytest.fixture(scope="module")
def demo(demodatabas):
    fil, _ = demodatabas
    eng = db.get_engine(f"sqlite:///{fil}")
    yield eng
    eng.dispose()
    db._ENGINES.pop(f"sqlite:///{fil}", None)


@pytest.fixture(scope="module")
def paket_politiker(demo):
    return rapportpaket.paket(demo, POLITIKER)


def _pdftext(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext saknas (poppler-utils)")
    ut = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return ut.stdout.decode("utf-8").replace("\xa0", " ")


def _pt(s: str) -> str:
    """A figure as pdftotext prints it (the no-break space as a space)."""
    return s.replace("\xa0", " ")


def test_sammanfattningen_ar_oversiktens_tal(demo):
    s = sammanfattning_matt.sammanfattning(demo, POLITIKER)
    rundor = oversikt_matt._alla_omgangar(demo)
    assert s.senaste == rundor[-1].omgang_id
    for r in rundor:
        ov = oversikt_matt.oversikt(demo, POLITIKER, r.omgang_id).tabell.set_index("matt")
        for ind, _, _ in sammanfattning_matt.INDIKATORER:
            rad = s.serie[(s.serie.indikator == ind) & (s.serie.omgang_id == r.omgang_id)].set_index("grupp")
            for kol, grupp in sammanfattning_matt.GRUPPER.items():
                dold = bool(ov.loc[ind, "skyddad" if kol == "varde" else f"{kol}_skyddad"])
                assert bool(rad.loc[grupp, "skyddad"]) == dold
                if dold:
                    assert rad.loc[grupp, "varde"] is None or pd.isna(rad.loc[grupp, "varde"])
                elif ov.loc[ind, kol] is not None and not pd.isna(ov.loc[ind, kol]):
                    assert rad.loc[grupp, "varde"] == pytest.approx(float(ov.loc[ind, kol]))


def _serie(varden: dict[tuple[str, str, str], float | None]) -> pd.DataFrame:
    datum = {"2019-09": pd.Timestamp("2019-09-15").date(), "2020-03": pd.Timestamp("2020-03-15").date()}
    return pd.DataFrame(
        [
            {
                "indikator": ind,
                "omgang_id": om,
                "datum": datum[om],
                "grupp": gr,
                "varde": v,
                "skyddad": v is None,
            }
            for (ind, om, gr), v in varden.items()
        ]
    )


def test_meningar_okning_storre_bland_man():
    v = {("personer", "2019-09", "alla"): 280.0, ("personer", "2020-03", "alla"): 286.0}
    for om, a, k, m in [("2019-09", 0.61, 0.60, 0.62), ("2020-03", 0.74, 0.66, 0.80)]:
        v[("andel_handlingsplan", om, "alla")] = a
        v[("andel_handlingsplan", om, "kvinnor")] = k
        v[("andel_handlingsplan", om, "män")] = m
    m = sammanfattning_matt.meningar(_serie(v))
    assert m[0] == "I mätningen mars 2020 ingick 286 personer, 6 fler än vid förra mätningen."
    assert (
        "Andelen med handlingsplan ökade från 61 % till 74 % sedan förra mätningen; ökningen var större bland män."
        == m[1].replace(text.FORE_PROCENT, " ")
    )


def test_meningar_tiger_om_dolda_varden():
    v = {
        ("personer", "2019-09", "alla"): 280.0,
        ("personer", "2020-03", "alla"): 286.0,
        ("andel_handlingsplan", "2019-09", "alla"): None,
        ("andel_handlingsplan", "2020-03", "alla"): 0.5,
        ("andel_1ar", "2020-03", "alla"): None,
    }
    m = sammanfattning_matt.meningar(_serie(v))
    assert any(x.startswith("Andelen med handlingsplan var 50") for x in m)
    assert not any("minst ett år" in x for x in m)
    assert sammanfattning_matt.meningar(_serie({("personer", "2020-03", "alla"): None}))[0].endswith("(röjandeskydd).")
    assert sammanfattning_matt.meningar(_serie({})) == ["Det finns inga mätomgångar ännu."]


def test_pdfens_tal_ar_karnans(demo, paket_politiker):
    p = paket_politiker
    txt = _pdftext(rapportpaket.pdf(p))
    assert "Röjandeskydd: på" in txt
    for sek in p.sektioner:
        assert sek.rubrik.split(":")[0] in txt
    ov = oversikt_matt.oversikt(demo, POLITIKER, p.omgang.omgang_id, export=True).tabell.set_index("matt")
    n = ov.loc["personer", "varde"]
    assert _pt(text.tal(n)) in txt
    andel = ov.loc["andel_handlingsplan", "varde"]
    assert _pt(text.procent(andel)) in txt
    prof = profil_matt.profil(demo, POLITIKER, p.omgang.omgang_id, export=True)
    halsa = prof.fordelningar["halsa"]
    for r in halsa.itertuples():
        if not r.skyddad:
            assert _pt(text.procent(r.andel)) in txt
    assert txt.count("Vägen · Mätomgång") >= 3  # the footer on every page


def test_arbetsbokens_blad_ar_karnans_tabeller(paket_politiker):
    p = paket_politiker
    wb = load_workbook(io.BytesIO(rapportpaket.xlsx(p)))
    assert wb.sheetnames[0] == "Om rapporten"
    tabeller = [t for sek in p.sektioner for t in sek.tabeller]
    assert len(wb.sheetnames) == 1 + len(tabeller)
    for namn, t in zip(wb.sheetnames[1:], tabeller, strict=True):
        ws = wb[namn]
        assert ws["A1"].value == t.rubrik
        assert [c.value for c in ws[3]] == list(t.df.columns)
        for i, rad in enumerate(t.df.itertuples(index=False), start=4):
            for kol, v, c in zip(t.df.columns, rad, ws[i], strict=True):
                raknas = kol in t.andelar or kol in t.antal
                if v is None or (isinstance(v, float) and pd.isna(v)):
                    assert c.value == (text.DOLT if raknas else None)
                elif isinstance(v, float):
                    assert c.value == pytest.approx(v)
                else:
                    assert c.value == v


def test_skyddat_paket_har_inga_sma_tal(paket_politiker):
    """Every count a protected pack shows is zero or at least the threshold."""
    from core import config

    troskel = config.skydd_troskel()
    for sek in paket_politiker.sektioner:
        for t in sek.tabeller:
            if "Antal" in t.antal:
                for v in t.df["Antal"]:
                    assert v is None or pd.isna(v) or v == 0 or v >= troskel


def test_oskyddat_paket_sager_det(demo):
    p = rapportpaket.paket(demo, ADMIN_AV)
    assert not p.skyddad
    txt = _pdftext(rapportpaket.pdf(p))
    assert "Röjandeskydd: AV" in txt
    wb = load_workbook(io.BytesIO(rapportpaket.xlsx(p)))
    assert all(wb[n]["A2"].value == rapportpaket.SKYDD_AV for n in wb.sheetnames[1:])


def test_okand_omgang_ger_svenskt_fel(demo):
    with pytest.raises(ValueError, match="finns inte"):
        rapportpaket.paket(demo, POLITIKER, "1999-01")


def _cli(fil, *args):
    import os
    import sys

    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, VAGEN_DATABASE_URL=f"sqlite:///{fil}"),
        stdin=subprocess.DEVNULL,
    )


def test_cli_rapport(demodatabas, tmp_path):
    fil = tmp_path / "vagen.db"
    shutil.copy(demodatabas[0], fil)
    r = _cli(fil, "rapport", "--omgang", "2019-09", "--ut", str(tmp_path / "r.pdf"), "--xlsx", str(tmp_path / "r.xlsx"))
    assert r.returncode == 0, r.stderr
    assert "röjandeskyddad" in r.stdout
    txt = _pdftext((tmp_path / "r.pdf").read_bytes())
    assert "Mätomgång 2019-09" in txt and "Röjandeskydd: på" in txt
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb["Om rapporten"]["A4"].value == rapportpaket.SKYDD_PA
    r = _cli(fil, "rapport", "--omgang", "2019-09", "--ut", str(tmp_path / "o.pdf"), "--skydd", "off")
    assert r.returncode == 0 and "UTAN röjandeskydd" in r.stdout
    assert "Röjandeskydd: AV" in _pdftext((tmp_path / "o.pdf").read_bytes())
    eng = db.get_engine(f"sqlite:///{fil}")
    from sqlalchemy import select

    from core.models import Granskningslogg

    with eng.connect() as c:
        rader = c.execute(select(Granskningslogg.detalj).where(Granskningslogg.handelse == "rapport")).scalars().all()
    eng.dispose()
    assert [__import__("json").loads(d)["skydd"] for d in rader] == ["on", "off"]
    # a Swedish error, no traceback, nothing written
    r = _cli(fil, "rapport", "--omgang", "1999-01", "--ut", str(tmp_path / "x.pdf"))
    assert r.returncode == 1 and "finns inte" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.pdf").exists()
    r = _cli(fil, "rapport", "--omgang", "2019-09", "--ut", str(tmp_path / "x.txt"))
    assert r.returncode == 1 and ".pdf" in r.stderr

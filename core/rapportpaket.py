"""The monthly review pack (issue 17): the pages' figures as a PDF and as an Excel workbook.

A pack is a list of **sections** (:class:`Sektion`): a heading, sentences, charts (Altair,
rendered offline to PNG by ``vl-convert-python``: no browser, no network) and tables with
Swedish headers. Each page that belongs in the pack contributes a section builder to
:data:`SEKTIONER` (Sammanfattning, Översikt, Målgrupp here; later pages register theirs).
Every builder reads the same measures as its page, with ``export=True``: the pack is protected
for every role unless processledning or admin chose otherwise, and then every page of the
PDF and every sheet of the workbook says so.

- **PDF** (reportlab, the Bitstream Vera fonts it ships, so every Swedish character and the
  typographic minus print): a title page with the round, the data and the protection, the
  legend of hidden values; a heading per section; Swedish numbers (``12 345``, ``52 %``) and
  dates; a footer on every page.
- **Excel** (openpyxl): one sheet per table, numbers as numbers, shares as fractions formatted
  as per cent, a hidden figure as the text "dolt"; a first sheet "Om rapporten" that says what
  the figures are and how they are protected.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from core import charts, db, koder, text
from core.matt import oversikt as oversikt_matt
from core.matt import profil as profil_matt
from core.matt import sammanfattning as sammanfattning_matt
from core.omfang import Omfang
from core.variabeltexter import FRAGOR, OMRADEN

SKYDD_PA = "Röjandeskydd: på. Små tal och tal som de kan räknas fram ur visas som ”dolt”."
SKYDD_AV = "Röjandeskydd: AV – rapporten innehåller små tal och får inte spridas."


@dataclass
class Tabell:
    """A table of the pack: Swedish headers; count columns hold ints or None (hidden);
    share columns (named in ``andelar``) fractions 0–1 or None."""

    rubrik: str
    df: pd.DataFrame
    andelar: tuple[str, ...] = ()
    antal: tuple[str, ...] = ()


@dataclass
class Sektion:
    rubrik: str
    meningar: list[str] = field(default_factory=list)
    diagram: list = field(default_factory=list)
    tabeller: list[Tabell] = field(default_factory=list)


@dataclass
class Paket:
    omgang: oversikt_matt.Omgang
    skyddad: bool
    skapad: dt.datetime
    dataversion: str
    sektioner: list[Sektion]


# --- sections ---------------------------------------------------------------------------------


def _sammanfattning(engine: Engine, omfang: Omfang, omgang_id: str) -> Sektion:
    s = sammanfattning_matt.sammanfattning(engine, omfang, export=True)
    sek = Sektion("Sammanfattning", list(s.meningar))
    serie = s.serie
    for ind, etikett, typ in sammanfattning_matt.INDIKATORER:
        d = serie[serie["indikator"] == ind]
        bred = d.pivot(index="omgang_id", columns="grupp", values="varde").reindex(columns=["alla", "kvinnor", "män"])
        bred = bred.loc[list(dict.fromkeys(d.sort_values("datum")["omgang_id"]))]
        df = pd.DataFrame(
            {
                "Mätomgång": bred.index,
                "Alla": [_tal(v) for v in bred["alla"]],
                "Kvinnor": [_tal(v) for v in bred["kvinnor"]],
                "Män": [_tal(v) for v in bred["män"]],
            }
        )
        if typ == "andel":
            sek.tabeller.append(Tabell(etikett, df, andelar=("Alla", "Kvinnor", "Män")))
            sek.diagram.append(charts.trend(d, etikett, typ, bredd=420, hojd=170))
        else:
            sek.tabeller.append(Tabell(etikett, df, antal=("Alla", "Kvinnor", "Män")))
    return sek


def _tal(v):
    return None if v is None or pd.isna(v) else float(v)


def _oversikt(engine: Engine, omfang: Omfang, omgang_id: str) -> Sektion:
    ov = oversikt_matt.oversikt(engine, omfang, omgang_id, export=True)
    t = ov.tabell
    sek = Sektion("Översikt", [ov.sammanfattning])
    rader = []
    for r in t.itertuples(index=False):
        rader.append(
            {
                "Nyckeltal": r.etikett,
                "Alla": None if r.skyddad else _tal(r.varde),
                "Kvinnor": None if r.kvinnor_skyddad else _tal(r.kvinnor),
                "Män": None if r.man_skyddad else _tal(r.man),
                "Förändring": _tal(r.forandring),
                "_typ": r.typ,
            }
        )
    df = pd.DataFrame(rader)
    antal = df[df["_typ"] != "andel"].drop(columns="_typ")
    andel = df[df["_typ"] == "andel"].drop(columns="_typ")
    sek.tabeller.append(Tabell("Antal och mediantid", antal.reset_index(drop=True), antal=("Alla", "Kvinnor", "Män")))
    sek.tabeller.append(
        Tabell(
            "Andelar (förändringen i procentenheter)",
            andel.reset_index(drop=True),
            andelar=("Alla", "Kvinnor", "Män", "Förändring"),
        )
    )
    sek.diagram.append(charts.nyckeltal_kon(t))
    return sek


def _malgrupp(engine: Engine, omfang: Omfang, omgang_id: str) -> Sektion:

    p = profil_matt.profil(engine, omfang, omgang_id, export=True)
    sek = Sektion(
        "Målgrupp: alla variabler",
        [f"Fördelningen av varje variabel bland {text.antal_personer(p.n, skyddad=p.n_skyddad)} i mätomgången."],
    )
    for omrade, variabler in OMRADEN.items():
        for v in variabler:
            df = p.fordelningar[v]
            sek.tabeller.append(
                Tabell(
                    f"{omrade}: {FRAGOR[v]}",
                    pd.DataFrame(
                        {
                            "Svar": [
                                koder.KON_PLURAL.get(k, e) if v == "kon" else e
                                for k, e in zip(df["kod"], df["etikett"], strict=True)
                            ],
                            "Antal": [None if s else int(n) for n, s in zip(df["n"], df["skyddad"], strict=True)],
                            "Andel": [
                                None if s or pd.isna(a) else float(a)
                                for a, s in zip(df["andel"], df["skyddad"], strict=True)
                            ],
                        }
                    ),
                    andelar=("Andel",),
                    antal=("Antal",),
                )
            )
    return sek


# Every page's section builder, in the pack's order: (engine, scope, round) -> Sektion.
def _prioritering(engine: Engine, omfang: Omfang, omgang_id: str) -> Sektion:
    from core.matt import prioritering

    return prioritering.rapportsektion(engine, omfang, omgang_id)


def _jamstalldhet(engine: Engine, omfang: Omfang, omgang_id: str) -> Sektion:
    from core.matt import jamstalldhet

    return jamstalldhet.rapportsektion(engine, omfang, omgang_id)


def _trender(engine: Engine, omfang: Omfang, omgang_id: str) -> Sektion:
    from core.matt import trender

    return trender.rapportsektion(engine, omfang, omgang_id)


def _floden(engine: Engine, omfang: Omfang, omgang_id: str) -> Sektion:
    from core.matt import floden

    return floden.rapportsektion(engine, omfang, omgang_id)


SEKTIONER: list[Callable[[Engine, Omfang, str], Sektion]] = [
    _sammanfattning,
    _oversikt,
    _malgrupp,
    _jamstalldhet,
    _floden,
    _trender,
    _prioritering,
]


def paket(engine: Engine, omfang: Omfang, omgang_id: str | None = None) -> Paket:
    """Every section of the pack for the round (default: the latest), for the scope."""
    rundor = oversikt_matt._alla_omgangar(engine)
    if not rundor:
        raise ValueError("Det finns inga mätomgångar ännu.")
    ids = [r.omgang_id for r in rundor]
    if omgang_id is None:
        omgang_id = ids[-1]
    if omgang_id not in ids:
        raise ValueError(f"Mätomgången {omgang_id!r} finns inte.")
    omgang = rundor[ids.index(omgang_id)]
    return Paket(
        omgang=omgang,
        skyddad=omfang.skyddad_export,
        skapad=dt.datetime.now(),
        dataversion=db.dataversion(engine),
        sektioner=[bygg(engine, omfang, omgang_id) for bygg in SEKTIONER],
    )


# --- formatting -------------------------------------------------------------------------------


def _cell(v, andel: bool, antal: bool) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return text.dolt() if (andel or antal) else "–"
    if andel and isinstance(v, (int, float)):
        return text.procent(v)
    if isinstance(v, (int, float)):
        return text.tal(v, 0 if float(v) == int(v) else 1)
    if isinstance(v, (dt.date, pd.Timestamp)):
        return text.datum(v if isinstance(v, dt.date) else v.date())
    return str(v)


# --- PDF --------------------------------------------------------------------------------------


def _typsnitt() -> tuple[str, str]:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    mapp = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", os.path.join(mapp, "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", os.path.join(mapp, "VeraBd.ttf")))
    return "Vera", "VeraBd"


def pdf(p: Paket) -> bytes:
    """The pack as a PDF (A4)."""
    import vl_convert as vlc
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    vanlig, fet = _typsnitt()
    stil = {
        "titel": ParagraphStyle("titel", fontName=fet, fontSize=22, leading=28, spaceAfter=8),
        "h1": ParagraphStyle("h1", fontName=fet, fontSize=16, leading=20, spaceBefore=6, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=fet, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3),
        "text": ParagraphStyle("text", fontName=vanlig, fontSize=10, leading=14, spaceAfter=4),
        "liten": ParagraphStyle("liten", fontName=vanlig, fontSize=8, leading=10, textColor=colors.HexColor("#555555")),
        "varning": ParagraphStyle(
            "varning", fontName=fet, fontSize=11, leading=14, textColor=colors.HexColor("#a00000")
        ),
    }
    buf = io.BytesIO()
    skydd = SKYDD_PA if p.skyddad else SKYDD_AV
    fot = f"Vägen · Mätomgång {p.omgang.omgang_id} ({text.datum(p.omgang.datum)}) · {skydd.split('.')[0]}"

    def sidfot(canvas, doc):
        canvas.saveState()
        canvas.setFont(vanlig, 7.5)
        canvas.setFillColor(colors.HexColor("#a00000") if not p.skyddad else colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, fot)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Sida {doc.page}")
        canvas.restoreState()

    dok = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=18 * mm,
        title=f"Vägen – uppföljning {p.omgang.omgang_id}", author="Vägen",
    )  # fmt: skip
    bredd = A4[0] - 36 * mm
    innehall = [
        Paragraph("Vägen till hållbar egen försörjning", stil["titel"]),
        Paragraph(f"Uppföljning: {p.omgang.benamning or p.omgang.omgang_id}", stil["h1"]),
        Paragraph(
            f"Mätomgång {p.omgang.omgang_id}, mätdag {text.datum(p.omgang.datum)}. "
            f"Rapporten skapades {p.skapad:%Y-%m-%d %H:%M} ur databasens dataversion {p.dataversion[:8]}.",
            stil["text"],
        ),
        Paragraph(skydd, stil["text"] if p.skyddad else stil["varning"]),
        Paragraph(text.skyddsforklaring(), stil["liten"]),
        Spacer(1, 6 * mm),
        Paragraph("Innehåll: " + ", ".join(s.rubrik for s in p.sektioner) + ".", stil["text"]),
        PageBreak(),
    ]
    for i, sek in enumerate(p.sektioner):
        if i:
            innehall.append(PageBreak())
        innehall.append(Paragraph(sek.rubrik, stil["h1"]))
        for m in sek.meningar:
            innehall.append(Paragraph(_xml(m), stil["text"]))
        for d in sek.diagram:
            png = vlc.vegalite_to_png(d.to_json(), scale=2)
            bild = Image(io.BytesIO(png))
            skala = min(1.0, bredd / bild.drawWidth) if bild.drawWidth else 1.0
            bild.drawWidth *= skala * 0.5
            bild.drawHeight *= skala * 0.5
            innehall.append(bild)
        for t in sek.tabeller:
            rader = [[Paragraph(_xml(str(c)), stil["liten"]) for c in t.df.columns]]
            for r in t.df.itertuples(index=False):
                rader.append(
                    [
                        Paragraph(_xml(_cell(v, k in t.andelar, k in t.antal)), stil["liten"])
                        for k, v in zip(t.df.columns, r, strict=True)
                    ]
                )
            forsta = bredd * 0.42
            ovriga = (bredd - forsta) / max(1, len(t.df.columns) - 1)
            tab = Table(rader, colWidths=[forsta] + [ovriga] * (len(t.df.columns) - 1), repeatRows=1)
            tab.setStyle(
                TableStyle(
                    [
                        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#1f5f8b")),
                        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f6f8")]),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ]
                )
            )
            innehall.append(KeepTogether([Paragraph(_xml(t.rubrik), stil["h2"]), tab]))
    dok.build(innehall, onFirstPage=sidfot, onLaterPages=sidfot)
    return buf.getvalue()


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Excel ------------------------------------------------------------------------------------


def xlsx(p: Paket) -> bytes:
    """The pack as a workbook: "Om rapporten", then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    om = wb.active
    om.title = "Om rapporten"
    for rad in [
        ["Vägen – uppföljning av Vägen till hållbar egen försörjning"],
        [f"Mätomgång {p.omgang.omgang_id} ({p.omgang.benamning or ''}), mätdag {text.datum(p.omgang.datum)}"],
        [f"Skapad {p.skapad:%Y-%m-%d %H:%M}, dataversion {p.dataversion[:8]}"],
        [SKYDD_PA if p.skyddad else SKYDD_AV],
        [text.skyddsforklaring()],
        [
            "Antal är personer; andelar är av alla personer i gruppen (okänt och uppgift saknas inräknade), "
            "formaterade som procent. Varje blad är en tabell ur en sida i Vägen."
        ],  # fmt: skip
        [],
        ["Blad", "Avsnitt", "Tabell"],
    ]:
        om.append(rad)
    om["A1"].font = Font(bold=True, size=14)
    if not p.skyddad:
        om["A4"].font = Font(bold=True, color="A00000")
    namn_anvanda: set[str] = {"Om rapporten"}
    for sek in p.sektioner:
        for i, t in enumerate(sek.tabeller, start=1):
            namn = _bladnamn(f"{sek.rubrik.split(':')[0]} {i}", namn_anvanda)
            om.append([namn, sek.rubrik, t.rubrik])
            ws = wb.create_sheet(namn)
            ws.append([t.rubrik])
            ws["A1"].font = Font(bold=True)
            ws.append([SKYDD_PA if p.skyddad else SKYDD_AV])
            ws.append(list(t.df.columns))
            for c in ws[3]:
                c.font = Font(bold=True)
            for r in t.df.itertuples(index=False):
                ws.append(
                    [_xlsx_varde(v, k in t.andelar or k in t.antal) for k, v in zip(t.df.columns, r, strict=True)]
                )
                for k, c in zip(t.df.columns, ws[ws.max_row], strict=True):
                    if k in t.andelar and isinstance(c.value, float):
                        c.number_format = "0%" if k != "Förändring" else "+0%;-0%;0%"
            ws.column_dimensions["A"].width = 48
    ut = io.BytesIO()
    wb.save(ut)
    return ut.getvalue()


def _xlsx_varde(v, rakneligt: bool):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return text.dolt() if rakneligt else None
    if isinstance(v, float) and v.is_integer() and rakneligt:
        return int(v)
    return v


def _bladnamn(forslag: str, anvanda: set[str]) -> str:
    bas = "".join(c for c in forslag if c not in "[]:*?/\\")[:28].strip()
    namn, i = bas, 2
    while namn in anvanda:
        namn, i = f"{bas[:25]} {i}", i + 1
    anvanda.add(namn)
    return namn

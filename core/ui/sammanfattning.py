"""The blocks of the Sammanfattning page (issue 17): the indicators that matter, their trend
across rounds for kvinnor and män, the sentences, and the review pack as PDF and Excel.

Disclosure control is always on for the screen (the summary is what politicians read and
pass on); the pack is protected for everyone unless processledning or admin tick
"utan röjandeskydd", and then every page of it says so. Every pack download is audited.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core import audit, charts, config, db, text
from core.matt import sammanfattning as sammanfattning_matt
from core.omfang import Omfang
from core.ui.grafik import diagram
from core.ui.inloggning import anvandarnamn
from core.ui.motor import TTL_DATA, _engine, dataversion
from core.ui.tabeller import UTAN_SKYDD_ETIKETT

SAMMANFATTNING_SKYDD_AV = "sammanfattning_utan_skydd"


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=50)
def _sammanfattning(url: str, omfang: Omfang, version: str):
    return sammanfattning_matt.sammanfattning(_engine(url), omfang, export=True)


def las_sammanfattning(omfang: Omfang):
    """The summary for the role, always protected (``export=True`` with protection on)."""
    return _sammanfattning(config.databas_url(), omfang.med_skydd(True), dataversion())


def _visat_varde(v, typ: str) -> str:
    if v is None or pd.isna(v):
        return text.dolt()
    if typ == "andel":
        return text.procent(v)
    if typ == "manader":
        return f"{text.tal(v, 0 if float(v).is_integer() else 1)} mån"
    return text.tal(v)


def forandring(nu, fore, typ: str) -> tuple[str | None, str]:
    """The change since the previous round as the metric's delta and its arrow; no delta and
    no arrow when either value is hidden or the change rounds to nothing."""
    if nu is None or fore is None or pd.isna(nu) or pd.isna(fore):
        return None, "off"
    if typ == "andel":
        skillnad, decimaler, enhet = round((nu - fore) * 100), 0, " procentenheter"
    else:
        skillnad, decimaler = nu - fore, 0 if typ == "antal" else 1
        enhet = " mån" if typ == "manader" else ""
    if round(skillnad, decimaler) == 0:
        return None, "off"
    tecken = "+" if skillnad > 0 else "−"
    return f"{tecken}{text.tal(abs(skillnad), decimaler)}{enhet}", "up" if skillnad > 0 else "down"


def indikatorer(s) -> None:
    """Each indicator: the latest value with the change since the previous round, kvinnor and
    män beside it, and its trend across rounds."""
    serie = s.serie
    ordning = list(dict.fromkeys(serie.sort_values("datum")["omgang_id"]))
    nu = ordning[-1]
    fore = ordning[-2] if len(ordning) > 1 else None
    indikatorer = list(dict.fromkeys(serie["indikator"]))
    if len(ordning) > 1:
        st.caption(
            f"Linjerna visar mätomgångarna {ordning[0]}–{nu}: kvinnor orange, män blå, alla grå streckad. "
            "En punkt saknas där värdet är dolt."
        )
    for start in range(0, len(indikatorer), 3):
        kolumner = st.columns(3)
        for kol, ind in zip(kolumner, indikatorer[start : start + 3], strict=False):
            d = serie[serie["indikator"] == ind]
            etikett, typ = d["etikett"].iloc[0], d["typ"].iloc[0]

            def varde(omgang, grupp="alla", d=d):
                r = d[(d["omgang_id"] == omgang) & (d["grupp"] == grupp)]
                return None if r.empty or bool(r["skyddad"].iloc[0]) else r["varde"].iloc[0]

            with kol, st.container(border=True):
                # Up or down, not "good" or "bad": the colour stays neutral.
                delta, pil = forandring(varde(nu), varde(fore), typ) if fore else (None, "off")
                st.metric(
                    etikett,
                    _visat_varde(varde(nu), typ),
                    delta=delta,
                    delta_color="off",
                    delta_arrow=pil,
                    help="Pilen och talet under värdet: förändringen sedan förra mätomgången." if delta else None,
                )
                st.caption(
                    f"Kvinnor {_visat_varde(varde(nu, 'kvinnor'), typ)} · Män {_visat_varde(varde(nu, 'män'), typ)}"
                )
                if len(ordning) > 1:
                    diagram(charts.trend(d, etikett, typ, bredd=260, hojd=110, liten=True))


def _paketfil(omfang: Omfang, omgang_id: str, format_: str, anvandare: str | None):
    """A callable for the download button: builds the pack when clicked (outside the script),
    and writes the download to the audit log."""
    url = config.databas_url()

    def skapa() -> bytes:
        from core import rapportpaket

        eng = db.get_engine(url)
        p = rapportpaket.paket(eng, omfang, omgang_id)
        data = rapportpaket.pdf(p) if format_ == "pdf" else rapportpaket.xlsx(p)
        audit.logga(
            eng,
            anvandare,
            "export",
            detalj={
                "format": format_,
                "fil": paketnamn(omgang_id, format_),
                "rapport": "rapportpaket",
                "rojandeskydd": omfang.skyddad_export,
            },
        )
        return data

    return skapa


def paketnamn(omgang_id: str, format_: str) -> str:
    return f"vagen-uppfoljning-{omgang_id}-{dt.date.today():%Y%m%d}.{format_}"


def rapportpaket_block(omfang: Omfang, omgang_id: str) -> None:
    """The review pack's two downloads, protected unless processledning/admin choose otherwise."""
    utan_skydd = False
    if not omfang.skyddad_skarm:
        utan_skydd = st.checkbox(
            UTAN_SKYDD_ETIKETT,
            key=SAMMANFATTNING_SKYDD_AV,
            help="Rapporten visar då även små tal. Den får inte spridas, och uttaget loggas.",
        )
    pack_omfang = omfang.med_skydd(not utan_skydd)
    anv = anvandarnamn()
    k1, k2 = st.columns(2)
    with k1:
        st.download_button(
            "Ladda ner rapporten (PDF)",
            data=_paketfil(pack_omfang, omgang_id, "pdf", anv),
            file_name=paketnamn(omgang_id, "pdf"),
            mime="application/pdf",
            key="sammanfattning_pdf",
            on_click="ignore",
            width="stretch",
        )
    with k2:
        st.download_button(
            "Ladda ner tabellerna (Excel)",
            data=_paketfil(pack_omfang, omgang_id, "xlsx", anv),
            file_name=paketnamn(omgang_id, "xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="sammanfattning_xlsx",
            on_click="ignore",
            width="stretch",
        )
    if utan_skydd:
        st.warning("Rapporten är inte röjandeskyddad: varje sida säger det, och den får inte spridas.")
    else:
        st.caption(
            "Rapporten innehåller Sammanfattning, Översikt och Målgrupp för mätomgången, med samma "
            "röjandeskydd som här. Den tas fram när du trycker (några sekunder) och uttaget loggas."
        )

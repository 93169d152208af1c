"""The blocks of the Min enhet page: the unit's key figures against the process, now and over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import charts, config, text
from core.matt import min_enhet as min_enhet_matt
from core.omfang import Omfang
from core.ui.motor import TTL_DATA, _engine, dataversion, enheter_i_ordning, kort_enhetsnamn
from core.ui.tabeller import (
    SKYDD_AV,
    SKYDD_PA,
    _andel_eller_tom,
    _antal_eller_farre,
    nedladdning_med_skydd,
    skyddsnot,
    tabell,
)

MIN_ENHET_NYCKEL = "min_enhet_enhet"


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=200)
def _min_enhet(url: str, omfang: Omfang, omgang_id: str, enhet, export: bool, version: str):
    return min_enhet_matt.min_enhet(_engine(url), omfang, omgang_id, enhet, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=100)
def _over_tid(url: str, omfang: Omfang, enhet, version: str):
    return min_enhet_matt.over_tid(_engine(url), omfang, enhet)


def las_min_enhet(omfang: Omfang, omgang_id: str, enhet: str | None, *, export: bool = False):
    """The unit's key figures for the round (:func:`core.matt.min_enhet.min_enhet`), cached."""
    return _min_enhet(config.databas_url(), omfang, omgang_id, enhet, export, dataversion())


def min_enhet_val(omfang: Omfang) -> str:
    """A medarbetare's own unit; processledning and admin choose one (process units first)."""
    alla = enheter_i_ordning()
    if omfang.roll == "medarbetare":
        return omfang.enhet
    koder_ = list(alla)
    return st.columns([2, 3])[0].selectbox(
        "Enhet", koder_, format_func=lambda k: kort_enhetsnamn(alla.get(k, k)), key=MIN_ENHET_NYCKEL
    )


def _andel(a, s) -> str:
    return "" if s or a is None or pd.isna(a) else charts.andeltext(float(a))


def min_enhet_tabell(m) -> pd.DataFrame:
    """The key figures for reading: per measure, count and share in the unit and the process
    (the unit is named in the heading above, so the columns stay narrow)."""
    t = m.tabell
    return pd.DataFrame(
        {
            "Nyckeltal": t["etikett"],
            "Enheten, antal": [
                text.tal(None if pd.isna(n) else int(n), skyddad=bool(s))
                for n, s in zip(t["enhet_n"], t["enhet_skyddad"], strict=True)
            ],
            "Enheten, andel": [_andel(a, s) for a, s in zip(t["enhet_andel"], t["enhet_skyddad"], strict=True)],
            "Hela processen, antal": [
                text.tal(None if pd.isna(n) else int(n), skyddad=bool(s))
                for n, s in zip(t["alla_n"], t["alla_skyddad"], strict=True)
            ],
            "Hela processen, andel": [_andel(a, s) for a, s in zip(t["alla_andel"], t["alla_skyddad"], strict=True)],
        }
    )


def min_enhet_fil(m, enhetsnamn: str) -> pd.DataFrame:
    """The key figures as a download (long: one row per measure and group)."""
    rader = []
    for r in m.tabell.itertuples():
        for grupp, pre in ((enhetsnamn, "enhet"), ("Hela processen", "alla")):
            s = bool(getattr(r, f"{pre}_skyddad"))
            rader.append(
                {
                    "Mätomgång": m.omgang.omgang_id,
                    "Röjandeskydd": SKYDD_PA if m.skyddad else SKYDD_AV,
                    "Grupp": grupp,
                    "Nyckeltal": r.etikett,
                    "Antal": _antal_eller_farre(getattr(r, f"{pre}_n"), s),
                    "Andel": _andel_eller_tom(getattr(r, f"{pre}_andel"), s),
                }
            )
    return pd.DataFrame(rader)


def min_enhet_block(omfang: Omfang, omgang_id: str, enhet: str) -> None:
    """The round's key figures, the persons without a plan, links to the lists, the download."""
    m = las_min_enhet(omfang, omgang_id, enhet)
    namn = kort_enhetsnamn(enheter_i_ordning().get(enhet, enhet))
    st.subheader(f"Hur ser det ut i {namn} jämfört med hela processen?")
    st.caption(f"Mätomgång {m.omgang.omgang_id} ({text.datum(m.omgang.datum)}). Andelar av alla personer i gruppen.")
    if m.vagrad:
        st.warning(f"{namn}: {m.vagrad}")
        return
    t = m.tabell.set_index("matt")
    a, b, c = st.columns(3)
    a.metric("Personer i enheten", text.tal(_n(t, "personer"), skyddad=bool(t.loc["personer", "enhet_skyddad"])))
    b.metric("Saknar handlingsplan", text.tal(_n(t, "utan_plan"), skyddad=bool(t.loc["utan_plan", "enhet_skyddad"])))
    c.metric(
        "Prioriterade (hög/hög)",
        text.tal(_n(t, "prioriterade"), skyddad=bool(t.loc["prioriterade", "enhet_skyddad"])),
    )
    if omfang.roll == "medarbetare":
        st.caption(
            "Din enhets personer räknas exakt. Hela processen är din enhet plus resten av processen, "
            "som visas med röjandeskydd."
        )
    tabell(min_enhet_tabell(m), bred=True)
    skyddsnot(m.skyddad or bool(m.tabell[["enhet_skyddad", "alla_skyddad"]].to_numpy().any()))
    nedladdning_med_skydd(
        omfang,
        f"min-enhet-{enhet}-{omgang_id}.csv",
        nyckel="min_enhet_csv",
        skyddad=lambda: min_enhet_fil(las_min_enhet(omfang, omgang_id, enhet, export=True), namn),
        oskyddad=lambda eng: min_enhet_fil(
            min_enhet_matt.min_enhet(eng, omfang.med_skydd(False), omgang_id, enhet, export=True), namn
        ),
    )
    if omfang.ser_personer:
        st.markdown("**Listor för nästa mätning**")
        st.page_link("pages/prioritering.py", label="Till listorna på Prioritering →")
        st.caption(
            "Där finns personerna i den prioriterade cellen (hög förändringspotential, hög nivå på biståndet) "
            "och uppföljningslistorna per handläggare: utan handlingsplan, okänd förändringspotential och "
            "hinder som ännu inte är klarlagda."
        )


def _n(t: pd.DataFrame, matt: str):
    v = t.loc[matt, "enhet_n"]
    return None if pd.isna(v) else int(v)


def min_enhet_over_tid_block(omfang: Omfang, enhet: str) -> None:
    """Every round: persons and the share with a plan, the unit against the process."""
    df = _over_tid(config.databas_url(), omfang, enhet, dataversion())
    if df.empty:
        return
    namn = kort_enhetsnamn(enheter_i_ordning().get(enhet, enhet))
    st.subheader(f"Hur har det utvecklats i {namn}?")
    rader = []
    for oid, d in df.groupby("omgang_id", sort=False):
        d = d.set_index("matt")
        rad = {"Mätomgång": oid}
        for pre, g in (("enhet", "Enheten"), ("alla", "Hela processen")):
            rad[f"{g}: personer"] = text.tal(
                None if pd.isna(d.loc["personer", f"{pre}_n"]) else int(d.loc["personer", f"{pre}_n"]),
                skyddad=bool(d.loc["personer", f"{pre}_skyddad"]),
            )
            rad[f"{g}: med handlingsplan"] = _andel(
                d.loc["handlingsplan", f"{pre}_andel"], bool(d.loc["handlingsplan", f"{pre}_skyddad"])
            )
        rader.append(rad)
    tabell(pd.DataFrame(rader), bred=True)

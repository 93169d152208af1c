"""The blocks of the Granskningslogg page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import select

from core import audit
from core.omfang import Omfang
from core.ui.motor import engine

GRANSKNING_KOLUMNER = {
    "tid": "Tid (UTC)",
    "anvandare": "Användare",
    "handelse_text": "Händelse",
    "lyckad": "Lyckad",
    "detalj": "Detaljer",
}


def las_granskning(omfang: Omfang, **filter) -> pd.DataFrame:
    """The audit log for the audit page, fresh on every run (never cached: it is the record
    of what just happened), with Swedish headers."""
    df = audit.lista(engine(), omfang, **filter)
    ut = df[list(GRANSKNING_KOLUMNER)].rename(columns=GRANSKNING_KOLUMNER)
    ut["Användare"] = ut["Användare"].fillna("(okänt användarnamn)")
    ut["Lyckad"] = ut["Lyckad"].map({True: "Ja", False: "Nej"})
    ut["Tid (UTC)"] = [t.strftime("%Y-%m-%d %H:%M:%S") for t in ut["Tid (UTC)"]]
    ut["Detaljer"] = ut["Detaljer"].fillna("")
    return ut


def granskningsfilter() -> dict:
    """The audit page's filter widgets; returns the keyword arguments of ``audit.lista``."""
    kol1, kol2, kol3 = st.columns(3)
    vem = kol1.selectbox("Användare", ["(alla)", *anvandarnamn_i_loggen()], key="granskning_anvandare")
    vad = kol2.multiselect(
        "Händelse",
        list(audit.HANDELSER),
        format_func=audit.HANDELSER.get,
        key="granskning_handelse",
        placeholder="Alla",
    )
    idag = dt.date.today()
    period = kol3.date_input(
        "Period", (idag - dt.timedelta(days=30), idag), key="granskning_period", format="YYYY-MM-DD"
    )
    bara_fel = st.checkbox("Bara misslyckade", key="granskning_fel")
    fran, till = period if isinstance(period, tuple) and len(period) == 2 else (None, None)
    return {
        "anvandare": None if vem == "(alla)" else vem,
        "handelser": tuple(vad),
        "fran": fran,
        "till": till,
        "bara_misslyckade": bara_fel,
    }


def anvandarnamn_i_loggen() -> list[str]:
    """User names to filter the audit log by (every user of the database)."""
    with engine().connect() as conn:
        from core.models import Anvandare

        return list(conn.execute(select(Anvandare.anvandarnamn).order_by(Anvandare.anvandarnamn)).scalars())

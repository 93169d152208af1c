"""The blocks of the Granskningslogg page."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st
from sqlalchemy import select

from core import audit, koder, text
from core.omfang import Omfang
from core.ui.motor import engine
from core.ui.widgetar import flerval

GRANSKNING_KOLUMNER = {
    "tid": "Tid",
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
    ut["Tid"] = [text.tid(t, sekunder=True) for t in ut["Tid"]]
    ut["Detaljer"] = [detaljtext(d) for d in ut["Detaljer"]]
    return ut


# What the keys of an event's details mean, in Swedish (core.audit.logga's ``detalj``).
DETALJNAMN = {
    "fil": "fil",
    "filer": "filer",
    "format": "format",
    "filtyp": "filtyp",
    "rojandeskydd": "röjandeskydd",
    "orsak": "orsak",
    "last_minuter": "låst i minuter",
    "atgard": "åtgärd",
    "anvandare": "användare",
    "roll": "roll",
    "enhet": "enhet",
    "namn": "namn",
    "aktiv": "aktiv",
    "antal": "rader",
    "fel": "fel",
    "varningar": "varningar",
    "rapport": "rapport",
    "omgang": "mätomgång",
    "skydd": "röjandeskydd",
    "matningar": "mätningar",
    "flervalssvar": "flervalssvar",
    "harledda_rader": "härledda rader",
    "sakerhetskopia": "säkerhetskopia",
    "aterstalld_fran": "återställd från",
    "omgangar": "mätomgångar",
    "personer": "personer",
    "sida": "sida",
    "urval": "urval",
    "okant_anvandarnamn": "okänt användarnamn",
}

DETALJVARDEN = {
    "inaktiv": "inaktiv i 60 minuter",
    "last": "kontot låst",
    "fel_losenord": "fel lösenord",
    "upptagen": "databasen var upptagen",
    "ogiltig": "ogiltig fil",
    "skapad": "skapad",
    "andrad": "ändrad",
    "nytt_losenord": "nytt lösenord",
    "upplast": "upplåst",
    "utbytesformat": "utbytesformat",
    "csv": "CSV",
    "xlsx": "Excel",
    **koder.ROLLER,
}

_ANTALSNAMN = {"insatta": "nya", "uppdaterade": "ändrade", "oforandrade": "oförändrade"}


def _detaljvarde(nyckel: str, v) -> str:
    if isinstance(v, bool):
        return "ja" if v else "nej"
    if v is None:
        return "–"
    if isinstance(v, int | float):
        return text.tal(v, 0 if float(v).is_integer() else 1)
    if isinstance(v, list | tuple):
        return ", ".join(_detaljvarde(nyckel, x) for x in v) or "–"
    if isinstance(v, dict):
        if nyckel == "antal":  # an import's rows per entity: "Mätningar 286 nya, 0 ändrade"
            delar = []
            for entitet, antal in v.items():
                namn = ENTITETSNAMN_LITEN.get(entitet, entitet)
                if isinstance(antal, dict):
                    tal_ = ", ".join(f"{text.tal(n)} {_ANTALSNAMN.get(k, k)}" for k, n in antal.items())
                    delar.append(f"{namn} {tal_}")
                else:
                    delar.append(f"{namn} {_detaljvarde(entitet, antal)}")
            return "; ".join(delar) or "–"
        return "; ".join(f"{DETALJNAMN.get(k, k)} {_detaljvarde(k, x)}" for k, x in v.items())
    return DETALJVARDEN.get(str(v), str(v))


ENTITETSNAMN_LITEN = {
    "enhet": "enheter",
    "person": "personer",
    "matomgang": "mätomgångar",
    "matning": "mätningar",
    "insats": "insatser",
    "avslut": "avslut",
    "utbetalning": "utbetalningar",
}


def detaljtext(detalj) -> str:
    """An event's details (JSON in the log) as a line of Swedish: ``fil: a.csv · röjandeskydd: ja``.

    Unknown keys are shown by name, so nothing the log holds is hidden; text that is not
    JSON is shown as it is.
    """
    if detalj is None or (isinstance(detalj, float) and pd.isna(detalj)) or detalj == "":
        return ""
    if isinstance(detalj, str):
        try:
            detalj = json.loads(detalj)
        except ValueError:
            return detalj
    if not isinstance(detalj, dict):
        return _detaljvarde("", detalj)
    return " · ".join(f"{DETALJNAMN.get(k, k)}: {_detaljvarde(k, v)}" for k, v in detalj.items())


# Days back from today (None: the whole log).
PERIODER = {1: "I dag", 7: "Senaste 7 dagarna", 30: "Senaste 30 dagarna", 365: "Senaste året", None: "Hela loggen"}


def period_datum(dagar: int | None, idag: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a period of ``dagar`` days ending today (Swedish local
    date); ``(None, None)`` for the whole log."""
    if dagar is None:
        return None, None
    idag = idag or dt.datetime.now(text.TIDSZON).date()
    return idag - dt.timedelta(days=dagar - 1), idag


def granskningsfilter() -> dict:
    """The audit page's filter widgets; returns the keyword arguments of ``audit.lista``."""
    kol1, kol2, kol3 = st.columns(3)
    vem = kol1.selectbox("Användare", ["(alla)", *anvandarnamn_i_loggen()], key="granskning_anvandare")
    vad = flerval("Händelse", audit.HANDELSER, key="granskning_handelse", behallare=kol2)
    # Periods to choose from, not a calendar: Streamlit's date picker names its months and
    # weekdays in English.
    period = kol3.selectbox("Period", list(PERIODER), index=2, format_func=PERIODER.get, key="granskning_period")
    bara_fel = st.checkbox("Bara misslyckade", key="granskning_fel")
    fran, till = period_datum(period)
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

"""Granskningslogg: who logged in, imported, exported or viewed person lists, and when."""

import datetime as dt

import streamlit as st

from core import audit, ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "granskning")

st.title("Granskningslogg")
st.write(
    "Inloggningar (lyckade och misslyckade), importer, exporter, rapporter, användarändringar och visningar "
    "av personlistor. Loggen innehåller aldrig uppgifter om personerna i processen."
)

kol1, kol2, kol3 = st.columns(3)
vem = kol1.selectbox("Användare", ["(alla)", *ui.anvandarnamn_i_loggen()], key="granskning_anvandare")
vad = kol2.multiselect(
    "Händelse", list(audit.HANDELSER), format_func=audit.HANDELSER.get, key="granskning_handelse", placeholder="Alla"
)
idag = dt.date.today()
period = kol3.date_input("Period", (idag - dt.timedelta(days=30), idag), key="granskning_period", format="YYYY-MM-DD")
bara_fel = st.checkbox("Bara misslyckade", key="granskning_fel")

fran, till = period if isinstance(period, tuple) and len(period) == 2 else (None, None)
logg = ui.las_granskning(
    omfang,
    anvandare=None if vem == "(alla)" else vem,
    handelser=tuple(vad),
    fran=fran,
    till=till,
    bara_misslyckade=bara_fel,
)
st.caption(f"{len(logg)} händelser (högst 2 000, de senaste först).")
ui.tabell_med_nedladdning(logg, "granskningslogg.csv", nyckel="granskning_csv", breda=("Detaljer",))

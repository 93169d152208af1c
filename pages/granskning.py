"""Granskningslogg: who logged in, imported, exported or viewed person lists, and when."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "granskning")

st.title("Granskningslogg")
st.write(
    "Inloggningar (lyckade och misslyckade), importer, exporter, rapporter, användarändringar och visningar "
    "av personlistor. Loggen innehåller aldrig uppgifter om personerna i processen."
)

urval = ui.granskningsfilter()
logg = ui.las_granskning(omfang, **urval)
st.caption(f"{len(logg)} händelser (högst 2 000, de senaste först).")
ui.tabell_med_nedladdning(logg, "granskningslogg.csv", nyckel="granskning_csv", breda=("Detaljer",))

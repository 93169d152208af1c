"""Trender: each indicator across rounds, the same persons followed between two rounds,
long-term receipt and cost from the monthly payments, and one unit against the whole process."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "trender")

st.title("Trender")

omgangar = sorted(ui.las_omgangar(omfang)["omgang_id"])
if not omgangar:
    ui.inga_omgangar(omfang)

ui.trendrubrik(omfang)

# Only the open tab runs, so the page computes what it shows.
indikatorer, samma, langvarighet, enheten = st.tabs(ui.TRENDER_VYER, key="trender_vy", on_change="rerun")
if indikatorer.open:
    with indikatorer:
        ui.indikatorer_block(omfang)
if samma.open:
    with samma:
        ui.overgangar_block(omfang, omgangar, ui.vald_omgang())
if langvarighet.open:
    with langvarighet:
        ui.langvarighet_block(omfang)
if enheten.open:
    with enheten:
        ui.enhet_block(omfang)

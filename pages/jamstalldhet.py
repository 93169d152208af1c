"""Jämställdhet: women and men side by side for the chosen round and the sidebar's filter —
the largest gaps in words, every indicator with its test, interventions within the same
barrier group."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "jamstalldhet")
omgang_id = ui.vald_omgang()
urval = ui.valt_urval()

st.title("Jämställdhet")

if omgang_id is None:
    ui.inga_omgangar(omfang)

res = ui.las_jamstalldhet(omfang, omgang_id, urval)
if not ui.jamstalldhet_rubrik(res, urval):
    st.stop()
ui.jamstalldhet_storsta_skillnaderna(res)

# Only the open tab runs.
kon, indikatorer, insatser = st.tabs(ui.JAMSTALLDHET_VYER, key="jamstalldhet_vy", on_change="rerun")
if kon.open:
    with kon:
        ui.jamstalldhet_per_kon(omfang, res)
if indikatorer.open:
    with indikatorer:
        ui.jamstalldhet_indikatorer(omfang, res)
if insatser.open:
    with insatser:
        ui.jamstalldhet_insatser(omfang, res)

"""Målgrupp: who the persons of a round are, one unit against the rest, and the analysis
seminar's free cross-tab; all filtered by the sidebar's Urval."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "malgrupp")
omgang_id = ui.vald_omgang()
urval = ui.valt_urval()

st.title("Målgrupp")

if omgang_id is None:
    ui.inga_omgangar(omfang)

if not ui.urvalets_storlek(ui.las_profil(omfang, omgang_id, urval)):
    st.stop()

# Only the open tab runs, so the page computes what it shows.
fordelning, enhet_mot_resten, seminarium = st.tabs(ui.MALGRUPP_VYER, key="malgrupp_vy", on_change="rerun")
if fordelning.open:
    with fordelning:
        variabel = ui.variabelval("malgrupp_fordelning")
        ui.fordelning_block(omfang, omgang_id, urval, variabel)
        st.caption(ui.OKAND_OCH_SAKNAS)
if enhet_mot_resten.open:
    with enhet_mot_resten:
        ui.enhet_mot_resten_block(omfang, omgang_id, urval)
if seminarium.open:
    with seminarium:
        ui.analysseminariet(omfang, omgang_id, urval)

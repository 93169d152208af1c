"""Insatsflöden: who refers whom, to what, how long they wait, and how it ends (issue 14)."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "floden")
omgang_id = ui.vald_omgang()

st.title("Insatsflöden")

if omgang_id is None:
    ui.inga_omgangar(omfang)

period = ui.floden_periodval(omfang, omgang_id)
urval = ui.floden_urvalsval()
f = ui.las_floden(omfang, period, urval)
ui.floden_sammanfattning(f)
ui.skyddsnot(f.skyddad)

flodet, remisser, typer, overlamningar, vantetid, avslut = st.tabs(ui.FLODEN_VYER, key="floden_vy", on_change="rerun")
if flodet.open:
    with flodet:
        ui.flodet_block(omfang, f, period, urval)
if remisser.open:
    with remisser:
        ui.remisser_block(omfang, f, period, urval)
if typer.open:
    with typer:
        ui.insatstyper_block(omfang, f, period, urval)
if overlamningar.open:
    with overlamningar:
        ui.overlamningar_block(omfang, f, period, urval)
if vantetid.open:
    with vantetid:
        ui.vantetid_block(omfang, f, period, urval)
if avslut.open:
    with avslut:
        ui.avslut_block(omfang, f, period, urval)

with st.expander("Definitioner"):
    st.markdown(ui.FLODEN_DEFINITIONER)

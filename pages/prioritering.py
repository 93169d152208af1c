"""Prioritering: change potential × benefit level (seed 000), the persons of a cell for staff,
and the follow-up lists for the next round."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "prioritering")
omgang_id = ui.vald_omgang()

st.title("Prioritering")

if omgang_id is None:
    ui.inga_omgangar(omfang)

enhet = ui.prioritering_enhetsval(omfang)
granser = ui.prioritering_gransval(omfang)

# Only the open tab runs, so a person list is read (and logged) only when it is looked at.
matris, cell, uppfoljning, forflyttning = st.tabs(ui.PRIORITERING_VYER, key="prioritering_vy", on_change="rerun")
if matris.open:
    with matris:
        ui.prioritering_matris_block(omfang, omgang_id, enhet, granser)
if cell.open:
    with cell:
        ui.prioritering_cell_block(omfang, omgang_id, enhet, granser)
if uppfoljning.open:
    with uppfoljning:
        ui.prioritering_uppfoljning_block(omfang, omgang_id, enhet)
if forflyttning.open:
    with forflyttning:
        ui.prioritering_forflyttning_block(omfang, omgang_id, enhet)

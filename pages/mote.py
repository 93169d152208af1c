"""Möte: the round's results one variable at a time in large type, and a question from the room."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "mote")
omgang_id = ui.vald_omgang()
urval = ui.valt_urval()

st.title("Möte")
if omgang_id is None:
    ui.inga_omgangar(omfang)

ui.motesvy(omfang, omgang_id, urval)

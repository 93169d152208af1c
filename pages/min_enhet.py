"""Min enhet: the unit's key figures against the whole process, now and over time, and the way
to its lists (a medarbetare's first page)."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "min_enhet")
omgang_id = ui.vald_omgang()

st.title("Min enhet")

if omgang_id is None:
    ui.inga_omgangar(omfang)

enhet = ui.min_enhet_val(omfang)
ui.min_enhet_block(omfang, omgang_id, enhet)
ui.min_enhet_over_tid_block(omfang, enhet)
